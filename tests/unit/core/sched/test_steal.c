/*
 * Host tests for stolen-time accounting (src/core/sched/steal.c): a wait starts once,
 * ends when the vCPU is picked (or stops being runnable) and adds exactly its length;
 * with the dynamic pool's pick, two CPU-bound vCPUs sharing a pCPU each see the time
 * the other ran as stolen, and a vCPU blocked in WFI sees none.
 */
#include "harness.h"
#include <cpu.h>
#include <sched.h>
#include <vcpu.h>

#define SLICE 1000u

TEST(wait_then_pick_adds_its_length)
{
	struct vcpu_sched s = { 0 };

	CHECK(!steal_update(&s, true, 100));
	CHECK(!steal_update(&s, true, 400)); /* still the same wait: it does not restart */
	CHECK(steal_update(&s, false, 1100));
	CHECK_EQ(s.steal_ticks, 1000ULL);
	CHECK_EQ(s.wait_since, 0ULL);
	CHECK(!steal_update(&s, false, 5000)); /* not waiting: nothing to add */
	CHECK_EQ(s.steal_ticks, 1000ULL);
}

TEST(wait_from_time_zero_and_clock_not_advancing)
{
	struct vcpu_sched s = { 0 };

	CHECK(!steal_update(&s, true, 0));
	CHECK(s.wait_since != 0);
	CHECK(steal_update(&s, false, 10));
	CHECK(s.steal_ticks >= 9 && s.steal_ticks <= 10);
	CHECK(!steal_update(&s, true, 50));
	CHECK(!steal_update(&s, false, 50)); /* a zero-length wait adds nothing */
	CHECK(!steal_update(&s, true, 60));
	CHECK(!steal_update(&s, false, 40)); /* a counter that went back adds nothing */
	CHECK(s.steal_ticks <= 10);
}

static struct pool pool;
static struct cpu c;
static struct vcpu v[2];

/* One pCPU, two vCPUs, the dynamic pool's pick at every slice end, as sched_schedule
 * does: pick, charge the one that runs, update everyone's stolen time. */
static void run_slices(u32 n)
{
	for (u32 t = 1; t <= n; t++) {
		u64 now = (u64)t * SLICE;
		struct vcpu *next = sched_dyn_ops.pick(&c);

		for (u32 i = 0; i < 2; i++)
			(void)steal_update(&v[i].sched, &v[i] != next && v[i].state == VCPU_RUNNABLE,
					   now);
		if (next)
			sched_dyn_ops.charge(next, SLICE);
	}
}

static void setup(void)
{
	memset(&c, 0, sizeof(c));
	memset(v, 0, sizeof(v));
	c.sched.pool = &pool;
	for (u32 i = 0; i < 2; i++) {
		v[i].state = VCPU_RUNNABLE;
		v[i].sched.weight = 1;
		v[i].sched.migrate_to = -1;
		c.sched.rq[i] = &v[i];
	}
	c.sched.nr_rq = 2;
}

TEST(two_busy_vcpus_steal_from_each_other)
{
	setup();
	run_slices(21);
	/* 20 slices between the first and the last pick, taken in turn: each vCPU waited
	 * (finished waits only) for the 10 the other one ran. */
	CHECK_EQ(v[0].sched.steal_ticks, 10ULL * SLICE);
	CHECK_EQ(v[1].sched.steal_ticks, 10ULL * SLICE);
}

TEST(blocked_vcpu_has_no_stolen_time)
{
	setup();
	v[1].state = VCPU_WFI;
	run_slices(20);
	CHECK_EQ(v[0].sched.steal_ticks, 0ULL);
	CHECK_EQ(v[1].sched.steal_ticks, 0ULL);
}

int main(void)
{
	RUN(wait_then_pick_adds_its_length);
	RUN(wait_from_time_zero_and_clock_not_advancing);
	RUN(two_busy_vcpus_steal_from_each_other);
	RUN(blocked_vcpu_has_no_stolen_time);
	HARNESS_END("test_steal");
}
