/* A virtual CPU: architectural state plus what the hypervisor tracks about it. */
#ifndef RTV_VCPU_H
#define RTV_VCPU_H

#include <arch/vcpu_arch.h>
#include <sched.h>
#include <types.h>
#include <arch/vgic.h>

struct vm;

enum vcpu_state {
	VCPU_OFF,      /* powered off (PSCI) or VM stopped */
	VCPU_RUNNABLE,
	VCPU_WFI,      /* blocked in WFI until an interrupt is pending */
};

struct vcpu {
	struct vcpu_regs regs; /* first: entry.S stores the exit frame here */
	struct el1_ctx el1;
	struct vgic_hw_ctx gich;
	struct fpsimd_ctx fp;
	bool timer_hw_active;      /* its HW-mapped timer interrupt was active when unloaded */
	struct vcpu_sched sched;
	struct vgic_cpu vgic;
	struct vm *vm;
	u32 id;               /* index inside the VM; virtual MPIDR Aff0 */
	u32 pcpu;
	volatile enum vcpu_state state;
	volatile bool needs_load;
	volatile bool parked;     /* its pCPU has stopped running it (VM not running) */ /* struct changed by another pCPU: reload registers */
	u64 exit_esr, exit_far, exit_hpfar;
};

void vcpu_reset(struct vcpu *v, u64 entry, u64 x0);
void vcpu_load(struct vcpu *v);
void vcpu_put(struct vcpu *v);
u64 vcpu_reg(const struct vcpu *v, u32 idx);           /* idx 31 = xzr */
void vcpu_set_reg(struct vcpu *v, u32 idx, u64 val);
void vcpu_skip_insn(struct vcpu *v);
void vcpu_inject_abort(struct vcpu *v, bool data, u64 far);
void vcpu_inject_undef(struct vcpu *v);
void vcpu_handle_exit(struct vcpu *v, u64 exit);
void vcpu_park(struct vcpu *v);

/* arch hooks */
void vm_arch_load(struct vm *vm);
bool timer_hw_save(void);            /* returns and clears the physical vtimer active state */
void timer_hw_restore(bool active);
void vgic_hw_save(struct vcpu *v);
void vgic_hw_restore(struct vcpu *v);

#endif
