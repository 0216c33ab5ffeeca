/*
 * xorshift64* (Marsaglia's xorshift with a multiplicative output step):
 * tiny, fast, and the same sequence for the same seed on every run.
 */
#include "adversary.h"

static uint64_t rng_state;

void rng_seed(uint64_t seed)
{
	rng_state = seed ? seed : 0x9e3779b97f4a7c15ULL;
}

uint64_t rng(void)
{
	uint64_t x = rng_state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rng_state = x;
	return x * 0x2545f4914f6cdd1dULL;
}

uint64_t rng_below(uint64_t n)
{
	return n ? rng() % n : 0;
}

/* Written values never contain the leak markers, so a read-back is no false LEAK. */
uint64_t rng_value(void)
{
	uint64_t v;

	do {
		switch (rng_below(4)) {
		case 0: v = rng() & 0xff; break;
		case 1: v = rng() & 0xffffffffU; break;
		case 2: v = ~(uint64_t)0 << rng_below(64); break;
		default: v = rng(); break;
		}
	} while (leak_looks(v, 8));
	return v;
}

unsigned rng_size_log2(void)
{
	return (unsigned)rng_below(4);
}
