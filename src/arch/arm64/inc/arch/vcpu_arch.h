/* The architectural state of one AArch64 vCPU. */
#ifndef RTV_ARCH_VCPU_ARCH_H
#define RTV_ARCH_VCPU_ARCH_H

#include <rtv_limits.h>
#include <types.h>

/* Saved by the exception entry (entry.S) on every exit: layout is used by assembly. */
struct vcpu_regs {
	u64 x[31];
	u64 pc;   /* ELR_EL2 */
	u64 pstate; /* SPSR_EL2 */
};

/* EL1/EL0 system registers the guest owns; saved/restored when a pCPU switches vCPUs. */
struct el1_ctx {
	u64 sctlr, ttbr0, ttbr1, tcr, mair, amair, vbar, contextidr;
	u64 tpidr_el0, tpidrro_el0, tpidr_el1, sp_el0, sp_el1, elr_el1, spsr_el1;
	u64 esr, far, afsr0, afsr1, par, cpacr, cntkctl, csselr, mdscr;
	u64 cntv_ctl, cntv_cval;
	u64 vmpidr;
};

/* FP/SIMD registers (V0-V31, FPSR, FPCR); layout used by fpsimd.S. */
struct fpsimd_ctx {
	u64 v[64];
	u64 fpsr, fpcr;
} __attribute__((aligned(16)));

void fpsimd_save(struct fpsimd_ctx *c);
void fpsimd_restore(const struct fpsimd_ctx *c);

/* GIC virtual CPU interface state of a vCPU (ICH_* registers). */
#define VGIC_MAX_LRS LIM_VGIC_LRS
struct vgic_hw_ctx {
	u64 lr[VGIC_MAX_LRS];
	u64 vmcr;
	u64 ap0r0, ap1r0;
};

/* Exit reasons returned by __vcpu_run (entry.S). */
#define EXIT_SYNC 1
#define EXIT_IRQ 2
#define EXIT_FIQ 3
#define EXIT_SERROR 4

struct vcpu_regs;
u64 __vcpu_run(struct vcpu_regs *regs);

#endif
