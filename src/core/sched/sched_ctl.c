/*
 * Runtime scheduling changes (shell and privileged hypercalls). Each function
 * checks everything first and changes nothing when it refuses, explaining why
 * in msg.
 */
#include <cpu.h>
#include <err.h>
#include <housekeep.h>
#include <lib.h>
#include <sched.h>
#include <vm.h>

extern spinlock_t sched_lock;

#define REFUSE(...)                             \
	do {                                    \
		snprintf(msg, len, __VA_ARGS__);    \
		return ERR_INVAL;               \
	} while (0)

/* A pCPU of pool p other than `not` that can take v (affinity, capacity), or -1. */
static s32 rehome_target(const struct vcpu *v, const struct pool *p, u32 not, u32 extra[MAX_CPUS])
{
	s32 best = -1;

	for (u32 i = 0; i < nr_cpus; i++) {
		const struct cpu *c = &cpus[i];
		u32 n = c->sched.nr_rq + extra[i];

		if (i == not || !(p->cpus & BIT(i)) || !(v->sched.affinity & BIT(i)) || !c->online)
			continue;
		if (n < p->ops->max_per_cpu && (best < 0 || n < cpus[best].sched.nr_rq + extra[best]))
			best = (s32)i;
	}
	return best;
}

static void relocate(struct vcpu *v, u32 to)
{
	if (sched_vcpu_loaded(v)) {
		v->sched.migrate_to = (s32)to;
		sched_set_need_resched(v->pcpu);
		return;
	}
	sched_move_unloaded(v, to);
}

/*
 * Arguments arrive as the caller gave them (a hypercall's full 64-bit register): each is
 * range-checked at its full width before it is narrowed, so 0x100000001 is no pCPU 1.
 */
int sched_pin(struct vcpu *v, u64 pcpu_arg, char *msg, size_t len)
{
	struct pool *p = cpus[v->pcpu].sched.pool;
	int r = 0;
	u32 pcpu, from = 0; /* where v was, read under the lock (used only when r == 0) */

	if (pcpu_arg == SCHED_UNPIN) {
		v->sched.affinity = p->cpus;
		return 0;
	}
	if (pcpu_arg >= nr_cpus || !cpus[pcpu_arg].online)
		REFUSE("pCPU %lu does not exist", pcpu_arg);
	pcpu = (u32)pcpu_arg;
	if (v->vm->cfg->exitless) /* its pCPU's interrupt groups are set for it at boot */
		REFUSE("vm '%s' is exit-less: its vCPU stays on pCPU %u", v->vm->cfg->name, v->pcpu);
	if (cpus[pcpu].sched.pool != p)
		REFUSE("pCPU %u is in pool '%s', vm '%s' is in pool '%s'", pcpu,
		       cpus[pcpu].sched.pool->name, v->vm->cfg->name, p->name);
	spin_lock(&sched_lock);
	if (pcpu != v->pcpu && cpus[pcpu].sched.nr_rq >= p->ops->max_per_cpu) {
		snprintf(msg, len, "pCPU %u already runs a vCPU (bind pool '%s')", pcpu, p->name);
		r = -1;
	} else {
		from = v->pcpu;
		v->sched.affinity = BIT(pcpu);
		if (pcpu != v->pcpu)
			relocate(v, pcpu);
	}
	spin_unlock(&sched_lock);
	if (!r && p->policy == POOL_BIND && pcpu != from)
		hk_elect_bind_move(from, pcpu); /* the housekeeping never stays under a bind vCPU */
	return r;
}

static int check_pool_move(u32 pcpu, const struct pool *to, s32 dest[SCHED_RQ_MAX], char *msg,
			   size_t len)
{
	const struct cpu *c = &cpus[pcpu];
	const struct pool *from = c->sched.pool;
	u32 extra[MAX_CPUS] = { 0 };

	if (from == to)
		REFUSE("pCPU %u is already in pool '%s'", pcpu, to->name);
	for (u32 i = 0; i < c->sched.nr_rq; i++) {
		const struct vcpu *v = c->sched.rq[i];

		if (from->policy == POOL_BIND && v->vm->state == VM_RUNNING)
			REFUSE("pCPU %u runs vm '%s' vCPU %u in bind pool '%s': stop the VM or move the "
			       "vCPU first", pcpu, v->vm->cfg->name, v->id, from->name);
		dest[i] = rehome_target(v, from, pcpu, extra);
		if (dest[i] < 0)
			REFUSE("vm '%s' vCPU %u has no other pCPU in pool '%s' to go to",
			       v->vm->cfg->name, v->id, from->name);
		extra[dest[i]]++;
	}
	return 0;
}

int sched_pool_move(u64 pcpu_arg, struct pool *to, char *msg, size_t len)
{
	s32 dest[SCHED_RQ_MAX];
	struct cpu *c;
	struct vcpu *movers[SCHED_RQ_MAX];
	u32 n, pcpu;
	int r;

	if (pcpu_arg >= nr_cpus || !cpus[pcpu_arg].online)
		REFUSE("pCPU %lu does not exist", pcpu_arg);
	pcpu = (u32)pcpu_arg;
	c = &cpus[pcpu];
	if (c->exitless)
		REFUSE("pCPU %u runs an exit-less VM: it stays in its bind pool", pcpu);
	spin_lock(&sched_lock);
	r = check_pool_move(pcpu, to, dest, msg, len);
	if (r) {
		spin_unlock(&sched_lock);
		return r;
	}
	n = c->sched.nr_rq;
	memcpy(movers, c->sched.rq, n * sizeof(movers[0]));
	c->sched.pool->cpus &= ~BIT(pcpu);
	for (u32 i = 0; i < n; i++) {
		movers[i]->sched.affinity &= ~BIT(pcpu);
		relocate(movers[i], (u32)dest[i]);
	}
	to->cpus |= BIT(pcpu);
	c->sched.pool = to;
	spin_unlock(&sched_lock);
	sched_set_need_resched(pcpu);
	hk_elect(); /* the console's pCPU must stay outside the bind pools */
	return 0;
}

int sched_set_weight(struct vcpu *v, u64 weight, u64 prio, char *msg, size_t len)
{
	const struct pool *p = cpus[v->pcpu].sched.pool;

	if (p->policy != POOL_DYNAMIC)
		REFUSE("vm '%s' is in bind pool '%s': weight and priority apply to dynamic pools",
		       v->vm->cfg->name, p->name);
	if (weight < 1 || weight > 1000)
		REFUSE("weight %lu out of range 1..1000", weight);
	if (prio > 15)
		REFUSE("priority %lu out of range 0..15", prio);
	spin_lock(&sched_lock);
	v->sched.weight = (u32)weight;
	v->sched.prio = (u32)prio;
	spin_unlock(&sched_lock);
	sched_set_need_resched(v->pcpu);
	return 0;
}

int sched_set_vm_weight(struct vm *vm, u64 weight, u64 prio, char *msg, size_t len)
{
	for (u32 i = 0; i < vm->nr_vcpus; i++) {
		int r = sched_set_weight(&vm->vcpus[i], weight, prio, msg, len);

		if (r)
			return r;
	}
	return 0;
}
