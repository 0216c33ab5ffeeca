/*
 * Items driven by the EL1 virtual timer (PPI 27): interrupt latency from the
 * deadline, periodic jitter, ISR exit to the interrupted thread, ISR exit to
 * another thread, and full preemption (deadline -> higher-priority thread).
 *
 * A deadline is an absolute CVAL; the timer fires when the counter reaches
 * it, so "deadline" below is CVAL converted to the common ns timeline
 * (clk_ticks_ns), on the same timeline as the handler timestamps (ts()).
 */
#include "guest/cpu.h"
#include "guest/console.h"
#include "guest/gic.h"
#include "guest/printf.h"
#include "guest/timer.h"
#include "bench.h"

#define PRIO_TIMER 0x80
#define LAT_DELAY_TICKS 64U	/* busy items: deadline ~1 us ahead */
#define WFI_DELAY_TICKS 1024U	/* WFI item: ~16 us ahead, the CPU is asleep by then */
#define LAT_GRID_HZ 50000U	/* timer_lat_*: deadlines on a 20 us grid of the counter */
#define THREAD_PRIO_HIGH 5

static struct item_ctx *tc;	/* item being run */

void bench_timer_init(void)
{
	timer_disable();
	gic_irq_enable(TIMER_VIRT_INTID, PRIO_TIMER);
}

static uint64_t arm_timer(uint64_t delay_ticks)
{
	uint64_t cval = timer_now() + delay_ticks;

	timer_set_cval(cval);
	timer_enable();
	return cval;
}

/* --- timer_lat_busy / timer_lat_wfi: deadline -> first instruction of the ISR */

static volatile uint64_t lat_ts;
static volatile uint32_t lat_count;

static void lat_handler(uint32_t intid)
{
	uint64_t t = ts();

	(void)intid;
	timer_disable();
	lat_ts = t;
	lat_count++;
}

/*
 * The latency items' deadlines lie on a fixed grid of the counter: the first grid
 * point at least `delay` ahead, half a grid step past a multiple of the step. The
 * counter is shared (rtvisor's CNTVOFF is 0), so the deadlines keep the same place
 * relative to every other periodic event of the machine that sits on multiples of the
 * step (the other guests' ticks, rtvisor's governor samples: multiples of 1 ms or
 * 50 us), 10 us from the nearest, and a late sample does not move the later ones.
 * Under -icount that matters: QEMU runs the vCPUs in turn, so another pCPU's work that
 * happens to be pending at an RT deadline counts in the RT sample (docs/power.md).
 */
static uint64_t arm_timer_grid(uint64_t delay_ticks)
{
	uint64_t step = timer_freq() / LAT_GRID_HZ;
	uint64_t cval = (timer_now() + delay_ticks) / step * step + step / 2;

	if (cval < timer_now() + delay_ticks)
		cval += step;
	timer_set_cval(cval);
	timer_enable();
	return cval;
}

/*
 * With bench_params.slow_ns set, the first SLOW_MAX samples above it are kept and
 * printed after the item's line (run_item: not during the item, whose EL2 entries
 * and housekeeper load the output would change):
 *   bench: slow item=<id> i=<iteration> deadline_ns=<counter time> lat=<ns> el2=<n>
 * el2: the EL2 entries of the bench vCPU during that sample (under rtvisor; two
 * RTV_HC_EXIT_COUNT calls around each sample count it, and are not included).
 */
#define SLOW_MAX 64U
struct slow_sample {
	uint32_t i;
	uint64_t deadline, lat, el2;
};
static struct slow_sample slow[SLOW_MAX];
static uint32_t nr_slow;

static void slow_add(uint32_t i, uint64_t deadline, uint64_t lat, uint64_t el2)
{
	if (!bench_params.slow_ns || lat <= bench_params.slow_ns || nr_slow >= SLOW_MAX)
		return;
	slow[nr_slow].i = i;
	slow[nr_slow].deadline = deadline;
	slow[nr_slow].lat = lat;
	slow[nr_slow].el2 = el2;
	nr_slow++;
}

static const char *slow_id;

/*
 * With bench_params.slow_ns set, the EL2 entries of every sample are also summed by kind,
 * printed after the item's line:
 *   bench: kinds item=<id> ontime=<n> el2=<per sample> late=<n> el2=<per sample>
 * A sample is late when its deadline had passed before the guest reached its WFI (only
 * timer_lat_wfi has late samples). Under rtvisor an on-time sample costs two entries, the
 * trapped WFI (HCR_EL2.TWI) and the interrupt that ends the wait; a late one only the
 * interrupt, as the WFI finds it pending and completes without trapping (TWI traps a WFI
 * only if it would enter a low-power state: Arm ARM DDI 0487 D19.2.48, HCR_EL2). Under
 * -icount a sample is late when QEMU's round robin ends the RT vCPU's turn between the
 * arming (a timer change makes QEMU recompute its budgets) and the WFI and runs the
 * other vCPUs up to the deadline: how many are late is QEMU's interleaving, what each
 * kind costs at EL2 is the RT path's own (bench/run.py compares that between the energy
 * runs).
 */
struct sample_kind {
	uint32_t n;
	uint64_t el2;
};
static struct sample_kind kinds[2]; /* [0] on time, [1] late */

static void kind_add(bool late, uint64_t el2)
{
	kinds[late].n++;
	kinds[late].el2 += el2;
}

static uint64_t per_sample_x100(const struct sample_kind *k)
{
	return k->n ? (k->el2 * 100U + k->n / 2U) / k->n : 0;
}

void timer_slow_print(void)
{
	const char *id = slow_id;
	uint64_t o = per_sample_x100(&kinds[0]), l = per_sample_x100(&kinds[1]);

	for (uint32_t k = 0; k < nr_slow; k++)
		printf("bench: slow item=%s i=%u deadline_ns=%lu lat=%lu el2=%lu\n", id, slow[k].i,
		       (unsigned long)slow[k].deadline, (unsigned long)slow[k].lat,
		       (unsigned long)slow[k].el2);
	nr_slow = 0;
	if (id && bench_params.slow_ns)
		printf("bench: kinds item=%s ontime=%u el2=%lu.%02lu late=%u el2=%lu.%02lu\n", id,
		       kinds[0].n, (unsigned long)(o / 100U), (unsigned long)(o % 100U), kinds[1].n,
		       (unsigned long)(l / 100U), (unsigned long)(l % 100U));
	kinds[0] = kinds[1] = (struct sample_kind){ 0, 0 };
	slow_id = NULL;
}

/*
 * wait_change_wfi() for the timer: also tells whether the deadline cval had passed when
 * the guest got to its first WFI (interrupts masked from that test to the WFI, so an
 * interrupt that comes in between is taken at the WFI, not before it).
 */
static bool timer_wait_wfi(uint64_t cval, uint32_t seen)
{
	bool late;

	irq_mask();
	late = lat_count != seen || timer_now() >= cval;
	while (lat_count == seen) {
		(void)sysreg_read(cntvct_el0);
		__asm__ volatile("wfi" : : : "memory");
		irq_unmask(); /* take what woke us */
		irq_mask();
	}
	irq_unmask();
	return late;
}

static void timer_lat(struct item_ctx *c, bool wfi)
{
	if (wfi)
		helper_spin_begin();
	bench_irq_register(TIMER_VIRT_INTID, lat_handler);
	for (uint32_t i = 0; i < c->n; i++) {
		uint32_t seen = lat_count;
		uint64_t e0 = bench_params.slow_ns ? el2_count() : 0;
		uint64_t cval = arm_timer_grid(wfi ? WFI_DELAY_TICKS : LAT_DELAY_TICKS);
		bool late = false;

		if (wfi)
			late = timer_wait_wfi(cval, seen);
		else
			while (lat_count == seen)
				;
		stat_add(&c->st, lat_ts - clk_ticks_ns(cval));
		if (bench_params.slow_ns) {
			uint64_t el2 = el2_between(e0, el2_count());

			slow_add(i, clk_ticks_ns(cval), lat_ts - clk_ticks_ns(cval), el2);
			kind_add(late, el2);
		}
	}
	if (wfi)
		helper_spin_end();
	slow_id = wfi ? "timer_lat_wfi" : "timer_lat_busy";
}

void item_timer_lat_busy(struct item_ctx *c)
{
	timer_lat(c, false);
}

void item_timer_lat_wfi(struct item_ctx *c)
{
	timer_lat(c, true);
}

/* --- timer_period_1k / _10k: period between ISR entries, absolute deadlines */

static uint64_t per_cval, per_period, per_last;
static volatile uint32_t per_ticks;
static uint32_t per_target;

static void period_handler(uint32_t intid)
{
	uint64_t t = ts();

	(void)intid;
	per_cval += per_period;
	timer_set_cval(per_cval);
	if (per_ticks)
		stat_add(&tc->st, t - per_last);
	per_last = t;
	if (++per_ticks > per_target)
		timer_disable();
}

static void timer_period(struct item_ctx *c, uint32_t hz)
{
	tc = c;
	helper_spin_begin();
	per_ticks = 0;
	per_target = c->n_periods;
	per_period = timer_freq() / hz;
	bench_irq_register(TIMER_VIRT_INTID, period_handler);
	per_cval = arm_timer(per_period);
	while (per_ticks <= per_target)
		wait_change_wfi(&per_ticks, per_ticks);
	helper_spin_end();
	c->el2_iters = c->n_periods;
}

void item_timer_period_1k(struct item_ctx *c)
{
	timer_period(c, 1000U);
}

void item_timer_period_10k(struct item_ctx *c)
{
	timer_period(c, 10000U);
}

/* --- isr_return: last instruction of the ISR -> interrupted thread resumes */

static volatile uint64_t isr_end;
static volatile uint32_t isr_count;

static void ret_handler(uint32_t intid)
{
	(void)intid;
	timer_disable();
	isr_count++;
	isr_end = ts();
}

void item_isr_return(struct item_ctx *c)
{
	bench_irq_register(TIMER_VIRT_INTID, ret_handler);
	for (uint32_t i = 0; i < c->n; i++) {
		uint32_t seen = isr_count;
		uint64_t t;

		arm_timer(LAT_DELAY_TICKS);
		while (isr_count == seen)
			;
		t = ts();
		stat_add(&c->st, dur_ns(isr_end, t));
	}
}

/*
 * isr_switch: last instruction of the ISR (it gives a semaphore) -> the
 * higher-priority thread waiting on it runs; ctx_preempt: deadline -> that
 * thread runs. Main spins at low priority meanwhile.
 */

static struct sem pre_sem;
static volatile uint64_t pre_cval;
static volatile uint32_t pre_done;
static bool pre_from_deadline;

static void pre_handler(uint32_t intid)
{
	(void)intid;
	timer_disable();
	sem_give_isr(&pre_sem);
	isr_end = ts();
}

static void pre_thread(void *arg)
{
	(void)arg;
	for (uint32_t i = 0; i < tc->n; i++) {
		uint64_t t;

		sem_take(&pre_sem);
		t = ts();
		if (pre_from_deadline)
			stat_add(&tc->st, t - clk_ticks_ns(pre_cval));
		else
			stat_add(&tc->st, dur_ns(isr_end, t));
		pre_done++;
	}
}

static void preempt(struct item_ctx *c, bool from_deadline)
{
	tc = c;
	pre_from_deadline = from_deadline;
	pre_done = 0;
	sem_init(&pre_sem, 0);
	bench_irq_register(TIMER_VIRT_INTID, pre_handler);
	thread_create(pre_thread, 0, THREAD_PRIO_HIGH);
	sched_yield();	/* the thread runs and blocks on the semaphore */
	for (uint32_t i = 0; i < c->n; i++) {
		uint32_t seen = pre_done;

		pre_cval = arm_timer(LAT_DELAY_TICKS);
		while (pre_done == seen)
			;
	}
	sched_run_all();
}

void item_isr_switch(struct item_ctx *c)
{
	preempt(c, false);
}

void item_ctx_preempt(struct item_ctx *c)
{
	preempt(c, true);
}
