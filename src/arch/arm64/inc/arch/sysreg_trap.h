/*
 * System registers a unit traps and emulates (the arm64 counterpart of an MMIO
 * window). A unit declares, in its own file:
 *
 *   SYSREG_TRAP(vgic_sgi1r) = { SYSREG_ENC(3, 0, 12, 11, 5), handler };
 *
 * and sysreg_emul.c's decoder, which names no device, calls handler for a trapped
 * MSR/MRS with that encoding (ESR_EL2 EC 0x18, Arm ARM D19.2.37). The unit must also
 * make sure the access traps (HCR_EL2/ICH_HCR_EL2/MDCR_EL2 bits, vm_arch.c).
 */
#ifndef RTV_ARCH_SYSREG_TRAP_H
#define RTV_ARCH_SYSREG_TRAP_H

#include <arch/esr_decode.h>
#include <trap.h>
#include <types.h>

struct vcpu;

#define SYSREG_ENC(op0, op1, crn, crm, op2) \
	((u32)(op0) << 14 | (u32)(op1) << 11 | (u32)(crn) << 7 | (u32)(crm) << 3 | (u32)(op2))

struct sysreg_trap_desc {
	u32 enc;
	/* o: the decoded access; a read handler fills *val, a write handler finds it there */
	enum trap_status (*fn)(struct vcpu *v, const struct sysreg_info *o, u64 *val);
};

#define SYSREG_TRAP(id)                                                                   \
	static const struct sysreg_trap_desc sysreg_trap_##id                             \
		__attribute__((used, aligned(8), section(".rtv_sysreg_traps")))

/* The registered handler for an encoding, or NULL (table from the linker, or given). */
const struct sysreg_trap_desc *sysreg_trap_find(const struct sysreg_trap_desc *first,
						const struct sysreg_trap_desc *end, u32 enc);

#endif
