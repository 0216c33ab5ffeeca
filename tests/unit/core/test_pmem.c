/* Host tests for the physical memory range allocator (src/core/pmem.c). */
#include <stdint.h>

#include "harness.h"
#include <pmem.h>

#define PG 0x1000ULL

static struct pmem pm;

/* Structural invariants: sorted, disjoint, non-touching, no empty ranges. */
static bool invariants_ok(const struct pmem *p)
{
	if (p->count > PMEM_MAX_RANGES)
		return false;
	for (u32 i = 0; i < p->count; i++) {
		if (p->r[i].size == 0 || p->r[i].base > UINT64_MAX - p->r[i].size)
			return false;
		if (i + 1 < p->count && p->r[i].base + p->r[i].size >= p->r[i + 1].base)
			return false;
	}
	return true;
}

static bool is_range(u32 i, u64 base, u64 size)
{
	return i < pm.count && pm.r[i].base == base && pm.r[i].size == size;
}

TEST(test_add_alloc_free)
{
	u64 b = 0;

	pmem_init(&pm);
	CHECK_EQ(pmem_free_bytes(&pm), 0);
	CHECK_EQ(pmem_alloc(&pm, PG, PG, &b), ERR_NOMEM);
	CHECK_EQ(pmem_add(&pm, 0x40000000, 0x10000000), 0);
	CHECK_EQ(pmem_free_bytes(&pm), 0x10000000);
	CHECK_EQ(pmem_alloc(&pm, 0x3000, PG, &b), 0);
	CHECK_EQ(b, 0x40000000);
	CHECK_EQ(pmem_alloc(&pm, PG, PG, &b), 0);
	CHECK_EQ(b, 0x40003000);
	CHECK_EQ(pmem_free_bytes(&pm), 0x10000000 - 0x4000);
	CHECK_EQ(pmem_free(&pm, 0x40000000, 0x3000), 0);
	CHECK_EQ(pm.count, 2);
	CHECK_EQ(pmem_free(&pm, 0x40003000, PG), 0);
	CHECK_EQ(pm.count, 1);
	CHECK(is_range(0, 0x40000000, 0x10000000));
	CHECK(invariants_ok(&pm));
}

TEST(test_alignment)
{
	u64 b = 0;

	pmem_init(&pm);
	CHECK_EQ(pmem_add(&pm, 0x40001000, 0x800000), 0);
	CHECK_EQ(pmem_alloc(&pm, PG, SZ_2M, &b), 0);
	CHECK_EQ(b, 0x40200000);
	CHECK_EQ(pm.count, 2); /* split: head and tail stay free */
	CHECK(is_range(0, 0x40001000, 0x1ff000));
	CHECK(is_range(1, 0x40201000, 0x600000));
	CHECK_EQ(pmem_alloc(&pm, 0x10, 0x10, &b), 0);
	CHECK_EQ(b, 0x40001000);
	CHECK_EQ(pmem_alloc(&pm, 0x8, 1, &b), 0); /* byte granular */
	CHECK_EQ(b, 0x40001010);
	CHECK_EQ(pmem_alloc(&pm, PG, PG, &b), 0);
	CHECK_EQ(b, 0x40002000);
	/* 8 MiB aligned: only the last page of the tail range qualifies */
	CHECK_EQ(pmem_alloc(&pm, 2 * PG, 0x800000, &b), ERR_NOMEM);
	CHECK_EQ(pmem_alloc(&pm, PG, 0x1000000, &b), ERR_NOMEM);
	CHECK_EQ(pmem_alloc(&pm, PG, 0x800000, &b), 0);
	CHECK_EQ(b, 0x40800000);
	/* the alignment padding must fit too */
	CHECK_EQ(pmem_alloc(&pm, 0x600000, SZ_2M, &b), ERR_NOMEM);
	CHECK_EQ(pmem_alloc(&pm, 0x400000, SZ_2M, &b), 0);
	CHECK_EQ(b, 0x40400000);
	CHECK_EQ(pmem_alloc(&pm, PG, 0, &b), ERR_INVAL);
	CHECK_EQ(pmem_alloc(&pm, PG, 0x3000, &b), ERR_INVAL);
	CHECK_EQ(pmem_alloc(&pm, 0, PG, &b), ERR_INVAL);
	CHECK_EQ(pmem_alloc(&pm, PG, PG, NULL), ERR_INVAL);
	CHECK(invariants_ok(&pm));
	/* huge alignment near the top of the address space must not wrap */
	pmem_init(&pm);
	CHECK_EQ(pmem_add(&pm, UINT64_MAX - 0x10000, 0x10000), 0);
	CHECK_EQ(pmem_alloc(&pm, PG, 1ULL << 63, &b), ERR_NOMEM);
	CHECK_EQ(pmem_alloc(&pm, 0x10000, 0x10000, &b), ERR_NOMEM);
	CHECK_EQ(pmem_alloc(&pm, PG, 0x10000, &b), 0);
	CHECK_EQ(b, 0xffffffffffff0000ULL);
	CHECK_EQ(pmem_alloc(&pm, PG, PG, &b), 0);
	CHECK_EQ(b, 0xffffffffffff1000ULL);
	CHECK_EQ(pmem_free_bytes(&pm), 0x10000 - 2 * PG);
	CHECK(invariants_ok(&pm));
}

TEST(test_coalescing)
{
	pmem_init(&pm);
	CHECK_EQ(pmem_add(&pm, 0x3000, PG), 0);
	CHECK_EQ(pmem_add(&pm, 0x1000, PG), 0);
	CHECK_EQ(pmem_add(&pm, 0x5000, PG), 0);
	CHECK_EQ(pm.count, 3);
	CHECK_EQ(pmem_add(&pm, 0x2000, PG), 0); /* joins 0x1000 and 0x3000 */
	CHECK_EQ(pm.count, 2);
	CHECK(is_range(0, 0x1000, 0x3000));
	CHECK_EQ(pmem_add(&pm, 0x6000, PG), 0); /* joins previous only */
	CHECK(is_range(1, 0x5000, 0x2000));
	CHECK_EQ(pmem_add(&pm, 0x0, PG), 0);    /* joins next only */
	CHECK(is_range(0, 0x0, 0x4000));
	CHECK_EQ(pmem_add(&pm, 0x4000, PG), 0); /* closes the last gap */
	CHECK_EQ(pm.count, 1);
	CHECK(is_range(0, 0, 0x7000));
	CHECK_EQ(pmem_free_bytes(&pm), 0x7000);
	CHECK(invariants_ok(&pm));
}

TEST(test_reserve)
{
	pmem_init(&pm);
	CHECK_EQ(pmem_add(&pm, 0x40000000, 0x100000), 0);
	CHECK_EQ(pmem_reserve(&pm, 0x40080000, 0x10000), 0); /* middle: split */
	CHECK_EQ(pm.count, 2);
	CHECK(is_range(0, 0x40000000, 0x80000));
	CHECK(is_range(1, 0x40090000, 0x70000));
	CHECK_EQ(pmem_reserve(&pm, 0x40000000, 0x1000), 0);  /* head */
	CHECK(is_range(0, 0x40001000, 0x7f000));
	CHECK_EQ(pmem_reserve(&pm, 0x400ff000, 0x1000), 0);  /* tail */
	CHECK(is_range(1, 0x40090000, 0x6f000));
	CHECK_EQ(pmem_reserve(&pm, 0x40001000, 0x7f000), 0); /* whole range */
	CHECK_EQ(pm.count, 1);
	/* not entirely free */
	CHECK_EQ(pmem_reserve(&pm, 0x40080000, 0x20000), ERR_BUSY);
	CHECK_EQ(pmem_reserve(&pm, 0x40000000, 0x1000), ERR_BUSY);
	CHECK_EQ(pmem_reserve(&pm, 0x400fe000, 0x2000), ERR_BUSY);
	CHECK_EQ(pmem_reserve(&pm, 0x50000000, 0x1000), ERR_BUSY);
	CHECK_EQ(pmem_reserve(&pm, 0x40090000, 0), ERR_INVAL);
	CHECK(is_range(0, 0x40090000, 0x6f000));
	CHECK(invariants_ok(&pm));
}

TEST(test_double_free_and_overlap)
{
	u64 b = 0;

	pmem_init(&pm);
	CHECK_EQ(pmem_add(&pm, 0x10000, 0x10000), 0);
	CHECK_EQ(pmem_add(&pm, 0x18000, 0x1000), ERR_EXIST);
	CHECK_EQ(pmem_add(&pm, 0xf000, 0x2000), ERR_EXIST);
	CHECK_EQ(pmem_add(&pm, 0x1f000, 0x2000), ERR_EXIST);
	CHECK_EQ(pmem_add(&pm, 0x0, 0x100000), ERR_EXIST);
	CHECK_EQ(pmem_alloc(&pm, 0x4000, PG, &b), 0);
	CHECK_EQ(pmem_free(&pm, b, 0x4000), 0);
	CHECK_EQ(pmem_free(&pm, b, 0x4000), ERR_EXIST);
	CHECK_EQ(pmem_free(&pm, b + 0x1000, 0x1000), ERR_EXIST);
	CHECK_EQ(pmem_alloc(&pm, 0x4000, PG, &b), 0);
	/* partially overlapping a free neighbour */
	CHECK_EQ(pmem_free(&pm, b + 0x3000, 0x2000), ERR_EXIST);
	CHECK_EQ(pmem_free(&pm, b, 0), ERR_INVAL);
	CHECK_EQ(pmem_free_bytes(&pm), 0xc000);
	CHECK_EQ(pm.count, 1);
	CHECK(invariants_ok(&pm));
}

TEST(test_overflow_ranges)
{
	u64 b = 0;

	pmem_init(&pm);
	CHECK_EQ(pmem_add(&pm, UINT64_MAX - 0xfff, 0x1000), ERR_RANGE); /* end == 2^64 */
	CHECK_EQ(pmem_add(&pm, 0xfffffffffffff000ULL, 0x2000), ERR_RANGE);
	CHECK_EQ(pmem_add(&pm, 1, UINT64_MAX), ERR_RANGE);
	CHECK_EQ(pmem_add(&pm, 0, UINT64_MAX), 0); /* [0, 2^64 - 1) */
	CHECK_EQ(pmem_free_bytes(&pm), UINT64_MAX);
	CHECK_EQ(pmem_reserve(&pm, UINT64_MAX - 1, 2), ERR_RANGE);
	CHECK_EQ(pmem_free(&pm, UINT64_MAX, 1), ERR_RANGE);
	CHECK_EQ(pmem_alloc(&pm, UINT64_MAX, 1, &b), 0);
	CHECK_EQ(b, 0);
	CHECK_EQ(pm.count, 0);
	CHECK_EQ(pmem_alloc(&pm, 1, 1, &b), ERR_NOMEM);
	CHECK_EQ(pmem_add(&pm, 0, 0), ERR_INVAL);
	CHECK_EQ(pmem_add(NULL, 0, 1), ERR_INVAL);
	CHECK_EQ(pmem_free_bytes(NULL), 0);
}

TEST(test_fragmentation_and_full)
{
	u64 b = 0;

	pmem_init(&pm);
	/* 64 disjoint ranges fill the table */
	for (u64 i = 0; i < PMEM_MAX_RANGES; i++)
		CHECK_EQ(pmem_add(&pm, i * 0x10000, 0x4000), 0);
	CHECK_EQ(pm.count, PMEM_MAX_RANGES);
	CHECK_EQ(pmem_add(&pm, 0x10000000, 0x1000), ERR_FULL);
	/* merging into a neighbour needs no slot */
	CHECK_EQ(pmem_add(&pm, 0x4000, 0x1000), 0);
	/* a split needs a slot */
	CHECK_EQ(pmem_reserve(&pm, 0x11000, 0x1000), ERR_FULL);
	CHECK_EQ(pmem_alloc(&pm, 0x1000, 0x2000, &b), 0); /* from 0x0: head, no split */
	CHECK_EQ(b, 0);
	CHECK_EQ(pmem_alloc(&pm, 0x1000, 0x2000, &b), ERR_FULL); /* 0x2000 would split */
	CHECK_EQ(pm.count, PMEM_MAX_RANGES);
	/* edges never need slots */
	CHECK_EQ(pmem_reserve(&pm, 0x10000, 0x1000), 0);
	CHECK_EQ(pmem_reserve(&pm, 0x23000, 0x1000), 0);
	/* removing a whole range frees a slot */
	CHECK_EQ(pmem_reserve(&pm, 0x30000, 0x4000), 0);
	CHECK_EQ(pm.count, PMEM_MAX_RANGES - 1);
	CHECK_EQ(pmem_reserve(&pm, 0x12000, 0x1000), 0); /* split now fits */
	CHECK_EQ(pm.count, PMEM_MAX_RANGES);
	CHECK(invariants_ok(&pm));
	/* exhaustion: allocate everything page by page */
	u64 total = pmem_free_bytes(&pm), got = 0;
	while (pmem_alloc(&pm, PG, PG, &b) == 0)
		got += PG;
	CHECK_EQ(got, total);
	CHECK_EQ(pm.count, 0);
	CHECK_EQ(pmem_free_bytes(&pm), 0);
	CHECK_EQ(pmem_alloc(&pm, PG, PG, &b), ERR_NOMEM);
}

/* ---- randomized model check against a bitmap (1 bit per 256-byte unit) ---- */
#define U      0x100ULL
#define NUNITS 4096u
#define MBASE  0x80000000ULL
static bool mfree[NUNITS];
static struct { u64 base, size; } live[512];
static u32 nlive;
static u64 rng = 0x0123456789abcdefULL;

static u64 rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static bool model_all(u32 first, u32 n, bool state)
{
	for (u32 i = first; i < first + n; i++)
		if (mfree[i] != state)
			return false;
	return true;
}

static void model_set(u32 first, u32 n, bool state)
{
	for (u32 i = first; i < first + n; i++)
		mfree[i] = state;
}

/* Lowest unit index aligned to align_units with n free units, or -1. */
static long model_first_fit(u32 n, u32 align_units)
{
	for (u32 i = 0; i + n <= NUNITS; i += align_units)
		if (model_all(i, n, true))
			return (long)i;
	return -1;
}

static bool model_matches(void)
{
	static bool seen[NUNITS];

	memset(seen, 0, sizeof(seen));
	for (u32 r = 0; r < pm.count; r++) {
		if (pm.r[r].base < MBASE || pm.r[r].base % U || pm.r[r].size % U)
			return false;
		u64 first = (pm.r[r].base - MBASE) / U, n = pm.r[r].size / U;
		if (first + n > NUNITS)
			return false;
		for (u64 i = first; i < first + n; i++)
			seen[i] = true;
	}
	return memcmp(seen, mfree, sizeof(seen)) == 0;
}

static u32 step_alloc(void)
{
	u32 n = 1 + (u32)(rnd() % 64);
	u32 align = 1u << (rnd() % 6);
	long want = model_first_fit(n, align);
	u32 before = pm.count;
	u64 b = 0;
	int rc = pmem_alloc(&pm, n * U, align * U, &b);

	if (rc == ERR_FULL)
		return before == PMEM_MAX_RANGES && want >= 0 ? 0 : 1;
	if (want < 0)
		return rc == ERR_NOMEM ? 0 : 1;
	if (rc != 0 || b != MBASE + (u64)want * U)
		return 1;
	model_set((u32)want, n, false);
	if (nlive < ARRAY_SIZE(live)) {
		live[nlive].base = b;
		live[nlive++].size = n * U;
	}
	return 0;
}

static u32 step_free(void)
{
	u32 k;
	u64 first;
	int rc;

	if (nlive == 0)
		return 0;
	k = (u32)(rnd() % nlive);
	first = (live[k].base - MBASE) / U;
	rc = pmem_free(&pm, live[k].base, live[k].size);
	if (rc == ERR_FULL)
		return pm.count == PMEM_MAX_RANGES ? 0 : 1;
	if (rc != 0)
		return 1;
	model_set((u32)first, (u32)(live[k].size / U), true);
	/* double free of the same block, or of a piece of it, must be refused */
	if (rnd() % 4 == 0 && pmem_free(&pm, live[k].base, U) != ERR_EXIST)
		return 1;
	live[k] = live[--nlive];
	return 0;
}

static u32 step_reserve(void)
{
	u32 first = (u32)(rnd() % NUNITS), n = 1 + (u32)(rnd() % 16);
	bool free_all;
	int rc;

	if (first + n > NUNITS)
		n = NUNITS - first;
	free_all = model_all(first, n, true);
	rc = pmem_reserve(&pm, MBASE + first * U, n * U);
	if (!free_all)
		return rc == ERR_BUSY ? 0 : 1;
	if (rc == ERR_FULL)
		return pm.count == PMEM_MAX_RANGES ? 0 : 1;
	if (rc != 0)
		return 1;
	model_set(first, n, false);
	if (nlive < ARRAY_SIZE(live)) {
		live[nlive].base = MBASE + first * U;
		live[nlive++].size = n * U;
	} /* else leaked: fine for the model */
	return 0;
}

TEST(test_model_bitmap)
{
	u32 errors = 0, mismatches = 0, full_seen = 0;

	pmem_init(&pm);
	memset(mfree, 0, sizeof(mfree));
	nlive = 0;
	/* RAM with holes, added out of order */
	CHECK_EQ(pmem_add(&pm, MBASE + 2048 * U, 2048 * U), 0);
	CHECK_EQ(pmem_add(&pm, MBASE, 1000 * U), 0);
	CHECK_EQ(pmem_add(&pm, MBASE + 1024 * U, 1000 * U), 0);
	model_set(2048, 2048, true);
	model_set(0, 1000, true);
	model_set(1024, 1000, true);
	CHECK(model_matches());
	for (u32 step = 0; step < 20000; step++) {
		u32 op = (u32)(rnd() % 8);
		/* alternate alloc-heavy (fragmenting, hits FULL) and free-heavy phases */
		u32 alloc_w = (step / 2500) % 2 ? 4 : 3;

		if (op < alloc_w)
			errors += step_alloc();
		else if (op < 7)
			errors += step_free();
		else
			errors += step_reserve();
		if (!model_matches() || !invariants_ok(&pm))
			mismatches++;
		if (pm.count == PMEM_MAX_RANGES)
			full_seen++;
	}
	CHECK_EQ(errors, 0);
	CHECK_EQ(mismatches, 0);
	/* free everything that is still tracked: back to a few ranges */
	while (nlive) {
		int rc;

		nlive--;
		rc = pmem_free(&pm, live[nlive].base, live[nlive].size);
		CHECK(rc == 0 || (rc == ERR_FULL && pm.count == PMEM_MAX_RANGES));
		if (rc == 0)
			model_set((u32)((live[nlive].base - MBASE) / U),
				  (u32)(live[nlive].size / U), true);
	}
	CHECK(model_matches());
	CHECK(invariants_ok(&pm));
	CHECK(full_seen > 0); /* the FULL paths were exercised */
	CHECK(full_seen < 10000);
}

int main(void)
{
	RUN(test_add_alloc_free);
	RUN(test_alignment);
	RUN(test_coalescing);
	RUN(test_reserve);
	RUN(test_double_free_and_overlap);
	RUN(test_overflow_ranges);
	RUN(test_fragmentation_and_full);
	RUN(test_model_bitmap);
	HARNESS_END("test_pmem");
}
