/*
 * Boot CPU: discover the platform, turn on the EL2 MMU and the GIC, check the
 * scenario, create the VMs, bring up the other CPUs and start the VMs.
 * A refused scenario or a malformed DTB leaves the hypervisor idle with a
 * message on the console; it never starts a partially valid scenario. A VM of
 * an accepted scenario that still cannot be created (its RAM is fragmented
 * away, say) is reported and left stopped; the other VMs start.
 */
#include <asm/barrier.h>
#include <config.h>
#include <console.h>
#include <cpu.h>
#include <debug.h>
#include <fdt.h>
#include <freq.h>
#include <housekeep.h>
#include <irq.h>
#include <lib.h>
#include <mm.h>
#include <serial.h>
#include <failover.h>
#include <printk.h>
#include <sched.h>
#include <vdev.h>
#include <version.h>
#include <vm.h>

struct platform_info plat;
#define FW_DTB_MAX (4u << 20) /* largest firmware DTB accepted */

static struct scenario scn;
extern u8 _scenario_start[], _scenario_end[];

void hyp_main(u64 dtb);

static void halt(const char *why) __attribute__((noreturn));
static void halt(const char *why)
{
	printk("rtvisor: %s; no VM started\n", why);
	for (;;)
		cpu_wait_irq();
}

static void discover(u64 dtb)
{
	char err[128];

	if (platform_discover((const void *)(uintptr_t)dtb, FW_DTB_MAX, &plat, err, sizeof(err))) {
		printk("rtvisor: firmware devicetree at 0x%lx refused: %s\n", dtb, err);
		halt("cannot continue without a platform description");
	}
	nr_cpus = plat.nr_cpus;
	for (u32 i = 0; i < nr_cpus; i++) {
		cpus[i].id = i;
		cpus[i].mpidr = plat.cpu_mpidr[i];
	}
	serial_init(plat.uart_base);
	printk("rtvisor: platform: %u CPUs, RAM 0x%lx+0x%lx, GICD 0x%lx GICR 0x%lx, UART 0x%lx\n",
	       nr_cpus, plat.ram_base, plat.ram_size, plat.gicd_base, plat.gicr_base, plat.uart_base);
}

static void fill_limits(struct cfg_limits *lim)
{
	*lim = (struct cfg_limits){
		.opp_khz = freq_khz, .nr_opps = FREQ_NR_LEVELS,
		.ram_base = plat.ram_base, .ram_size = plat.ram_size,
		.hv_base = mm_hv_base(), .hv_size = mm_hv_size(),
		.nr_pcpus = nr_cpus,
		.uart_base = plat.uart_base, .uart_size = plat.uart_size ? plat.uart_size : 0x1000,
		.uart_intid = plat.uart_intid,
		.gic_base = plat.gicd_base,
		.gic_size = plat.gicr_base + plat.gicr_size - plat.gicd_base,
		.pci = plat.pci.present ? &plat.pci : NULL,
	};
}

static void load_scenario(void)
{
	struct cfg_error err = { { 0 } };
	struct cfg_limits lim;
	size_t size = (size_t)(_scenario_end - _scenario_start);

	if (config_parse(_scenario_start, size, &scn, &err)) {
		printk("rtvisor: scenario refused: %s\n", err.msg);
		halt("invalid scenario");
	}
	fill_limits(&lim);
	if (config_check(&scn, &lim, &err)) {
		printk("rtvisor: scenario refused: %s\n", err.msg);
		halt("invalid scenario");
	}
	printk("rtvisor: scenario: %u VMs\n", scn.nr_vms);
}

/* The check accepted the pools (names unique, within SCHED_MAX_POOLS): none can fail. */
static int create_pools(void)
{
	u64 all = nr_cpus >= 64 ? ~0ULL : BIT(nr_cpus) - 1;
	int r = 0;

	if (!scn.nr_pools)
		return sched_add_pool("rt", POOL_BIND, all, 0);
	for (u32 i = 0; !r && i < scn.nr_pools; i++) {
		const struct cfg_pool *p = &scn.pools[i];

		r = sched_add_pool(p->name, p->dynamic ? POOL_DYNAMIC : POOL_BIND, p->cpus & all,
				   p->slice_us);
	}
	return r;
}

static void report_vm(const struct vm *vm)
{
	const struct cfg_vm *c = vm->cfg;

	printk("rtvisor: vm '%s': %u vCPU(s) on pCPU", c->name, c->nr_vcpus);
	for (u32 k = 0; k < c->nr_vcpus; k++)
		printk(" %u", c->vcpu_pcpu[k]);
	printk(", RAM IPA 0x%lx -> PA 0x%lx (0x%lx bytes)\n", vm->mem[0].ipa, vm->mem[0].pa,
	       vm->mem[0].size);
}

/* A VM that cannot be created stays stopped; it never stops the others. */
static void create_vms(void)
{
	nr_vms = scn.nr_vms;
	for (u32 i = 0; i < nr_vms; i++) {
		if (vm_create(&vms[i], i, &scn.vms[i]))
			printk("rtvisor: vm '%s': creation failed: %s; left stopped\n",
			       scn.vms[i].name, vms[i].create_error);
		else
			report_vm(&vms[i]);
	}
}

void hyp_main(u64 dtb)
{
	printk("\nrtvisor %u.%u: EL2 hypervisor starting (dtb 0x%lx)\n", RTV_VERSION_MAJOR,
	       RTV_VERSION_MINOR, dtb);
	discover(dtb);
	if (mm_init(dtb, fdt_blob_size((const void *)(uintptr_t)dtb)))
		halt("memory set-up failed");
	irq_init();
	if (hk_init() || sched_init() || vdev_init())
		halt("interrupt set-up failed");
	cpu_init_common();
	arch_mmu_report();
	load_scenario();
	if (create_pools())
		halt("pool set-up failed");
	freq_init(&scn);
	failover_load(&scn);
	create_vms();
	failover_init(&scn);
	gdb_init();
	if (cpu_start_secondaries())
		printk("rtvisor: not every pCPU is online: VMs with vCPUs there do not run\n");
	console_init();
	hk_elect();
	console_start_async();
	printk("rtvisor: console: Ctrl-T then 1-%u switches input between VMs, Ctrl-T h lists them\n",
	       nr_vms);
	for (u32 i = 0; i < nr_vms; i++)
		if (scn.vms[i].autostart && vms[i].created)
			(void)vm_start(&vms[i]); /* a failure is said and leaves it stopped */
	cpu_loop();
}
