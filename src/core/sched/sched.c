/*
 * Scheduling framework: pools, per-pCPU runqueues, switching the loaded vCPU,
 * wake-ups, and the EL2 timer that preempts dynamic-pool vCPUs. Policies are
 * ops tables (sched_bind.c, sched_dyn.c). One lock protects all runqueues;
 * only the owning pCPU touches its loaded vCPU's registers.
 */
#include <asm/barrier.h>
#include <asm/timer.h>
#include <cpu.h>
#include <debug.h>
#include <err.h>
#include <freq.h>
#include <housekeep.h>
#include <irq.h>
#include <platform_info.h>
#include <lib.h>
#include <sched.h>
#include <vm.h>

struct pool pools[SCHED_MAX_POOLS];
u32 nr_pools;
spinlock_t sched_lock = SPINLOCK_INIT;

u64 sched_now(void)
{
	return arch_counter();
}

u64 sched_us_to_ticks(u64 us)
{
	return us * arch_counter_freq() / 1000000;
}

struct pool *pool_by_name(const char *name)
{
	for (u32 i = 0; i < nr_pools; i++)
		if (!strcmp(pools[i].name, name))
			return &pools[i];
	return NULL;
}

int sched_add_pool(const char *name, enum pool_policy policy, u64 cpumask, u64 slice_us)
{
	struct pool *p;

	if (pool_by_name(name))
		return ERR_EXIST;
	if (nr_pools == SCHED_MAX_POOLS)
		return ERR_FULL;
	p = &pools[nr_pools++];
	rtv_strlcpy(p->name, name, sizeof(p->name));
	p->policy = policy;
	p->ops = policy == POOL_BIND ? &sched_bind_ops : &sched_dyn_ops;
	p->cpus = cpumask;
	p->slice_ticks = sched_us_to_ticks(slice_us ? slice_us : 1000);
	for (u32 i = 0; i < MAX_CPUS; i++)
		if (cpumask & BIT(i))
			cpus[i].sched.pool = p;
	return 0;
}

static void rq_add(struct cpu *c, struct vcpu *v)
{
	c->sched.rq[c->sched.nr_rq++] = v;
	v->pcpu = c->id;
}

static void rq_remove(struct cpu *c, struct vcpu *v)
{
	for (u32 i = 0; i < c->sched.nr_rq; i++) {
		if (c->sched.rq[i] == v) {
			c->sched.rq[i] = c->sched.rq[--c->sched.nr_rq];
			return;
		}
	}
}

int sched_add_vcpu(struct vcpu *v, u32 pcpu, u32 weight, u32 prio)
{
	struct cpu *c = &cpus[pcpu];

	if (!c->sched.pool)
		return ERR_INVAL;
	if (c->sched.nr_rq >= c->sched.pool->ops->max_per_cpu)
		return ERR_FULL;
	v->sched.weight = weight ? weight : 1;
	v->sched.prio = prio;
	v->sched.affinity = c->sched.pool->cpus;
	v->sched.migrate_to = -1;
	spin_lock(&sched_lock);
	rq_add(c, v);
	c->sched.pool->ops->enqueue(c, v);
	spin_unlock(&sched_lock);
	return 0;
}

/*
 * The caller changed something the loop of pcpu checks before entering its vCPU (a vCPU's or
 * VM's state, a hold, a migration). The change is made visible before the mark: the loop
 * clears the mark, fences, then reads (cpu_loop), so either it reads the change or the
 * mark stays set, and the fast path, which tests only the mark (cpu.h go_round), goes round.
 */
void sched_mark_resched(u32 pcpu)
{
	smp_mb();
	cpus[pcpu].need_resched = true;
}

/* The same, and pcpu is interrupted to look now. */
void sched_set_need_resched(u32 pcpu)
{
	sched_mark_resched(pcpu);
	cpu_kick(pcpu);
}

/*
 * v has something new to handle. If it is the vCPU loaded on this very pCPU,
 * the run loop refills its list registers before re-entering it anyway: nothing
 * to decide, which keeps the scheduler off the direct interrupt path.
 */
void sched_wake_loaded(struct vcpu *v)
{
	/* Loaded here: its WFI block runs on this pCPU too, never at the same time as this
	 * (EL2 is not interruptible), so program order is all the ordering needed. */
	if (v->state == VCPU_WFI)
		v->state = VCPU_RUNNABLE;
}

void sched_wake(struct vcpu *v)
{
	if (cpu()->sched.current == v) {
		sched_wake_loaded(v);
		return;
	}
	smp_mb(); /* the caller's pending mark before the state read (the WFI block, arch) */
	if (v->state == VCPU_WFI)
		v->state = VCPU_RUNNABLE;
	else if (v->wfi_fast) { /* waits on its pCPU's fast path: the kick alone wakes it, and
				 * it injects what is pending itself (arch, fast_wfi). That pCPU
				 * is online and not this one (which runs this, not fast_wfi):
				 * cpu_kick()'s checks hold already. */
		arch_irq_send_ipi(v->pcpu);
		return;
	}
	sched_set_need_resched(v->pcpu);
}

bool sched_vcpu_loaded(const struct vcpu *v)
{
	return cpus[v->pcpu].sched.current == v;
}

/*
 * Time v has run so far, including the stint it is in now (a vCPU alone on its pCPU is
 * charged only when it is switched out, which may be never). Read from another pCPU
 * without the lock, for display: the total is read before the stint's start, so a stint
 * charged in between is missed once (stale), never counted twice.
 */
u64 sched_vcpu_run_ticks(const struct vcpu *v)
{
	const volatile struct cpu_sched *cs = &cpus[v->pcpu].sched;
	u64 ran = *(const volatile u64 *)&v->sched.run_ticks;
	u64 start, now;

	smp_mb(); /* the total before the stint's start (charge_current: total, then start = 0) */
	start = cs->run_start;
	now = sched_now();
	if (cs->current == v && start && now > start)
		ran += now - start;
	return ran;
}

/* Hand a vCPU that is not loaded anywhere to another pCPU's runqueue (sched lock held). */
void sched_move_unloaded(struct vcpu *v, u32 to)
{
	rq_remove(&cpus[v->pcpu], v);
	rq_add(&cpus[to], v);
	v->sched.migrate_to = -1;
	cpus[to].sched.pool->ops->enqueue(&cpus[to], v);
	sched_set_need_resched(to);
}

static void switch_to(struct cpu *c, struct vcpu *next)
{
	struct vcpu *prev = c->sched.current;

	if (prev == next)
		return;
	if (prev)
		vcpu_put(prev);
	c->sched.current = next;
	if (next)
		vcpu_load(next);
	if (prev && next)
		c->stats.count[STAT_SCHED]++; /* a real switch, not a first load or an unload */
}

static void do_migration(struct cpu *c)
{
	struct vcpu *v = c->sched.current;

	if (!v || v->sched.migrate_to < 0)
		return;
	switch_to(c, NULL);
	sched_move_unloaded(v, (u32)v->sched.migrate_to);
}

static void charge_current(struct cpu *c, u64 now)
{
	struct vcpu *v = c->sched.current;

	if (v && c->sched.run_start) {
		v->sched.run_ticks += now - c->sched.run_start;
		c->sched.pool->ops->charge(v, now - c->sched.run_start);
	}
	c->sched.run_start = 0;
}

/* Earliest virtual-timer deadline among vCPUs waiting here but not loaded. */
static u64 next_deadline(const struct cpu *c)
{
	u64 best = 0;

	for (u32 i = 0; i < c->sched.nr_rq; i++) {
		const struct vcpu *v = c->sched.rq[i];
		u64 d = v->sched.timer_deadline;

		if (v != c->sched.current && v->state == VCPU_WFI && d && (!best || d < best))
			best = d;
	}
	return best;
}

/* The earlier of two deadlines, 0 meaning none. */
static u64 earlier(u64 a, u64 b)
{
	return !a ? b : !b ? a : (a < b ? a : b);
}

static void program_timer(struct cpu *c)
{
	u64 t = earlier(earlier(next_deadline(c), c->sched.slice_end), freq_next_due(c));

	if (c->housekeeper) {
		t = earlier(t, gdb_next_due()); /* the GDB lines are polled */
		t = earlier(t, hk_timers_due(c)); /* units' timed work (a watchdog's expiry) */
	}

	if (t)
		arch_hyp_timer_arm(t);
	else
		arch_hyp_timer_disarm();
}

static sched_steal_hook *steal_hook;

void sched_set_steal_hook(sched_steal_hook *fn)
{
	steal_hook = fn;
}

/* Stolen time of c's vCPUs (steal.c): every runnable vCPU but next is waiting. The
 * hook sees next when it was just loaded or its stolen time grew. */
static void account_steal(struct cpu *c, struct vcpu *next, bool loaded, u64 now)
{
	for (u32 i = 0; i < c->sched.nr_rq; i++) {
		struct vcpu *v = c->sched.rq[i];
		bool grew = steal_update(&v->sched, v != next && v->state == VCPU_RUNNABLE, now);

		if (v == next && (grew || loaded) && steal_hook)
			steal_hook(v);
	}
}

void sched_schedule(struct cpu *c)
{
	struct vcpu *next, *prev;
	u64 now = sched_now(), slice;

	spin_lock(&sched_lock);
	do_migration(c);
	charge_current(c, now);
	prev = c->sched.current;
	next = c->sched.pool ? c->sched.pool->ops->pick(c) : NULL;
	if (next)
		switch_to(c, next);
	account_steal(c, next, next != prev, now);
	slice = next ? c->sched.pool->ops->slice(c, next) : 0;
	c->sched.slice_end = slice ? now + slice : 0;
	c->sched.run_start = next ? now : 0;
	program_timer(c);
	spin_unlock(&sched_lock);
}

/* EL2 physical timer interrupt: a slice ended or a sleeping vCPU's timer is due. */
/* The EL2 timer fired on this pCPU: slices and WFI timeouts of its dynamic pool. */
static void sched_tick(u32 intid, void *data)
{
	struct cpu *c = cpu();
	u64 now = sched_now();

	(void)intid;
	(void)data;
	c->stats.count[STAT_TICK]++; /* counted idle or not: a bind pCPU must never see one */
	arch_hyp_timer_disarm();
	spin_lock(&sched_lock);
	for (u32 i = 0; i < c->sched.nr_rq; i++) {
		struct vcpu *v = c->sched.rq[i];

		if (v->state == VCPU_WFI && v->sched.timer_deadline && v->sched.timer_deadline <= now) {
			v->sched.timer_deadline = 0;
			v->state = VCPU_RUNNABLE;
		}
	}
	spin_unlock(&sched_lock);
	c->need_resched = true;
}

/* Boot CPU, before the others start: the EL2 timer is a private interrupt of each. */
int sched_init(void)
{
	return irq_register(plat.timer_intid_hyp, IRQ_HYP_TICK, sched_tick, NULL, true);
}
