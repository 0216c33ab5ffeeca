/*
 * Host tests for ESR_EL2 syndrome decoding (src/arch/arm64/esr_decode.c), with syndromes
 * assembled by hand from Arm ARM (DDI 0487) D19.2.37 ESR_EL2: EC [31:26], IL [25],
 * ISS [24:0]; data abort ISS (EC 0x24) and MSR/MRS ISS (EC 0x18) field by field.
 */
#include "harness.h"

#include <arch/esr_decode.h>
#include <arch/sysregs.h>
#include <arch/vgic_decode.h>

/* ---- data aborts (EC 0x24): ISV [24] SAS [23:22] SSE [21] SRT [20:16] SF [15]
 *      AR [14] VNCR [13] FnV [10] EA [9] CM [8] S1PTW [7] WnR [6] DFSC [5:0] ---- */
#define EC_IL(ec)   ((u64)(ec) << 26 | 1ULL << 25)
#define DA(iss)     (EC_IL(0x24) | (iss))
#define ISV         (1ULL << 24)
#define SAS(n)      ((u64)(n) << 22)
#define SSE         (1ULL << 21)
#define SRT(n)      ((u64)(n) << 16)
#define SF          (1ULL << 15)
#define S1PTW       (1ULL << 7)
#define WNR         (1ULL << 6)
#define FSC_TRANS_L3 0x07ULL /* translation fault, level 3: what an unmapped IPA gives */
/* the ISS bits that are not access fields: AR, VNCR, FnV, EA, CM, DFSC */
#define NOISE       (1ULL << 14 | 1ULL << 13 | 1ULL << 10 | 1ULL << 9 | 1ULL << 8 | 0x3fULL)

struct dabt_case {
	const char *insn;
	u64 esr;
	u32 size, reg;
	bool write, sse, sf;
};

/* Syndromes of single-register loads and stores on an unmapped device page. */
static const struct dabt_case insns[] = {
	{ "ldrb w3",   0x93030007, 1, 3, false, false, false },
	{ "ldrh w4",   0x93440007, 2, 4, false, false, false },
	{ "ldr w1",    0x93810007, 4, 1, false, false, false },
	{ "ldr x2",    0x93c28007, 8, 2, false, false, true },
	{ "strb w5",   0x93050047, 1, 5, true, false, false },
	{ "strh w6",   0x93460047, 2, 6, true, false, false },
	{ "str w7",    0x93870047, 4, 7, true, false, false },
	{ "str x30",   0x93de8047, 8, 30, true, false, true },
	{ "ldrsb w8",  0x93280007, 1, 8, false, true, false },
	{ "ldrsb x9",  0x93298007, 1, 9, false, true, true },
	{ "ldrsh w10", 0x936a0007, 2, 10, false, true, false },
	{ "ldrsh x11", 0x936b8007, 2, 11, false, true, true },
	{ "ldrsw x12", 0x93ac8007, 4, 12, false, true, true },
	{ "str wzr",   0x939f0047, 4, 31, true, false, false },
	{ "str xzr",   0x93df8047, 8, 31, true, false, true },
};

static bool dabt_is(const struct dabt_info *d, const struct dabt_case *c)
{
	return d->valid && !d->s1ptw && d->size == c->size && d->reg == c->reg &&
	       d->write == c->write && d->sign_extend == c->sse && d->reg64 == c->sf;
}

TEST(dabt_single_register_loads_and_stores)
{
	for (u32 i = 0; i < ARRAY_SIZE(insns); i++) {
		const struct dabt_case *c = &insns[i];
		struct dabt_info d = esr_dabt_decode(c->esr);
		u64 built = DA(ISV | SAS(__builtin_ctz(c->size)) | SRT(c->reg) | FSC_TRANS_L3 |
			       (c->sse ? SSE : 0) | (c->sf ? SF : 0) | (c->write ? WNR : 0));

		CHECK_EQ(built, c->esr); /* the table and the field macros agree */
		if (!dabt_is(&d, c))
			printf("  FAIL %s: esr 0x%llx\n", c->insn, (unsigned long long)c->esr);
		CHECK(dabt_is(&d, c));
	}
}

TEST(dabt_each_field_alone)
{
	static const u32 sizes[4] = { 1, 2, 4, 8 };

	for (u32 s = 0; s < 4; s++)
		CHECK_EQ(esr_dabt_decode(DA(ISV | SAS(s))).size, sizes[s]);
	for (u32 r = 0; r < 32; r++) {
		CHECK_EQ(esr_dabt_decode(DA(ISV | SRT(r))).reg, r);
		/* every neighbouring field set: SRT still reads back alone */
		CHECK_EQ(esr_dabt_decode(DA(ISV | SAS(3) | SSE | SRT(r) | SF | NOISE)).reg, r);
	}
	struct dabt_info none = esr_dabt_decode(DA(ISV));

	CHECK(none.valid && !none.write && !none.sign_extend && !none.reg64 && !none.s1ptw);
	CHECK_EQ(none.size, 1);
	CHECK_EQ(none.reg, 0);
	CHECK(esr_dabt_decode(DA(ISV | SSE)).sign_extend);
	CHECK(esr_dabt_decode(DA(ISV | SF)).reg64);
	CHECK(esr_dabt_decode(DA(ISV | WNR)).write);
	CHECK(esr_dabt_decode(DA(ISV | S1PTW)).s1ptw);
}

TEST(dabt_other_bits_do_not_leak)
{
	/* AR, VNCR, FnV, EA, CM, DFSC, EC, IL and ESR_EL2[63:32] (ISS2) are not access fields */
	struct dabt_info d = esr_dabt_decode(0xffffffff00000000ULL | DA(ISV | NOISE));

	CHECK(d.valid && !d.write && !d.sign_extend && !d.reg64 && !d.s1ptw);
	CHECK_EQ(d.size, 1);
	CHECK_EQ(d.reg, 0);
	d = esr_dabt_decode(0);
	CHECK(!d.valid && !d.write && !d.s1ptw);
}

TEST(dabt_without_isv)
{
	/* ISV = 0 (e.g. LDP to a device): nothing about the access, but S1PTW and WnR hold */
	struct dabt_info d = esr_dabt_decode(DA(WNR | FSC_TRANS_L3));

	CHECK(!d.valid);
	CHECK(d.write);
	CHECK(!d.s1ptw);
	d = esr_dabt_decode(DA(S1PTW | FSC_TRANS_L3));
	CHECK(!d.valid);
	CHECK(d.s1ptw);
	CHECK(!d.write);
	/* stage-1 walk fault with ISV set is still a walk fault */
	d = esr_dabt_decode(DA(ISV | SAS(2) | SRT(1) | S1PTW));
	CHECK(d.valid && d.s1ptw);
}

static u64 load(u32 size, bool sse, bool sf, u64 val)
{
	struct dabt_info d = { .valid = true, .size = size, .sign_extend = sse, .reg64 = sf };

	return dabt_read_extend(&d, val);
}

TEST(read_zero_extension)
{
	CHECK_EQ(load(1, false, false, 0xff), 0xff);
	CHECK_EQ(load(1, false, true, 0xff), 0xff);
	CHECK_EQ(load(1, false, false, 0xdeadbe80), 0x80);  /* handler bits above the size */
	CHECK_EQ(load(2, false, false, 0xffffffffffff8000ULL), 0x8000);
	CHECK_EQ(load(4, false, false, 0xffffffffULL), 0xffffffffULL);
	CHECK_EQ(load(4, false, false, 0x1234567887654321ULL), 0x87654321ULL);
	CHECK_EQ(load(8, false, true, 0x8000000000000001ULL), 0x8000000000000001ULL);
	CHECK_EQ(load(8, false, true, ~0ULL), ~0ULL);
}

TEST(read_sign_extension_into_w_and_x)
{
	/* LDRSB Wt / Xt */
	CHECK_EQ(load(1, true, false, 0x80), 0xffffff80ULL);
	CHECK_EQ(load(1, true, true, 0x80), 0xffffffffffffff80ULL);
	CHECK_EQ(load(1, true, true, 0x7f), 0x7f);
	CHECK_EQ(load(1, true, true, 0x17f), 0x7f);          /* bit 8 is not the sign */
	/* LDRSH Wt / Xt */
	CHECK_EQ(load(2, true, false, 0x8000), 0xffff8000ULL);
	CHECK_EQ(load(2, true, true, 0x8000), 0xffffffffffff8000ULL);
	CHECK_EQ(load(2, true, true, 0x7fff), 0x7fff);
	CHECK_EQ(load(2, true, true, 0xffff0000), 0);
	/* LDRSW Xt */
	CHECK_EQ(load(4, true, true, 0x80000000ULL), 0xffffffff80000000ULL);
	CHECK_EQ(load(4, true, true, 0x7fffffffULL), 0x7fffffffULL);
	/* 8 bytes: nothing to extend */
	CHECK_EQ(load(8, true, true, 0x8000000000000000ULL), 0x8000000000000000ULL);
}

TEST(read_through_decoded_syndromes)
{
	struct dabt_info d = esr_dabt_decode(0x93280007); /* ldrsb w8 */

	CHECK_EQ(dabt_read_extend(&d, 0xf0), 0xfffffff0ULL);
	d = esr_dabt_decode(0x93298007);                   /* ldrsb x9 */
	CHECK_EQ(dabt_read_extend(&d, 0xf0), 0xfffffffffffffff0ULL);
	d = esr_dabt_decode(0x93ac8007);                   /* ldrsw x12 */
	CHECK_EQ(dabt_read_extend(&d, 0xfffffffe), 0xfffffffffffffffeULL);
	d = esr_dabt_decode(0x93810007);                   /* ldr w1 */
	CHECK_EQ(dabt_read_extend(&d, 0xfffffffffffffffeULL), 0xfffffffeULL);
}

TEST(write_value_is_the_low_bytes)
{
	const u64 x = 0x1122334455667788ULL;
	struct dabt_info d = { .valid = true, .write = true };

	d.size = 1;
	CHECK_EQ(dabt_write_value(&d, x), 0x88);
	d.size = 2;
	CHECK_EQ(dabt_write_value(&d, x), 0x7788);
	d.size = 4;
	CHECK_EQ(dabt_write_value(&d, x), 0x55667788);
	d.size = 8;
	CHECK_EQ(dabt_write_value(&d, x), x);
	d = esr_dabt_decode(0x93050047); /* strb w5 */
	CHECK_EQ(dabt_write_value(&d, 0xffffffffffffff80ULL), 0x80);
}

/* ---- MSR/MRS (EC 0x18): Op0 [21:20] Op2 [19:17] Op1 [16:14] CRn [13:10] Rt [9:5]
 *      CRm [4:1] Direction [0] ---- */
#define SR(op0, op1, crn, crm, op2, rt, rd)                                           \
	(EC_IL(0x18) | (u64)(op0) << 20 | (u64)(op2) << 17 | (u64)(op1) << 14 |       \
	 (u64)(crn) << 10 | (u64)(rt) << 5 | (u64)(crm) << 1 | (u64)(rd))

static bool sysreg_is(u64 esr, u32 op0, u32 op1, u32 crn, u32 crm, u32 op2, u32 rt, bool rd)
{
	struct sysreg_info s = esr_sysreg_decode(esr);

	return s.op0 == op0 && s.op1 == op1 && s.crn == crn && s.crm == crm && s.op2 == op2 &&
	       s.rt == rt && s.read == rd;
}

TEST(sysreg_real_instructions)
{
	/* mrs x0, ID_AA64PFR0_EL1 (S3_0_C0_C4_0) */
	CHECK_EQ(SR(3, 0, 0, 4, 0, 0, 1), 0x62300009);
	CHECK(sysreg_is(0x62300009, 3, 0, 0, 4, 0, 0, true));
	/* msr ICC_SGI1R_EL1, x5 (S3_0_C12_C11_5) */
	CHECK_EQ(SR(3, 0, 12, 11, 5, 5, 0), 0x623a30b6);
	CHECK(sysreg_is(0x623a30b6, 3, 0, 12, 11, 5, 5, false));
	/* dc cisw, x3 (op0 1, op1 0, CRn 7, CRm 14, op2 2) */
	CHECK_EQ(SR(1, 0, 7, 14, 2, 3, 0), 0x62141c7c);
	CHECK(sysreg_is(0x62141c7c, 1, 0, 7, 14, 2, 3, false));
	/* mrs xzr, MDSCR_EL1 (S2_0_C0_C2_2): Rt 31 is XZR */
	CHECK_EQ(SR(2, 0, 0, 2, 2, 31, 1), 0x622403e5);
	CHECK(sysreg_is(0x622403e5, 2, 0, 0, 2, 2, 31, true));
}

TEST(sysreg_each_field_alone)
{
	const u64 all = SR(3, 7, 15, 15, 7, 31, 1);

	CHECK(sysreg_is(all, 3, 7, 15, 15, 7, 31, true));
	CHECK(sysreg_is(all | 7ULL << 22, 3, 7, 15, 15, 7, 31, true)); /* ISS [24:22] RES0 */
	CHECK(sysreg_is(EC_IL(0x18), 0, 0, 0, 0, 0, 0, false));
	for (u32 x = 0; x < 32; x++) {
		/* one field at x, all others at their maximum: no field bleeds into another */
		CHECK(sysreg_is(SR(x & 3, 7, 15, 15, 7, 31, 1), x & 3, 7, 15, 15, 7, 31, true));
		CHECK(sysreg_is(SR(3, x & 7, 15, 15, 7, 31, 1), 3, x & 7, 15, 15, 7, 31, true));
		CHECK(sysreg_is(SR(3, 7, x & 15, 15, 7, 31, 1), 3, 7, x & 15, 15, 7, 31, true));
		CHECK(sysreg_is(SR(3, 7, 15, x & 15, 7, 31, 1), 3, 7, 15, x & 15, 7, 31, true));
		CHECK(sysreg_is(SR(3, 7, 15, 15, x & 7, 31, 1), 3, 7, 15, 15, x & 7, 31, true));
		CHECK(sysreg_is(SR(3, 7, 15, 15, 7, x, 1), 3, 7, 15, 15, 7, x, true));
		CHECK(sysreg_is(SR(3, 7, 15, 15, 7, 31, 0) | (u64)x << 32, 3, 7, 15, 15, 7, 31,
				false));
	}
}

TEST(sysreg_decode_feeds_sgi_register_match)
{
	struct sysreg_info s = esr_sysreg_decode(SR(3, 1, 12, 11, 6, 2, 0)); /* ICC_ASGI1R_EL1 */

	CHECK_EQ(sgi_reg_of(s.op0, s.op1, s.crn, s.crm, s.op2), SGI_REG_ASGI1R);
	s = esr_sysreg_decode(SR(3, 2, 12, 11, 7, 2, 0));                     /* ICC_SGI0R_EL1 */
	CHECK_EQ(sgi_reg_of(s.op0, s.op1, s.crn, s.crm, s.op2), SGI_REG_SGI0R);
	s = esr_sysreg_decode(0x623a30b6);                                   /* ICC_SGI1R_EL1 */
	CHECK_EQ(sgi_reg_of(s.op0, s.op1, s.crn, s.crm, s.op2), SGI_REG_SGI1R);
}

/* ---- exception class: traps.c indexes its handler table with ESR_EC ---- */
TEST(exception_class_for_dispatch)
{
	CHECK_EQ(ESR_EC(0x06000000), EC_WFX);       /* WFI */
	CHECK_EQ(ESR_EC(0x06000001), EC_WFX);       /* WFE (TI = 1) */
	CHECK_EQ(ESR_EC(0x5a000000), EC_HVC64);     /* HVC #0 */
	CHECK_EQ(ESR_EC(0x5e000000), EC_SMC64);     /* SMC #0 */
	CHECK_EQ(ESR_EC(0x62300009), EC_SYSREG);
	CHECK_EQ(ESR_EC(0x82000007), EC_IABT_LOW);
	CHECK_EQ(ESR_EC(0x93810007), EC_DABT_LOW);
	CHECK_EQ(ESR_EC(0x02000000), EC_UNKNOWN);
	CHECK_EQ(ESR_EC(0x1ffffffULL | EC_IL(0x24)), 0x24); /* ISS and IL do not leak */
	CHECK_EQ(ESR_EC(0xffffffffffffffffULL), 0x3f);       /* ESR[63:32] do not leak */
	CHECK(ESR_EC(~0ULL) < EC_NR);                        /* the table index is in range */
	CHECK_EQ(ESR_ISS(0xffffffffffffffffULL), 0x1ffffff);
	CHECK_EQ(ESR_IL & 0x93810007, ESR_IL);
}

/* ---- the fast path (entry.S) may emulate only with x0-x18 and x30 in memory ---- */
TEST(fast_exit_only_without_x19_to_x29)
{
	CHECK(esr_fast_exit(0x5a000000));               /* HVC #0 */
	CHECK(esr_fast_exit(0x5e000000));               /* SMC #0 */
	CHECK(esr_fast_exit(0x623a30b6));               /* msr ICC_SGI1R_EL1, x5 */
	CHECK(esr_fast_exit(0x93810007));               /* ldr w1 on a device */
	for (u32 r = 0; r < 32; r++) {
		bool in_frame = r < 19 || r >= 30;

		CHECK_EQ(esr_fast_exit(SR(3, 0, 12, 11, 5, r, 0)), in_frame);
		CHECK_EQ(esr_fast_exit(SR(3, 0, 0, 4, 0, r, 1)), in_frame);
		CHECK_EQ(esr_fast_exit(DA(ISV | SAS(2) | SRT(r) | WNR | FSC_TRANS_L3)), in_frame);
		CHECK_EQ(esr_fast_exit(DA(ISV | SAS(3) | SF | SRT(r) | FSC_TRANS_L3)), in_frame);
		CHECK(esr_fast_class(SR(3, 0, 12, 11, 5, r, 0)));
		CHECK(esr_fast_class(DA(ISV | SAS(2) | SRT(r) | WNR | FSC_TRANS_L3)));
	}
	CHECK(esr_fast_class(0x5a000000));                   /* HVC #0 */
	CHECK(!esr_fast_class(DA(SRT(20) | FSC_TRANS_L3)));  /* no ISV */
	CHECK(!esr_fast_class(0x06000000));                  /* WFI */
	CHECK(!esr_fast_class(0x82000007));                  /* instruction abort */
	CHECK(!esr_fast_class(0xf2000000));                  /* BRK */
	CHECK(!esr_fast_exit(DA(SRT(1) | FSC_TRANS_L3)));   /* no ISV: no register known */
	CHECK(!esr_fast_exit(0x06000000));                  /* WFI: the loop idles */
	CHECK(!esr_fast_exit(0x82000007));                  /* instruction abort */
	CHECK(!esr_fast_exit(0xf2000000));                  /* BRK: the debugger */
	CHECK(!esr_fast_exit(0x02000000));                  /* unknown */
	CHECK(!esr_fast_exit(0x1ffffffULL | EC_IL(0x25)));  /* abort at EL2's own level */
}

int main(void)
{
	RUN(dabt_single_register_loads_and_stores);
	RUN(dabt_each_field_alone);
	RUN(dabt_other_bits_do_not_leak);
	RUN(dabt_without_isv);
	RUN(read_zero_extension);
	RUN(read_sign_extension_into_w_and_x);
	RUN(read_through_decoded_syndromes);
	RUN(write_value_is_the_low_bytes);
	RUN(sysreg_real_instructions);
	RUN(sysreg_each_field_alone);
	RUN(sysreg_decode_feeds_sgi_register_match);
	RUN(exception_class_for_dispatch);
	RUN(fast_exit_only_without_x19_to_x29);
	HARNESS_END("test_esr_decode");
}
