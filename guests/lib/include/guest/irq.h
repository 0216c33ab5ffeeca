/*
 * IRQ handler table, indexed by GIC INTID. The vector acknowledges through
 * ICC_IAR1_EL1, calls the handler, then EOIs (ICC_EOIR1_EL1, EOImode 0).
 * Handlers run with IRQs masked on the interrupted CPU.
 */
#ifndef GUEST_IRQ_H
#define GUEST_IRQ_H

#include <stdint.h>

#define IRQ_MAX_INTID 256
#define IRQ_LPI_BASE 8192U
#define IRQ_ANY_LPI IRQ_LPI_BASE   /* irq_register(): the handler of every LPI */

typedef void (*irq_handler_t)(uint32_t intid, void *arg);

/* Returns 0, or -1 if intid >= IRQ_MAX_INTID. */
int irq_register(uint32_t intid, irq_handler_t handler, void *arg);

/* Called from the IRQ vector: handle everything pending. */
void irq_dispatch(void);

/* Interrupts that arrived without a handler (each is then disabled). */
unsigned irq_unhandled_count(void);

#endif
