/*
 * energy: after the items, a privileged bench VM (configs/bench-energy*.dts) asks
 * rtvisor for every pCPU's frequency and model energy (RTV_HC_LOAD: x1 = kHz, x4 = µJ,
 * docs/hypercalls.md) and prints
 *   bench: energy cpu=<n> khz=<kHz> uj=<µJ>      (one line per pCPU)
 *   bench: energy time_us=<counter time since the machine started>
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

void energy_report(int on_hyp)
{
	if (!on_hyp)
		return;
	for (uint32_t c = 0; c < NR_PCPUS; c++) {
		struct load_result r = load_call(c);

		if (r.x0 == -3 || r.x0 == -1)
			return; /* not privileged, or no such call */
		printf("bench: energy cpu=%u khz=%lu uj=%lu\n", c, (unsigned long)r.khz,
		       (unsigned long)r.uj);
	}
	printf("bench: energy time_us=%lu\n",
	       (unsigned long)(timer_now() / (timer_freq() / 1000000U)));
}
