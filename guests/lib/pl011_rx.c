/*
 * Received bytes by interrupt (guest/pl011.h): acknowledge, then drain the FIFO.
 */
#include "guest/gic.h"
#include "guest/irq.h"
#include "guest/pl011.h"

static void (*rx_fn)(uint8_t c);

static void pl011_rx_irq(uint32_t intid, void *arg)
{
	int c;

	(void)intid;
	(void)arg;
	pl011_rx_irq_ack();
	while ((c = pl011_getc()) >= 0)
		rx_fn((uint8_t)c);
}

void pl011_rx_listen(void (*fn)(uint8_t c))
{
	rx_fn = fn;
	irq_register(PL011_INTID, pl011_rx_irq, 0);
	pl011_rx_irq_enable();
	gic_irq_enable(PL011_INTID, GIC_PRIO_DEFAULT);
}
