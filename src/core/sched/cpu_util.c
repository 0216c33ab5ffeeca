/*
 * Per-pCPU load as the design defines it: over a sampling period,
 * load = (period - time spent in the idle vCPU) / period. The idle vCPU is the
 * EL2 wait loop a pCPU runs when none of its vCPUs can run. Windows are closed
 * lazily by whoever reads the load, so idle pCPUs need no timer for it.
 */
#include <asm/spinlock.h>
#include <cpu.h>
#include <sched.h>

static u32 period_ms = 1000;
static spinlock_t load_lock = SPINLOCK_INIT;

void util_idle_enter(struct cpu *c)
{
	c->idle_since = sched_now();
}

void util_idle_exit(struct cpu *c)
{
	u64 now = sched_now();

	c->sched.idle_ticks += now - c->idle_since;
	c->idle_since = 0;
}

void util_set_period_ms(u32 ms)
{
	period_ms = ms ? ms : 1;
}

u32 util_period_ms(void)
{
	return period_ms;
}

/* Idle-vCPU time of c up to now (the open idle stretch included): readable from any pCPU. */
u64 util_idle_ticks(const struct cpu *c, u64 now)
{
	u64 since = c->idle_since;

	return c->sched.idle_ticks + (since && since < now ? now - since : 0);
}

static void close_window(struct cpu *c, u64 now)
{
	u64 len = now - c->sched.load_win_start;
	u64 idle = util_idle_ticks(c, now) - c->sched.load_win_idle;

	if (idle > len)
		idle = len;
	c->sched.load_permille = (u32)((len - idle) * 1000 / len);
	c->sched.load_valid = true;
	c->sched.load_win_start = now;
	c->sched.load_win_idle = util_idle_ticks(c, now);
}

u32 util_permille(u32 pcpu)
{
	struct cpu *c = &cpus[pcpu];
	u64 now = sched_now();
	u32 r;

	spin_lock(&load_lock);
	if (!c->sched.load_win_start) {
		c->sched.load_win_start = now;
		c->sched.load_win_idle = util_idle_ticks(c, now);
	} else if (now - c->sched.load_win_start >= sched_us_to_ticks((u64)period_ms * 1000)) {
		close_window(c, now);
	}
	r = c->sched.load_valid ? c->sched.load_permille : ~0u;
	spin_unlock(&load_lock);
	return r;
}
