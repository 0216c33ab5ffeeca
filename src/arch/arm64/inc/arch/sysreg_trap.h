/*
 * System registers a unit traps and emulates (the arm64 counterpart of an MMIO
 * window). A unit declares, in its own file:
 *
 *   SYSREG_TRAP(vgic_sgi1r) = { SYSREG_ENC(3, 0, 12, 11, 5), handler };
 *
 * and sysreg_emul.c, which names no device, calls handler for a trapped MSR/MRS with that
 * encoding (ESR_EL2 EC 0x18, Arm ARM D19.2.37). The unit must also make sure the access
 * traps (HCR_EL2/ICH_HCR_EL2/MDCR_EL2 bits, vm_arch.c). The core's own registers with a
 * handler of their own (ACTLR_EL1, MDSCR_EL1, OSLSR_EL1: sysreg_emul.c) are descriptors
 * of the same kind; an encoding registered twice fails the boot.
 *
 * Dispatch (sysreg_table.c): at boot every descriptor goes into one table of
 * SYSREG_SLOTS slots, indexed by a multiplicative hash of the encoding whose multiplier is
 * chosen then so that no two descriptors share a slot. A trap is one hash, one load and
 * one compare, whatever the register; an encoding that is in no slot is decoded by
 * sysreg_emul.c (the ID, set/way, debug, PMU and IMPLEMENTATION DEFINED classes).
 */
#ifndef RTV_ARCH_SYSREG_TRAP_H
#define RTV_ARCH_SYSREG_TRAP_H

#include <arch/esr_decode.h>
#include <rtv_limits.h>
#include <trap.h>
#include <types.h>
#include <vcpu.h>

/*
 * An encoding in the bit positions it has in the ISS of a trapped MSR/MRS (EC 0x18, Arm
 * ARM D19.2.37 ESR_EL2: Op0 [21:20], Op2 [19:17], Op1 [16:14], CRn [13:10], CRm [4:1]):
 * a trap is looked up by masking its syndrome (SYSREG_ENC_OF_ISS), with no decoding first.
 */
#define SYSREG_ENC(op0, op1, crn, crm, op2)                                            \
	((u32)(op0) << 20 | (u32)(op2) << 17 | (u32)(op1) << 14 | (u32)(crn) << 10 | \
	 (u32)(crm) << 1)
#define SYSREG_ENC_OF_ISS(iss) ((u32)(iss) & 0x3ffc1eU) /* Rt [9:5] and Direction [0] cleared
							  * (and EC, IL of a whole ESR) */

/*
 * A handler gets the trap's syndrome as ESR_EL2 holds it (only its ISS bits are read; the
 * encoding is the descriptor's); it reads what an MSR writes with sysreg_trap_wval() and
 * completes a handled access with sysreg_trap_done(), which fills an MRS's register and
 * steps over the instruction. Anything else it returns goes to guest_fault() with the
 * instruction not completed.
 */
typedef enum trap_status (*sysreg_trap_fn)(struct vcpu *v, u64 esr);

struct sysreg_trap_desc {
	u32 enc;
	sysreg_trap_fn fn;
};

#define SYSREG_TRAP(id)                                                                   \
	static const struct sysreg_trap_desc sysreg_trap_##id                             \
		__attribute__((used, aligned(8), section(".rtv_sysreg_traps")))

/* Rt [9:5] (31: XZR) and Direction [0] (1: MRS) of the ISS (Arm ARM D19.2.37, EC 0x18). */
static inline u64 sysreg_iss_rt(u64 esr)
{
	return (esr >> 5) & 0x1f;
}

static inline bool sysreg_iss_read(u64 esr)
{
	return esr & 1;
}

/* What the trapped MSR writes (the guest frame, asm/vcpu.h; XZR reads as 0). */
static inline u64 sysreg_trap_wval(const struct vcpu *v, u64 esr)
{
	u64 rt = sysreg_iss_rt(esr);

	return rt < 31 ? v->arch.regs.x[rt] : 0;
}

/* The access is complete: an MRS gets read_val (unless to XZR), the guest goes past the
 * instruction (A64: 4 bytes). */
static inline enum trap_status sysreg_trap_done(struct vcpu *v, u64 esr, u64 read_val)
{
	u64 rt = sysreg_iss_rt(esr);

	if (sysreg_iss_read(esr) && rt < 31)
		v->arch.regs.x[rt] = read_val;
	v->arch.regs.pc += 4;
	return TRAP_HANDLED;
}

/* ---- the dispatch table (sysreg_table.c: pure, host-tested) ---- */
#define SYSREG_SLOT_BITS 6
#define SYSREG_SLOTS (1u << SYSREG_SLOT_BITS)
#define SYSREG_SLOT_EMPTY 0xffffffffu /* never an encoding: SYSREG_ENC_OF_ISS clears bit 0 */

struct sysreg_slot {
	u32 enc; /* SYSREG_SLOT_EMPTY, or the encoding fn handles */
	sysreg_trap_fn fn;
};

struct sysreg_table {
	u32 mult; /* odd; slot of enc: sysreg_slot_of() */
	struct sysreg_slot slot[SYSREG_SLOTS];
};

/* A run of descriptors (the linker's section, or the core's array). */
struct sysreg_trap_range {
	const struct sysreg_trap_desc *first, *end;
};

static inline u32 sysreg_slot_of(u32 mult, u32 enc)
{
	return (enc * mult) >> (32 - SYSREG_SLOT_BITS);
}

/*
 * Fill t with every descriptor of the n ranges, each in a slot of its own. 0, or
 * ERR_INVAL (a descriptor without a handler, or whose encoding has Rt or Direction bits
 * set), ERR_EXIST (an encoding twice) or ERR_FULL (more than LIM_SYSREG_TRAPS descriptors,
 * or no multiplier of the bounded search separates them); t is then left with every
 * slot empty. Bounded: at most SYSREG_HASH_TRIES multipliers are tried.
 */
#define SYSREG_HASH_TRIES 4096
int sysreg_table_build(struct sysreg_table *t, const struct sysreg_trap_range *ranges,
		       size_t n);

#endif
