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
	DEFINE(VCPU_REGS_PC, offsetof(struct vcpu_regs, pc));
	DEFINE(VCPU_REGS_PSTATE, offsetof(struct vcpu_regs, pstate));
}

STATIC_ASSERT(offsetof(struct vcpu_regs, pc) == 248, "entry.S stores x30/pc as a pair at 240");
STATIC_ASSERT(offsetof(struct vcpu_regs, pstate) == 256, "entry.S stores pstate at 256");
STATIC_ASSERT(offsetof(struct vcpu, regs) == 0, "regs first in struct vcpu");
STATIC_ASSERT(offsetof(struct fpsimd_ctx, fpsr) == 512, "fpsimd.S stores fpsr/fpcr at 512");
