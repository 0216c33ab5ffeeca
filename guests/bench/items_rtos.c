/*
 * Guest-internal RTOS-style items: cooperative switch, semaphores with and
 * without a switch, heap. Nothing here should ever enter the hypervisor.
 */
#include "bench.h"

#define THREAD_PRIO_HIGH 5
#define HEAP_SLOTS 16U

static struct item_ctx *rc;

static void record(uint64_t ns)
{
	if (rc->st.n < rc->n)
		stat_add(&rc->st, ns);
}

/* --- ctx_coop: yield() in one thread -> the other thread returns from its yield() */

static volatile uint64_t coop_t0;

static void coop_thread(void *arg)
{
	(void)arg;
	for (uint32_t i = 0; i < rc->n; i++) {
		uint64_t t1;

		coop_t0 = ts();
		sched_yield();
		t1 = ts();
		record(dur_ns(coop_t0, t1));
	}
}

void item_ctx_coop(struct item_ctx *c)
{
	rc = c;
	thread_create(coop_thread, 0, THREAD_PRIO_HIGH);
	thread_create(coop_thread, 0, THREAD_PRIO_HIGH);
	sched_run_all();
}

/* --- sem_give_noswitch / sem_take_noswitch: nobody waits / count > 0 */

static struct sem sem_a;

void item_sem_give_noswitch(struct item_ctx *c)
{
	sem_init(&sem_a, 0);
	for (uint32_t i = 0; i < c->n; i++) {
		uint64_t t0 = ts();

		sem_give(&sem_a);
		stat_add(&c->st, dur_ns(t0, ts()));
	}
}

void item_sem_take_noswitch(struct item_ctx *c)
{
	sem_init(&sem_a, c->n);
	for (uint32_t i = 0; i < c->n; i++) {
		uint64_t t0 = ts();

		sem_take(&sem_a);
		stat_add(&c->st, dur_ns(t0, ts()));
	}
}

/*
 * sem_give_switch: main gives -> the higher-priority thread blocked on the
 * semaphore returns from sem_take(); sem_take_switch: that thread takes the
 * empty semaphore -> main returns from its sem_give() (or sched_yield()).
 */

static volatile uint64_t sw_give_t0, sw_take_t0;
static bool sw_measure_give;

static void sw_thread(void *arg)
{
	(void)arg;
	for (uint32_t i = 0; i <= rc->n; i++) {
		uint64_t t;

		sw_take_t0 = ts();
		sem_take(&sem_a);
		t = ts();
		if (sw_measure_give)
			record(dur_ns(sw_give_t0, t));
	}
}

static void sem_switch(struct item_ctx *c, bool give)
{
	rc = c;
	sw_measure_give = give;
	sem_init(&sem_a, 0);
	thread_create(sw_thread, 0, THREAD_PRIO_HIGH);
	sched_yield();
	for (uint32_t i = 0; i <= c->n; i++) {
		uint64_t t;

		t = ts();
		if (!give && i)
			record(dur_ns(sw_take_t0, t));
		sw_give_t0 = ts();
		sem_give(&sem_a);
	}
	sched_run_all();
}

void item_sem_give_switch(struct item_ctx *c)
{
	sem_switch(c, true);
}

void item_sem_take_switch(struct item_ctx *c)
{
	sem_switch(c, false);
}

/* --- heap_alloc / heap_free: 16 live blocks of 16..1023 bytes, random replacement */

static uint32_t lcg;

static uint32_t rnd(void)
{
	lcg = lcg * 1664525U + 1013904223U;
	return lcg >> 8;
}

static void heap_run(struct item_ctx *c, bool alloc)
{
	void *slots[HEAP_SLOTS];

	lcg = 12345U;
	heap_init();
	for (uint32_t i = 0; i < HEAP_SLOTS; i++)
		slots[i] = heap_alloc(16U + rnd() % 1008U);
	for (uint32_t i = 0; i < c->n; i++) {
		uint32_t k = rnd() % HEAP_SLOTS;
		uint32_t size = 16U + rnd() % 1008U;
		uint64_t t0, t1, t2, t3;

		t0 = ts();
		heap_free(slots[k]);
		t1 = ts();
		t2 = ts();
		slots[k] = heap_alloc(size);
		t3 = ts();
		stat_add(&c->st, alloc ? dur_ns(t2, t3) : dur_ns(t0, t1));
		if (!slots[k])
			c->skip = "heap exhausted";
	}
	for (uint32_t i = 0; i < HEAP_SLOTS; i++)
		heap_free(slots[i]);
}

void item_heap_alloc(struct item_ctx *c)
{
	heap_run(c, true);
}

void item_heap_free(struct item_ctx *c)
{
	heap_run(c, false);
}
