/*
 * Host tests for the trapped-register dispatch table (src/arch/arm64/sysreg_table.c): the
 * boot-time perfect hash that gives every registered encoding a slot of its own. A lookup
 * here is the one sysreg_trap() makes (sysreg_emul.c): slot sysreg_slot_of(mult, enc),
 * matched only if the slot holds enc.
 */
#include "harness.h"

#include <arch/sysreg_trap.h>
#include <err.h>

#include <stdlib.h>

#define NR_FNS 17

/* Distinct handlers, so a lookup that lands on the wrong descriptor is seen. */
static enum trap_status h0(struct vcpu *v, u64 esr) { (void)v; (void)esr; return 0; }
static enum trap_status h1(struct vcpu *v, u64 esr) { (void)v; (void)esr; return 1; }
static enum trap_status h2(struct vcpu *v, u64 esr) { (void)v; (void)esr; return 2; }
static enum trap_status h3(struct vcpu *v, u64 esr) { (void)v; (void)esr; return 3; }
static enum trap_status h4(struct vcpu *v, u64 esr) { (void)v; (void)esr; return 4; }
static enum trap_status h5(struct vcpu *v, u64 esr) { (void)v; (void)esr; return 5; }
static enum trap_status h6(struct vcpu *v, u64 esr) { (void)v; (void)esr; return 6; }
static enum trap_status h7(struct vcpu *v, u64 esr) { (void)v; (void)esr; return 7; }
static enum trap_status h8(struct vcpu *v, u64 esr) { (void)v; (void)esr; return 8; }
static enum trap_status h9(struct vcpu *v, u64 esr) { (void)v; (void)esr; return 9; }
static enum trap_status h10(struct vcpu *v, u64 esr) { (void)v; (void)esr; return 10; }
static enum trap_status h11(struct vcpu *v, u64 esr) { (void)v; (void)esr; return 11; }
static enum trap_status h12(struct vcpu *v, u64 esr) { (void)v; (void)esr; return 12; }
static enum trap_status h13(struct vcpu *v, u64 esr) { (void)v; (void)esr; return 13; }
static enum trap_status h14(struct vcpu *v, u64 esr) { (void)v; (void)esr; return 14; }
static enum trap_status h15(struct vcpu *v, u64 esr) { (void)v; (void)esr; return 15; }
static enum trap_status h16(struct vcpu *v, u64 esr) { (void)v; (void)esr; return 16; }

static const sysreg_trap_fn fns[NR_FNS] = { h0, h1, h2, h3, h4, h5, h6, h7, h8,
					    h9, h10, h11, h12, h13, h14, h15, h16 };

/* The handler sysreg_trap() would call for enc, or NULL (the decoded classes). */
static sysreg_trap_fn lookup(const struct sysreg_table *t, u32 enc)
{
	const struct sysreg_slot *s = &t->slot[sysreg_slot_of(t->mult, enc)];

	return s->enc == enc ? s->fn : NULL;
}

/* Every encoding of the 16-bit space (op0, op1, CRn, CRm, op2) as SYSREG_ENC lays it out. */
static u32 enc_of_index(u32 i)
{
	return SYSREG_ENC(i >> 14 & 3, i >> 11 & 7, i >> 7 & 15, i >> 3 & 15, i & 7);
}

static u32 slots_used(const struct sysreg_table *t)
{
	u32 n = 0;

	for (u32 i = 0; i < SYSREG_SLOTS; i++)
		n += t->slot[i].enc != SYSREG_SLOT_EMPTY;
	return n;
}

/* Every encoding in the space finds exactly its descriptor's handler, or none. */
static void check_exact(const struct sysreg_table *t, const struct sysreg_trap_desc *d,
			size_t n)
{
	for (u32 i = 0; i < 1u << 16; i++) {
		u32 enc = enc_of_index(i);
		sysreg_trap_fn want = NULL;

		for (size_t k = 0; k < n; k++)
			if (d[k].enc == enc)
				want = d[k].fn;
		if (lookup(t, enc) != want) {
			CHECK_EQ(i, 0x10000); /* reports the first encoding that is wrong */
			return;
		}
	}
	CHECK_EQ(slots_used(t), n);
}

/* The set the hypervisor registers today: the core's three and the vGIC's three, given as
 * two ranges the way sysreg_init() gives them. */
TEST(test_hypervisor_set)
{
	const struct sysreg_trap_desc core[] = {
		{ SYSREG_ENC(3, 0, 1, 0, 1), h0 },   /* ACTLR_EL1 */
		{ SYSREG_ENC(2, 0, 0, 2, 2), h1 },   /* MDSCR_EL1 */
		{ SYSREG_ENC(2, 0, 1, 1, 4), h2 },   /* OSLSR_EL1 */
	};
	const struct sysreg_trap_desc units[] = {
		{ SYSREG_ENC(3, 0, 12, 11, 5), h3 }, /* ICC_SGI1R_EL1 */
		{ SYSREG_ENC(3, 1, 12, 11, 6), h4 }, /* ICC_ASGI1R_EL1 */
		{ SYSREG_ENC(3, 2, 12, 11, 7), h5 }, /* ICC_SGI0R_EL1 */
	};
	const struct sysreg_trap_desc all[] = { core[0], core[1], core[2],
						units[0], units[1], units[2] };
	const struct sysreg_trap_range r[] = { { core, core + 3 }, { units, units + 3 } };
	struct sysreg_table t;

	CHECK_EQ(sysreg_table_build(&t, r, 2), 0);
	CHECK(t.mult & 1);
	check_exact(&t, all, 6);
	/* a trapped syndrome finds its handler whatever its Rt and Direction */
	CHECK(lookup(&t, SYSREG_ENC_OF_ISS(SYSREG_ENC(3, 0, 1, 0, 1) | 5u << 5 | 1u)) == h0);
	CHECK(lookup(&t, SYSREG_ENC_OF_ISS(SYSREG_ENC(3, 0, 12, 11, 5) | 31u << 5)) == h3);
}

/* Full tables of random encodings: the bounded search separates them every time. */
TEST(test_random_full_sets)
{
	srand(17);
	for (int round = 0; round < 200; round++) {
		struct sysreg_trap_desc d[LIM_SYSREG_TRAPS];
		struct sysreg_trap_range r = { d, d + LIM_SYSREG_TRAPS };
		struct sysreg_table t;

		for (u32 k = 0; k < LIM_SYSREG_TRAPS; k++) {
			u32 enc;
			bool dup;

			do {
				enc = enc_of_index((u32)rand() & 0xffff);
				dup = false;
				for (u32 j = 0; j < k; j++)
					dup |= d[j].enc == enc;
			} while (dup);
			d[k] = (struct sysreg_trap_desc){ enc, fns[k] };
		}
		CHECK_EQ(sysreg_table_build(&t, &r, 1), 0);
		if (round < 8)
			check_exact(&t, d, LIM_SYSREG_TRAPS);
		else
			for (u32 k = 0; k < LIM_SYSREG_TRAPS; k++)
				CHECK(lookup(&t, d[k].enc) == d[k].fn);
	}
}

/* Neighbouring encodings (one CRm, every op2; one CRn, every CRm) are separated too. */
TEST(test_dense_sets)
{
	struct sysreg_trap_desc d[LIM_SYSREG_TRAPS];
	struct sysreg_trap_range r = { d, d + LIM_SYSREG_TRAPS };
	struct sysreg_table t;

	for (u32 k = 0; k < LIM_SYSREG_TRAPS; k++)
		d[k] = (struct sysreg_trap_desc){ SYSREG_ENC(3, 0, 0, 1 + k / 8, k % 8), fns[k] };
	CHECK_EQ(sysreg_table_build(&t, &r, 1), 0);
	check_exact(&t, d, LIM_SYSREG_TRAPS);
	for (u32 k = 0; k < LIM_SYSREG_TRAPS; k++)
		d[k] = (struct sysreg_trap_desc){ SYSREG_ENC(3, 0, 12, k, 5), fns[k] };
	CHECK_EQ(sysreg_table_build(&t, &r, 1), 0);
	check_exact(&t, d, LIM_SYSREG_TRAPS);
}

/* Refused sets leave no registered slot: every trap then goes to the decoded classes. */
TEST(test_refused_sets)
{
	struct sysreg_trap_desc d[LIM_SYSREG_TRAPS + 1];
	struct sysreg_trap_range all = { d, d + LIM_SYSREG_TRAPS + 1 };
	struct sysreg_table t;

	for (u32 k = 0; k <= LIM_SYSREG_TRAPS; k++)
		d[k] = (struct sysreg_trap_desc){ SYSREG_ENC(3, 0, 15, k % 16, k / 16), fns[k] };
	CHECK_EQ(sysreg_table_build(&t, &all, 1), ERR_FULL);
	CHECK_EQ(slots_used(&t), 0);

	/* the same encoding in two ranges */
	struct sysreg_trap_range two[] = { { d, d + 2 }, { d + 1, d + 3 } };

	CHECK_EQ(sysreg_table_build(&t, two, 2), ERR_EXIST);
	CHECK_EQ(slots_used(&t), 0);
	/* the same encoding twice in one range */
	d[2].enc = d[0].enc;
	struct sysreg_trap_range one = { d, d + 3 };

	CHECK_EQ(sysreg_table_build(&t, &one, 1), ERR_EXIST);
	/* Rt or Direction bits in an encoding: it would never match a masked syndrome */
	d[2].enc = SYSREG_ENC(3, 0, 1, 0, 1) | 1u;
	CHECK_EQ(sysreg_table_build(&t, &one, 1), ERR_INVAL);
	d[2].enc = SYSREG_ENC(3, 0, 1, 0, 1) | 3u << 5;
	CHECK_EQ(sysreg_table_build(&t, &one, 1), ERR_INVAL);
	/* no handler */
	d[2] = (struct sysreg_trap_desc){ SYSREG_ENC(3, 0, 1, 0, 1), NULL };
	CHECK_EQ(sysreg_table_build(&t, &one, 1), ERR_INVAL);
	CHECK_EQ(slots_used(&t), 0);
	/* and an empty set is fine: nothing registered */
	CHECK_EQ(sysreg_table_build(&t, &one, 0), 0);
	CHECK_EQ(slots_used(&t), 0);
	CHECK(lookup(&t, SYSREG_ENC(3, 0, 1, 0, 1)) == NULL);
}

int main(void)
{
	RUN(test_hypervisor_set);
	RUN(test_random_full_sets);
	RUN(test_dense_sets);
	RUN(test_refused_sets);
	HARNESS_END("test_sysreg_table");
}
