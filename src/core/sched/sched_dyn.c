/*
 * Dynamic pool: vCPUs of several VMs share pCPUs. The highest priority among
 * runnable vCPUs runs first; within a priority, the one with the smallest
 * virtual runtime (run time scaled by 1/weight), so CPU-bound vCPUs receive
 * time in proportion to their weights. Preemption happens when the pool's
 * slice ends (EL2 timer). A vCPU that moves to another pCPU starts at that
 * runqueue's minimum virtual runtime.
 */
#include <cpu.h>
#include <sched.h>
#include <vcpu.h>

#define WEIGHT_SCALE 1024

static bool better(const struct vcpu *a, const struct vcpu *b)
{
	if (!b)
		return true;
	if (a->sched.prio != b->sched.prio)
		return a->sched.prio > b->sched.prio;
	return a->sched.vruntime < b->sched.vruntime;
}

static struct vcpu *dyn_pick(struct cpu *c)
{
	struct vcpu *best = NULL;

	for (u32 i = 0; i < c->sched.nr_rq; i++) {
		struct vcpu *v = c->sched.rq[i];

		if (v->state == VCPU_RUNNABLE && v->sched.migrate_to < 0 && better(v, best))
			best = v;
	}
	return best;
}

static u64 dyn_slice(struct cpu *c, struct vcpu *v)
{
	(void)v;
	return c->sched.pool->slice_ticks;
}

static void dyn_charge(struct vcpu *v, u64 ticks)
{
	v->sched.vruntime += ticks * WEIGHT_SCALE / v->sched.weight;
}

/*
 * v joins c's runqueue (placement or migration): its virtual runtime is re-based
 * to the runqueue's minimum, so time it ran elsewhere neither starves it nor lets
 * it monopolise this pCPU.
 */
static void dyn_enqueue(struct cpu *c, struct vcpu *v)
{
	u64 min = ~0ULL;

	for (u32 i = 0; i < c->sched.nr_rq; i++)
		if (c->sched.rq[i] != v && c->sched.rq[i]->sched.vruntime < min)
			min = c->sched.rq[i]->sched.vruntime;
	v->sched.vruntime = min == ~0ULL ? 0 : min;
}

const struct sched_ops sched_dyn_ops = {
	.name = "dynamic",
	.pick = dyn_pick,
	.slice = dyn_slice,
	.charge = dyn_charge,
	.enqueue = dyn_enqueue,
	.max_per_cpu = SCHED_RQ_MAX,
};
