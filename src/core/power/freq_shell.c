/*
 * Shell `freq` (docs/shell.md): per pCPU its pool's policy, the load of its last sample,
 * the highest request of the VMs there, the level it runs at, the time at each level and
 * the model energy; then each vCPU's request.
 */
#include <cpu.h>
#include <freq.h>
#include <printk.h>
#include <vm.h>

static const char *gov_name(enum freq_gov g)
{
	static const char *const names[] = { "performance", "powersave", "ondemand" };

	return (u32)g < 3 ? names[g] : "?";
}

static void show_levels(void)
{
	printk("freq: levels (MHz)");
	for (u32 i = 0; i < FREQ_NR_LEVELS; i++)
		printk(" %u", freq_opps[i].khz / 1000);
	printk("\n");
}

static void show_load(u32 load)
{
	if (load == ~0u)
		printk(" load=-");
	else
		printk(" load=%u.%u%%", load / 10, load % 10);
}

static void show_cpu(u32 p)
{
	const struct pool *pl = cpus[p].sched.pool;
	const struct freq_params *fp = freq_params_of(p);
	struct freq_view v;

	freq_view(p, &v);
	printk("cpu%u pool=%s policy=%s", p, pl ? pl->name : "-",
	       pl && pl->policy == POOL_BIND ? "rt" : gov_name(fp->gov));
	show_load(v.load);
	if (v.req == FREQ_NO_REQUEST)
		printk(" req=-");
	else
		printk(" req=%uMHz", freq_opps[v.req].khz / 1000);
	printk(" level=%uMHz ms=", freq_opps[v.level].khz / 1000);
	for (u32 i = 0; i < FREQ_NR_LEVELS; i++)
		printk("%s%lu", i ? "/" : "", v.ms_in[i]);
	printk(" mJ=%lu\n", v.energy_uj / 1000);
}

static void show_requests(void)
{
	printk("requests:");
	for (u32 i = 0; i < nr_vms; i++)
		for (u32 k = 0; k < vms[i].nr_vcpus; k++) {
			u32 r = freq_request_of(&vms[i].vcpus[k]);

			if (r != FREQ_NO_REQUEST)
				printk(" %s/%u=%uMHz", vms[i].cfg->name, k, freq_opps[r].khz / 1000);
		}
	printk("\n");
}

void freq_show(void)
{
	show_levels();
	for (u32 p = 0; p < nr_cpus; p++)
		show_cpu(p);
	show_requests();
}
