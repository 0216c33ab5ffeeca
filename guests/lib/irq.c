/*
 * IRQ handler table and the acknowledge / handle / EOI loop.
 */
#include "guest/console.h"
#include "guest/gic.h"
#include "guest/irq.h"

struct irq_slot {
	irq_handler_t handler;
	void *arg;
};

static struct irq_slot irq_table[IRQ_MAX_INTID];
static struct irq_slot lpi_slot;   /* one handler for every LPI */
static volatile unsigned irq_unhandled;

int irq_register(uint32_t intid, irq_handler_t handler, void *arg)
{
	if (intid == IRQ_ANY_LPI) {
		lpi_slot.arg = arg;
		lpi_slot.handler = handler;
		return 0;
	}
	if (intid >= IRQ_MAX_INTID)
		return -1;
	irq_table[intid].arg = arg;
	irq_table[intid].handler = handler;
	return 0;
}

unsigned irq_unhandled_count(void)
{
	return irq_unhandled;
}

static void irq_handle(uint32_t intid)
{
	if (intid >= IRQ_LPI_BASE) { /* an LPI has no enable here: its property byte has */
		if (lpi_slot.handler)
			lpi_slot.handler(intid, lpi_slot.arg);
		else
			irq_unhandled++;
		return;
	}
	if (intid < IRQ_MAX_INTID && irq_table[intid].handler) {
		irq_table[intid].handler(intid, irq_table[intid].arg);
		return;
	}
	/* Nobody wants it: disable so a level interrupt cannot storm. */
	gic_irq_disable(intid);
	irq_unhandled++;
	printf("irq: unhandled intid %u disabled\n", intid);
}

void irq_dispatch(void)
{
	for (;;) {
		uint32_t iar = gic_ack();
		uint32_t intid = iar & 0xffffffU;

		if (intid >= 1020 && intid < IRQ_LPI_BASE)
			break;
		irq_handle(intid);
		gic_eoi(iar);
	}
}
