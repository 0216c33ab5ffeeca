/*
 * EL1 virtual timer.
 */
#include "guest/sysreg.h"
#include "guest/timer.h"

#define CNTV_CTL_ENABLE 1U
#define NS_PER_S 1000000000ULL

uint64_t timer_freq(void)
{
	return sysreg_read(cntfrq_el0) & 0xffffffffULL;
}

uint64_t timer_now(void)
{
	isb();
	return sysreg_read(cntvct_el0);
}

void timer_set_cval(uint64_t cval)
{
	sysreg_write(cntv_cval_el0, cval);
	isb();
}

void timer_enable(void)
{
	sysreg_write(cntv_ctl_el0, CNTV_CTL_ENABLE);
	isb();
}

void timer_disable(void)
{
	sysreg_write(cntv_ctl_el0, 0);
	isb();
}

uint64_t timer_ticks_to_ns(uint64_t ticks)
{
	uint64_t f = timer_freq();

	if (!f)
		return 0;
	return (ticks / f) * NS_PER_S + (ticks % f) * NS_PER_S / f;
}

uint64_t timer_ms_to_ticks(uint64_t ms)
{
	return ms * timer_freq() / 1000U;
}
