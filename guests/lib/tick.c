/*
 * A periodic virtual-timer interrupt with absolute deadlines (no drift) on multiples
 * of the period, the "OS tick" of the project's busy guests (hammer, noisy).
 */
#include "guest/cpu.h"
#include "guest/gic.h"
#include "guest/irq.h"
#include "guest/timer.h"

static uint64_t tick_period, tick_cval;
static void (*tick_fn)(void);

static void tick_irq(uint32_t intid, void *arg)
{
	(void)intid;
	(void)arg;
	tick_cval += tick_period;
	timer_set_cval(tick_cval);
	if (tick_fn)
		tick_fn();
}

void timer_tick_start(uint32_t hz, void (*fn)(void))
{
	gic_dist_init();
	gic_cpu_init();
	tick_fn = fn;
	tick_period = timer_freq() / hz;
	irq_register(TIMER_VIRT_INTID, tick_irq, 0);
	/* the first deadline on a multiple of the period: CNTVOFF is 0 under rtvisor, so
	 * every guest's ticks of one rate fall on one grid of the shared counter */
	tick_cval = (timer_now() / tick_period + 1) * tick_period;
	timer_set_cval(tick_cval);
	timer_enable();
	gic_irq_enable(TIMER_VIRT_INTID, GIC_PRIO_DEFAULT);
	irq_unmask();
}
