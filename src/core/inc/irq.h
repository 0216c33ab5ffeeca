/* Physical interrupt handling at EL2: acknowledge, route to the owner, inject. */
#ifndef RTV_IRQ_H
#define RTV_IRQ_H

#include <types.h>

struct vm;

void irq_init(void);              /* boot CPU: distributor + hypervisor SPIs */
void irq_cpu_init(void);          /* every CPU: its private hypervisor interrupts */
void irq_handle_pending(bool guest_exit); /* drain the CPU interface until spurious */
int irq_assign(u32 intid, struct vm *vm, u32 pcpu); /* passthrough SPI owner */
void irq_release_vm(struct vm *vm);

#endif
