/* The arm64 exit handlers' entry points (traps.c dispatches to them). */
#ifndef RTV_ARCH_TRAPS_H
#define RTV_ARCH_TRAPS_H

#include <trap.h>
#include <types.h>

struct vcpu;

void vcpu_handle_exit(struct vcpu *v, u64 exit);       /* traps.c */
enum trap_status mmio_abort(struct vcpu *v, u64 esr, u64 ipa); /* trap_access.c */
enum trap_status sysreg_trap(struct vcpu *v, u64 esr); /* sysreg_emul.c */

#endif
