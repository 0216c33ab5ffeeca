/*
 * Bind scheduling for the RT pool: exactly one vCPU per pCPU. It is loaded once
 * and stays loaded; there is no time slice, so the EL2 timer is never armed on
 * these pCPUs and the guest runs until it waits (WFI) or an interrupt arrives.
 */
#include <cpu.h>
#include <sched.h>
#include <vcpu.h>

static struct vcpu *bind_pick(struct cpu *c)
{
	struct vcpu *v = c->sched.nr_rq ? c->sched.rq[0] : NULL;

	return v && v->state == VCPU_RUNNABLE ? v : NULL;
}

static u64 bind_slice(struct cpu *c, struct vcpu *v)
{
	(void)c;
	(void)v;
	return 0; /* tickless */
}

static void bind_charge(struct vcpu *v, u64 ticks)
{
	(void)v;
	(void)ticks;
}

static void bind_enqueue(struct cpu *c, struct vcpu *v)
{
	(void)c;
	(void)v;
}

const struct sched_ops sched_bind_ops = {
	.name = "bind",
	.pick = bind_pick,
	.slice = bind_slice,
	.charge = bind_charge,
	.enqueue = bind_enqueue,
	.max_per_cpu = 1,
};
