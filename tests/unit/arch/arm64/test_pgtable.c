/*
 * Host tests for the VMSAv8-64 table builder (src/arch/arm64/pgtable.c).
 * Table memory is a static arena handed out through pt_ops with fake
 * physical addresses (ARENA_PHYS) that differ from the host addresses, so
 * any VA/PA confusion in the builder faults or trips arena checks.
 */
#include <stdint.h>
#include <stdlib.h>

#include "harness.h"
#include <arch/pgtable.h>

#define ARENA_PAGES 256u
#define ARENA_PHYS  0x80000000ULL /* 64 KiB aligned, so n-page blocks align in "phys" */
#define PG          0x1000ULL

static _Alignas(4096) u8 arena[ARENA_PAGES][4096];
static bool used[ARENA_PAGES];
static u32 in_use, budget, alloc_calls, bad_pa, bad_free;

static void arena_reset(u32 pages)
{
	memset(used, 0, sizeof(used));
	memset(arena, 0xa5, sizeof(arena)); /* garbage: tables must come zeroed from alloc */
	in_use = 0;
	alloc_calls = 0;
	bad_pa = 0;
	bad_free = 0;
	budget = pages;
}

static bool run_free(u32 first, u32 n)
{
	for (u32 i = first; i < first + n; i++)
		if (used[i])
			return false;
	return true;
}

static void *a_alloc(void *ctx, u32 n)
{
	(void)ctx;
	alloc_calls++;
	if (n == 0 || n > PT_MAX_ROOT_PAGES || (n & (n - 1)) || in_use + n > budget)
		return NULL;
	for (u32 i = 0; i + n <= ARENA_PAGES; i += n) {
		if (!run_free(i, n))
			continue;
		for (u32 j = i; j < i + n; j++)
			used[j] = true;
		in_use += n;
		memset(arena[i], 0, n * PG);
		return arena[i];
	}
	return NULL;
}

static void a_free(void *ctx, void *va, u32 n)
{
	uintptr_t off = (uintptr_t)va - (uintptr_t)arena;
	u32 first = (u32)(off / PG);

	(void)ctx;
	if ((u8 *)va < arena[0] || off % PG || first + n > ARENA_PAGES) {
		bad_free++;
		return;
	}
	for (u32 j = first; j < first + n; j++) {
		if (!used[j])
			bad_free++;
		used[j] = false;
	}
	memset(arena[first], 0xa5, n * PG);
	in_use -= n;
}

static u64 a_to_phys(void *ctx, void *va)
{
	(void)ctx;
	return ARENA_PHYS + (u64)((uintptr_t)va - (uintptr_t)arena);
}

static void *a_to_virt(void *ctx, u64 pa)
{
	u64 off = pa - ARENA_PHYS;

	(void)ctx;
	if (pa < ARENA_PHYS || off >= sizeof(arena) || off % PG || !used[off / PG]) {
		bad_pa++;
		return NULL;
	}
	return arena[off / PG];
}

static const struct pt_ops ops = {
	.alloc_tables = a_alloc, .free_tables = a_free,
	.to_phys = a_to_phys, .to_virt = a_to_virt,
};

/* ---- independent raw walker (Arm ARM D8.3 formats, written separately) ---- */
static u64 raw_leaf(const struct pgtable *pt, u64 va, u32 *level)
{
	const u64 *t = pt->root;

	for (u32 l = pt->start_level; l <= 3; l++) {
		u32 shift = 12 + 9 * (3 - l);
		u64 mask = l == pt->start_level ? (1ULL << (pt->ia_bits - shift)) - 1 : 511;
		u64 d = t[(va >> shift) & mask];

		if (l < 3 && (d & 3) == 3) {
			t = a_to_virt(NULL, d & 0x0000fffffffff000ULL);
			if (!t)
				return 0;
			continue;
		}
		*level = l;
		return d;
	}
	return 0;
}

static int new_pt(struct pgtable *pt, enum pt_kind kind, u32 ia, const struct pt_ops *o)
{
	arena_reset(ARENA_PAGES);
	return pt_init(pt, kind, ia, o);
}

/* Walk leaf by leaf and check every leaf's first and last byte. Returns the
 * number of leaves per level through counts[4]. */
static void check_mapped(const struct pgtable *pt, u64 va, u64 pa, u64 size, u32 attr,
			 u32 counts[4])
{
	u64 cur = va;

	if (counts)
		memset(counts, 0, 4 * sizeof(u32));
	while (cur < va + size) {
		u64 opa = 0;
		u32 oattr = 0, lvl = 0;
		int rc = pt_lookup(pt, cur, &opa, &oattr, &lvl);
		u64 lsize;

		CHECK_EQ(rc, 0);
		if (rc)
			return;
		lsize = PT_LEVEL_SIZE(lvl);
		CHECK_EQ(cur % lsize, 0);
		CHECK_EQ(opa, pa + (cur - va));
		CHECK_EQ(oattr, attr);
		CHECK_EQ(pt_lookup(pt, cur + lsize - 1, &opa, NULL, NULL), 0);
		CHECK_EQ(opa, pa + (cur - va) + lsize - 1);
		if (counts)
			counts[lvl]++;
		cur += lsize;
	}
}

static void check_unmapped(const struct pgtable *pt, u64 va)
{
	CHECK_EQ(pt_lookup(pt, va, NULL, NULL, NULL), ERR_NOENT);
}

/* ------------------------------------------------------------------ tests */

TEST(test_geometry)
{
	/* ia_bits -> expected (start level, root pages) */
	for (u32 ia = 32; ia <= 48; ia++) {
		struct pgtable s2, el2;
		u32 s2_start = ia <= 34 ? 2 : ia <= 43 ? 1 : 0;
		u32 s2_pages = ia <= 34 ? 1u << (ia - 30) : ia <= 39 ? 1 : ia <= 43 ? 1u << (ia - 39) : 1;
		u32 el2_start = ia <= 39 ? 1 : 0;

		CHECK_EQ(new_pt(&s2, PT_STAGE2, ia, &ops), 0);
		CHECK_EQ(s2.start_level, s2_start);
		CHECK_EQ(s2.root_pages, s2_pages);
		CHECK_EQ(s2.root_pa % (s2_pages * PG), 0);
		CHECK_EQ(s2.root_pa, a_to_phys(NULL, s2.root));
		CHECK_EQ(in_use, s2_pages);
		pt_destroy(&s2);
		CHECK_EQ(in_use, 0);

		CHECK_EQ(new_pt(&el2, PT_EL2, ia, &ops), 0);
		CHECK_EQ(el2.start_level, el2_start);
		CHECK_EQ(el2.root_pages, 1);
		pt_destroy(&el2);
	}
	struct pgtable pt;
	struct pt_ops bad = ops;

	CHECK_EQ(new_pt(&pt, PT_STAGE2, 31, &ops), ERR_INVAL);
	CHECK_EQ(new_pt(&pt, PT_STAGE2, 49, &ops), ERR_INVAL);
	CHECK_EQ(new_pt(&pt, (enum pt_kind)7, 40, &ops), ERR_INVAL);
	CHECK_EQ(new_pt(&pt, PT_EL2, 40, NULL), ERR_INVAL);
	bad.to_virt = NULL;
	CHECK_EQ(new_pt(&pt, PT_EL2, 40, &bad), ERR_INVAL);
	arena_reset(1);
	CHECK_EQ(pt_init(&pt, PT_STAGE2, 40, &ops), ERR_NOMEM); /* needs 2 pages */
	CHECK_EQ(in_use, 0);
}

TEST(test_block_selection)
{
	struct pgtable pt;
	u32 c[4];
	const u32 rwx = PT_R | PT_W | PT_X;

	CHECK_EQ(new_pt(&pt, PT_STAGE2, 40, &ops), 0);
	/* 1 GiB + 2 MiB + 4 KiB, all aligned: one of each size */
	CHECK_EQ(pt_map(&pt, 0x40000000, 0x100000000, SZ_1G + SZ_2M + PG, rwx), 0);
	check_mapped(&pt, 0x40000000, 0x100000000, SZ_1G + SZ_2M + PG, rwx, c);
	CHECK_EQ(c[1], 1);
	CHECK_EQ(c[2], 1);
	CHECK_EQ(c[3], 1);
	check_unmapped(&pt, 0x40000000 - PG);
	check_unmapped(&pt, 0x40000000 + SZ_1G + SZ_2M + PG);
	CHECK_EQ(in_use, 2 + 2); /* concatenated root + one L2 + one L3 table */

	/* pa only 2 MiB aligned: 2 MiB blocks although va is 1 GiB aligned */
	CHECK_EQ(pt_map(&pt, 0x100000000, 0x200200000, SZ_1G, rwx), 0);
	check_mapped(&pt, 0x100000000, 0x200200000, SZ_1G, rwx, c);
	CHECK_EQ(c[1], 0);
	CHECK_EQ(c[2], 512);
	CHECK_EQ(c[3], 0);

	/* pa only 4 KiB aligned: pages only */
	CHECK_EQ(pt_map(&pt, 0x140000000, 0x300001000, 4 * SZ_2M, rwx), 0);
	check_mapped(&pt, 0x140000000, 0x300001000, 4 * SZ_2M, rwx, c);
	CHECK_EQ(c[2], 0);
	CHECK_EQ(c[3], 4 * 512);

	/* mix: 2M | 1G | 2M | 4K 4K, va and pa equally aligned */
	u64 va = 0x1bfe00000, pa = 0x3bfe00000, size = SZ_2M + SZ_1G + SZ_2M + 2 * PG;
	CHECK_EQ(pt_map(&pt, va, pa, size, PT_R), 0);
	check_mapped(&pt, va, pa, size, PT_R, c);
	CHECK_EQ(c[1], 1);
	CHECK_EQ(c[2], 2);
	CHECK_EQ(c[3], 2);
	u32 lvl;
	CHECK_EQ(pt_lookup(&pt, va, NULL, NULL, &lvl), 0);
	CHECK_EQ(lvl, 2);
	CHECK_EQ(pt_lookup(&pt, 0x1c0000000, NULL, NULL, &lvl), 0);
	CHECK_EQ(lvl, 1);
	CHECK_EQ(pt_lookup(&pt, 0x200000000, NULL, NULL, &lvl), 0);
	CHECK_EQ(lvl, 2);
	CHECK_EQ(pt_lookup(&pt, 0x200200000, NULL, NULL, &lvl), 0);
	CHECK_EQ(lvl, 3);
	check_unmapped(&pt, va + size);
	check_unmapped(&pt, va - PG);
	CHECK_EQ(bad_pa, 0);
	pt_destroy(&pt);
	CHECK_EQ(in_use, 0);
	CHECK_EQ(bad_free, 0);
}

TEST(test_lookup_boundaries)
{
	struct pgtable pt;
	u64 pa;
	u32 attr, lvl;

	CHECK_EQ(new_pt(&pt, PT_EL2, 39, &ops), 0);
	CHECK_EQ(pt_map(&pt, 0x40000000, 0x40000000, SZ_1G, PT_R | PT_W), 0);
	CHECK_EQ(pt_lookup(&pt, 0x40000000, &pa, &attr, &lvl), 0);
	CHECK_EQ(pa, 0x40000000);
	CHECK_EQ(attr, PT_R | PT_W);
	CHECK_EQ(lvl, 1);
	CHECK_EQ(pt_lookup(&pt, 0x7fffffff, &pa, NULL, NULL), 0);
	CHECK_EQ(pa, 0x7fffffff);
	CHECK_EQ(pt_lookup(&pt, 0x12345678 + 0x40000000, &pa, NULL, NULL), 0);
	CHECK_EQ(pa, 0x52345678);
	check_unmapped(&pt, 0x3fffffff);
	check_unmapped(&pt, 0x80000000);
	check_unmapped(&pt, 0);
	CHECK_EQ(pt_lookup(&pt, 1ULL << 39, NULL, NULL, NULL), ERR_RANGE);
	CHECK_EQ(pt_lookup(&pt, ~0ULL, NULL, NULL, NULL), ERR_RANGE);
	/* last page of the input address space */
	CHECK_EQ(pt_map(&pt, (1ULL << 39) - PG, 0x9000, PG, PT_R), 0);
	CHECK_EQ(pt_lookup(&pt, (1ULL << 39) - 1, &pa, NULL, &lvl), 0);
	CHECK_EQ(pa, 0x9fff);
	CHECK_EQ(lvl, 3);
	pt_destroy(&pt);
}

TEST(test_stage2_descriptor_bits)
{
	struct pgtable pt;
	u32 lvl, attr;
	u64 d;

	CHECK_EQ(new_pt(&pt, PT_STAGE2, 40, &ops), 0);
	/* Normal RWX page */
	CHECK_EQ(pt_map(&pt, 0x1000, 0x8000000000ULL + 0x5000, PG, PT_R | PT_W | PT_X), 0);
	d = raw_leaf(&pt, 0x1000, &lvl);
	CHECK_EQ(lvl, 3);
	CHECK_EQ(d & 3, 3);                       /* page */
	CHECK_EQ((d >> 2) & 0xf, 0xf);            /* MemAttr Normal WB */
	CHECK_EQ((d >> 6) & 3, 3);                /* S2AP RW */
	CHECK_EQ((d >> 8) & 3, 3);                /* SH inner */
	CHECK_EQ((d >> 10) & 1, 1);               /* AF */
	CHECK_EQ((d >> 54) & 1, 0);               /* executable */
	CHECK_EQ(d & 0x0000fffffffff000ULL, 0x8000005000ULL);
	CHECK_EQ(d & ~0x0040fffffffff7ffULL, 0); /* nothing else set */
	/* Device RW 2 MiB block */
	CHECK_EQ(pt_map(&pt, SZ_2M, 0x9000000, SZ_2M, PT_R | PT_W | PT_DEVICE), 0);
	d = raw_leaf(&pt, SZ_2M, &lvl);
	CHECK_EQ(lvl, 2);
	CHECK_EQ(d & 3, 1);                       /* block */
	CHECK_EQ((d >> 2) & 0xf, 0x1);            /* Device-nGnRE */
	CHECK_EQ((d >> 6) & 3, 3);
	CHECK_EQ((d >> 54) & 1, 1);               /* device is XN */
	CHECK_EQ((d >> 10) & 1, 1);
	CHECK_EQ(d & 0x0000fffffffff000ULL, 0x9000000);
	CHECK_EQ(pt_lookup(&pt, SZ_2M, NULL, &attr, NULL), 0);
	CHECK_EQ(attr, PT_R | PT_W | PT_DEVICE);
	/* read-only, non-executable */
	CHECK_EQ(pt_map(&pt, 0x2000, 0x2000, PG, PT_R), 0);
	d = raw_leaf(&pt, 0x2000, &lvl);
	CHECK_EQ((d >> 6) & 3, 1);
	CHECK_EQ((d >> 54) & 1, 1);
	/* write-only */
	CHECK_EQ(pt_map(&pt, 0x3000, 0x3000, PG, PT_W), 0);
	d = raw_leaf(&pt, 0x3000, &lvl);
	CHECK_EQ((d >> 6) & 3, 2);
	/* execute-only */
	CHECK_EQ(pt_map(&pt, 0x4000, 0x4000, PG, PT_X), 0);
	d = raw_leaf(&pt, 0x4000, &lvl);
	CHECK_EQ((d >> 6) & 3, 0);
	CHECK_EQ((d >> 54) & 1, 0);
	CHECK_EQ(pt_lookup(&pt, 0x4000, NULL, &attr, NULL), 0);
	CHECK_EQ(attr, PT_X);
	/* 1 GiB block type bits */
	CHECK_EQ(pt_map(&pt, SZ_1G, SZ_1G, SZ_1G, PT_R | PT_W), 0);
	d = raw_leaf(&pt, SZ_1G, &lvl);
	CHECK_EQ(lvl, 1);
	CHECK_EQ(d & 3, 1);
	CHECK_EQ(d & 0x0000fffffffff000ULL, SZ_1G);
	/* table descriptor points at arena "physical" memory */
	d = pt.root[0];
	CHECK_EQ(d & 3, 3);
	CHECK((d & 0x0000fffffffff000ULL) >= ARENA_PHYS);
	CHECK_EQ(bad_pa, 0);
	pt_destroy(&pt);
}

TEST(test_el2_descriptor_bits)
{
	struct pgtable pt;
	u32 lvl, attr;
	u64 d;

	CHECK_EQ(PT_MAIR_EL2_VALUE, 0x04ff);
	CHECK_EQ(new_pt(&pt, PT_EL2, 39, &ops), 0);
	CHECK_EQ(pt_map(&pt, 0x40000000, 0x40000000, SZ_2M, PT_R | PT_W | PT_X), 0);
	d = raw_leaf(&pt, 0x40000000, &lvl);
	CHECK_EQ(lvl, 2);
	CHECK_EQ(d & 3, 1);
	CHECK_EQ((d >> 2) & 7, 0);   /* AttrIndx 0: Normal WB */
	CHECK_EQ((d >> 6) & 3, 1);   /* AP[2]=0 RW, AP[1]=1 (RES1) */
	CHECK_EQ((d >> 8) & 3, 3);   /* SH inner */
	CHECK_EQ((d >> 10) & 1, 1);  /* AF */
	CHECK_EQ((d >> 54) & 1, 0);
	CHECK_EQ(d & ~0x0040fffffffff7ffULL, 0);
	/* read-only data page */
	CHECK_EQ(pt_map(&pt, 0x1000, 0x1000, PG, PT_R), 0);
	d = raw_leaf(&pt, 0x1000, &lvl);
	CHECK_EQ(lvl, 3);
	CHECK_EQ(d & 3, 3);
	CHECK_EQ((d >> 6) & 3, 3);   /* AP[2]=1 read-only */
	CHECK_EQ((d >> 54) & 1, 1);
	/* read-only executable */
	CHECK_EQ(pt_map(&pt, 0x2000, 0x2000, PG, PT_R | PT_X), 0);
	d = raw_leaf(&pt, 0x2000, &lvl);
	CHECK_EQ((d >> 6) & 3, 3);
	CHECK_EQ((d >> 54) & 1, 0);
	CHECK_EQ(pt_lookup(&pt, 0x2000, NULL, &attr, NULL), 0);
	CHECK_EQ(attr, PT_R | PT_X);
	/* device */
	CHECK_EQ(pt_map(&pt, 0x9000000, 0x9000000, PG, PT_R | PT_W | PT_DEVICE), 0);
	d = raw_leaf(&pt, 0x9000000, &lvl);
	CHECK_EQ((d >> 2) & 7, 1);   /* AttrIndx 1: Device-nGnRE */
	CHECK_EQ((d >> 6) & 3, 1);
	CHECK_EQ((d >> 54) & 1, 1);
	CHECK_EQ(pt_lookup(&pt, 0x9000000, NULL, &attr, NULL), 0);
	CHECK_EQ(attr, PT_R | PT_W | PT_DEVICE);
	pt_destroy(&pt);
}

TEST(test_bad_attributes)
{
	struct pgtable s2, el2;

	CHECK_EQ(new_pt(&s2, PT_STAGE2, 40, &ops), 0);
	CHECK_EQ(pt_map(&s2, 0, 0, PG, 0), ERR_PERM);
	CHECK_EQ(pt_map(&s2, 0, 0, PG, PT_DEVICE), ERR_PERM);
	CHECK_EQ(pt_map(&s2, 0, 0, PG, PT_R | PT_X | PT_DEVICE), ERR_PERM);
	CHECK_EQ(pt_map(&s2, 0, 0, PG, PT_R | (1u << 4)), ERR_PERM);
	CHECK_EQ(pt_init(&el2, PT_EL2, 39, &ops), 0);
	CHECK_EQ(pt_map(&el2, 0, 0, PG, PT_W), ERR_PERM);
	CHECK_EQ(pt_map(&el2, 0, 0, PG, PT_X), ERR_PERM);
	CHECK_EQ(in_use, 3);
	check_unmapped(&s2, 0);
	check_unmapped(&el2, 0);
	pt_destroy(&s2);
	pt_destroy(&el2);
	CHECK_EQ(in_use, 0);
}

TEST(test_split_on_unmap)
{
	struct pgtable pt;
	const u64 va = 0x40000000, pa = 0x880000000ULL;
	u64 opa;
	u32 lvl, attr, c[4];

	CHECK_EQ(new_pt(&pt, PT_STAGE2, 40, &ops), 0);
	CHECK_EQ(pt_map(&pt, va, pa, SZ_1G, PT_R | PT_W), 0);
	CHECK_EQ(in_use, 2);
	CHECK_EQ(pt_unmap(&pt, va + 0x10201000, PG), 0);
	CHECK_EQ(in_use, 4); /* one L2 + one L3 table */
	check_unmapped(&pt, va + 0x10201000);
	check_unmapped(&pt, va + 0x10201fff);
	CHECK_EQ(pt_lookup(&pt, va + 0x10200fff, &opa, &attr, &lvl), 0);
	CHECK_EQ(opa, pa + 0x10200fff);
	CHECK_EQ(lvl, 3);
	CHECK_EQ(attr, PT_R | PT_W);
	CHECK_EQ(pt_lookup(&pt, va + 0x10202000, &opa, NULL, &lvl), 0);
	CHECK_EQ(opa, pa + 0x10202000);
	CHECK_EQ(lvl, 3);
	check_mapped(&pt, va, pa, 0x10201000, PT_R | PT_W, c);
	CHECK_EQ(c[2], 0x81); /* 2 MiB blocks below the split one */
	CHECK_EQ(c[3], 1);
	check_mapped(&pt, va + 0x10202000, pa + 0x10202000, SZ_1G - 0x10202000, PT_R | PT_W, c);
	CHECK_EQ(c[3], 510);
	CHECK_EQ(c[2], 512 - 0x81 - 1);

	/* unmapping a whole 2 MiB piece of a split 1 GiB block needs no L3 */
	CHECK_EQ(pt_map(&pt, 0x80000000, 0x80000000, SZ_1G, PT_R), 0);
	u32 before = in_use;
	CHECK_EQ(pt_unmap(&pt, 0x80000000 + 4 * SZ_2M, SZ_2M), 0);
	CHECK_EQ(in_use, before + 1);
	check_unmapped(&pt, 0x80000000 + 4 * SZ_2M);
	check_unmapped(&pt, 0x80000000 + 5 * SZ_2M - 1);
	CHECK_EQ(pt_lookup(&pt, 0x80000000 + 5 * SZ_2M, NULL, NULL, &lvl), 0);
	CHECK_EQ(lvl, 2);
	CHECK_EQ(bad_pa, 0);
	pt_destroy(&pt);
	CHECK_EQ(in_use, 0);
}

TEST(test_split_on_finer_map)
{
	struct pgtable pt;
	const u64 va = 0x200000, pa = 0x40200000;
	u32 lvl, attr, before;
	u64 opa;

	CHECK_EQ(new_pt(&pt, PT_STAGE2, 40, &ops), 0);
	CHECK_EQ(pt_map(&pt, va, pa, SZ_2M, PT_R | PT_W | PT_X), 0);
	before = in_use;
	/* identical re-map: no-op, no allocation */
	CHECK_EQ(pt_map(&pt, va + PG, pa + PG, PG, PT_R | PT_W | PT_X), 0);
	CHECK_EQ(in_use, before);
	CHECK_EQ(pt_lookup(&pt, va + PG, NULL, NULL, &lvl), 0);
	CHECK_EQ(lvl, 2);
	/* same pa, different attributes on one page: block is split */
	CHECK_EQ(pt_map(&pt, va + PG, pa + PG, PG, PT_R), 0);
	CHECK_EQ(in_use, before + 1);
	CHECK_EQ(pt_lookup(&pt, va + PG, &opa, &attr, &lvl), 0);
	CHECK_EQ(lvl, 3);
	CHECK_EQ(attr, PT_R);
	CHECK_EQ(opa, pa + PG);
	check_mapped(&pt, va, pa, PG, PT_R | PT_W | PT_X, NULL);
	check_mapped(&pt, va + 2 * PG, pa + 2 * PG, SZ_2M - 2 * PG, PT_R | PT_W | PT_X, NULL);
	/* different pa inside: refused, nothing changes */
	before = in_use;
	CHECK_EQ(pt_map(&pt, va + 2 * PG, 0x7000000, PG, PT_R), ERR_EXIST);
	/* partly new, partly conflicting: refused as a whole */
	CHECK_EQ(pt_map(&pt, 0, 0x7000000, va + PG, PT_R), ERR_EXIST);
	check_unmapped(&pt, 0);
	check_unmapped(&pt, va - PG);
	CHECK_EQ(in_use, before);
	check_mapped(&pt, va + 2 * PG, pa + 2 * PG, SZ_2M - 2 * PG, PT_R | PT_W | PT_X, NULL);
	/* attribute change of a whole block keeps the block */
	CHECK_EQ(pt_map(&pt, 0x40000000, 0x40000000, SZ_2M, PT_R | PT_W), 0);
	before = in_use;
	CHECK_EQ(pt_map(&pt, 0x40000000, 0x40000000, SZ_2M, PT_R), 0);
	CHECK_EQ(in_use, before);
	CHECK_EQ(pt_lookup(&pt, 0x40000000, NULL, &attr, &lvl), 0);
	CHECK_EQ(lvl, 2);
	CHECK_EQ(attr, PT_R);
	/* mapping over a split region with matching pa extends into free space */
	CHECK_EQ(pt_map(&pt, va, pa, SZ_2M + PG, PT_R | PT_W | PT_X), 0);
	check_mapped(&pt, va, pa, SZ_2M + PG, PT_R | PT_W | PT_X, NULL);
	pt_destroy(&pt);
	CHECK_EQ(in_use, 0);
}

TEST(test_unmap)
{
	struct pgtable pt;
	u32 before;

	CHECK_EQ(new_pt(&pt, PT_STAGE2, 39, &ops), 0);
	CHECK_EQ(pt_map(&pt, 0x1000, 0x41000, 4 * SZ_2M, PT_R | PT_W), 0);
	CHECK_EQ(pt_unmap(&pt, 0x1000, 4 * SZ_2M), 0);
	for (u64 v = 0; v < 5 * SZ_2M; v += PG)
		check_unmapped(&pt, v);
	/* holes are fine */
	CHECK_EQ(pt_unmap(&pt, 0, SZ_1G), 0);
	CHECK_EQ(pt_unmap(&pt, 0x100000000, 4 * SZ_1G), 0);
	/* exact 1 GiB block: cleared without new tables */
	CHECK_EQ(pt_map(&pt, SZ_1G, 0, SZ_1G, PT_R), 0);
	before = in_use;
	CHECK_EQ(pt_unmap(&pt, SZ_1G, SZ_1G), 0);
	CHECK_EQ(in_use, before);
	CHECK_EQ(pt.root[1], 0);
	check_unmapped(&pt, SZ_1G);
	/* remap after unmap with a different pa is allowed */
	CHECK_EQ(pt_map(&pt, SZ_1G, 2 * SZ_1G, SZ_1G, PT_R), 0);
	check_mapped(&pt, SZ_1G, 2 * SZ_1G, SZ_1G, PT_R, NULL);
	pt_destroy(&pt);
}

TEST(test_concatenated_root)
{
	struct pgtable pt;
	const u64 top = 1ULL << 40;
	u32 lvl;
	u64 pa;

	CHECK_EQ(new_pt(&pt, PT_STAGE2, 40, &ops), 0);
	CHECK_EQ(pt.start_level, 1);
	CHECK_EQ(pt.root_pages, 2);
	CHECK_EQ(pt.root_pa % (2 * PG), 0);
	CHECK_EQ(pt_map(&pt, top - SZ_1G, 0x40000000, SZ_1G, PT_R | PT_W), 0);
	CHECK_EQ(pt.root[1023] & 3, 1); /* last entry of the second root page */
	CHECK_EQ(pt.root[511], 0);
	CHECK_EQ(pt_lookup(&pt, top - 1, &pa, NULL, &lvl), 0);
	CHECK_EQ(pa, 0x7fffffff);
	CHECK_EQ(lvl, 1);
	/* crossing from the first root page into the second */
	CHECK_EQ(pt_map(&pt, 512 * SZ_1G - SZ_2M, 0x200000, 2 * SZ_2M, PT_R), 0);
	check_mapped(&pt, 512 * SZ_1G - SZ_2M, 0x200000, 2 * SZ_2M, PT_R, NULL);
	CHECK_EQ(pt.root[511] & 3, 3);
	CHECK_EQ(pt.root[512] & 3, 3);
	CHECK_EQ(pt_map(&pt, top, 0, PG, PT_R), ERR_RANGE);
	CHECK_EQ(pt_map(&pt, top - PG, 0, 2 * PG, PT_R), ERR_RANGE);
	CHECK_EQ(pt_lookup(&pt, top, NULL, NULL, NULL), ERR_RANGE);
	pt_destroy(&pt);
	CHECK_EQ(in_use, 0);

	/* 34-bit IPA: 16 concatenated level-2 tables */
	CHECK_EQ(new_pt(&pt, PT_STAGE2, 34, &ops), 0);
	CHECK_EQ(pt.root_pages, 16);
	CHECK_EQ(pt.root_pa % (16 * PG), 0);
	CHECK_EQ(pt_map(&pt, (1ULL << 34) - SZ_2M, 0x40000000, SZ_2M, PT_R), 0);
	CHECK_EQ(pt.root[16 * 512 - 1] & 3, 1);
	CHECK_EQ(pt_lookup(&pt, (1ULL << 34) - 1, &pa, NULL, &lvl), 0);
	CHECK_EQ(pa, 0x401fffff);
	CHECK_EQ(lvl, 2);
	pt_destroy(&pt);
	CHECK_EQ(in_use, 0);
}

TEST(test_refusals)
{
	struct pgtable pt;
	const u32 r = PT_R;

	CHECK_EQ(new_pt(&pt, PT_STAGE2, 39, &ops), 0);
	CHECK_EQ(pt_map(&pt, 0x800, 0, PG, r), ERR_ALIGN);
	CHECK_EQ(pt_map(&pt, 0, 0x800, PG, r), ERR_ALIGN);
	CHECK_EQ(pt_map(&pt, 0, 0, 0x800, r), ERR_ALIGN);
	CHECK_EQ(pt_map(&pt, 0, 0, 0, r), ERR_INVAL);
	CHECK_EQ(pt_map(&pt, 1ULL << 39, 0, PG, r), ERR_RANGE);
	CHECK_EQ(pt_map(&pt, (1ULL << 39) - PG, 0, 2 * PG, r), ERR_RANGE);
	CHECK_EQ(pt_map(&pt, PG, 0, ~0xfffULL, r), ERR_RANGE); /* va + size wraps */
	CHECK_EQ(pt_map(&pt, 0, (1ULL << 48) - PG, 2 * PG, r), ERR_RANGE);
	CHECK_EQ(pt_map(&pt, 0, ~0xfffULL, PG, r), ERR_RANGE);
	CHECK_EQ(pt_map(&pt, 0, (1ULL << 48) - PG, PG, r), 0); /* last OA page is fine */
	CHECK_EQ(pt_unmap(&pt, 0x800, PG), ERR_ALIGN);
	CHECK_EQ(pt_unmap(&pt, 0, 0x1800), ERR_ALIGN);
	CHECK_EQ(pt_unmap(&pt, 0, 0), ERR_INVAL);
	CHECK_EQ(pt_unmap(&pt, PG, ~0xfffULL), ERR_RANGE);
	CHECK_EQ(pt_map(NULL, 0, 0, PG, r), ERR_INVAL);
	CHECK_EQ(pt_lookup(NULL, 0, NULL, NULL, NULL), ERR_INVAL);
	pt_destroy(&pt);
	CHECK_EQ(pt_map(&pt, 0, 0, PG, r), ERR_INVAL); /* destroyed */
}

TEST(test_exhaustion)
{
	struct pgtable pt;
	u32 lvl;

	/* 4 MiB with pa misaligned to 2 MiB needs 1 L2 + 2 L3 tables */
	CHECK_EQ(new_pt(&pt, PT_STAGE2, 40, &ops), 0);
	budget = 2 + 2;
	CHECK_EQ(pt_map(&pt, 0, 0x1000, 2 * SZ_2M, PT_R), ERR_NOMEM);
	CHECK_EQ(in_use, 2);
	for (u32 i = 0; i < 1024; i++)
		CHECK_EQ(pt.root[i], 0);
	for (u64 v = 0; v < 2 * SZ_2M; v += PG)
		check_unmapped(&pt, v);
	budget = 2 + 3;
	CHECK_EQ(pt_map(&pt, 0, 0x1000, 2 * SZ_2M, PT_R), 0);
	CHECK_EQ(in_use, 5);
	check_mapped(&pt, 0, 0x1000, 2 * SZ_2M, PT_R, NULL);

	/* splitting on unmap without memory: mapping stays intact */
	CHECK_EQ(pt_map(&pt, SZ_1G, SZ_1G, SZ_1G, PT_R | PT_W), 0);
	CHECK_EQ(pt_unmap(&pt, SZ_1G + SZ_2M + PG, PG), ERR_NOMEM);
	check_mapped(&pt, SZ_1G, SZ_1G, SZ_1G, PT_R | PT_W, NULL);
	CHECK_EQ(pt_lookup(&pt, SZ_1G + SZ_2M + PG, NULL, NULL, &lvl), 0);
	CHECK_EQ(lvl, 1);
	budget = 5 + 1; /* one short of L2 + L3 */
	CHECK_EQ(pt_unmap(&pt, SZ_1G + SZ_2M + PG, PG), ERR_NOMEM);
	CHECK_EQ(in_use, 5);
	/* splitting for an attribute change without memory */
	CHECK_EQ(pt_map(&pt, SZ_1G + PG, SZ_1G + PG, PG, PT_R), ERR_NOMEM);
	check_mapped(&pt, SZ_1G, SZ_1G, SZ_1G, PT_R | PT_W, NULL);
	budget = ARENA_PAGES;
	CHECK_EQ(pt_unmap(&pt, SZ_1G + SZ_2M + PG, PG), 0);
	CHECK_EQ(in_use, 7);
	check_unmapped(&pt, SZ_1G + SZ_2M + PG);
	CHECK_EQ(bad_free, 0);
	pt_destroy(&pt);
	CHECK_EQ(in_use, 0);
}

static u64 field(u64 v, u32 lo, u32 width)
{
	return (v >> lo) & ((1ULL << width) - 1);
}

TEST(test_vtcr_tcr)
{
	struct pgtable pt;
	u64 v;

	/* 39-bit IPA: T0SZ 25, start level 1 -> SL0 0b01, PS 40 bits = 0b010 */
	CHECK_EQ(new_pt(&pt, PT_STAGE2, 39, &ops), 0);
	v = pt_vtcr_el2(&pt, 40);
	CHECK_EQ(v, 0x80023559ULL);
	CHECK_EQ(field(v, 0, 6), 25);  /* T0SZ */
	CHECK_EQ(field(v, 6, 2), 1);   /* SL0: level 1 */
	CHECK_EQ(field(v, 8, 2), 1);   /* IRGN0 WBWA */
	CHECK_EQ(field(v, 10, 2), 1);  /* ORGN0 WBWA */
	CHECK_EQ(field(v, 12, 2), 3);  /* SH0 inner */
	CHECK_EQ(field(v, 14, 2), 0);  /* TG0 4K */
	CHECK_EQ(field(v, 16, 3), 2);  /* PS 40 bits */
	CHECK_EQ(field(v, 31, 1), 1);  /* RES1 */
	CHECK_EQ(pt_vtcr_el2(&pt, 48) >> 16 & 7, 5);
	CHECK_EQ(pt_vtcr_el2(&pt, 52) >> 16 & 7, 5);
	CHECK_EQ(pt_vtcr_el2(&pt, 36), 0); /* IPA larger than PA */
	CHECK_EQ(pt_tcr_el2(&pt, 40), 0);  /* wrong kind */
	pt_destroy(&pt);

	/* 40-bit IPA: T0SZ 24, level 1 with 2 concatenated tables -> SL0 0b01 */
	CHECK_EQ(new_pt(&pt, PT_STAGE2, 40, &ops), 0);
	v = pt_vtcr_el2(&pt, 40);
	CHECK_EQ(v, 0x80023558ULL);
	CHECK_EQ(field(v, 0, 6), 24);
	CHECK_EQ(field(v, 6, 2), 1);
	CHECK_EQ(field(v, 16, 3), 2);
	CHECK_EQ(field(pt_vtcr_el2(&pt, 42), 16, 3), 3);
	CHECK_EQ(field(pt_vtcr_el2(&pt, 44), 16, 3), 4);
	CHECK_EQ(field(pt_vtcr_el2(&pt, 41), 16, 3), 2); /* rounds down */
	pt_destroy(&pt);

	CHECK_EQ(new_pt(&pt, PT_STAGE2, 32, &ops), 0);
	v = pt_vtcr_el2(&pt, 32);
	CHECK_EQ(field(v, 0, 6), 32);
	CHECK_EQ(field(v, 6, 2), 0); /* level 2 */
	CHECK_EQ(field(v, 16, 3), 0);
	CHECK_EQ(pt_vtcr_el2(&pt, 31), 0);
	pt_destroy(&pt);
	CHECK_EQ(new_pt(&pt, PT_STAGE2, 44, &ops), 0);
	CHECK_EQ(field(pt_vtcr_el2(&pt, 48), 6, 2), 2); /* level 0 */
	pt_destroy(&pt);

	/* EL2 stage 1 */
	CHECK_EQ(new_pt(&pt, PT_EL2, 39, &ops), 0);
	v = pt_tcr_el2(&pt, 40);
	CHECK_EQ(v, 0x80823519ULL);
	CHECK_EQ(field(v, 0, 6), 25);
	CHECK_EQ(field(v, 14, 2), 0);
	CHECK_EQ(field(v, 16, 3), 2);
	CHECK_EQ(field(v, 23, 1), 1);
	CHECK_EQ(field(v, 31, 1), 1);
	CHECK_EQ(pt_vtcr_el2(&pt, 40), 0);
	CHECK_EQ(pt_tcr_el2(&pt, 16), 0);
	pt_destroy(&pt);
	CHECK_EQ(new_pt(&pt, PT_EL2, 48, &ops), 0);
	CHECK_EQ(field(pt_tcr_el2(&pt, 36), 0, 6), 16);
	CHECK_EQ(field(pt_tcr_el2(&pt, 36), 16, 3), 1);
	pt_destroy(&pt);
}

/* ---- break-before-make hooks ---- */
static struct pgtable *hook_pt;
static u32 n_tlbi, n_barrier, tlbi_live;
static u64 tlbi_va[16];
static u32 tlbi_lvl[16];

static void h_tlbi(void *ctx, u64 va, u32 level)
{
	(void)ctx;
	/* the entry must already be invalid when the TLB is invalidated */
	if (pt_lookup(hook_pt, va, NULL, NULL, NULL) != ERR_NOENT)
		tlbi_live++;
	if (n_tlbi < 16) {
		tlbi_va[n_tlbi] = va;
		tlbi_lvl[n_tlbi] = level;
	}
	n_tlbi++;
}

static void h_barrier(void *ctx)
{
	(void)ctx;
	n_barrier++;
}

static const struct pt_ops hook_ops = {
	.alloc_tables = a_alloc, .free_tables = a_free,
	.to_phys = a_to_phys, .to_virt = a_to_virt,
	.wbarrier = h_barrier, .tlbi = h_tlbi,
};

TEST(test_break_before_make)
{
	struct pgtable pt;
	const u64 va = 0x40000000;
	u32 attr, lvl;

	CHECK_EQ(new_pt(&pt, PT_STAGE2, 40, &hook_ops), 0);
	hook_pt = &pt;
	n_tlbi = n_barrier = tlbi_live = 0;
	CHECK_EQ(pt_map(&pt, va, va, SZ_2M, PT_R | PT_W), 0);
	CHECK_EQ(n_tlbi, 0); /* new mappings need no invalidation */
	CHECK(n_barrier >= 2); /* new L2 table published + final */
	n_barrier = 0;
	CHECK_EQ(pt_unmap(&pt, va + PG, PG), 0);
	CHECK_EQ(n_tlbi, 2);
	CHECK_EQ(tlbi_va[0], va);
	CHECK_EQ(tlbi_lvl[0], 2); /* block broken before the table is written */
	CHECK_EQ(tlbi_va[1], va + PG);
	CHECK_EQ(tlbi_lvl[1], 3);
	CHECK_EQ(tlbi_live, 0);
	CHECK_EQ(n_barrier, 2);
	check_unmapped(&pt, va + PG);
	CHECK_EQ(pt_lookup(&pt, va, NULL, NULL, &lvl), 0);
	CHECK_EQ(lvl, 3);
	/* attribute change of a live page */
	n_tlbi = 0;
	CHECK_EQ(pt_map(&pt, va + 2 * PG, va + 2 * PG, PG, PT_R), 0);
	CHECK_EQ(n_tlbi, 1);
	CHECK_EQ(tlbi_va[0], va + 2 * PG);
	CHECK_EQ(tlbi_lvl[0], 3);
	CHECK_EQ(pt_lookup(&pt, va + 2 * PG, NULL, &attr, NULL), 0);
	CHECK_EQ(attr, PT_R);
	/* no-op map and unmap of a hole: nothing invalidated, no barrier */
	n_tlbi = n_barrier = 0;
	CHECK_EQ(pt_map(&pt, va, va, PG, PT_R | PT_W), 0);
	CHECK_EQ(pt_unmap(&pt, va + PG, PG), 0);
	CHECK_EQ(n_tlbi, 0);
	CHECK_EQ(n_barrier, 0);
	pt_destroy(&pt);
	CHECK_EQ(in_use, 0);
}

/* ---- randomized model check ---- */
#define M_PAGES 16384u                /* 64 MiB window */
#define M_BASE  (SZ_1G - 16 * SZ_2M)  /* straddles a 1 GiB boundary */
static u64 m_pa[M_PAGES];
static u32 m_attr[M_PAGES];           /* 0 = unmapped */
static u64 rng = 0x9e3779b97f4a7c15ULL;

static u64 rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void model_verify(const struct pgtable *pt, u32 *errors)
{
	for (u32 i = 0; i < M_PAGES; i++) {
		u64 pa = 0;
		u32 attr = 0;
		int rc = pt_lookup(pt, M_BASE + i * PG, &pa, &attr, NULL);

		if (m_attr[i] == 0 ? rc != ERR_NOENT
				   : rc != 0 || pa != m_pa[i] || attr != m_attr[i])
			(*errors)++;
	}
}

static void model_range(u32 *first, u32 *n)
{
	*first = (u32)(rnd() % M_PAGES);
	switch (rnd() % 3) {
	case 0:
		*n = 1 + (u32)(rnd() % 8);
		break;
	case 1:
		*first &= ~511u; /* 2 MiB aligned runs */
		*n = 512 * (1 + (u32)(rnd() % 4));
		break;
	default:
		*n = 1 + (u32)(rnd() % 2048);
		break;
	}
	if (*first + *n > M_PAGES)
		*n = M_PAGES - *first;
}

static int model_map(struct pgtable *pt, const u32 *attrs, u32 nattrs)
{
	static const u64 deltas[] = { 0x100000000ULL, 0x100000000ULL + 0x1000, 0x100200000ULL };
	u32 first, n, attr = attrs[rnd() % nattrs];
	u64 delta = deltas[rnd() % 3];
	bool conflict = false;
	int rc;

	model_range(&first, &n);
	for (u32 i = first; i < first + n; i++)
		if (m_attr[i] && m_pa[i] != M_BASE + i * PG + delta)
			conflict = true;
	rc = pt_map(pt, M_BASE + first * PG, M_BASE + first * PG + delta, n * PG, attr);
	if (rc != (conflict ? ERR_EXIST : 0))
		return 1;
	if (conflict)
		return 0;
	for (u32 i = first; i < first + n; i++) {
		m_pa[i] = M_BASE + i * PG + delta;
		m_attr[i] = attr;
	}
	return 0;
}

static int model_unmap(struct pgtable *pt)
{
	u32 first, n;

	model_range(&first, &n);
	if (pt_unmap(pt, M_BASE + first * PG, n * PG) != 0)
		return 1;
	for (u32 i = first; i < first + n; i++)
		m_attr[i] = 0;
	return 0;
}

static void model_run(enum pt_kind kind, u32 ia, const struct pt_ops *o)
{
	static const u32 s2_attrs[] = { PT_R, PT_R | PT_W, PT_R | PT_W | PT_X, PT_R | PT_DEVICE, PT_W };
	static const u32 el2_attrs[] = { PT_R, PT_R | PT_W, PT_R | PT_X, PT_R | PT_W | PT_DEVICE };
	const u32 *attrs = kind == PT_STAGE2 ? s2_attrs : el2_attrs;
	u32 nattrs = kind == PT_STAGE2 ? ARRAY_SIZE(s2_attrs) : ARRAY_SIZE(el2_attrs);
	struct pgtable pt;
	u32 errors = 0, op_errors = 0;

	memset(m_attr, 0, sizeof(m_attr));
	CHECK_EQ(new_pt(&pt, kind, ia, o), 0);
	hook_pt = &pt;
	tlbi_live = 0;
	for (u32 step = 0; step < 400; step++) {
		if (rnd() % 3)
			op_errors += (u32)model_map(&pt, attrs, nattrs);
		else
			op_errors += (u32)model_unmap(&pt);
		model_verify(&pt, &errors);
	}
	CHECK_EQ(op_errors, 0);
	CHECK_EQ(errors, 0);
	CHECK_EQ(tlbi_live, 0);
	CHECK_EQ(bad_pa, 0);
	check_unmapped(&pt, M_BASE - PG);
	check_unmapped(&pt, M_BASE + M_PAGES * PG);
	pt_destroy(&pt);
	CHECK_EQ(in_use, 0);
	CHECK_EQ(bad_free, 0);
}

TEST(test_model_stage2)
{
	model_run(PT_STAGE2, 40, &ops);
}

TEST(test_model_el2_bbm)
{
	model_run(PT_EL2, 39, &hook_ops);
}

int main(void)
{
	RUN(test_geometry);
	RUN(test_block_selection);
	RUN(test_lookup_boundaries);
	RUN(test_stage2_descriptor_bits);
	RUN(test_el2_descriptor_bits);
	RUN(test_bad_attributes);
	RUN(test_split_on_unmap);
	RUN(test_split_on_finer_map);
	RUN(test_unmap);
	RUN(test_concatenated_root);
	RUN(test_refusals);
	RUN(test_exhaustion);
	RUN(test_vtcr_tcr);
	RUN(test_break_before_make);
	RUN(test_model_stage2);
	RUN(test_model_el2_bbm);
	HARNESS_END("test_pgtable");
}
