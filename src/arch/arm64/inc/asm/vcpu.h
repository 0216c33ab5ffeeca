/*
 * Interface header (asm/): the architecture's part of a vCPU and of a VM, embedded
 * by core as struct vcpu.arch and struct vm.arch. Core treats both as opaque; only
 * src/arch reads their fields. arm64: register context, EL1 system registers,
 * FP/SIMD, the GIC virtual CPU interface, stage-2 tables and the vGIC distributor.
 */
#ifndef RTV_ASM_VCPU_H
#define RTV_ASM_VCPU_H

#include <arch/pgtable.h>
#include <arch/vgic.h>
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
#define EXIT_SYNC_DONE 5   /* handled on the fast path (traps.c); its status in fast_status */
#define EXIT_IRQ_DONE 6    /* interrupts handled on the fast path */
#define EXIT_SYNC_FULL 7   /* fast path again with x19-x29 stored (entry.S only) */

struct vcpu_regs;
u64 __vcpu_run(struct vcpu_regs *regs);

/* The physical Group 1 CPU-interface state an exit-less guest owns while loaded
 * (gic/exitless.c; IHI 0069 12.2 ICC_IGRPEN1_EL1, ICC_BPR1_EL1, ICC_AP1R0_EL1). */
struct exitless_ctx {
	u64 igrpen1, bpr1, ap1r0;
};

/* GICv4 (gic/its_v4.c): the vCPU's vPE, set up at VM creation and kept across resets;
 * resident: on the redistributor of the pCPU it is loaded on (hardware state). */
struct vgic_vpe {
	bool on;
	bool resident;
	u16 vpeid;
	u64 vpt_pa;
};

struct vcpu_arch {
	struct vcpu_regs regs;     /* first: entry.S stores the exit frame here */
	struct el1_ctx el1;
	struct vgic_hw_ctx gich;
	struct fpsimd_ctx fp;
	struct vgic_cpu vgic;
	struct vgic_vpe vpe;
	bool timer_hw_active;      /* its HW-mapped timer interrupt was active when unloaded */
	struct exitless_ctx xl;    /* exit-less mode only */
	u64 exit_esr;              /* ESR_EL2 of the last synchronous exit */
	u32 fast_status;           /* enum trap_status of an EXIT_SYNC_DONE (traps.c) */
	u64 exit_far, exit_hpfar;  /* FAR/HPFAR_EL2 of the last abort or watchpoint exit */
	u64 step_pstate;           /* a debugger's single step: PSTATE before it */
	u32 step_insn;             /* and the instruction stepped */
};

struct vm_arch {
	struct pgtable s2;         /* stage-2 translation tables (VTTBR_EL2) */
	struct vgic_dist vgic;     /* the virtual distributor */
	u64 cntvoff;               /* CNTVOFF_EL2: 0, so the guest's virtual clock is the physical one */
	bool exitless;             /* scenario "exitless": gic/exitless.c */
	bool gicv4;                /* scenario "gicv4": its MSI events are vLPIs (gic/its_v4.c) */
};

#endif
