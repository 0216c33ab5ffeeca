/*
 * 64-bit range arithmetic of the scenario checks (config_check.c, config_shm.c).
 * Ranges are [base, base + size); range_ok() must hold before the others are used.
 */
#ifndef RTV_CONFIG_RANGE_H
#define RTV_CONFIG_RANGE_H

#include <rtv_limits.h>
#include <types.h>

#define CFG_IPA_LIMIT (1ULL << LIM_IPA_BITS) /* first IPA a stage-2 table cannot map */

static inline bool range_ok(u64 base, u64 size)
{
	return size != 0 && size <= ~(u64)0 - base;
}

/* Both ranges must satisfy range_ok(). */
static inline bool overlaps(u64 b1, u64 s1, u64 b2, u64 s2)
{
	return b1 < b2 + s2 && b2 < b1 + s1;
}

static inline bool inside(u64 ib, u64 is, u64 ob, u64 os)
{
	return ib >= ob && ib - ob <= os && is <= os - (ib - ob);
}

/* Whole range below 2^LIM_IPA_BITS (range_ok already holds). */
static inline bool in_ipa_space(u64 base, u64 size)
{
	return base < CFG_IPA_LIMIT && size <= CFG_IPA_LIMIT - base;
}

/* The part of [base, base + size) that is inside [ob, ob + os) (both range_ok). */
static inline u64 overlap_size(u64 base, u64 size, u64 ob, u64 os)
{
	u64 lo = base > ob ? base : ob;
	u64 hi_a = base + size, hi_b = ob + os;
	u64 hi = hi_a < hi_b ? hi_a : hi_b;

	return hi > lo ? hi - lo : 0;
}

#endif
