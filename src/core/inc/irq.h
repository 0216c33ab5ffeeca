/*
 * Physical interrupts at EL2. Whoever owns an interrupt registers its handler
 * (irq_register): the hypervisor's own (console UART, scheduler tick, vGIC
 * maintenance) and guest-owned ones (the virtual timer, passthrough SPIs), so the
 * dispatcher names none of them. Unregistered interrupts (the kick IPI) are just
 * completed: their work is done by the loop they woke.
 */
#ifndef RTV_IRQ_H
#define RTV_IRQ_H

#include <stats.h>
#include <types.h>

#define IRQ_NR 1020        /* INTIDs 0..1019; larger values from arch_irq_ack() mean none */
#define IRQ_NR_PRIVATE 32  /* per-pCPU interrupts (SGIs, PPIs) */
/* 1020..1023: the special INTIDs, 1023 "nothing pending" (GIC IHI 0069 2.2.1); message-
 * signalled interrupts (arch_irq_msi) are numbered above them */
#define IRQ_SPECIAL_END 1024

enum irq_kind {
	IRQ_HYP,      /* the hypervisor's own: handled, then completed here; counted */
	IRQ_HYP_TICK, /* the hypervisor's own timer: like IRQ_HYP, counted by its handler */
	IRQ_GUEST,    /* forwarded: priority-dropped here; the handler injects it HW-mapped
		       * (the guest's EOI deactivates it) or deactivates it itself */
};

enum irq_prio { IRQ_PRIO_HYP, IRQ_PRIO_GUEST };

typedef void (*irq_fn)(u32 intid, void *data);

struct vm;

void irq_init(void);              /* boot CPU: the distributor */
int irq_cpu_init(void);           /* every CPU: its interface and registered private irqs */
void irq_handle_pending(bool guest_exit); /* drain the CPU interface until spurious */
void irq_handle_first(void);   /* only the first pending: a wait's wake-up (irq.c) */
void irq_handle_group0(bool guest_exit); /* the same for Group 0 (an exit-less pCPU's own, FIQs) */
/*
 * Own intid from now on: fn runs for it on the pCPU it is routed to. A private
 * interrupt (< 32) is set up on every pCPU by irq_cpu_init(), so register those
 * before the secondaries start; enable: unmask it there (else its owner does).
 * 0, ERR_RANGE (no such intid) or ERR_BUSY (someone else's).
 */
int irq_register(u32 intid, enum irq_kind kind, irq_fn fn, void *data, bool enable);
void irq_unregister(u32 intid);
void *irq_data(u32 intid);        /* what the owner registered, or NULL */
/* A registered interrupt's handler gets data from now on (a line that changes VMs). */
void irq_set_data(u32 intid, void *data);
void irq_count(enum stat_cause c); /* a guest delivery or tick, in this pCPU's statistics */

/*
 * Provided by the architecture's interrupt controller driver (arm64: gic/gicv3.c):
 */
int arch_irq_init(void);
int arch_irq_cpu_init(void);      /* this pCPU's interface; its kick IPI enabled */
u32 arch_irq_ack(void);           /* highest pending intid, >= IRQ_NR if none */
u32 arch_irq_ack0(void);          /* the same for Group 0 */
void arch_irq_eoi0(u32 intid);    /* priority drop of a Group 0 interrupt */
/* intid (>= IRQ_NR) is a message-signalled interrupt: completed and handed to the VM its
 * device belongs to; false: it was none (spurious). */
bool arch_irq_msi(u32 intid);
void arch_irq_eoi(u32 intid);     /* priority drop */
void arch_irq_deactivate(u32 intid);
void arch_irq_enable(u32 intid, bool on);
void arch_irq_set_active(u32 intid, bool active);
bool arch_irq_is_active(u32 intid);
void arch_irq_set_priority(u32 intid, enum irq_prio prio);
void arch_irq_route(u32 intid, u32 pcpu);  /* a shared interrupt to one pCPU */
void arch_irq_send_ipi(u32 pcpu);          /* wake pcpu: it re-reads its state (cpu_kick) */

#endif
