/*
 * 1 kHz periodic EL1 virtual timer. Deadlines are absolute (CVAL += period),
 * so lateness never accumulates. The handler measures the interval between
 * successive handler entries (CNTVCT_EL0) and every HELLO_REPORT_TICKS
 * publishes min/avg/max of the window into a small queue; the main loop prints every
 * report in it (a host that starves the VM's main loop, then delivers a burst of late
 * ticks, must not make a report such as ticks=1000 vanish: tests wait for them).
 */
#include <stdbool.h>
#include "guest/console.h"
#include "guest/cpu.h"
#include "guest/gic.h"
#include "guest/irq.h"
#include "guest/timer.h"
#include "hello.h"

struct tick_window {
	uint64_t min, max, sum; /* counter ticks */
	uint32_t count;
};

struct tick_report {
	uint64_t ticks, min_ns, avg_ns, max_ns, missed;
};

static uint64_t tick_period, tick_cval, tick_last, tick_count, tick_missed;
static struct tick_window tick_win;
#define TICK_REPORTS 8 /* a power of two */
static struct tick_report tick_reports[TICK_REPORTS];
static volatile uint32_t tick_head, tick_tail; /* handler writes head, main loop tail */

static void tick_window_reset(void)
{
	tick_win.min = UINT64_MAX;
	tick_win.max = 0;
	tick_win.sum = 0;
	tick_win.count = 0;
}

static void tick_account(uint64_t delta)
{
	if (delta < tick_win.min)
		tick_win.min = delta;
	if (delta > tick_win.max)
		tick_win.max = delta;
	tick_win.sum += delta;
	tick_win.count++;
}

/* In the handler: a full queue keeps its oldest reports (the main loop is far behind). */
static void tick_publish(void)
{
	struct tick_report *r = &tick_reports[tick_head % TICK_REPORTS];

	if (!tick_win.count)
		return;
	if (tick_head - tick_tail < TICK_REPORTS) {
		r->ticks = tick_count;
		r->min_ns = timer_ticks_to_ns(tick_win.min);
		r->max_ns = timer_ticks_to_ns(tick_win.max);
		r->avg_ns = timer_ticks_to_ns(tick_win.sum) / tick_win.count;
		r->missed = tick_missed;
		tick_head++;
	}
	tick_window_reset();
}

static void tick_handler(uint32_t intid, void *arg)
{
	uint64_t now = timer_now();

	(void)intid;
	(void)arg;
	if (now - tick_cval >= tick_period) /* the next deadline passed before this handler */
		tick_missed++;
	tick_cval += tick_period;
	timer_set_cval(tick_cval);
	if (tick_count)
		tick_account(now - tick_last);
	tick_last = now;
	tick_count++;
	if (tick_count % HELLO_REPORT_TICKS == 0)
		tick_publish();
}

void hello_tick_start(void)
{
	tick_period = timer_freq() / HELLO_TICK_HZ;
	tick_window_reset();
	irq_register(TIMER_VIRT_INTID, tick_handler, 0);
	/* on a multiple of the period (the first tick is not accounted): the counter is
	 * shared, so the ticks keep their place relative to other guests' grids */
	tick_cval = (timer_now() / tick_period + 1) * tick_period;
	timer_set_cval(tick_cval);
	timer_enable();
	gic_irq_enable(TIMER_VIRT_INTID, GIC_PRIO_DEFAULT);
}

void hello_tick_report_poll(void)
{
	struct tick_report r;
	uint64_t flags;

	while (tick_tail != tick_head) {
		flags = irq_save();
		r = tick_reports[tick_tail % TICK_REPORTS];
		tick_tail++;
		irq_restore(flags);
		printf("hello: ticks=%llu period_ns min=%llu avg=%llu max=%llu jitter_ns=%llu "
		       "missed=%llu\n", (unsigned long long)r.ticks, (unsigned long long)r.min_ns,
		       (unsigned long long)r.avg_ns, (unsigned long long)r.max_ns,
		       (unsigned long long)(r.max_ns - r.min_ns), (unsigned long long)r.missed);
	}
}
