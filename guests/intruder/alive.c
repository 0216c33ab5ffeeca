/*
 * Heartbeat: 1 Hz virtual timer (absolute deadlines), one line per tick.
 */
#include "guest/console.h"
#include "guest/gic.h"
#include "guest/irq.h"
#include "guest/timer.h"
#include "intruder.h"

static uint64_t alive_period, alive_cval;
static unsigned alive_count;

static void alive_tick(uint32_t intid, void *arg)
{
	(void)intid;
	(void)arg;
	alive_cval += alive_period;
	timer_set_cval(alive_cval);
	printf("intruder: alive %u\n", ++alive_count);
}

void alive_start(void)
{
	alive_period = timer_freq();
	irq_register(TIMER_VIRT_INTID, alive_tick, 0);
	alive_cval = timer_now() + alive_period;
	timer_set_cval(alive_cval);
	timer_enable();
	gic_irq_enable(TIMER_VIRT_INTID, GIC_PRIO_DEFAULT);
}
