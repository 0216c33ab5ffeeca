/* The management shell's commands. Each checks its arguments before acting. */
#include <console.h>
#include <cpu.h>
#include <freq.h>
#include <lib.h>
#include <pci.h>
#include <printk.h>
#include <sched.h>
#include <shell.h>
#include <shell_debug.h>
#include <vm.h>

static void cmd_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	for (u32 i = 0; i < shell_nr_all(); i++)
		printk("  %s\n", shell_cmd_at(i)->usage);
}

static void cmd_vm_list(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printk("  #  name             state      pool     vCPUs\n");
	for (u32 i = 0; i < nr_vms; i++)
		printk("  %-2u %-16s %-10s %-8s %u\n", i + 1, vms[i].cfg->name,
		       vm_status_name(&vms[i]), vm_pool_name(&vms[i]), vms[i].nr_vcpus);
}

static const char *vcpu_state_name(const struct vcpu *v)
{
	enum vcpu_state s = v->state;

	return s == VCPU_OFF ? "off" : s == VCPU_WFI || v->wfi_fast ? "wfi" : "runnable";
}

static void info_vcpus(const struct vm *vm)
{
	for (u32 i = 0; i < vm->nr_vcpus; i++) {
		const struct vcpu *v = &vm->vcpus[i];

		printk("  vcpu %u: pcpu %u %s weight %u prio %u affinity 0x%lx run %lu ms%s\n", i,
		       v->pcpu, vcpu_state_name(v), v->sched.weight, v->sched.prio,
		       v->sched.affinity, sched_vcpu_run_ticks(v) / (sched_us_to_ticks(1000) ?: 1),
		       sched_vcpu_loaded(v) ? " (loaded)" : "");
	}
}

static void info_resources(const struct vm *vm)
{
	const struct cfg_vm *cfg = vm->cfg;

	for (u32 i = 0; i < cfg->nr_mem; i++)
		printk("  memory %u: IPA 0x%lx -> PA 0x%lx size 0x%lx%s\n", i, vm->mem[i].ipa,
		       vm->mem[i].pa, vm->mem[i].size, cfg->mem[i].identity ? " identity" : "");
	for (u32 i = 0; i < cfg->nr_devs; i++) {
		printk("  device %s: 0x%lx size 0x%lx irqs", cfg->devs[i].name, cfg->devs[i].base,
		       cfg->devs[i].size);
		for (u32 k = 0; k < cfg->devs[i].nr_irqs; k++)
			printk(" %u", cfg->devs[i].irqs[k]);
		printk("\n");
	}
	if (cfg->nr_pci) {
		printk("  PCI functions:\n");
		pci_show((int)vm->id);
	}
	printk("  console %s, fault-policy %s, resets %u\n", cfg->console ? "yes" : "no",
	       cfg->fault_policy == FAULT_POLICY_INJECT ? "inject" : "stop", vm->resets);
	printk("  faults %lu (reported in full %lu, summarised %lu)\n", vm->faults.total,
	       vm->faults.reported, vm->faults.total - vm->faults.reported);
}

static void cmd_vm_info(int argc, char **argv)
{
	struct vm *vm = shell_vm_arg(argv[0]);

	(void)argc;
	if (!vm)
		return;
	printk("vm '%s': %s, pool '%s', %u vCPU(s)%s\n", vm->cfg->name, vm_status_name(vm),
	       vm_pool_name(vm), vm->nr_vcpus, vm->cfg->privileged ? ", privileged" : "");
	if (!vm->created)
		printk("  creation failed: %s\n", vm->create_error);
	info_vcpus(vm);
	info_resources(vm);
}

/* The physical PCI functions: owner, BARs (bus and CPU address), INTx line. */
static void cmd_pci(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	pci_show(-1);
}

static void cmd_vm_start(int argc, char **argv)
{
	struct vm *vm = shell_vm_arg(argv[0]);

	(void)argc;
	if (!vm)
		return;
	if (!vm->created) {
		shell_error("vm '%s' was not created (%s); it cannot start", vm->cfg->name,
			    vm->create_error);
		return;
	}
	if (vm->state != VM_STOPPED) {
		shell_error("vm '%s' is %s, not stopped", vm->cfg->name, vm_state_name(vm->state));
		return;
	}
	if (!vm_start(vm))
		printk("vm '%s' started\n", vm->cfg->name);
}

/* The VM named by argv[0] if it is running or paused (stop and reset need one). */
static struct vm *live_vm_arg(char **argv)
{
	struct vm *vm = shell_vm_arg(argv[0]);

	if (vm && vm->state != VM_RUNNING && vm->state != VM_PAUSED) {
		shell_error("vm '%s' is %s", vm->cfg->name, vm_status_name(vm));
		return NULL;
	}
	return vm;
}

static void cmd_vm_stop(int argc, char **argv)
{
	struct vm *vm = live_vm_arg(argv);

	(void)argc;
	if (vm)
		vm_stop(vm, "stopped from the shell");
}

/* pause/resume: fn changes the state or refuses; `want` is the state it needs. */
static void pause_resume(char **argv, int (*fn)(struct vm *), const char *want, const char *done)
{
	struct vm *vm = shell_vm_arg(argv[0]);

	if (!vm)
		return;
	if (vm->cfg->exitless && fn == vm_pause)
		shell_error("vm '%s' is exit-less: it cannot be paused", vm->cfg->name);
	else if (fn(vm))
		shell_error("vm '%s' is %s, not %s", vm->cfg->name, vm_status_name(vm), want);
	else
		printk("vm '%s' %s\n", vm->cfg->name, done);
}

static void cmd_vm_pause(int argc, char **argv)
{
	(void)argc;
	pause_resume(argv, vm_pause, "running", "paused");
}

static void cmd_vm_resume(int argc, char **argv)
{
	(void)argc;
	pause_resume(argv, vm_resume, "paused", "resumed");
}

static void cmd_vm_reset(int argc, char **argv)
{
	struct vm *vm = live_vm_arg(argv);

	(void)argc;
	if (vm)
		vm_request_reset(vm);
}

static void cmd_vm_weight(int argc, char **argv)
{
	struct vm *vm = shell_vm_arg(argv[0]);
	char msg[128];
	u32 w, prio = 0;

	if (!vm)
		return;
	if (!shell_u32_arg(argv[1], &w) || (argc > 2 && !shell_u32_arg(argv[2], &prio))) {
		shell_error("weight and priority are decimal numbers");
		return;
	}
	if (argc < 3)
		prio = vm->vcpus[0].sched.prio;
	if (sched_set_vm_weight(vm, w, prio, msg, sizeof(msg))) {
		shell_error("%s", msg);
		return;
	}
	printk("vm '%s': weight %u priority %u\n", vm->cfg->name, w, prio);
}

static struct vcpu *vcpu_args(char **argv)
{
	struct vm *vm = shell_vm_arg(argv[0]);
	u32 id;

	if (!vm)
		return NULL;
	if (!shell_u32_arg(argv[1], &id) || id >= vm->nr_vcpus) {
		shell_error("vm '%s' has no vCPU '%s'", vm->cfg->name, argv[1]);
		return NULL;
	}
	return &vm->vcpus[id];
}

static void cmd_vcpu_pin(int argc, char **argv)
{
	struct vcpu *v = vcpu_args(argv);
	char msg[128];
	u32 p;

	(void)argc;
	if (!v)
		return;
	if (!shell_u32_arg(argv[2], &p)) {
		shell_error("pCPU must be a number");
		return;
	}
	if (sched_pin(v, p, msg, sizeof(msg)))
		shell_error("%s", msg);
	else
		printk("vm '%s' vcpu %u pinned to pCPU %u\n", v->vm->cfg->name, v->id, p);
}

static void cmd_vcpu_unpin(int argc, char **argv)
{
	struct vcpu *v = vcpu_args(argv);
	char msg[128];

	(void)argc;
	if (v && !sched_pin(v, SCHED_UNPIN, msg, sizeof(msg)))
		printk("vm '%s' vcpu %u may run on any pCPU of its pool\n", v->vm->cfg->name, v->id);
}

static void cmd_pool_list(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	for (u32 i = 0; i < nr_pools; i++) {
		const struct pool *p = &pools[i];

		printk("  pool '%s' %s cpus 0x%lx", p->name, p->ops->name, p->cpus);
		if (p->policy == POOL_DYNAMIC)
			printk(" slice %lu us", p->slice_ticks * 1000 / (sched_us_to_ticks(1000) ?: 1));
		printk("\n");
	}
	for (u32 c = 0; c < nr_cpus; c++) {
		printk("  cpu%u: pool '%s', vCPUs:", c, cpus[c].sched.pool->name);
		for (u32 k = 0; k < cpus[c].sched.nr_rq; k++)
			printk(" %s/%u", cpus[c].sched.rq[k]->vm->cfg->name, cpus[c].sched.rq[k]->id);
		printk(" idle\n");
	}
}

static void cmd_pool_move(int argc, char **argv)
{
	struct pool *p = pool_by_name(argv[1]);
	char msg[160];
	u32 c;

	(void)argc;
	if (!shell_u32_arg(argv[0], &c)) {
		shell_error("pCPU must be a number");
		return;
	}
	if (!p) {
		shell_error("no pool '%s' (see 'pool list')", argv[1]);
		return;
	}
	if (sched_pool_move(c, p, msg, sizeof(msg)))
		shell_error("%s", msg);
	else
		printk("cpu%u moved to pool '%s'\n", c, p->name);
}

static void cmd_load(int argc, char **argv)
{
	u32 ms;

	if (argc == 1) {
		if (!shell_u32_arg(argv[0], &ms) || ms < 10 || ms > 60000) {
			shell_error("period must be 10..60000 ms");
			return;
		}
		util_set_period_ms(ms);
	}
	printk("load (period %u ms, idle-vCPU time):\n", util_period_ms());
	for (u32 c = 0; c < nr_cpus; c++) {
		u32 l = util_permille(c);

		if (l == ~0u)
			printk("  cpu%u: -\n", c);
		else
			printk("  cpu%u: %u.%u%%\n", c, l / 10, l % 10);
	}
}

static void cmd_freq(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	freq_show();
}

static void cmd_stats(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printk("EL2 entries by cause:\n      ");
	for (u32 s = 0; s < STAT_NR; s++)
		printk(" %10s", stat_names[s]);
	printk("\n");
	for (u32 c = 0; c < nr_cpus; c++) {
		printk("  cpu%u", c);
		for (u32 s = 0; s < STAT_NR; s++)
			printk(" %10lu", cpus[c].stats.count[s]);
		printk("\n");
	}
	printk("guest faults by VM (all / reported in full):\n");
	for (u32 i = 0; i < nr_vms; i++)
		printk("  %-16s %10lu %10lu\n", vms[i].cfg->name, vms[i].faults.total,
		       vms[i].faults.reported);
}

static void cmd_log(int argc, char **argv)
{
	struct vm *vm = shell_vm_arg(argv[0]);
	static char buf[CONSOLE_RING_SIZE];
	size_t n;

	(void)argc;
	if (!vm)
		return;
	n = console_ring_read(vm->id, buf, sizeof(buf));
	printk("--- console log of vm '%s' (%lu bytes) ---\n", vm->cfg->name, (u64)n);
	console_hyp_text(buf, n);
	printk("\n--- end ---\n");
}

const struct shell_cmd shell_cmds[] = {
	{ "help", NULL, 0, 0, "help", cmd_help },
	{ "vm", "list", 0, 0, "vm list", cmd_vm_list },
	{ "vm", "info", 1, 1, "vm info <vm>", cmd_vm_info },
	{ "vm", "start", 1, 1, "vm start <vm>", cmd_vm_start },
	{ "vm", "stop", 1, 1, "vm stop <vm>", cmd_vm_stop },
	{ "vm", "pause", 1, 1, "vm pause <vm>", cmd_vm_pause },
	{ "vm", "resume", 1, 1, "vm resume <vm>", cmd_vm_resume },
	{ "vm", "reset", 1, 1, "vm reset <vm>", cmd_vm_reset },
	{ "vm", "weight", 2, 3, "vm weight <vm> <weight> [priority]", cmd_vm_weight },
	{ "vcpu", "pin", 3, 3, "vcpu pin <vm> <vcpu> <pcpu>", cmd_vcpu_pin },
	{ "vcpu", "unpin", 2, 2, "vcpu unpin <vm> <vcpu>", cmd_vcpu_unpin },
	{ "pool", "list", 0, 0, "pool list", cmd_pool_list },
	{ "pool", "move", 2, 2, "pool move <cpu> <pool>", cmd_pool_move },
	{ "load", NULL, 0, 1, "load [period-ms]", cmd_load },
	{ "freq", NULL, 0, 0, "freq", cmd_freq },
	{ "stats", NULL, 0, 0, "stats", cmd_stats },
	{ "regs", NULL, 1, 2, "regs <vm> [vcpu]", cmd_regs },
	{ "sysregs", NULL, 1, 2, "sysregs <vm> [vcpu]", cmd_sysregs },
	{ "gic", NULL, 1, 1, "gic <vm>", cmd_gic },
	{ "walk", NULL, 2, 3, "walk <vm> <va> [vcpu]", cmd_walk },
	{ "mem", NULL, 3, 4, "mem <vm> ipa|va <addr> [bytes]", cmd_mem },
	{ "crash", NULL, 1, 1, "crash <vm>", cmd_crash },
	{ "dmesg", NULL, 1, 2, "dmesg <vm> [records]", cmd_dmesg },
	{ "log", NULL, 1, 1, "log <vm>", cmd_log },
	{ "pci", NULL, 0, 0, "pci", cmd_pci },
};

const u32 shell_nr_cmds = ARRAY_SIZE(shell_cmds);
