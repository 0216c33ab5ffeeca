/*
 * energy: before and after the items, a privileged bench VM (configs/bench-energy*.dts)
 * asks rtvisor for every pCPU's frequency and model energy (RTV_HC_LOAD: x1 = kHz,
 * x4 = µJ since boot, docs/hypercalls.md) and prints, for the items' window
 *   bench: energy cpu=<n> khz=<kHz at the end> uj=<µJ used during the items>
 *   bench: energy time_us=<counter time the items took>
 * Unprivileged (every other bench scenario) or native: the call is refused or absent,
 * nothing is printed.
 */
#include "guest/console.h"
#include "guest/printf.h"
#include "guest/timer.h"
#include "bench.h"

#define RTV_HC_LOAD 0xc6000004U
#define NR_PCPUS 4

struct load_result {
	int64_t x0;
	uint64_t khz, uj;
};

static struct load_result load_call(uint64_t pcpu)
{
	register uint64_t x0 __asm__("x0") = RTV_HC_LOAD;
	register uint64_t x1 __asm__("x1") = pcpu;
	register uint64_t x2 __asm__("x2");
	register uint64_t x3 __asm__("x3");
	register uint64_t x4 __asm__("x4");

	__asm__ volatile("hvc #0"
			 : "+r"(x0), "+r"(x1), "=r"(x2), "=r"(x3), "=r"(x4)
			 :
			 : "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14",
			   "x15", "x16", "x17", "memory");
	(void)x2;
	(void)x3;
	return (struct load_result){ (int64_t)x0, x1, x4 };
}

static uint64_t begin_uj[NR_PCPUS], begin_ticks;

static bool refused(const struct load_result *r)
{
	return r->x0 == -3 || r->x0 == -1; /* not privileged, or no such call */
}

void energy_begin(int on_hyp)
{
	if (!on_hyp)
		return;
	begin_ticks = timer_now();
	for (uint32_t c = 0; c < NR_PCPUS; c++) {
		struct load_result r = load_call(c);

		begin_uj[c] = refused(&r) ? 0 : r.uj;
	}
}

void energy_report(int on_hyp)
{
	uint64_t ticks;

	if (!on_hyp)
		return;
	ticks = timer_now() - begin_ticks;
	for (uint32_t c = 0; c < NR_PCPUS; c++) {
		struct load_result r = load_call(c);

		if (refused(&r))
			return;
		printf("bench: energy cpu=%u khz=%lu uj=%lu\n", c, (unsigned long)r.khz,
		       (unsigned long)(r.uj - begin_uj[c]));
	}
	printf("bench: energy time_us=%lu\n", (unsigned long)(ticks / (timer_freq() / 1000000U)));
}
