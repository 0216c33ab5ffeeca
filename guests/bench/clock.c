/*
 * Timestamps with 1 ns resolution from the 16 ns generic timer.
 *
 * Under QEMU -icount shift=0 one instruction is one nanosecond of virtual
 * time and CNTVCT_EL0 = floor(virtual ns / 16) (CNTFRQ 62.5 MHz). bench_ts()
 * (entry.S) reads CNTVCT with 17 consecutive instructions: exactly one tick
 * edge falls among them, and where it falls gives the time of the first read
 * to the nanosecond: t = r16 * 16 - 17 + #{reads equal to r16}. The count is
 * branch-free, so a timestamp always costs the same number of instructions
 * (clk_overhead_ns, measured back to back, is subtracted from durations).
 *
 * Every CPU of the machine shares the one timer timeline, so timestamps of
 * different CPUs and timer deadlines (CVAL * 16) compare directly.
 *
 * The PMU cycle counter would be simpler, but rtvisor makes the PMU
 * registers UNDEFINED for guests (MDCR_EL2.TPM/TPMCR): the same clock must be
 * used natively and under the hypervisor, so the PMU is only probed and
 * reported. With another counter frequency the plain counter is used
 * (resolution: one tick).
 */
#include "guest/console.h"
#include "guest/fault.h"
#include "guest/printf.h"
#include "guest/sysreg.h"
#include "guest/timer.h"
#include "bench.h"

#define LADDER_FREQ 62500000U	/* Hz: 16 ns ticks, the ladder in entry.S has 17 reads */

bool clk_ladder;
uint64_t clk_overhead_ns;
static uint64_t clk_tick_ns;
static char clk_desc[128];

uint64_t ts_plain(void)
{
	return sysreg_read(cntvct_el0) * clk_tick_ns;
}

uint64_t clk_ticks_ns(uint64_t ticks)
{
	return ticks * clk_tick_ns;
}

static void measure_overhead(void)
{
	uint64_t best = UINT64_MAX;

	for (unsigned i = 0; i < 64; i++) {
		uint64_t a = ts();
		uint64_t b = ts();

		if (b - a < best)
			best = b - a;
	}
	clk_overhead_ns = best;
}

/* Is the PMU cycle counter readable at EL1 here? (Reported only.) */
static const char *pmu_probe(void)
{
	struct fault_info f;

	fault_expect_begin(FAULT_RESUME_NEXT);
	(void)sysreg_read(pmccntr_el0);
	return fault_expect_end(&f) ? "undef" : "ok";
}

const char *clock_init(void)
{
	uint64_t freq = timer_freq();

	clk_tick_ns = timer_ticks_to_ns(1);
	clk_ladder = freq == LADDER_FREQ;
	measure_overhead();
	snprintf(clk_desc, sizeof(clk_desc), "clock=%s cntfrq=%lu pmu=%s",
		 clk_ladder ? "cntvct-ladder" : "cntvct", (unsigned long)freq, pmu_probe());
	return clk_desc;
}
