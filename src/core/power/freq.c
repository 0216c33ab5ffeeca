/*
 * The frequency governor at run time (freq.h, docs/power.md): per pCPU a sampling
 * window over its idle-vCPU time, the governor's level, the time spent at each level
 * and the model energy; per vCPU the level its VM asked for. Samples are taken on the
 * housekeeping pCPU (freq_poll from its run loop, woken by its EL2 timer: freq_next_due);
 * a bind pCPU never runs the governor and never waits for it.
 */
#include <asm/spinlock.h>
#include <config.h>
#include <cpu.h>
#include <freq.h>
#include <housekeep.h>
#include <lib.h>
#include <printk.h>
#include <sched.h>
#include <vm.h>

#define DEFAULT_SAMPLE_MS 100

struct freq_cpu {
	u64 win_start, win_idle;  /* sampling window: start and idle total then */
	u64 acc_time, acc_idle;   /* accounting point: time and idle total then */
	u64 next_sample;          /* counter; 0 = not yet started */
	u32 load;                 /* permille of the last sample, ~0u before the first */
	u32 gov_level;            /* the governor's own level (ondemand state) */
	u32 level;                /* the domain's level, what this pCPU runs at */
	u32 req;                  /* highest request of the VMs here at the last decision */
	u64 time_in[FREQ_NR_LEVELS]; /* counter ticks at each level */
	u64 energy_nj;
};

static struct freq_cpu fc[MAX_CPUS];
static struct freq_params params[SCHED_MAX_POOLS];
static u8 requests[CFG_MAX_VMS][CFG_MAX_VCPUS];
static spinlock_t freq_lock = SPINLOCK_INIT;
static volatile bool dirty;   /* a request from a bind pCPU waits for the housekeeper */
static bool started;
static u64 due_at;            /* the earliest next_sample */

/* ---- policies ---- */

static void params_of(struct freq_params *fp, const struct cfg_pool *cp)
{
	int rt = cp->rt_freq_khz ? freq_level_of_khz(cp->rt_freq_khz) : -1;

	/* A bind pCPU without a vCPU runs nothing: lowest level. With one it is fixed (rt). */
	fp->gov = cp->dynamic ? (enum freq_gov)cp->freq_policy : FREQ_POWERSAVE;
	fp->up_permille = (cp->freq_up ? cp->freq_up : 80) * 10;
	fp->down_permille = (cp->freq_down ? cp->freq_down : 30) * 10;
	fp->sample_ms = cp->freq_sample_ms ? cp->freq_sample_ms : DEFAULT_SAMPLE_MS;
	fp->rt_level = rt >= 0 ? (u32)rt : FREQ_MAX_LEVEL;
}

static const struct freq_params *params_on(u32 pcpu)
{
	const struct pool *pl = cpus[pcpu].sched.pool;

	return &params[pl ? (u32)(pl - pools) : 0];
}

/* A bind pCPU with a vCPU runs an RT VM: its level is fixed. */
static bool rt_fixed(u32 pcpu)
{
	const struct cpu *c = &cpus[pcpu];

	return c->sched.pool && c->sched.pool->policy == POOL_BIND && c->sched.nr_rq;
}

void freq_init(const struct scenario *s)
{
	static const struct cfg_pool rt_default; /* no /pools: one bind pool at the top level */

	for (u32 i = 0; i < nr_pools; i++)
		params_of(&params[i], s->nr_pools ? &s->pools[i] : &rt_default);
	memset(requests, FREQ_NO_REQUEST, sizeof(requests));
	for (u32 p = 0; p < MAX_CPUS; p++) {
		fc[p].load = ~0u;
		fc[p].req = FREQ_NO_REQUEST;
		fc[p].level = fc[p].gov_level = FREQ_MAX_LEVEL;
	}
}

/* ---- accounting ---- */

static u64 ticks_us(u64 t)
{
	u64 f = sched_us_to_ticks(1000000);

	return f ? t * 1000000 / f : 0;
}

/* Idle-vCPU time of pcpu since the point (*t0, *i0), at most the span; the point moves
 * to now. */
static u64 idle_since(u32 pcpu, u64 now, u64 *t0, u64 *i0)
{
	u64 idle = util_idle_ticks(&cpus[pcpu], now), span = now - *t0, di = idle - *i0;

	*t0 = now;
	*i0 = idle;
	return di < span ? di : span;
}

/* Time and energy since the last accounting point, at the level held since. */
static void account(u32 pcpu, u64 now)
{
	struct freq_cpu *f = &fc[pcpu];
	u64 dt = now - f->acc_time, di = idle_since(pcpu, now, &f->acc_time, &f->acc_idle);

	f->time_in[f->level] += dt;
	f->energy_nj += freq_energy_nj(f->level, ticks_us(dt - di), ticks_us(di));
}

/* The load over the window that ends now, and a new window. */
static void close_window(u32 pcpu, u64 now)
{
	struct freq_cpu *f = &fc[pcpu];
	u64 len = now - f->win_start, di = idle_since(pcpu, now, &f->win_start, &f->win_idle);

	f->load = len ? (u32)((len - di) * 1000 / len) : 0;
}

/* ---- decisions ---- */

/* Highest request of the vCPUs homed on pcpu whose VM runs. */
static u32 request_on(u32 pcpu)
{
	u32 best = FREQ_NO_REQUEST;

	for (u32 i = 0; i < nr_vms; i++) {
		const struct vm *vm = &vms[i];

		for (u32 k = 0; vm->state == VM_RUNNING && k < vm->nr_vcpus; k++) {
			u32 r = requests[i][k];

			if (vm->vcpus[k].pcpu == pcpu && r != FREQ_NO_REQUEST &&
			    (best == FREQ_NO_REQUEST || r > best))
				best = r;
		}
	}
	return best;
}

static u32 wanted(u32 pcpu)
{
	fc[pcpu].req = request_on(pcpu);
	return freq_pcpu_level(params_on(pcpu), fc[pcpu].gov_level, fc[pcpu].req, rt_fixed(pcpu));
}

/* Every pCPU of pcpu's domain at the highest level one of them needs (freq_lock held). */
static void decide_domain(u32 pcpu, u64 now)
{
	u32 dom = PLAT_FREQ_DOMAIN(pcpu), lvl = 0;

	for (u32 p = 0; p < nr_cpus; p++)
		if (PLAT_FREQ_DOMAIN(p) == dom) {
			u32 w = wanted(p);

			lvl = w > lvl ? w : lvl;
		}
	if (lvl == fc[pcpu].level)
		return;
	if (plat_freq_program(dom, freq_opps[lvl].khz))
		return; /* the clock did not change: nor does the record */
	for (u32 p = 0; p < nr_cpus; p++)
		if (PLAT_FREQ_DOMAIN(p) == dom) {
			account(p, now);
			fc[p].level = lvl;
		}
}

/* ---- requests ---- */

static bool on_bind_pcpu(void)
{
	const struct pool *pl = cpu()->sched.pool;

	return !pl || pl->policy == POOL_BIND;
}

void freq_request(const struct vcpu *target, u32 level)
{
	__atomic_store_n(&requests[target->vm->id][target->id], (u8)level, __ATOMIC_RELEASE);
	if (!started)
		return;
	if (on_bind_pcpu()) {
		dirty = true;
		hk_kick();
		return;
	}
	spin_lock(&freq_lock);
	decide_domain(target->pcpu, sched_now());
	spin_unlock(&freq_lock);
}

u32 freq_request_of(const struct vcpu *v)
{
	return __atomic_load_n(&requests[v->vm->id][v->id], __ATOMIC_ACQUIRE);
}

u32 freq_level(u32 pcpu)
{
	return pcpu < MAX_CPUS ? fc[pcpu].level : 0;
}

u32 freq_last_load(u32 pcpu)
{
	return pcpu < MAX_CPUS ? fc[pcpu].load : ~0u;
}

/* ---- sampling (housekeeping pCPU) ---- */

/*
 * The next sample of pCPU p: the next multiple of its pool's sampling period on the
 * counter, not `now + period`. Samples then do not drift with the housekeeper's
 * wake-up latency, and they fall at the same instants whatever the policy decided
 * before (the energy bench compares the RT VM's latency under two policies: under
 * QEMU's -icount round robin, governor work that drifts onto an RT deadline shows in
 * the RT sample; docs/power.md).
 */
static u64 next_sample_after(u32 p, u64 now)
{
	u64 period = sched_us_to_ticks((u64)params_on(p)->sample_ms * 1000);

	return period ? (now / period + 1) * period : now + 1;
}

static void start(u64 now)
{
	for (u32 p = 0; p < nr_cpus; p++) {
		fc[p].win_start = fc[p].acc_time = now;
		fc[p].win_idle = fc[p].acc_idle = util_idle_ticks(&cpus[p], now);
		fc[p].next_sample = next_sample_after(p, now);
		decide_domain(p, now);
	}
	started = true;
}

static void sample(u32 pcpu, u64 now)
{
	struct freq_cpu *f = &fc[pcpu];

	close_window(pcpu, now);
	account(pcpu, now);
	f->gov_level = freq_gov_next(params_on(pcpu), f->gov_level, f->load);
	f->next_sample = next_sample_after(pcpu, now);
}

static void sample_due(u64 now, bool redo)
{
	due_at = 0;
	for (u32 p = 0; p < nr_cpus; p++) {
		bool due = now >= fc[p].next_sample;

		if (due)
			sample(p, now);
		if (due || redo)
			decide_domain(p, now);
		if (!due_at || fc[p].next_sample < due_at)
			due_at = fc[p].next_sample;
	}
}

/* Cheap when nothing is due: the housekeeper calls it on every pass of its loop. */
void freq_poll(void)
{
	u64 now = sched_now();
	bool redo;

	if (on_bind_pcpu() || (started && !dirty && now < due_at))
		return; /* the fallback housekeeper runs an RT vCPU: no governor work there */
	redo = __atomic_exchange_n(&dirty, false, __ATOMIC_ACQ_REL);
	spin_lock(&freq_lock);
	if (!started)
		start(now);
	sample_due(now, redo);
	spin_unlock(&freq_lock);
}

u64 freq_next_due(const struct cpu *c)
{
	return c->housekeeper && started ? due_at : 0;
}

/* Energy since the last accounting point, at the level held since (changes nothing). */
static u64 tail_energy_nj(u32 pcpu, u64 now)
{
	const struct freq_cpu *f = &fc[pcpu];
	u64 dt = now - f->acc_time, di = util_idle_ticks(&cpus[pcpu], now) - f->acc_idle;

	if (!started)
		return 0;
	di = di < dt ? di : dt;
	return freq_energy_nj(f->level, ticks_us(dt - di), ticks_us(di));
}

void freq_view(u32 pcpu, struct freq_view *v)
{
	const struct freq_cpu *f = &fc[pcpu];
	u64 now = sched_now();

	spin_lock(&freq_lock);
	v->load = f->load;
	v->level = f->level;
	v->req = f->req;
	v->energy_uj = (f->energy_nj + tail_energy_nj(pcpu, now)) / 1000;
	for (u32 i = 0; i < FREQ_NR_LEVELS; i++)
		v->ms_in[i] = ticks_us(f->time_in[i] + (i == f->level && started ? now - f->acc_time : 0)) /
			      1000;
	spin_unlock(&freq_lock);
}

const struct freq_params *freq_params_of(u32 pcpu)
{
	return params_on(pcpu);
}
