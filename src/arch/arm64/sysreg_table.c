/*
 * The trapped-register dispatch table (arch/sysreg_trap.h), built once at boot from the
 * units' and the core's descriptors. Pure: no register access, so the host tests cover it
 * (tests/unit/arch/arm64/test_sysreg_table.c).
 *
 * A perfect hash: slot = (enc * mult) >> (32 - SYSREG_SLOT_BITS) with an odd mult chosen
 * here, trying a bounded sequence of them until every descriptor has a slot of its own.
 * With at most LIM_SYSREG_TRAPS (16) encodings in SYSREG_SLOTS (64) slots, about one
 * random multiplier in eight separates them; the search is bounded all the same, and a
 * set it cannot separate fails the boot instead of slowing every trap down.
 */
#include <arch/sysreg_trap.h>
#include <err.h>

_Static_assert(LIM_SYSREG_TRAPS <= SYSREG_SLOTS, "every descriptor can have a slot");

/* The try-th multiplier: odd, spread over the whole word (a Weyl sequence from 2^32/phi). */
static u32 nth_mult(u32 try)
{
	return (0x9e3779b9u + try * 0x7f4a7c16u) | 1u;
}

static void clear(struct sysreg_table *t)
{
	for (u32 i = 0; i < SYSREG_SLOTS; i++)
		t->slot[i] = (struct sysreg_slot){ .enc = SYSREG_SLOT_EMPTY, .fn = NULL };
}

/* Every descriptor of the ranges into t under t->mult; false at the first shared slot. */
static bool place_all(struct sysreg_table *t, const struct sysreg_trap_range *r, size_t n)
{
	clear(t);
	for (size_t i = 0; i < n; i++)
		for (const struct sysreg_trap_desc *d = r[i].first; d < r[i].end; d++) {
			struct sysreg_slot *s = &t->slot[sysreg_slot_of(t->mult, d->enc)];

			if (s->enc != SYSREG_SLOT_EMPTY)
				return false;
			*s = (struct sysreg_slot){ .enc = d->enc, .fn = d->fn };
		}
	return true;
}

/* 0, ERR_FULL (too many), ERR_INVAL (no handler, or Rt/Direction bits in the encoding)
 * or ERR_EXIST (an encoding twice). */
static int check_set(const struct sysreg_trap_range *r, size_t n)
{
	size_t count = 0;

	for (size_t i = 0; i < n; i++)
		for (const struct sysreg_trap_desc *d = r[i].first; d < r[i].end; d++) {
			if (++count > LIM_SYSREG_TRAPS)
				return ERR_FULL;
			if (d->enc != SYSREG_ENC_OF_ISS(d->enc) || !d->fn)
				return ERR_INVAL;
			for (size_t j = 0; j <= i; j++)
				for (const struct sysreg_trap_desc *e = r[j].first;
				     e < (j == i ? d : r[j].end); e++)
					if (e->enc == d->enc)
						return ERR_EXIST;
		}
	return 0;
}

int sysreg_table_build(struct sysreg_table *t, const struct sysreg_trap_range *ranges,
		       size_t n)
{
	int r = check_set(ranges, n);

	t->mult = nth_mult(0);
	if (r) {
		clear(t);
		return r;
	}
	for (u32 try = 0; try < SYSREG_HASH_TRIES; try++) {
		t->mult = nth_mult(try);
		if (place_all(t, ranges, n))
			return 0;
	}
	clear(t);
	return ERR_FULL;
}
