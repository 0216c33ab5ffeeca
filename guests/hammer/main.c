/*
 * hammer: interference guest for the bench-interference scenario. Streams
 * 64-bit stores over HAMMER_SIZE bytes of its RAM, forever, while a periodic
 * EL1 virtual timer interrupts it at HAMMER_TICK_HZ.
 *
 *   hammer: start size=<bytes> tick_hz=<n>
 *   hammer: passes=<n> ticks=<n>          every HAMMER_REPORT_PASSES passes
 *
 * guests/busy builds this file with HAMMER_YIELD (a YIELD hint after every 32
 * bytes stored) and without the reports, for the energy bench (docs/power.md).
 */
#include "guest/boot.h"
#include "guest/console.h"
#include "guest/timer.h"

#define HAMMER_BASE 0x40400000UL	/* above the image; the VM has 16 MiB from 0x40000000 */
#define HAMMER_SIZE (4UL << 20)
#define HAMMER_TICK_HZ 20000U
#define HAMMER_REPORT_PASSES 64U
#ifndef HAMMER_NAME
#define HAMMER_NAME "hammer"
#define HAMMER_YIELD 0
#define HAMMER_REPORTS 1
#endif

static volatile uint64_t ticks;

static void tick(void)
{
	ticks++;
}

static void pass(uint64_t seed)
{
	volatile uint64_t *p = (volatile uint64_t *)HAMMER_BASE;

	for (uint64_t i = 0; i < HAMMER_SIZE / 8U; i += 4) {
		p[i] = seed + i;
		p[i + 1] = seed;
		p[i + 2] = i;
		p[i + 3] = ~seed;
		if (HAMMER_YIELD)
			__asm__ volatile("yield");
	}
}

int main(void)
{
	uint64_t passes = 0;

	printf(HAMMER_NAME ": start size=%lu tick_hz=%u\n", (unsigned long)HAMMER_SIZE,
	       HAMMER_TICK_HZ);
	timer_tick_start(HAMMER_TICK_HZ, tick);
	for (;;) {
		pass(passes);
		if (++passes % HAMMER_REPORT_PASSES == 0 && HAMMER_REPORTS)
			printf("hammer: passes=%lu ticks=%lu\n", (unsigned long)passes,
			       (unsigned long)ticks);
	}
}
