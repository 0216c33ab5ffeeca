/*
 * CPU pools and vCPU scheduling. Every pCPU belongs to exactly one pool and
 * every VM to one pool. A pool's policy is an ops table:
 *  - bind (sched_bind.c): one vCPU per pCPU, no hypervisor tick, the guest's
 *    timer interrupt delivered HW-mapped; the pCPU idles only while its vCPU waits.
 *  - dynamic (sched_dyn.c): vCPUs of several VMs share the pool's pCPUs with
 *    overcommit; priority first, then weighted fair share (virtual runtime),
 *    preemption at the end of a time slice by the EL2 physical timer.
 * When nothing can run, the pCPU runs its idle vCPU (the EL2 WFI loop), whose
 * run time is what load accounting (load.c) measures.
 */
#ifndef RTV_SCHED_H
#define RTV_SCHED_H

#include <rtv_limits.h>
#include <types.h>

#define SCHED_MAX_POOLS LIM_POOLS
#define SCHED_RQ_MAX LIM_RUNQUEUE
#define SCHED_NAME_LEN LIM_NAME_LEN

struct cpu;
struct vcpu;
struct vm;
struct pool;

struct sched_ops {
	const char *name;
	/* Next vCPU to run on c among its runqueue, or NULL to idle. Called with the sched lock. */
	struct vcpu *(*pick)(struct cpu *c);
	/* Counter ticks until c must re-pick while v runs; 0 = no tick at all. */
	u64 (*slice)(struct cpu *c, struct vcpu *v);
	/* v ran for `ticks` counter ticks. */
	void (*charge)(struct vcpu *v, u64 ticks);
	/* v joins a runqueue of this pool (initial placement, wake-up after sleep). */
	void (*enqueue)(struct cpu *c, struct vcpu *v);
	/* Which vCPUs a pCPU of this pool may hold (bind: exactly one). */
	u32 max_per_cpu;
};

enum pool_policy { POOL_BIND, POOL_DYNAMIC };

struct pool {
	char name[SCHED_NAME_LEN];
	enum pool_policy policy;
	const struct sched_ops *ops;
	u64 cpus;        /* bitmask of member pCPUs */
	u64 slice_ticks; /* dynamic: time slice in counter ticks */
};

/* Per-vCPU scheduling state (embedded in struct vcpu). */
struct vcpu_sched {
	u32 weight;      /* share within the pool (dynamic) */
	u32 prio;        /* higher runs first (dynamic) */
	u64 vruntime;    /* weighted run time (dynamic) */
	u64 affinity;    /* pCPUs this vCPU may run on (pinned = one bit) */
	u64 run_ticks;   /* total time on a pCPU */
	u64 timer_deadline; /* virtual-timer expiry while not loaded (0 = none) */
	s32 migrate_to;  /* pending move to this pCPU, or -1 */
	u64 steal_ticks; /* time runnable but not loaded (steal.c), counter ticks */
	u64 wait_since;  /* when it last became runnable and not loaded, 0 = not waiting */
};

/* Per-pCPU scheduling state (embedded in struct cpu). */
struct cpu_sched {
	struct pool *pool;
	struct vcpu *rq[SCHED_RQ_MAX]; /* vCPUs homed on this pCPU */
	u32 nr_rq;
	struct vcpu *current;           /* loaded vCPU (its state is in the registers), or NULL */
	const struct vcpu *alone;       /* current if sched_alone() held when the loop last
					 * entered it, else NULL: read by the fast path only
					 * while go_round is 0, i.e. before any change to what
					 * sched_alone() reads (each writer marks need_resched) */
	u64 run_start;                  /* when current last started running */
	u64 slice_end;                  /* hyp timer deadline for preemption, 0 = none */
	u64 idle_ticks;                 /* total time in the idle vCPU */
	u64 load_win_start, load_win_idle; /* load window start: time and idle total then */
	u32 load_permille;              /* last completed window */
	bool load_valid;
};

extern const struct sched_ops sched_bind_ops;
extern const struct sched_ops sched_dyn_ops;
extern struct pool pools[SCHED_MAX_POOLS];
extern u32 nr_pools;

struct pool *pool_by_name(const char *name);
int sched_add_pool(const char *name, enum pool_policy policy, u64 cpus, u64 slice_us);
int sched_add_vcpu(struct vcpu *v, u32 pcpu, u32 weight, u32 prio);
void sched_set_need_resched(u32 pcpu);
void sched_mark_resched(u32 pcpu);        /* the same without the kick (sched.c) */
void sched_wake(struct vcpu *v);             /* v became runnable (any pCPU) */
void sched_wake_loaded(struct vcpu *v);      /* the same, v loaded on this pCPU */
void sched_schedule(struct cpu *c);          /* on c: pick and switch if needed */
int sched_init(void);                        /* boot CPU: take the EL2 timer interrupt */
bool sched_vcpu_loaded(const struct vcpu *v);
/* c is a bind pCPU whose one vCPU is loaded: nothing else could run there (cpu.c) */
bool sched_alone(const struct cpu *c);
u64 sched_vcpu_run_ticks(const struct vcpu *v); /* run_ticks plus the current stint */
void sched_move_unloaded(struct vcpu *v, u32 to);
u64 sched_now(void);
u64 sched_us_to_ticks(u64 us);

/* Runtime changes: each checks everything first and changes nothing on error (msg set). */
/* Full-width arguments: each is range-checked before it is narrowed (issue 19). */
#define SCHED_UNPIN (~0ULL)	/* sched_pin's pcpu: may run on any pCPU of its pool */
int sched_pin(struct vcpu *v, u64 pcpu, char *msg, size_t len);
int sched_pool_move(u64 pcpu, struct pool *to, char *msg, size_t len);
int sched_set_weight(struct vcpu *v, u64 weight, u64 prio, char *msg, size_t len);
/* sched_set_weight for each vCPU of vm in turn, stopping at the first one refused. */
int sched_set_vm_weight(struct vm *vm, u64 weight, u64 prio, char *msg, size_t len);

/*
 * Stolen time (steal.c, pure): the time a vCPU was runnable but another vCPU ran on its
 * pCPU. sched_schedule updates it on the vCPU's pCPU, under the sched lock, at every
 * pick: `waiting` = runnable and not the pick. Returns true if steal_ticks grew.
 */
bool steal_update(struct vcpu_sched *s, bool waiting, u64 now);
/* Called on the vCPU's pCPU, as it is loaded, when its stolen time grew (a unit that
 * publishes it to the guest: vdev/pvtime.c). Set once, at boot, before other pCPUs run. */
typedef void sched_steal_hook(struct vcpu *v);
void sched_set_steal_hook(sched_steal_hook *fn);

/* Load accounting (load.c) */
void util_idle_enter(struct cpu *c);
void util_idle_exit(struct cpu *c);
u64 util_idle_ticks(const struct cpu *c, u64 now); /* idle time so far (counter) */
u32 util_permille(u32 pcpu);                 /* last completed window, ~0u if none yet */
void util_set_period_ms(u32 ms);
u32 util_period_ms(void);

#endif
