/*
 * A virtual CPU: what core tracks about it (scheduling, state, its VM) around the
 * architecture's part (struct vcpu_arch, asm/vcpu.h), which core never looks into.
 */
#ifndef RTV_VCPU_H
#define RTV_VCPU_H

#include <asm/vcpu.h>
#include <sched.h>
#include <types.h>

struct vm;

enum vcpu_state {
	VCPU_OFF,      /* powered off (PSCI) or VM stopped */
	VCPU_RUNNABLE,
	VCPU_WFI,      /* blocked in WFI until an interrupt is pending */
};

struct vcpu {
	struct vcpu_arch arch;  /* first: the exit frame is at offset 0 (asm-offsets.c) */
	struct vcpu_sched sched;
	struct vm *vm;
	u32 id;               /* index inside the VM; virtual MPIDR Aff0 */
	u32 pcpu;
	volatile enum vcpu_state state;
	volatile bool needs_load; /* struct changed by another pCPU: reload registers */
	volatile bool parked;     /* its pCPU has stopped running it (VM not running) */
	volatile bool debug_sync; /* the shell wants its state in memory (debug.h) */
	volatile bool debug_hold; /* a debugger steps another vCPU: this one waits */
	volatile bool wfi_fast;   /* waits in WFI on its pCPU's fast path (arch): runnable all
				   * along, a kick alone wakes it (sched_wake) */
};

/*
 * Provided by the architecture (src/arch/<arch>/):
 */
void vcpu_reset(struct vcpu *v, u64 entry, u64 x0);   /* power-on state at entry, x0 = arg */
void vcpu_load(struct vcpu *v);                       /* its context into this pCPU */
void vcpu_put(struct vcpu *v);                        /* and back out */
void vcpu_save_state(struct vcpu *v);  /* loaded here: copy its state to memory, stay loaded */
void vcpu_run(struct vcpu *v);   /* enter the guest once; handle the exit before returning */
void vcpu_park(struct vcpu *v);  /* its VM stopped: silence its state on this pCPU */
u64 vcpu_reg(const struct vcpu *v, u32 idx);          /* general register, idx 31 = xzr */
void vcpu_set_reg(struct vcpu *v, u32 idx, u64 val);
u64 vcpu_pc(const struct vcpu *v);
void vcpu_skip_insn(struct vcpu *v);                  /* step over the trapped instruction */
void vcpu_inject_abort(struct vcpu *v, bool data, u64 far);
void vcpu_inject_undef(struct vcpu *v);

#endif
