/*
 * CPU 1: the SGI item and the helper that keeps the machine busy while CPU 0
 * waits in WFI.
 *
 * sgi_ipi: SGI from CPU 0 to CPU 1 of the same VM (natively: of the machine).
 * Time from just before CPU 0's ICC_SGI1R_EL1 write to the first instruction
 * of CPU 1's handler, on the timer timeline both CPUs share. Both CPUs wait
 * in WFI; CPU 1 answers each SGI with one back (to wake CPU 0), which is not
 * part of the figure but is part of the EL2 entry count (both vCPUs' pCPUs
 * are counted).
 *
 * Helper: QEMU (-icount sleep=off) moves the clock of an all-idle machine
 * forward from its main thread, racing with the halting CPU's instruction
 * accounting (see wait_change_wfi() in main.c): a timer fires a few ns late,
 * now and then. While CPU 1 spins, the machine is never all idle and the
 * clock only advances by executed instructions: the WFI items stay exact.
 * CPU 1 spins only during a WFI item. QEMU runs one CPU at a time, in order
 * (CPU 0 first): when CPU 1's turn ends at CPU 0's deadline, CPU 0 runs next.
 */
#include "guest/cpu.h"
#include "guest/gic.h"
#include "guest/psci.h"
#include "guest/smp.h"
#include "guest/timer.h"
#include "bench.h"

#define SGI_PING 2U
#define SGI_PONG 3U
#define SGI_CMD 4U
#define CPU1_MPIDR 1U
#define CPU0_MPIDR 0U
#define WAIT_MS 2000U
#define HELPER_YIELD_INSNS 2000U

enum { CPU1_DOWN, CPU1_READY, CPU1_ABSENT };
enum { CMD_NONE, CMD_SPIN, CMD_PINGPONG };

static volatile uint32_t cpu1_state;
static volatile uint32_t cmd, cmd_gen, cmd_started, cmd_done;
static volatile uint32_t spin_on;
static volatile uint32_t ping_seen, pong_seen;
static volatile uint64_t ping_ns;
static uint32_t ping_target;
static volatile uint64_t cpu1_el2;

static void ping_handler(uint32_t intid)
{
	uint64_t t = ts();

	(void)intid;
	ping_ns = t;
	ping_seen++;
	gic_send_sgi(SGI_PONG, CPU0_MPIDR);
}

static void nop_handler(uint32_t intid)
{
	(void)intid;
}

static void pong_handler(uint32_t intid)
{
	(void)intid;
	pong_seen++;
}

static void cpu1_pingpong(void)
{
	uint64_t e0 = el2_count();

	while (ping_seen < ping_target)
		wait_change_wfi(&ping_seen, ping_seen);
	cpu1_el2 = el2_between(e0, el2_count());
}

/*
 * YIELD every ~HELPER_YIELD_INSNS instructions: QEMU computes the CPUs'
 * instruction budgets from the timer deadlines once per round, so a deadline
 * that CPU 0 arms just before its WFI would be seen only after the helper's
 * turn; the YIELD ends the turn and the budget is recomputed within ~2 us,
 * well before any deadline the WFI items arm.
 */
static void helper_spin(void)
{
	while (spin_on) {
		uint64_t n = HELPER_YIELD_INSNS / 2U;

		__asm__ volatile("1: subs %0, %0, #1\n\tb.ne 1b\n\tyield" : "+r"(n) : : "cc", "memory");
	}
}

/* CPU 1: wait for a command (SGI_CMD), run it, report it done. */
static void cpu1_main(unsigned cpu)
{
	uint32_t seen = 0;

	(void)cpu;
	bench_vectors_install();
	gic_cpu_init();
	gic_irq_enable(SGI_PING, 0x80);
	gic_irq_enable(SGI_CMD, 0x80);
	dsb(sy);
	cpu1_state = CPU1_READY;
	for (;;) {
		wait_change_wfi(&cmd_gen, seen);
		seen = cmd_gen;
		cmd_started = seen;
		dsb(sy);
		if (cmd == CMD_SPIN)
			helper_spin();
		else if (cmd == CMD_PINGPONG)
			cpu1_pingpong();
		dsb(sy);
		cmd_done = seen;
	}
}

/*
 * Spin until CPU 1 reaches a state. YIELD in the loop: QEMU's round-robin
 * scheduler (one host thread for all CPUs under -icount) then runs the other
 * CPUs; without it a spinning CPU 0 kept rtvisor's pCPU of vCPU 1 from ever
 * running after its wake-up (see docs/benchmarks.md).
 */
static bool wait_until(const volatile uint32_t *v, uint32_t want)
{
	uint64_t end = timer_now() + timer_ms_to_ticks(WAIT_MS);

	while (*v != want) {
		__asm__ volatile("yield" : : : "memory");
		if (timer_now() > end)
			return false;
	}
	return true;
}

/* Start CPU 1 once (PSCI CPU_ON of MPIDR 1); false on a single-CPU machine. */
static bool cpu1_up(void)
{
	if (cpu1_state == CPU1_DOWN) {
		bench_irq_register(SGI_PING, ping_handler);
		bench_irq_register(SGI_CMD, nop_handler);
		bench_irq_register(SGI_PONG, pong_handler);
		gic_irq_enable(SGI_PONG, 0x80);
		if (smp_cpu_on(1, CPU1_MPIDR, cpu1_main) != PSCI_RET_SUCCESS ||
		    !wait_until(&cpu1_state, CPU1_READY))
			cpu1_state = CPU1_ABSENT;
	}
	return cpu1_state == CPU1_READY;
}

static void cpu1_command(uint32_t c)
{
	cmd = c;
	dsb(sy);
	cmd_gen++;
	gic_send_sgi(SGI_CMD, CPU1_MPIDR);
}

bool helper_spin_begin(void)
{
	if (!cpu1_up())
		return false;
	spin_on = 1;
	cpu1_command(CMD_SPIN);
	return true;
}

void helper_spin_end(void)
{
	if (cpu1_state != CPU1_READY || !spin_on)
		return;
	spin_on = 0;
	wait_until(&cmd_done, cmd_gen);
}

void item_sgi_ipi(struct item_ctx *c)
{
	if (!cpu1_up()) {
		c->skip = "single cpu";
		return;
	}
	ping_target = ping_seen + c->n;
	cpu1_command(CMD_PINGPONG);
	if (!wait_until(&cmd_started, cmd_gen)) {
		c->skip = "cpu1 did not start";
		return;
	}
	for (uint32_t i = 0; i < c->n; i++) {
		uint32_t seen = pong_seen;
		uint64_t t0 = ts();

		gic_send_sgi(SGI_PING, CPU1_MPIDR);
		wait_change_wfi(&pong_seen, seen);
		stat_add(&c->st, ping_ns - t0);
	}
	if (!wait_until(&cmd_done, cmd_gen)) {
		c->skip = "cpu1 did not finish";
		return;
	}
	c->el2_extra = cpu1_el2;
}
