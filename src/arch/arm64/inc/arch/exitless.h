/*
 * Exit-less mode (gic/exitless.c, docs/architecture.md "Exit-less mode"): the VM's
 * vCPU takes its pCPU's Group 1 interrupts at its own EL1 (HCR_EL2.IMO = 0) and uses
 * the physical ICC Group 1 registers; the hypervisor keeps Group 0 (HCR_EL2.FMO = 1).
 */
#ifndef RTV_ARCH_EXITLESS_H
#define RTV_ARCH_EXITLESS_H

#include <vcpu.h>

void exitless_load(struct vcpu *v);            /* after vm_arch_load */
void exitless_put(struct vcpu *v, bool save);  /* the hypervisor's Group 1 state back */
void exitless_park(struct vcpu *v);            /* stop/reset: nothing of it stays live */
u64 exitless_run(struct vcpu *v);              /* one guest entry; the exit code */
void exitless_sgi(u32 intid);                  /* a trapped ICC_SGI1R_EL1 to itself */

#endif
