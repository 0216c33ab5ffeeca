/*
 * Pure decoding of the ESR_EL2 syndromes rtvisor emulates (esr_decode.c; unit-tested):
 * data aborts (EC 0x24) and trapped MSR/MRS (EC 0x18). No register access.
 */
#ifndef ARCH_ESR_DECODE_H
#define ARCH_ESR_DECODE_H

#include <types.h>

/* A data abort's ISS. Only valid and s1ptw mean anything when valid is false. */
struct dabt_info {
	bool valid;       /* ISV: the fields below describe the access */
	bool s1ptw;       /* the fault was on a stage-1 translation table walk */
	bool write;       /* WnR */
	bool sign_extend; /* SSE: a load sign-extends into the register */
	bool reg64;       /* SF: the register is Xt (else Wt) */
	u32 size;         /* bytes: 1, 2, 4 or 8 (from SAS) */
	u32 reg;          /* SRT: 0..30, or 31 for XZR/WZR */
};

/* A trapped MSR/MRS (or SYS) instruction's ISS. */
struct sysreg_info {
	u32 op0, op1, crn, crm, op2;
	u32 rt;           /* 0..30, or 31 for XZR */
	bool read;        /* Direction: MRS */
};

struct dabt_info esr_dabt_decode(u64 esr);
/* What a store writes to the device: the register's low `size` bytes. */
u64 dabt_write_value(const struct dabt_info *d, u64 reg_val);
/* What a load leaves in the register: the access's bytes, sign- or zero-extended. */
u64 dabt_read_extend(const struct dabt_info *d, u64 val);
struct sysreg_info esr_sysreg_decode(u64 esr);
/*
 * Whether the exit of this syndrome can be emulated with only x0-x18 and x30 of the
 * guest in memory (the fast path, entry.S): an HVC/SMC (SMCCC: arguments and results in
 * x0-x17, x18-x30 preserved), a trapped MSR/MRS whose Rt, or a data abort with ISV whose
 * SRT, is not one of x19-x29. Anything else: false.
 */
bool esr_fast_exit(u64 esr);
/* The same classes whatever the register: handled on the fast path once x19-x29 are stored
 * too (EXIT_SYNC_FULL, entry.S). */
bool esr_fast_class(u64 esr);

#endif
