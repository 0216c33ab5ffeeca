/*
 * Walking a guest virtual address for the shell (debug.h): stage 1 with the vCPU's
 * own TTBR0/1_EL1 and TCR_EL1 (4 KiB granule; other granules are reported, not
 * walked), reading its tables through the VM's RAM map, then stage 2 through the
 * hypervisor's tables. VMSAv8-64 translation: Arm ARM D8.2 (table walk, lookup levels
 * for the 4 KiB granule), D8.3 (descriptor formats: bits [1:0] 0b11 table or page,
 * 0b01 block; output address [47:12]).
 */
#include <arch/pgtable.h>
#include <debug.h>
#include <err.h>
#include <printk.h>
#include <vm.h>

#define DESC_OA_MASK 0x0000fffffffff000ULL
#define TTBR_BADDR_MASK 0x0000fffffffffffeULL

/* Bits a level-l entry translates (4 KiB granule: 12 + 9 per level below it). */
static u32 level_shift(u32 l)
{
	return 12 + 9 * (3 - l);
}

static u32 start_level(u32 va_bits)
{
	return 4 - (va_bits - 12 + 8) / 9;
}

/* Which table and VA size translate va (TTBR1 for the upper range); ERR_NOENT if va is
 * in neither range, ERR_NOSYS if that half does not use the 4 KiB granule. */
static int s1_select(const struct el1_ctx *c, u64 va, u64 *table, u32 *va_bits)
{
	bool upper = (va >> 55) & 1;
	u32 tsz = upper ? (c->tcr >> 16) & 0x3f : c->tcr & 0x3f;
	u32 tg = upper ? (c->tcr >> 30) & 3 : (c->tcr >> 14) & 3;
	u64 top;

	if ((upper && tg != 2) || (!upper && tg != 0))
		return ERR_NOSYS;
	*va_bits = 64 - tsz;
	if (*va_bits < 25 || *va_bits > 48)
		return ERR_NOSYS;
	top = va >> *va_bits;
	if (top != (upper ? (~0ULL >> *va_bits) : 0))
		return ERR_NOENT; /* outside both VA ranges: a translation fault */
	*table = (upper ? c->ttbr1 : c->ttbr0) & TTBR_BADDR_MASK;
	return 0;
}

static u64 s1_index(u64 va, u32 l, u32 va_bits, u32 first)
{
	u32 sh = level_shift(l);
	u32 bits = l == first ? va_bits - sh : 9;

	return (va >> sh) & ((1ULL << bits) - 1);
}

/* One stage-1 level: the descriptor, printed; next table or the final IPA. */
static int s1_step(const struct vm *vm, u64 *table, u64 va, u32 l, u32 va_bits, u32 first,
		   bool print, u64 *ipa)
{
	u64 slot = *table + 8 * s1_index(va, l, va_bits, first), d;
	bool leaf;

	if (debug_read_ipa(vm, slot, &d, sizeof(d))) {
		if (print)
			printk("  s1 L%u table entry at IPA %016lx: not in the VM's RAM\n", l, slot);
		return ERR_NOENT;
	}
	leaf = l == 3 || (d & 3) == 1;
	if (print)
		printk("  s1 L%u [%3lu] IPA %016lx: %016lx %s\n", l, s1_index(va, l, va_bits, first),
		       slot, d, !(d & 1) ? "invalid" : leaf ? (l == 3 ? "page" : "block") : "table");
	if (!(d & 1) || (l == 3 && (d & 3) != 3) || (l == 0 && (d & 3) == 1))
		return ERR_NOENT;
	if (leaf) {
		*ipa = (d & DESC_OA_MASK & ~((1ULL << level_shift(l)) - 1)) |
		       (va & ((1ULL << level_shift(l)) - 1));
		return 1;
	}
	*table = d & DESC_OA_MASK;
	return 0;
}

static int s1_walk(const struct vcpu *v, u64 va, bool print, u64 *ipa)
{
	const struct el1_ctx *c = &v->arch.el1;
	u64 table;
	u32 va_bits, first;
	int r;

	if (!(c->sctlr & 1)) {
		if (print)
			printk("  stage 1 off (SCTLR_EL1.M = 0): IPA = VA\n");
		*ipa = va;
		return 0;
	}
	r = s1_select(c, va, &table, &va_bits);
	if (r)
		return r;
	first = start_level(va_bits);
	for (u32 l = first; l <= 3; l++) {
		r = s1_step(v->vm, &table, va, l, va_bits, first, print, ipa);
		if (r)
			return r < 0 ? r : 0;
	}
	return ERR_NOENT;
}

/* Stage 2 from the hypervisor's own tables (identity mapped at EL2). */
static int s2_walk(const struct vm *vm, u64 ipa, bool print, u64 *pa)
{
	const struct pgtable *pt = &vm->arch.s2;
	const u64 *table = pt->root;

	for (u32 l = pt->start_level; l <= 3; l++) {
		u32 sh = level_shift(l);
		u64 n = l == pt->start_level ? (1ULL << (pt->ia_bits - sh)) : 512;
		u64 idx = (ipa >> sh) & (n - 1), d = table[idx];
		bool leaf = l == 3 || (d & 3) == 1;

		if (print)
			printk("  s2 L%u [%3lu]: %016lx %s\n", l, idx, d,
			       !(d & 1) ? "invalid" : leaf ? (l == 3 ? "page" : "block") : "table");
		if (!(d & 1))
			return ERR_NOENT;
		if (leaf) {
			*pa = (d & DESC_OA_MASK & ~((1ULL << sh) - 1)) | (ipa & ((1ULL << sh) - 1));
			return 0;
		}
		table = (const u64 *)(uintptr_t)(d & DESC_OA_MASK);
	}
	return ERR_NOENT;
}

int arch_debug_walk(const struct vcpu *v, u64 va, bool print, u64 *ipa, u64 *pa)
{
	int r = s1_walk(v, va, print, ipa);

	if (!r && print)
		printk("  -> IPA %016lx\n", *ipa);
	if (!r)
		r = s2_walk(v->vm, *ipa, print, pa);
	if (!r && print)
		printk("  -> PA  %016lx\n", *pa);
	return r;
}
