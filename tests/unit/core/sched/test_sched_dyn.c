/*
 * Host tests for the dynamic pool's policy (src/core/sched/sched_dyn.c), through its
 * ops table: pick (priority, then smallest virtual runtime; only runnable vCPUs that
 * are not moving away), charge (run time scaled by 1024 / weight), enqueue (virtual
 * runtime re-based to the runqueue's minimum) and slice.
 */
#include "harness.h"
#include <cpu.h>
#include <sched.h>
#include <vcpu.h>

#define NV    4
#define SLICE 1000u /* counter ticks per slice */

static struct pool pool;
static struct cpu c;
static struct vcpu v[NV];

/* A runqueue of the first n vCPUs: all runnable, staying, priority 0, weight 1. */
static void rq_setup(u32 n)
{
	memset(&c, 0, sizeof(c));
	memset(v, 0, sizeof(v));
	pool.slice_ticks = SLICE;
	c.sched.pool = &pool;
	for (u32 i = 0; i < n; i++) {
		v[i].id = i;
		v[i].state = VCPU_RUNNABLE;
		v[i].sched.weight = 1;
		v[i].sched.migrate_to = -1;
		c.sched.rq[i] = &v[i];
	}
	c.sched.nr_rq = n;
}

static struct vcpu *pick(void)
{
	return sched_dyn_ops.pick(&c);
}

TEST(highest_priority_wins_over_vruntime)
{
	rq_setup(3);
	v[0].sched.prio = 1;
	v[1].sched.prio = 5;
	v[1].sched.vruntime = 1000000; /* far behind in fair share, still first */
	v[2].sched.prio = 4;
	CHECK(pick() == &v[1]);
	v[2].sched.prio = 6;
	CHECK(pick() == &v[2]);
}

TEST(equal_priority_smallest_vruntime_wins)
{
	rq_setup(4);
	for (u32 i = 0; i < 4; i++)
		v[i].sched.prio = 2;
	v[0].sched.vruntime = 300;
	v[1].sched.vruntime = 100;
	v[2].sched.vruntime = 200;
	v[3].sched.vruntime = 101;
	CHECK(pick() == &v[1]);
	/* equal vruntime: the earlier runqueue slot, every time */
	v[3].sched.vruntime = 100;
	CHECK(pick() == &v[1]);
	CHECK(pick() == &v[1]);
	/* a lower priority never wins on vruntime */
	v[0].sched.prio = 1;
	v[0].sched.vruntime = 0;
	CHECK(pick() == &v[1]);
}

TEST(skips_blocked_off_and_migrating)
{
	rq_setup(4);
	v[0].sched.prio = 9;
	v[0].state = VCPU_WFI;
	v[1].sched.prio = 8;
	v[1].state = VCPU_OFF;
	v[2].sched.prio = 7;
	v[2].sched.migrate_to = 0; /* moving to pCPU 0, even if that is this one */
	v[3].sched.prio = 0;
	v[3].sched.vruntime = ~0ULL;
	CHECK(pick() == &v[3]);
	v[2].sched.migrate_to = 1;
	CHECK(pick() == &v[3]);
	v[2].sched.migrate_to = -1; /* move done: eligible again */
	CHECK(pick() == &v[2]);
	v[0].state = VCPU_RUNNABLE;
	CHECK(pick() == &v[0]);
}

TEST(nothing_runnable_idles)
{
	rq_setup(0);
	CHECK(pick() == NULL);
	rq_setup(2);
	v[0].state = VCPU_WFI;
	v[1].sched.migrate_to = 3;
	CHECK(pick() == NULL);
}

TEST(charge_scales_by_1024_over_weight)
{
	rq_setup(1);
	v[0].sched.weight = 1;
	sched_dyn_ops.charge(&v[0], 10);
	CHECK_EQ(v[0].sched.vruntime, 10240);
	v[0].sched.weight = 1024;
	sched_dyn_ops.charge(&v[0], 10);
	CHECK_EQ(v[0].sched.vruntime, 10250);
	v[0].sched.weight = 3;
	sched_dyn_ops.charge(&v[0], 3);
	CHECK_EQ(v[0].sched.vruntime, 10250 + 1024);
	sched_dyn_ops.charge(&v[0], 1); /* 1024 / 3 rounds down */
	CHECK_EQ(v[0].sched.vruntime, 10250 + 1024 + 341);
	v[0].sched.weight = 4096;
	sched_dyn_ops.charge(&v[0], 3); /* 3 * 1024 / 4096 = 0 */
	CHECK_EQ(v[0].sched.vruntime, 10250 + 1024 + 341);
	sched_dyn_ops.charge(&v[0], 0);
	CHECK_EQ(v[0].sched.vruntime, 10250 + 1024 + 341);
}

/* CPU-bound vCPUs: every round, the picked one runs a full slice and is charged. */
static void run_rounds(u32 rounds, u64 *ticks)
{
	for (u32 r = 0; r < rounds; r++) {
		struct vcpu *p = pick();

		if (!p)
			return;
		ticks[p->id] += SLICE;
		sched_dyn_ops.charge(p, SLICE);
	}
}

/* A runqueue of n vCPUs with these weights; t cleared for run_rounds. */
static void weighted_setup(u32 n, const u32 *weights, u64 *t)
{
	rq_setup(n);
	for (u32 i = 0; i < n; i++)
		v[i].sched.weight = weights[i];
	memset(t, 0, NV * sizeof(*t));
}

/* t is `slices` slices, give or take 0.1 %. */
static bool near(u64 t, u64 slices)
{
	return t * 1000 >= slices * SLICE * 999 && t * 1000 <= slices * SLICE * 1001;
}

TEST(weights_share_time_proportionally)
{
	static const u32 w13[] = { 1, 3 }, w125[] = { 1, 2, 5 };
	u64 t[NV];

	weighted_setup(2, w13, t);
	run_rounds(4000, t);
	CHECK_EQ(t[0] + t[1], 4000ULL * SLICE);
	/* 1:3 within one slice of either side */
	CHECK(t[1] + 3 * SLICE >= 3 * t[0]);
	CHECK(t[1] <= 3 * t[0] + 3 * SLICE);
	CHECK(near(t[0], 1000));

	weighted_setup(3, w125, t);
	run_rounds(8000, t);
	CHECK(near(t[0], 1000));
	CHECK(near(t[1], 2000));
	CHECK(near(t[2], 5000));
}

TEST(higher_priority_takes_all_time_while_runnable)
{
	static const u32 w[] = { 100, 1 };
	u64 t[NV];

	weighted_setup(2, w, t);
	v[1].sched.prio = 1;
	run_rounds(100, t);
	CHECK_EQ(t[1], 100ULL * SLICE);
	v[1].state = VCPU_WFI;
	run_rounds(10, t);
	CHECK_EQ(t[0], 10ULL * SLICE);
}

TEST(enqueue_rebases_to_runqueue_minimum)
{
	rq_setup(4);
	v[0].sched.vruntime = 500;
	v[1].sched.vruntime = 200;
	v[2].sched.vruntime = 900;
	v[3].sched.vruntime = 5; /* v[3] joins: its old value does not count */
	sched_dyn_ops.enqueue(&c, &v[3]);
	CHECK_EQ(v[3].sched.vruntime, 200);
	v[3].sched.vruntime = 123456789; /* returns after running elsewhere */
	sched_dyn_ops.enqueue(&c, &v[3]);
	CHECK_EQ(v[3].sched.vruntime, 200);
	/* the minimum may be any slot, including the last */
	v[2].sched.vruntime = 7;
	sched_dyn_ops.enqueue(&c, &v[0]);
	CHECK_EQ(v[0].sched.vruntime, 7);
}

TEST(enqueue_on_empty_runqueue_starts_at_zero)
{
	rq_setup(0);
	v[0].sched.vruntime = 777;
	sched_dyn_ops.enqueue(&c, &v[0]);
	CHECK_EQ(v[0].sched.vruntime, 0);
	/* alone on the runqueue (sched_add_vcpu adds before it enqueues) */
	rq_setup(1);
	v[0].sched.vruntime = 777;
	sched_dyn_ops.enqueue(&c, &v[0]);
	CHECK_EQ(v[0].sched.vruntime, 0);
}

TEST(rebased_newcomer_gets_fair_share_from_now)
{
	u64 t[NV] = { 0 };

	rq_setup(2);
	v[0].sched.vruntime = 1000000;
	v[1].sched.vruntime = 1000000;
	c.sched.rq[2] = &v[2]; /* a third vCPU joins with vruntime 0 */
	c.sched.nr_rq = 3;
	v[2].id = 2;
	v[2].state = VCPU_RUNNABLE;
	v[2].sched.weight = 1;
	v[2].sched.migrate_to = -1;
	sched_dyn_ops.enqueue(&c, &v[2]);
	CHECK_EQ(v[2].sched.vruntime, 1000000);
	run_rounds(30, t);
	CHECK_EQ(t[0], 10ULL * SLICE);
	CHECK_EQ(t[1], 10ULL * SLICE);
	CHECK_EQ(t[2], 10ULL * SLICE);
}

TEST(slice_and_limits)
{
	rq_setup(1);
	CHECK_EQ(sched_dyn_ops.slice(&c, &v[0]), SLICE);
	pool.slice_ticks = 12345;
	CHECK_EQ(sched_dyn_ops.slice(&c, &v[0]), 12345);
	CHECK_EQ(sched_dyn_ops.max_per_cpu, SCHED_RQ_MAX);
	CHECK(strcmp(sched_dyn_ops.name, "dynamic") == 0);
}

int main(void)
{
	RUN(highest_priority_wins_over_vruntime);
	RUN(equal_priority_smallest_vruntime_wins);
	RUN(skips_blocked_off_and_migrating);
	RUN(nothing_runnable_idles);
	RUN(charge_scales_by_1024_over_weight);
	RUN(weights_share_time_proportionally);
	RUN(higher_priority_takes_all_time_while_runnable);
	RUN(enqueue_rebases_to_runqueue_minimum);
	RUN(enqueue_on_empty_runqueue_starts_at_zero);
	RUN(rebased_newcomer_gets_fair_share_from_now);
	RUN(slice_and_limits);
	HARNESS_END("test_sched_dyn");
}
