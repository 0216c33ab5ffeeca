/*
 * Structure offsets used by assembly, generated at build time (never hand-copied):
 * compiled to assembly, then mk/hyp.mk turns the "->NAME value" markers into
 * build/<platform>/include/asm-offsets.h.
 */
#include <cpu.h>
#include <vcpu.h>

#define DEFINE(sym, val) __asm__ volatile("\n.ascii \"->" #sym " %0\"" : : "i"(val))

void asm_offsets(void);
void asm_offsets(void)
{
	DEFINE(CPU_GUEST_REGS, offsetof(struct cpu, guest_regs));
	DEFINE(CPU_SIZEOF, sizeof(struct cpu));
	DEFINE(CPU_STACK_SLOT, CPU_STACK_SLOT);
	DEFINE(CPU_PANIC_STACK_SIZE, CPU_PANIC_STACK_SIZE);
	DEFINE(CPU_ID, offsetof(struct cpu, id));
	DEFINE(EXIT_SYNC_FULL_CODE, EXIT_SYNC_FULL);
	DEFINE(VCPU_REGS_X, offsetof(struct vcpu_regs, x));
	DEFINE(VCPU_REGS_PC, offsetof(struct vcpu_regs, pc));
	DEFINE(VCPU_REGS_PSTATE, offsetof(struct vcpu_regs, pstate));
}

/* Layout facts the assembly relies on beyond single offsets. */
STATIC_ASSERT(offsetof(struct vcpu_regs, pc) == offsetof(struct vcpu_regs, x) + 8 * 31,
	      "entry.S stores x30 and pc as one pair");
STATIC_ASSERT(offsetof(struct fpsimd_ctx, fpsr) == sizeof(((struct fpsimd_ctx *)0)->v) &&
	      offsetof(struct fpsimd_ctx, fpcr) == offsetof(struct fpsimd_ctx, fpsr) + 8,
	      "fpsimd.S: FPSR and FPCR follow V31, as one pair");
