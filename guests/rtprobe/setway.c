/*
 * Clean and invalidate the data caches by set/way up to the Point of
 * Coherency, as start-up code does before turning the MMU on (Arm ARM D7
 * cache maintenance; CLIDR_EL1, CSSELR_EL1, CCSIDR_EL1 without FEAT_CCIDX).
 */
#include "guest/console.h"
#include "guest/sysreg.h"
#include "rtprobe.h"

static uint64_t clean_level(unsigned level)
{
	uint64_t ccsidr, n = 0;
	unsigned line, ways, sets, wshift;

	sysreg_write(csselr_el1, level << 1);
	isb();
	ccsidr = sysreg_read(ccsidr_el1);
	line = (unsigned)(ccsidr & 7) + 4;
	ways = (unsigned)((ccsidr >> 3) & 0x3ff) + 1;
	sets = (unsigned)((ccsidr >> 13) & 0x7fff) + 1;
	wshift = ways > 1 ? (unsigned)__builtin_clz(ways - 1) : 0;
	for (unsigned w = 0; w < ways; w++) {
		for (unsigned s = 0; s < sets; s++) {
			uint64_t sw = (uint64_t)w << wshift | (uint64_t)s << line | level << 1;

			__asm__ volatile("dc cisw, %0" : : "r"(sw) : "memory");
			n++;
		}
	}
	return n;
}

void probe_setway(void)
{
	uint64_t clidr = sysreg_read(clidr_el1), ops = 0;
	unsigned loc = (unsigned)(clidr >> 24) & 7, levels = 0;

	for (unsigned level = 0; level < loc; level++) {
		if (((clidr >> (3 * level)) & 7) < 2)
			continue; /* no cache or instruction cache only */
		ops += clean_level(level);
		levels++;
	}
	dsb(sy);
	isb();
	printf("rtprobe: setway loc=%u levels=%u ops=%llu\n", loc, levels, (unsigned long long)ops);
}
