/*
 * Interface header (asm/): the time base and the hypervisor's own timer, for core.
 * arm64: the Generic Timer (Arm ARM D11): CNTPCT_EL0 and CNTFRQ_EL0 for time, the EL2
 * physical timer (CNTHP_*_EL2) for the dynamic pools' slices.
 */
#ifndef RTV_ASM_TIMER_H
#define RTV_ASM_TIMER_H

#include <arch/sysregs.h>

static inline u64 arch_counter(void)
{
	isb();
	return read_sysreg(cntpct_el0);
}

static inline u64 arch_counter_freq(void)
{
	return read_sysreg(cntfrq_el0);
}

/* Arm the hypervisor timer of this pCPU for an absolute counter value. */
static inline void arch_hyp_timer_arm(u64 deadline)
{
	write_sysreg(cnthp_cval_el2, deadline);
	write_sysreg(cnthp_ctl_el2, 1); /* ENABLE, not masked */
	isb();
}

static inline void arch_hyp_timer_disarm(void)
{
	write_sysreg(cnthp_ctl_el2, 0);
	isb();
}

#endif
