/*
 * ESR_EL2 syndrome decoding that only computes (see arch/esr_decode.h).
 *
 * Arm ARM (DDI 0487) D19.2.37 ESR_EL2: EC [31:26], IL [25], ISS [24:0].
 *
 * Data Abort from a lower Exception level (EC 0x24), ISS: ISV [24]; when ISV is 1,
 * SAS [23:22] (access size 2^SAS bytes), SSE [21] (sign-extend), SRT [20:16] (the
 * transfer register, 31 meaning XZR/WZR), SF [15] (64-bit register); always S1PTW [7]
 * and WnR [6]. A load of fewer than 8 bytes with SSE sign-extends to the register's
 * width; a W register's upper 32 bits become zero (the AArch64 load instructions:
 * LDRSB/LDRSH Wt versus Xt, LDRSW, LDR Wt).
 *
 * Trapped MSR, MRS or System instruction (EC 0x18), ISS: Op0 [21:20], Op2 [19:17],
 * Op1 [16:14], CRn [13:10], Rt [9:5], CRm [4:1], Direction [0] (1: read, MRS).
 */
#include <arch/esr_decode.h>
#include <arch/sysregs.h>

static u32 iss_bits(u64 esr, u32 lsb, u32 width)
{
	return (u32)(ESR_ISS(esr) >> lsb) & ((1u << width) - 1);
}

struct dabt_info esr_dabt_decode(u64 esr)
{
	u64 iss = ESR_ISS(esr);

	return (struct dabt_info){
		.valid = (iss & DABT_ISV) != 0,
		.s1ptw = (iss & DABT_S1PTW) != 0,
		.write = (iss & DABT_WNR) != 0,
		.sign_extend = (iss & DABT_SSE) != 0,
		.reg64 = (iss & DABT_SF) != 0,
		.size = 1u << DABT_SAS(iss),
		.reg = (u32)DABT_SRT(iss),
	};
}

static u64 size_mask(u32 size)
{
	return size >= 8 ? ~0ULL : (1ULL << (size * 8)) - 1;
}

u64 dabt_write_value(const struct dabt_info *d, u64 reg_val)
{
	return reg_val & size_mask(d->size);
}

u64 dabt_read_extend(const struct dabt_info *d, u64 val)
{
	val &= size_mask(d->size);
	if (d->sign_extend && d->size < 8 && (val & (1ULL << (d->size * 8 - 1))))
		val |= ~size_mask(d->size);
	if (!d->reg64)
		val &= 0xffffffffULL;
	return val;
}

struct sysreg_info esr_sysreg_decode(u64 esr)
{
	return (struct sysreg_info){
		.op0 = iss_bits(esr, 20, 2),
		.op2 = iss_bits(esr, 17, 3),
		.op1 = iss_bits(esr, 14, 3),
		.crn = iss_bits(esr, 10, 4),
		.rt = iss_bits(esr, 5, 5),
		.crm = iss_bits(esr, 1, 4),
		.read = iss_bits(esr, 0, 1) != 0,
	};
}

/* x19-x29: callee-saved (AAPCS64 5.1.1), not in memory on the fast path. */
static bool reg_in_frame(u32 reg)
{
	return reg < 19 || reg > 29;
}

bool esr_fast_class(u64 esr)
{
	switch (ESR_EC(esr)) {
	case EC_HVC64:
	case EC_SMC64:
	case EC_SYSREG:
		return true;
	case EC_DABT_LOW:
		return (ESR_ISS(esr) & DABT_ISV) != 0;
	default:
		return false;
	}
}

bool esr_fast_exit(u64 esr)
{
	switch (ESR_EC(esr)) {
	case EC_HVC64:
	case EC_SMC64:
		return true;
	case EC_SYSREG:
		return reg_in_frame(iss_bits(esr, 5, 5));
	case EC_DABT_LOW:
		return (ESR_ISS(esr) & DABT_ISV) && reg_in_frame((u32)DABT_SRT(ESR_ISS(esr)));
	default:
		return false;
	}
}
