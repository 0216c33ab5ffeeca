/*
 * Host tests for the per-VM MMIO window table (src/core/mmio.c): registration
 * (sorted, overlap and capacity refused with their error codes) and the lookup
 * a stage-2 data abort dispatches through, checked against a brute-force scan.
 */
#include <stdint.h>
#include <stdlib.h>

#include "harness.h"
#include <err.h>
#include <mmio.h>

static enum trap_status fn_a(struct vcpu *v, struct mmio_access *a, void *o)
{
	(void)v; (void)a; (void)o;
	return TRAP_HANDLED;
}

static enum trap_status fn_b(struct vcpu *v, struct mmio_access *a, void *o)
{
	(void)v; (void)a; (void)o;
	return TRAP_FORBIDDEN;
}

static struct mmio_region store[64];
static struct mmio_table t;

static bool sorted_disjoint(const struct mmio_table *tb)
{
	for (u32 i = 0; i + 1 < tb->nr; i++)
		if (tb->r[i].base + tb->r[i].size > tb->r[i + 1].base)
			return false;
	return true;
}

TEST(test_register_sorted_and_found)
{
	int tag1, tag2, tag3;

	mmio_table_init(&t, store, 8);
	CHECK_EQ(mmio_register(&t, 0x9000000, 0x1000, fn_a, &tag1), 0);
	CHECK_EQ(mmio_register(&t, 0x8000000, 0x10000, fn_b, &tag2), 0);
	CHECK_EQ(mmio_register(&t, 0x80a0000, 0x40000, fn_a, &tag3), 0);
	CHECK_EQ(t.nr, 3);
	CHECK(sorted_disjoint(&t));
	CHECK_EQ(t.r[0].base, 0x8000000);
	CHECK(mmio_find(&t, 0x8000000)->opaque == &tag2);     /* first byte */
	CHECK(mmio_find(&t, 0x800ffff)->handler == fn_b);     /* last byte */
	CHECK(mmio_find(&t, 0x8010000) == NULL);              /* just past it */
	CHECK(mmio_find(&t, 0x80dffff)->opaque == &tag3);
	CHECK(mmio_find(&t, 0x90007fc)->opaque == &tag1);
	CHECK(mmio_find(&t, 0x9001000) == NULL);
	CHECK(mmio_find(&t, 0) == NULL);
	CHECK(mmio_find(&t, UINT64_MAX) == NULL);
}

TEST(test_overlap_refused)
{
	mmio_table_init(&t, store, 8);
	CHECK_EQ(mmio_register(&t, 0x1000, 0x1000, fn_a, NULL), 0);
	CHECK_EQ(mmio_register(&t, 0x1800, 0x1000, fn_a, NULL), ERR_EXIST); /* tail */
	CHECK_EQ(mmio_register(&t, 0x0800, 0x1000, fn_a, NULL), ERR_EXIST); /* head */
	CHECK_EQ(mmio_register(&t, 0x0000, 0x10000, fn_a, NULL), ERR_EXIST); /* covers */
	CHECK_EQ(mmio_register(&t, 0x1000, 0x1000, fn_b, NULL), ERR_EXIST); /* same */
	CHECK_EQ(mmio_register(&t, 0x0000, 0x1000, fn_b, NULL), 0);        /* touching: fine */
	CHECK_EQ(mmio_register(&t, 0x2000, 0x1000, fn_b, NULL), 0);
	CHECK_EQ(t.nr, 3);
	CHECK(mmio_find(&t, 0x1fff)->handler == fn_a);
	CHECK(mmio_find(&t, 0x2000)->handler == fn_b);
}

TEST(test_bad_windows_refused)
{
	mmio_table_init(&t, store, 8);
	CHECK_EQ(mmio_register(&t, 0x1000, 0, fn_a, NULL), ERR_INVAL);
	CHECK_EQ(mmio_register(&t, UINT64_MAX - 0xfff, 0x2000, fn_a, NULL), ERR_INVAL);
	CHECK_EQ(mmio_register(&t, 0x1000, 0x1000, NULL, NULL), ERR_INVAL);
	CHECK_EQ(t.nr, 0);
}

/* The table holds exactly what the units asked for; one more is refused, not written. */
TEST(test_capacity_exact)
{
	mmio_table_init(&t, store, 3);
	for (u64 i = 0; i < 3; i++)
		CHECK_EQ(mmio_register(&t, 0x10000 * (i + 1), 0x1000, fn_a, NULL), 0);
	store[3].base = 0xdead;
	CHECK_EQ(mmio_register(&t, 0x100000, 0x1000, fn_a, NULL), ERR_FULL);
	CHECK_EQ(store[3].base, 0xdead);
	CHECK_EQ(t.nr, 3);
	mmio_table_init(&t, NULL, 5); /* no storage: nothing can register */
	CHECK_EQ(mmio_register(&t, 0x1000, 0x1000, fn_a, NULL), ERR_FULL);
}

static const struct mmio_region *brute(u64 addr, const struct mmio_region *r, u32 n)
{
	for (u32 i = 0; i < n; i++)
		if (addr >= r[i].base && addr - r[i].base < r[i].size)
			return &r[i];
	return NULL;
}

/* Random windows (some refused as overlapping) and lookups agree with a linear scan. */
TEST(test_random_against_scan)
{
	struct mmio_region mine[64];
	u32 n = 0;

	srand(7);
	mmio_table_init(&t, store, 64);
	for (int i = 0; i < 200 && n < 64; i++) {
		u64 base = (u64)(rand() % 4096) * 0x100, size = (u64)(rand() % 16 + 1) * 0x100;
		bool clash = false;

		for (u32 k = 0; k < n; k++)
			clash |= base < mine[k].base + mine[k].size && mine[k].base < base + size;
		CHECK_EQ(mmio_register(&t, base, size, fn_a, NULL), clash ? ERR_EXIST : 0);
		if (!clash)
			mine[n++] = (struct mmio_region){ base, size, fn_a, NULL };
	}
	CHECK_EQ(t.nr, n);
	CHECK(sorted_disjoint(&t));
	for (u64 a = 0; a < 4096 * 0x100 + 0x1000; a += 0x40) {
		const struct mmio_region *f = mmio_find(&t, a), *b = brute(a, mine, n);

		CHECK((f == NULL) == (b == NULL));
		if (f && b)
			CHECK(f->base == b->base && f->size == b->size);
	}
}

int main(void)
{
	RUN(test_register_sorted_and_found);
	RUN(test_overlap_refused);
	RUN(test_bad_windows_refused);
	RUN(test_capacity_exact);
	RUN(test_random_against_scan);
	HARNESS_END("test_mmio");
}
