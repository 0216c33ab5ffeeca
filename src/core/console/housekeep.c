/*
 * Housekeeping pCPU (see housekeep.h). Producers of console output (any pCPU)
 * set `pending` and send one kick SGI when it was clear: a bounded, lock-free
 * step. The housekeeping pCPU's run loop then calls hk_run(), which handles the
 * bytes typed on the UART (console focus, the shell) and renders queued output
 * a bounded batch at a time, so its own vCPUs keep running under a flood.
 */
#include <asm/spinlock.h>
#include <asm/timer.h>
#include <console.h>
#include <cpu.h>
#include <debug.h>
#include <err.h>
#include <freq.h>
#include <housekeep.h>
#include <irq.h>
#include <platform_info.h>
#include <serial.h>
#include <printk.h>

#define HK_DRAIN_BATCH 64   /* records rendered per hk_run() */
#define HK_INPUT_SIZE 256   /* typed bytes waiting for hk_run() */


static volatile u32 hk_cpu;
static bool elected;
static u32 pending;
static volatile s32 run_owner = -1;                 /* pCPU inside hk_run(), or -1 */
static spinlock_t run_lock = SPINLOCK_INIT;   /* one housekeeper at a time (re-election) */
static spinlock_t input_lock = SPINLOCK_INIT; /* taken by the UART interrupt and hk_run only */
static u8 input[HK_INPUT_SIZE];
static u32 input_head, input_count;
static const struct hk_timer *timers[HK_MAX_TIMERS];
static u32 nr_timers;
static bool rearm; /* a timer's deadline moved earlier: the housekeeper re-arms */

static bool in_bind_pool(u32 c)
{
	return !cpus[c].sched.pool || cpus[c].sched.pool->policy == POOL_BIND;
}

/* c runs or will run a vCPU, counting a bind vCPU on its way from `from` to `to` as arrived. */
static bool has_vcpu(u32 c, s32 from, s32 to)
{
	if ((s32)c == to)
		return true;
	return (s32)c != from && cpus[c].sched.nr_rq;
}

/* First online pCPU of a dynamic pool, else one with no vCPU, else pCPU 0. */
static u32 choose(s32 from, s32 to, bool *fallback)
{
	*fallback = false;
	for (u32 c = 0; c < nr_cpus; c++)
		if (cpus[c].online && !in_bind_pool(c))
			return c;
	for (u32 c = 0; c < nr_cpus; c++)
		if (cpus[c].online && !has_vcpu(c, from, to))
			return c;
	*fallback = true;
	return 0;
}

static void elect(s32 from, s32 to)
{
	bool fallback;
	u32 c = choose(from, to, &fallback);

	if (elected && c == hk_cpu)
		return;
	cpus[hk_cpu].housekeeper = false;
	hk_cpu = c;
	cpus[c].housekeeper = true;
	elected = true;
	arch_irq_route(plat.uart_intid, c);
	cpus[c].need_resched = true; /* its EL2 timer now also wakes it for freq_poll */
	if (fallback)
		printk("rtvisor: console: every pCPU runs a bound vCPU; pCPU 0 also drives the "
		       "console and the shell\n");
	else
		printk("rtvisor: console: housekeeping on pCPU %u\n", c);
	hk_kick();
}

void hk_elect(void)
{
	elect(-1, -1);
}

/*
 * A bind-pool vCPU is being moved from pCPU `from` to `to` (the move may complete later, at
 * its next switch): choose as if it were done, so a bind vCPU never lands on the
 * housekeeper while the pCPU it leaves could take the housekeeping.
 */
void hk_elect_bind_move(u32 from, u32 to)
{
	elect((s32)from, (s32)to);
}

static void self_kick(void)
{
	__atomic_store_n(&pending, 1, __ATOMIC_RELEASE);
	arch_irq_send_ipi(cpu()->id);
}

/*
 * Only the writer that sets `pending` sends a kick, so the housekeeping pCPU
 * must never go idle while it is set: also on itself (output of the shell, of
 * its own vCPUs) the kick is a real SGI, which keeps its WFI from sleeping.
 */
void hk_kick(void)
{
	u32 hk = hk_cpu;

	if (__atomic_exchange_n(&pending, 1, __ATOMIC_ACQ_REL))
		return;
	if (hk == cpu()->id)
		arch_irq_send_ipi(cpu()->id);
	else
		cpu_kick(hk);
}

bool hk_pending(void)
{
	return __atomic_load_n(&pending, __ATOMIC_ACQUIRE);
}

/* Bytes typed on the UART: into the input ring for hk_run(). */
static void uart_irq(u32 intid, void *data)
{
	int ch;

	(void)intid;
	(void)data;
	serial_ack_irq();
	spin_lock(&input_lock);
	while ((ch = serial_getc()) >= 0) {
		if (input_count == HK_INPUT_SIZE)
			continue; /* 256 bytes typed ahead of the shell: the rest is dropped */
		input[(input_head + input_count++) % HK_INPUT_SIZE] = (u8)ch;
	}
	spin_unlock(&input_lock);
	hk_kick();
}

/* Boot CPU: the console UART's receive interrupt, on pCPU 0 until hk_elect(). */
int hk_init(void)
{
	int r = irq_register(plat.uart_intid, IRQ_HYP, uart_irq, NULL, true);

	if (r)
		return r;
	arch_irq_route(plat.uart_intid, 0);
	serial_enable_rx_irq();
	return 0;
}

static int input_pop(void)
{
	int ch = -1;

	spin_lock(&input_lock);
	if (input_count) {
		ch = input[input_head];
		input_head = (input_head + 1) % HK_INPUT_SIZE;
		input_count--;
	}
	spin_unlock(&input_lock);
	return ch;
}

void hk_run(void)
{
	bool more;
	int ch;

	__atomic_store_n(&pending, 0, __ATOMIC_SEQ_CST);
	if (!spin_trylock(&run_lock)) {
		self_kick();
		return;
	}
	run_owner = (s32)cpu()->id;
	while ((ch = input_pop()) >= 0)
		console_input((u8)ch);
	more = console_drain(HK_DRAIN_BATCH);
	run_owner = -1;
	spin_unlock(&run_lock);
	if (more)
		self_kick();
}

int hk_timer_register(const struct hk_timer *t)
{
	if (nr_timers == HK_MAX_TIMERS)
		return ERR_FULL;
	timers[nr_timers++] = t;
	return 0;
}

void hk_timer_changed(void)
{
	__atomic_store_n(&rearm, true, __ATOMIC_RELEASE);
	hk_kick();
}

/* Only for the housekeeper, and never on a bind pCPU that runs a vCPU (the fallback
 * housekeeper; config_wdog.c refuses watchdogs in such a scenario). */
u64 hk_timers_due(const struct cpu *c)
{
	u64 best = 0;

	if (!c->housekeeper || (in_bind_pool(c->id) && c->sched.nr_rq))
		return 0; /* a bind pCPU with a vCPU takes no tick for others' work */
	for (u32 i = 0; i < nr_timers; i++) {
		u64 d = timers[i]->next_due();

		if (d && (!best || d < best))
			best = d;
	}
	return best;
}

static void timers_poll(struct cpu *c)
{
	u64 now;

	if (__atomic_exchange_n(&rearm, false, __ATOMIC_ACQ_REL))
		c->need_resched = true; /* sched_schedule re-arms its EL2 timer */
	if (!nr_timers || in_bind_pool(c->id))
		return;
	now = arch_counter();
	for (u32 i = 0; i < nr_timers; i++) {
		u64 d = timers[i]->next_due();

		if (d && now >= d) {
			timers[i]->poll(now);
			c->need_resched = true; /* re-arm for its next deadline */
		}
	}
}

/* One pass of the housekeeper's run loop: console work if any, then due governor samples
 * and units' timers. */
void hk_step(void)
{
	if (hk_pending())
		hk_run();
	gdb_poll();
	freq_poll();
	timers_poll(cpu());
}

bool hk_interactive(void)
{
	return run_owner == (s32)cpu()->id;
}

/* A full queue on the housekeeping pCPU (a long shell answer): render it all now. */
bool hk_drain_here(void)
{
	u32 me = cpu()->id;
	bool ours = run_owner == (s32)me; /* inside hk_run (the shell): the lock is held */

	if (!ours && (me != hk_cpu || !spin_trylock(&run_lock)))
		return false;
	while (console_drain(~0u))
		;
	if (!ours)
		spin_unlock(&run_lock);
	return true;
}
