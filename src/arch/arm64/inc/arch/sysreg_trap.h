/*
 * System registers a unit traps and emulates (the arm64 counterpart of an MMIO
 * window). A unit declares, in its own file:
 *
 *   SYSREG_TRAP(vgic_sgi1r) = { SYSREG_ENC(3, 0, 12, 11, 5), handler };
 *
 * and sysreg_emul.c's decoder, which names no device, calls handler for a trapped
 * MSR/MRS with that encoding (ESR_EL2 EC 0x18, Arm ARM D19.2.37). The unit must also
 * make sure the access traps (HCR_EL2/ICH_HCR_EL2/MDCR_EL2 bits, vm_arch.c). ACTLR_EL1
 * is the hypervisor's own (answered before the units are searched): no unit registers it.
 */
#ifndef RTV_ARCH_SYSREG_TRAP_H
#define RTV_ARCH_SYSREG_TRAP_H

#include <arch/esr_decode.h>
#include <trap.h>
#include <types.h>

struct vcpu;

/*
 * An encoding in the bit positions it has in the ISS of a trapped MSR/MRS (EC 0x18, Arm
 * ARM D19.2.37 ESR_EL2: Op0 [21:20], Op2 [19:17], Op1 [16:14], CRn [13:10], CRm [4:1]):
 * a trap is looked up by masking its syndrome (SYSREG_ENC_OF_ISS), with no decoding first.
 */
#define SYSREG_ENC(op0, op1, crn, crm, op2)                                            \
	((u32)(op0) << 20 | (u32)(op2) << 17 | (u32)(op1) << 14 | (u32)(crn) << 10 | \
	 (u32)(crm) << 1)
#define SYSREG_ENC_OF_ISS(iss) ((u32)(iss) & 0x3ffc1eU) /* Rt [9:5] and Direction [0] cleared */

struct sysreg_trap_desc {
	u32 enc;
	/* read: MRS (a read handler fills *val), else MSR (a write handler finds it there);
	 * the register is the descriptor's one encoding, Rt is sysreg_emul.c's business */
	enum trap_status (*fn)(struct vcpu *v, bool read, u64 *val);
};

#define SYSREG_TRAP(id)                                                                   \
	static const struct sysreg_trap_desc sysreg_trap_##id                             \
		__attribute__((used, aligned(8), section(".rtv_sysreg_traps")))

/* The registered handler for an encoding, or NULL (table from the linker, or given). */
const struct sysreg_trap_desc *sysreg_trap_find(const struct sysreg_trap_desc *first,
						const struct sysreg_trap_desc *end, u32 enc);

#endif
