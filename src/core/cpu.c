/*
 * Physical CPUs: bring-up of secondaries through firmware PSCI, and the
 * per-CPU loop that runs the bound vCPU, handles its exits and idles when it
 * has nothing to do. EL2 always runs with interrupts masked: a pending
 * interrupt wakes WFI and is handled by polling the GIC CPU interface.
 */
#include <asm/barrier.h>
#include <cpu.h>
#include <err.h>
#include <housekeep.h>
#include <irq.h>
#include <mm.h>
#include <printk.h>
#include <vdev.h>
#include <vm.h>

struct cpu cpus[MAX_CPUS];
u32 nr_cpus;
/* Per CPU: a guard page (left unmapped at EL2, mm.c), then the stack; boot.S sets SP. */
u8 cpu_stacks[MAX_CPUS][CPU_STACK_SLOT] __attribute__((aligned(4096), section(".bss.stacks")));
u8 cpu_panic_stacks[MAX_CPUS][CPU_PANIC_STACK_SIZE] __attribute__((aligned(16)));

/* The CPU whose stack guard page holds addr, or -1. */
int cpu_stack_guard_of(u64 addr)
{
	u64 base = (u64)(uintptr_t)cpu_stacks;

	if (addr < base || addr >= base + sizeof(cpu_stacks))
		return -1;
	if ((addr - base) % CPU_STACK_SLOT >= CPU_STACK_GUARD)
		return -1;
	return (int)((addr - base) / CPU_STACK_SLOT);
}

void cpu_kick(u32 id)
{
	if (id == cpu()->id || id >= nr_cpus || !cpus[id].online)
		return;
	arch_irq_send_ipi(id);
}

/* The idle vCPU: wait for an interrupt at EL2, accounting the time for load. */
static void cpu_idle(struct cpu *c)
{
	util_idle_enter(c);
	cpu_wait_irq();
	util_idle_exit(c);
	if (c->exitless)
		irq_handle_group0(false);
	irq_handle_pending(false);
}

static bool vcpu_can_run(const struct vcpu *v)
{
	return v->state == VCPU_RUNNABLE && v->vm->state == VM_RUNNING && v->sched.migrate_to < 0 &&
	       !v->debug_hold;
}

/*
 * Whether v, which was running on c, can be entered again at once: the loop below would
 * do nothing else first (no housekeeping here, nothing to reschedule, v still loaded and
 * runnable), so run_once() skips the way round it.
 */
static inline __attribute__((always_inline)) bool may_resume(const struct cpu *c,
								      const struct vcpu *v)
{
	return !c->housekeeper && !c->need_resched && c->sched.current == v &&
	       !v->needs_load && vcpu_can_run(v);
}

static void run_once(struct cpu *c, struct vcpu *v)
{
	if (v->needs_load)
		vcpu_load(v);
	c->sched.alone = sched_alone(c) ? v : NULL;
	do
		vcpu_run(v);
	while (may_resume(c, v));
	if (v->state != VCPU_RUNNABLE)
		c->need_resched = true; /* it waits or went off: maybe someone else can run */
}

/*
 * A bind pCPU whose one vCPU is loaded has nothing to decide: the vCPU either
 * runs or waits, so the scheduler (and its lock) stay off the interrupt path; and the
 * vCPU's WFI may wait on the fast path (arch), as the loop would have nothing else to run.
 */
bool sched_alone(const struct cpu *c)
{
	const struct vcpu *v = c->sched.current;

	return c->sched.pool && c->sched.pool->policy == POOL_BIND && v && c->sched.nr_rq == 1 &&
	       c->sched.rq[0] == v && v->sched.migrate_to < 0;
}

void cpu_loop(void)
{
	struct cpu *c = cpu();

	for (;;) {
		struct vcpu *v;

		if (c->housekeeper) /* one load and branch on other pCPUs */
			hk_step();
		if (c->need_resched) {
			c->need_resched = false; /* before acting: a new request is never lost */
			smp_mb();
			vm_service(c);
			if (!sched_alone(c))
				sched_schedule(c);
		}
		v = c->sched.current;
		if (v && vcpu_can_run(v))
			run_once(c, v);
		else
			cpu_idle(c);
	}
}

/* Per-CPU EL2 set-up shared by the boot CPU and secondaries. */
void cpu_init_common(void)
{
	arch_mmu_cpu_enable();
	if (irq_cpu_init())
		printk("rtvisor: cpu%u: no redistributor for mpidr 0x%lx\n", cpu()->id, cpu()->mpidr);
	vdev_cpu_init();
	cpu()->sched.load_win_start = sched_now();
	cpu()->online = true;
}

void cpu_secondary_main(u32 id)
{
	(void)id;
	cpu_init_common();
	cpu_loop();
}

int cpu_start_secondaries(void)
{
	int res = 0;

	for (u32 i = 1; i < nr_cpus; i++) {
		int r = arch_cpu_start(i);

		for (u32 t = 0; r == 0 && t < 100000000 && !cpus[i].online; t++)
			smp_mb();
		if (!cpus[i].online) {
			printk("rtvisor: cpu%u (mpidr 0x%lx) did not come up (%s)\n", i,
			       cpus[i].mpidr, r ? err_name(r) : "timeout");
			res = ERR_BUSY;
		}
	}
	return res;
}
