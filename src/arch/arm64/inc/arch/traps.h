/* The arm64 exit handlers' entry points (traps.c dispatches to them). */
#ifndef RTV_ARCH_TRAPS_H
#define RTV_ARCH_TRAPS_H

#include <trap.h>
#include <types.h>

struct cpu;
struct vcpu;

void vcpu_handle_exit(struct vcpu *v, u64 exit);       /* traps.c */
/* The handler of a synchronous exit, its status (traps.c; the fast path's too). */
enum trap_status vcpu_sync_exit(struct vcpu *v, u64 esr);
/* only if esr_fast_exit; pc: this pCPU's struct cpu */
enum trap_status vcpu_sync_exit_fast(struct cpu *pc, struct vcpu *v, u64 esr);
/* entry.S's fast path: 0 to resume, else an EXIT_* (vcpu_arch.c); x18 tells
 * vcpu_fast_sync() whether x19-x29 are in the frame yet (frame_partial) */
u64 vcpu_fast_sync(void);
u64 vcpu_fast_irq(void);
enum trap_status mmio_abort(struct vcpu *v, u64 esr, u64 ipa); /* trap_access.c */
enum trap_status sysreg_trap(struct vcpu *v, u64 esr); /* sysreg_emul.c */
/* Enter the guest's EL1 synchronous vector with this ESR and FAR (vcpu_arch.c). */
void vcpu_inject_sync(struct vcpu *v, u64 esr, u64 far);

/* Debug exceptions and the debug registers of a debugged VM (debug_ctl.c). */
enum trap_status exit_hw_breakpoint(struct vcpu *v, u64 esr);
enum trap_status exit_soft_step(struct vcpu *v, u64 esr);
enum trap_status exit_watchpoint(struct vcpu *v, u64 esr);
enum trap_status exit_brk(struct vcpu *v, u64 esr);
void arch_debug_enter(struct vcpu *v);  /* before every guest entry */
void arch_debug_forget(void);           /* MDSCR_EL1/MDCR_EL2 rewritten on this pCPU */

#endif
