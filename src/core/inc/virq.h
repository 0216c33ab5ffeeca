/*
 * A VM's virtual interrupts, for core and device units. Provided by the
 * architecture's interrupt-controller emulation (arm64: the vGIC, gic/vgic.c).
 */
#ifndef RTV_VIRQ_H
#define RTV_VIRQ_H

#include <types.h>

struct vm;

/* The VM owns shared interrupt intid; hw: backed by the physical one of the same
 * number (passthrough). 0, ERR_RANGE or ERR_FULL (the VM's table of owned SPIs). */
int virq_assign(struct vm *vm, u32 intid, bool hw);
/* An assigned SPI becomes backed by the physical one (hw: routed to its target vCPU's
 * pCPU, the guest's enable mirrored) or stops being (a failover moves the line away:
 * the guest's enable, activation and routing no longer reach it). */
void virq_set_hw(struct vm *vm, u32 intid, bool hw);
/* Make intid pending for vCPU vcpu (private interrupts) or its target (shared). For
 * hw, the physical interrupt has been priority-dropped. */
void virq_inject(struct vm *vm, u32 intid, u32 vcpu);
struct vcpu;
/* virq_inject() of private interrupt intid (< 32) for v, the vCPU loaded on this pCPU
 * (e.g. its virtual timer): the same delivery, without looking the vCPU up. */
void virq_inject_loaded(struct vcpu *v, u32 intid);
/* An emulated level-sensitive line went high or low. */
void virq_set_level(struct vm *vm, u32 intid, bool level);
/* WFI of the vCPU loaded here: it waits until one of its interrupts would be
 * signalled (race-free against virq_inject on other pCPUs). */
void virq_wait(struct vcpu *v);

#endif
