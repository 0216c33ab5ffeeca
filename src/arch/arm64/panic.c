/*
 * A fault inside the hypervisor itself is a bug, never a guest's doing:
 * report where it happened and stop this CPU (other CPUs keep running).
 */
#include <arch/sysregs.h>
#include <cpu.h>
#include <printk.h>

void hyp_panic(u64 kind, u64 sp) __attribute__((noreturn));

/* Called from the EL2 vectors (entry.S) on this CPU's panic stack; sp = SP at the fault. */
void hyp_panic(u64 kind, u64 sp)
{
	int g = cpu_stack_guard_of(read_sysreg(far_el2));

	if (g < 0)
		g = cpu_stack_guard_of(sp);
	if (g >= 0)
		printk_emergency("rtvisor: PANIC cpu%u: EL2 stack overflow (guard page of cpu%d's "
				 "stack hit, sp 0x%lx)\n", cpu()->id, g, sp);
	printk_emergency("rtvisor: PANIC cpu%u: EL2 exception %lu esr 0x%lx elr 0x%lx far 0x%lx\n",
	       cpu()->id, kind, read_sysreg(esr_el2), read_sysreg(elr_el2), read_sysreg(far_el2));
	for (;;)
		wfi();
}
