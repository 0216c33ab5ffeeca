/*
 * Hardware-backed interrupt passthrough (core/passthrough.c), shared by the units
 * that give a VM a physical line: `device` nodes and PCI INTx (src/vdev/vpci.c).
 */
#ifndef RTV_PASSTHROUGH_H
#define RTV_PASSTHROUGH_H

#include <types.h>

struct vm;

/* vm owns the SPI intid from now on: routed to its vCPU 0's pCPU, priority-dropped at
 * EL2, injected HW-mapped (the guest's EOI deactivates it); the guest enables it in its
 * vGIC. 0, ERR_RANGE, ERR_FULL (the VM's vGIC table) or ERR_BUSY (someone else's). */
int passthrough_claim_irq(struct vm *vm, u32 intid);
/* The VM stopped: its line stays disabled and inactive until it starts again. */
void passthrough_quiet_irq(struct vm *vm, u32 intid);
/* A line that moves with a PCI function between a failover group's VMs (vdev/vpci.c):
 * the VM that does not own it at boot has it assigned in its vGIC, not backed by the
 * physical one (reserve, at creation); the fence takes it from its owner (quiet, not
 * backed, nobody's), the promotion gives it to the other (backed, routed, the guest's
 * enable mirrored). */
int passthrough_reserve_irq(struct vm *vm, u32 intid);
void passthrough_release_irq(struct vm *vm, u32 intid);
void passthrough_take_irq(struct vm *vm, u32 intid);

#endif
