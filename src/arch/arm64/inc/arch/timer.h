/* Generic timer access for the hypervisor (Arm ARM D11, the Generic Timer). */
#ifndef RTV_ARCH_TIMER_H
#define RTV_ARCH_TIMER_H

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

/* EL2 physical timer (CNTHP_*): the hypervisor's own, used only by dynamic pools. */
static inline void hyp_timer_arm(u64 deadline)
{
	write_sysreg(cnthp_cval_el2, deadline);
	write_sysreg(cnthp_ctl_el2, 1); /* ENABLE, not masked */
	isb();
}

static inline void hyp_timer_disarm(void)
{
	write_sysreg(cnthp_ctl_el2, 0);
	isb();
}

#endif
