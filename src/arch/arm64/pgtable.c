/*
 * VMSAv8-64 translation-table builder (4 KiB granule) for stage 2 and the
 * EL2 stage-1 regime. See arch/pgtable.h for the semantics and the caller's
 * barrier / TLB maintenance obligations.
 *
 * Range operations (map/unmap) run the same iterative walk twice: a dry run
 * that validates the range and counts the tables it would allocate, then,
 * after all those tables are allocated into a private pool, the real run.
 * During the dry run a table that does not exist yet is "virtual": its
 * entries are synthesised from the descriptor it will replace (invalid, or
 * a block that will be split), so both runs take exactly the same decisions.
 */
#include <arch/pgtable.h>

enum ent { E_INVALID, E_TABLE, E_LEAF };
enum { STEP_NEXT = 0, STEP_DOWN = 1 };

#define PT_LEVELS 4u
#define OA_LIMIT  (1ULL << PT_MAX_OA_BITS)
/* Everything in a block/page descriptor that is not OA or type: attributes. */
#define LEAF_ATTR_BITS (~(PT_DESC_OA_MASK | PT_DESC_TYPE_MASK))

struct walk {
	struct pgtable *pt;
	bool unmap;        /* else map */
	bool dry;          /* validate and count only */
	bool changed;      /* a descriptor was written */
	u64 va, end;       /* remaining range */
	u64 delta;         /* map: pa = va + delta (mod 2^64) */
	u32 attr;          /* map: PT_* attributes */
	u32 need;          /* dry run: tables that will be allocated */
	u64 *pool;         /* preallocated zeroed tables, linked through word 0 */
	u64 *tbl[PT_LEVELS];     /* current table per level; NULL = virtual (dry run) */
	u64 vparent[PT_LEVELS];  /* virtual table: the descriptor it replaces */
};

/* ---------------------------------------------------------------- helpers */

/* Descriptors are written with single 64-bit stores, which are single-copy
 * atomic when aligned (Arm ARM B2.2), so a walker never sees a torn entry. */
static u64 desc_read(const u64 *slot)
{
	return *(const volatile u64 *)slot;
}

static void desc_write(u64 *slot, u64 d)
{
	*(volatile u64 *)slot = d;
}

static u64 min_u64(u64 a, u64 b)
{
	return a < b ? a : b;
}

/*
 * Arm ARM D8.3 (VMSAv8-64 translation table descriptor formats), 4 KiB
 * granule: bits[1:0] = 0b11 is a table at levels 0-2 and a page at level 3;
 * 0b01 is a block at levels 1-2 only (a level-0 block and a level-3 0b01
 * are invalid without FEAT_LPA2); bit[0] = 0 is invalid.
 */
static enum ent ent_kind(u64 d, u32 level)
{
	u64 type = d & PT_DESC_TYPE_MASK;

	if (type == PT_DESC_TABLE)
		return level < 3 ? E_TABLE : E_LEAF;
	if (type == PT_DESC_BLOCK && (level == 1 || level == 2))
		return E_LEAF;
	return E_INVALID;
}

static u64 leaf_oa(u64 d, u32 level)
{
	return d & PT_DESC_OA_MASK & ~(PT_LEVEL_SIZE(level) - 1);
}

static u64 table_oa(u64 d)
{
	return d & PT_DESC_OA_MASK;
}

static u64 leaf_type(u32 level)
{
	return level == 3 ? PT_DESC_PAGE : PT_DESC_BLOCK;
}

static u32 root_entries(const struct pgtable *pt)
{
	return 1u << (pt->ia_bits - PT_LEVEL_SHIFT(pt->start_level));
}

static u32 table_index(const struct pgtable *pt, u64 va, u32 level)
{
	u64 mask = level == pt->start_level ? root_entries(pt) - 1 : PT_ENTRIES - 1;

	return (u32)((va >> PT_LEVEL_SHIFT(level)) & mask);
}

static void free_pages(const struct pgtable *pt, void *va, u32 n)
{
	if (pt->ops->free_tables)
		pt->ops->free_tables(pt->ops->ctx, va, n);
}

static void wbarrier(const struct pgtable *pt)
{
	if (pt->ops->wbarrier)
		pt->ops->wbarrier(pt->ops->ctx);
}

/* ------------------------------------------------------------- attributes */

static bool attr_ok(enum pt_kind kind, u32 attr)
{
	if (attr & ~PT_ATTR_MASK)
		return false;
	if (!(attr & (PT_R | PT_W | PT_X)))
		return false;
	if ((attr & PT_DEVICE) && (attr & PT_X))
		return false;
	/* EL2 single-range stage 1 has no "no read" AP encoding. */
	if (kind == PT_EL2 && !(attr & PT_R))
		return false;
	return true;
}

/*
 * Stage 2 block/page attributes (Arm ARM D8.3 and D8.5, stage 2 memory
 * region attributes with HCR_EL2.FWB == 0): MemAttr[5:2] 0b1111 = Normal
 * outer+inner WB, 0b0001 = Device-nGnRE; S2AP[7:6] bit 6 read, bit 7 write;
 * SH[9:8] 0b11 inner shareable (ignored for Device, left 0); AF[10];
 * XN bit 54 (XN[1]; XN[0] bit 53 left 0, i.e. no FEAT_XNX distinction).
 */
static u64 s2_attr_bits(u32 attr)
{
	u64 d = PT_DESC_AF;

	if (attr & PT_R)
		d |= PT_S2AP_R;
	if (attr & PT_W)
		d |= PT_S2AP_W;
	if (attr & PT_DEVICE)
		d |= PT_S2_MEMATTR_DEV_nGnRE | PT_DESC_XN;
	else
		d |= PT_S2_MEMATTR_NORMAL_WB | PT_DESC_SH_INNER;
	if (!(attr & PT_X))
		d |= PT_DESC_XN;
	return d;
}

/*
 * EL2 (E2H == 0) stage 1 block/page attributes (Arm ARM D8.3, D8.4 memory
 * access control, single privilege level): AttrIndx[4:2] selects MAIR_EL2
 * byte; AP[2] (bit 7) = 1 read-only; AP[1] (bit 6) is RES1 in this regime;
 * SH[9:8]; AF[10]; XN bit 54. NS/nG left 0.
 */
static u64 el2_attr_bits(u32 attr)
{
	u64 d = PT_DESC_AF | PT_S1_AP1;

	if (!(attr & PT_W))
		d |= PT_S1_AP2_RO;
	if (attr & PT_DEVICE)
		d |= ((u64)PT_MAIR_IDX_DEVICE << PT_S1_ATTRIDX_SHIFT) | PT_DESC_XN;
	else
		d |= ((u64)PT_MAIR_IDX_NORMAL << PT_S1_ATTRIDX_SHIFT) | PT_DESC_SH_INNER;
	if (!(attr & PT_X))
		d |= PT_DESC_XN;
	return d;
}

static u64 mk_leaf(const struct pgtable *pt, u64 oa, u32 level, u32 attr)
{
	u64 bits = pt->kind == PT_STAGE2 ? s2_attr_bits(attr) : el2_attr_bits(attr);

	return (oa & PT_DESC_OA_MASK) | bits | leaf_type(level);
}

static u32 s2_decode(u64 d)
{
	u32 attr = 0;

	if (d & PT_S2AP_R)
		attr |= PT_R;
	if (d & PT_S2AP_W)
		attr |= PT_W;
	/* MemAttr[3:2] == 0b00 is Device memory */
	if (!(d & (0xcULL << PT_S2_MEMATTR_SHIFT)))
		attr |= PT_DEVICE;
	return attr;
}

static u32 el2_decode(u64 d)
{
	u32 attr = PT_R;
	u64 idx = (d & PT_S1_ATTRIDX_MASK) >> PT_S1_ATTRIDX_SHIFT;

	if (!(d & PT_S1_AP2_RO))
		attr |= PT_W;
	if (idx == PT_MAIR_IDX_DEVICE)
		attr |= PT_DEVICE;
	return attr;
}

static u32 decode_attr(const struct pgtable *pt, u64 d)
{
	u32 attr = pt->kind == PT_STAGE2 ? s2_decode(d) : el2_decode(d);

	if (!(d & PT_DESC_XN))
		attr |= PT_X;
	return attr;
}

/* Entry idx of the table that replaces leaf 'parent' at level plevel. */
static u64 split_child(u64 parent, u32 plevel, u32 idx)
{
	u32 cl = plevel + 1;
	u64 oa = leaf_oa(parent, plevel) + (u64)idx * PT_LEVEL_SIZE(cl);

	return oa | (parent & LEAF_ATTR_BITS) | leaf_type(cl);
}

/* ------------------------------------------------------------ table pool */

static u64 *pool_take(struct walk *w)
{
	u64 *p = w->pool;

	if (p) {
		w->pool = (u64 *)(uintptr_t)p[0];
		p[0] = 0;
	}
	return p;
}

static void pool_drain(struct walk *w)
{
	u64 *p;

	while ((p = pool_take(w)) != NULL)
		free_pages(w->pt, p, 1);
}

static int pool_fill(struct walk *w, u32 n)
{
	const struct pt_ops *ops = w->pt->ops;

	for (u32 i = 0; i < n; i++) {
		u64 *p = ops->alloc_tables(ops->ctx, 1);
		u64 pa;

		if (!p) {
			pool_drain(w);
			return ERR_NOMEM;
		}
		pa = ops->to_phys(ops->ctx, p);
		if (!IS_ALIGNED(pa, PT_PAGE_SIZE) || pa >= OA_LIMIT) {
			free_pages(w->pt, p, 1);
			pool_drain(w);
			return ERR_INVAL;
		}
		p[0] = (u64)(uintptr_t)w->pool;
		w->pool = p;
	}
	return 0;
}

/* ------------------------------------------------------------------ walk */

static u64 walk_read(const struct walk *w, u32 level)
{
	u32 idx = table_index(w->pt, w->va, level);

	if (w->tbl[level])
		return desc_read(&w->tbl[level][idx]);
	/* virtual table: children of an invalid entry are invalid */
	if (ent_kind(w->vparent[level], level - 1) != E_LEAF)
		return 0;
	return split_child(w->vparent[level], level - 1, idx);
}

/*
 * Replace the entry for w->va at 'level' by d. A valid old entry is broken
 * first (write invalid, ops->tlbi) when the caller supplied tlbi.
 */
static void walk_write(struct walk *w, u32 level, u64 d)
{
	const struct pt_ops *ops = w->pt->ops;
	u64 *slot;

	if (w->dry)
		return;
	slot = &w->tbl[level][table_index(w->pt, w->va, level)];
	w->changed = true;
	if (ops->tlbi && ent_kind(desc_read(slot), level) != E_INVALID) {
		desc_write(slot, 0);
		ops->tlbi(ops->ctx, ALIGN_DOWN(w->va, PT_LEVEL_SIZE(level)), level);
		if (d == 0)
			return;
	}
	desc_write(slot, d);
}

static int walk_descend(struct walk *w, u32 *level, u64 d)
{
	const struct pt_ops *ops = w->pt->ops;
	u64 *t = ops->to_virt(ops->ctx, table_oa(d));

	if (!t)
		return ERR_INVAL;
	w->tbl[*level + 1] = t;
	(*level)++;
	return STEP_DOWN;
}

/* Put a new table below the entry for w->va at *level, replacing 'old'
 * (0, or a leaf that is split into 512 next-level leaves), and descend. */
static int walk_new_table(struct walk *w, u32 *level, u64 old)
{
	const struct pt_ops *ops = w->pt->ops;
	u32 l = *level;
	u64 *t;

	if (l >= 3)
		return ERR_INVAL; /* unreachable: level 3 always advances */
	if (w->dry) {
		w->need++;
		w->tbl[l + 1] = NULL;
		w->vparent[l + 1] = old;
		(*level)++;
		return STEP_DOWN;
	}
	t = pool_take(w);
	if (!t)
		return ERR_NOMEM; /* unreachable: the dry run counted */
	if (ent_kind(old, l) == E_LEAF) {
		for (u32 i = 0; i < PT_ENTRIES; i++)
			t[i] = split_child(old, l, i);
	}
	wbarrier(w->pt); /* table contents visible before it is reachable */
	walk_write(w, l, ops->to_phys(ops->ctx, t) | PT_DESC_TABLE);
	w->tbl[l + 1] = t;
	(*level)++;
	return STEP_DOWN;
}

static bool leaf_allowed(u32 level, u64 pa)
{
	return level >= 1 && IS_ALIGNED(pa, PT_LEVEL_SIZE(level));
}

/* The level-l entry under w->va: its base, where this step ends, whether it covers it all. */
struct span {
	u64 eb, cend;
	bool full;
};

static struct span entry_span(const struct walk *w, u32 l)
{
	u64 eb = ALIGN_DOWN(w->va, PT_LEVEL_SIZE(l));
	u64 cend = min_u64(w->end, eb + PT_LEVEL_SIZE(l));

	return (struct span){ eb, cend, w->va == eb && cend == eb + PT_LEVEL_SIZE(l) };
}

static int step_map(struct walk *w, u32 *level)
{
	u32 l = *level;
	u64 d = walk_read(w, l);
	struct span sp = entry_span(w, l);
	u64 pa = w->va + w->delta;
	u64 want;

	switch (ent_kind(d, l)) {
	case E_TABLE:
		return walk_descend(w, level, d);
	case E_INVALID:
		if (!sp.full || !leaf_allowed(l, pa))
			return walk_new_table(w, level, 0);
		walk_write(w, l, mk_leaf(w->pt, pa, l, w->attr));
		break;
	case E_LEAF:
		if (leaf_oa(d, l) + (w->va - sp.eb) != pa)
			return ERR_EXIST;
		want = mk_leaf(w->pt, leaf_oa(d, l), l, w->attr);
		if (want == d)
			break; /* already mapped exactly like this */
		if (!sp.full)
			return walk_new_table(w, level, d); /* split, then change part */
		walk_write(w, l, want);
		break;
	}
	w->va = sp.cend;
	return STEP_NEXT;
}

static int step_unmap(struct walk *w, u32 *level)
{
	u32 l = *level;
	u64 d = walk_read(w, l);
	struct span sp = entry_span(w, l);

	switch (ent_kind(d, l)) {
	case E_TABLE:
		return walk_descend(w, level, d);
	case E_INVALID:
		break;
	case E_LEAF:
		if (!sp.full)
			return walk_new_table(w, level, d);
		walk_write(w, l, 0);
		break;
	}
	w->va = sp.cend;
	return STEP_NEXT;
}

static int walk_run(struct walk *w)
{
	u32 start = w->pt->start_level;
	u32 level = start;

	w->tbl[start] = w->pt->root;
	while (w->va < w->end) {
		int rc = w->unmap ? step_unmap(w, &level) : step_map(w, &level);

		if (rc < 0)
			return rc;
		/* After the last entry of a table, continue in its parent. */
		while (rc == STEP_NEXT && level > start &&
		       IS_ALIGNED(w->va, PT_LEVEL_SIZE(level - 1)))
			level--;
	}
	return 0;
}

/* Dry run, allocate everything, real run. Nothing changes on error. */
static int walk_do(struct walk *w)
{
	u64 va0 = w->va;
	int rc;

	w->dry = true;
	rc = walk_run(w);
	if (rc)
		return rc;
	rc = pool_fill(w, w->need);
	if (rc)
		return rc;
	w->dry = false;
	w->va = va0;
	rc = walk_run(w);
	pool_drain(w); /* empty unless something is badly wrong */
	if (w->changed)
		wbarrier(w->pt);
	return rc;
}

static void walk_setup(struct walk *w, struct pgtable *pt, u64 va, u64 size)
{
	*w = (struct walk){ .pt = pt, .va = va, .end = va + size };
}

/* Common argument checks for pt_map / pt_unmap. */
static int check_range(const struct pgtable *pt, u64 va, u64 size)
{
	u64 limit;

	if (!pt || !pt->root || size == 0)
		return ERR_INVAL;
	if (!IS_ALIGNED(va, PT_PAGE_SIZE) || !IS_ALIGNED(size, PT_PAGE_SIZE))
		return ERR_ALIGN;
	limit = 1ULL << pt->ia_bits;
	if (va >= limit || size > limit - va)
		return ERR_RANGE;
	return 0;
}

/* ------------------------------------------------------------ public API */

static u32 start_level_for(enum pt_kind kind, u32 ia_bits)
{
	/* Stage 2 may concatenate up to 16 tables at the initial level, which
	 * resolves 4 more bits there (Arm ARM D8.2). */
	u32 extra = kind == PT_STAGE2 ? 4u : 0u;

	for (u32 l = 2; l > 0; l--) {
		if (ia_bits <= PT_LEVEL_SHIFT(l) + 9u + extra)
			return l;
	}
	return 0;
}

int pt_init(struct pgtable *pt, enum pt_kind kind, u32 ia_bits, const struct pt_ops *ops)
{
	u32 start, bits, pages;
	u64 *root;
	u64 pa;

	if (!pt || !ops || !ops->alloc_tables || !ops->to_phys || !ops->to_virt)
		return ERR_INVAL;
	if ((kind != PT_STAGE2 && kind != PT_EL2) || ia_bits < PT_MIN_IA_BITS ||
	    ia_bits > PT_MAX_IA_BITS)
		return ERR_INVAL;
	start = start_level_for(kind, ia_bits);
	bits = ia_bits - PT_LEVEL_SHIFT(start);
	pages = bits > 9 ? 1u << (bits - 9) : 1u;
	root = ops->alloc_tables(ops->ctx, pages);
	if (!root)
		return ERR_NOMEM;
	pa = ops->to_phys(ops->ctx, root);
	/* Concatenated tables must be aligned to their total size (D8.2). */
	if (!IS_ALIGNED(pa, (u64)pages * PT_PAGE_SIZE) || pa >= OA_LIMIT) {
		if (ops->free_tables)
			ops->free_tables(ops->ctx, root, pages);
		return ERR_INVAL;
	}
	*pt = (struct pgtable){ .kind = kind, .ia_bits = ia_bits, .start_level = start,
				.root_pages = pages, .root = root, .root_pa = pa, .ops = ops };
	return 0;
}

/* Recursion depth is bounded by the 3 levels below the root. */
static void free_subtables(const struct pgtable *pt, u64 *t, u32 level, u32 n)
{
	if (level >= 3)
		return;
	for (u32 i = 0; i < n; i++) {
		u64 d = desc_read(&t[i]);
		u64 *child;

		if (ent_kind(d, level) != E_TABLE)
			continue;
		child = pt->ops->to_virt(pt->ops->ctx, table_oa(d));
		if (!child)
			continue;
		free_subtables(pt, child, level + 1, PT_ENTRIES);
		free_pages(pt, child, 1);
	}
}

void pt_destroy(struct pgtable *pt)
{
	if (!pt || !pt->root)
		return;
	free_subtables(pt, pt->root, pt->start_level, root_entries(pt));
	free_pages(pt, pt->root, pt->root_pages);
	pt->root = NULL;
	pt->root_pa = 0;
}

int pt_map(struct pgtable *pt, u64 va, u64 pa, u64 size, u32 attr)
{
	struct walk w;
	int rc = check_range(pt, va, size);

	if (rc)
		return rc;
	if (!IS_ALIGNED(pa, PT_PAGE_SIZE))
		return ERR_ALIGN;
	if (pa >= OA_LIMIT || size > OA_LIMIT - pa)
		return ERR_RANGE;
	if (!attr_ok(pt->kind, attr))
		return ERR_PERM;
	walk_setup(&w, pt, va, size);
	w.delta = pa - va;
	w.attr = attr;
	return walk_do(&w);
}

int pt_unmap(struct pgtable *pt, u64 va, u64 size)
{
	struct walk w;
	int rc = check_range(pt, va, size);

	if (rc)
		return rc;
	walk_setup(&w, pt, va, size);
	w.unmap = true;
	return walk_do(&w);
}

int pt_lookup(const struct pgtable *pt, u64 va, u64 *pa, u32 *attr, u32 *level)
{
	const u64 *t;

	if (!pt || !pt->root)
		return ERR_INVAL;
	if (va >> pt->ia_bits)
		return ERR_RANGE;
	t = pt->root;
	for (u32 l = pt->start_level; l <= 3; l++) {
		u64 d = desc_read(&t[table_index(pt, va, l)]);

		switch (ent_kind(d, l)) {
		case E_INVALID:
			return ERR_NOENT;
		case E_TABLE:
			t = pt->ops->to_virt(pt->ops->ctx, table_oa(d));
			if (!t)
				return ERR_INVAL;
			break;
		case E_LEAF:
			if (pa)
				*pa = leaf_oa(d, l) | (va & (PT_LEVEL_SIZE(l) - 1));
			if (attr)
				*attr = decode_attr(pt, d);
			if (level)
				*level = l;
			return 0;
		}
	}
	return ERR_NOENT;
}

/* PA sizes by ID_AA64MMFR0_EL1.PARange / {V}TCR_EL2.PS encoding (Arm ARM D19.2.64). */
static const u32 parange_sizes[] = { 32, 36, 40, 42, 44, 48 };

int pt_parange_of(u32 pa_bits)
{
	int enc = -1;

	for (u32 i = 0; i < ARRAY_SIZE(parange_sizes); i++)
		if (pa_bits >= parange_sizes[i])
			enc = (int)i;
	return enc;
}

u32 pt_parange_bits(u64 enc)
{
	if (enc < ARRAY_SIZE(parange_sizes))
		return parange_sizes[enc];
	return enc == 6 ? 48 : 32; /* 0b0110 is 52 bits: used as 48 here */
}

/* {V}TCR_EL2.PS for pa_bits, rounded down; the size it stands for in *bits_out. */
static int ps_field(u32 pa_bits, u32 *bits_out)
{
	int enc = pt_parange_of(pa_bits);

	if (enc >= 0)
		*bits_out = parange_sizes[enc];
	return enc;
}

static u64 tcr_common(const struct pgtable *pt, int ps)
{
	return PT_TCR_T0SZ(64u - pt->ia_bits) | PT_TCR_IRGN0_WBWA | PT_TCR_ORGN0_WBWA |
	       PT_TCR_SH0_INNER | PT_TCR_TG0_4K | ((u64)ps << PT_TCR_PS_SHIFT);
}

/* The PS field for a table of this kind, or -1 (wrong kind, no encoding fits). */
static int checked_ps(const struct pgtable *pt, enum pt_kind kind, u32 pa_range_bits, u32 *ps_bits)
{
	if (!pt || pt->kind != kind)
		return -1;
	return ps_field(pa_range_bits, ps_bits);
}

u64 pt_vtcr_el2(const struct pgtable *pt, u32 pa_range_bits)
{
	u32 ps_bits = 0;
	int ps = checked_ps(pt, PT_STAGE2, pa_range_bits, &ps_bits);

	if (ps < 0 || pt->ia_bits > ps_bits)
		return 0;
	/* SL0 with TG0 = 4K: 0b00 start at level 2, 0b01 level 1, 0b10 level 0. */
	return PT_VTCR_EL2_RES1 | tcr_common(pt, ps) |
	       ((u64)(2u - pt->start_level) << PT_VTCR_SL0_SHIFT);
}

u64 pt_tcr_el2(const struct pgtable *pt, u32 pa_range_bits)
{
	u32 ps_bits = 0;
	int ps = checked_ps(pt, PT_EL2, pa_range_bits, &ps_bits);

	if (ps < 0)
		return 0;
	return PT_TCR_EL2_RES1 | tcr_common(pt, ps);
}
