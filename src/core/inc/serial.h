/*
 * The hypervisor's own console UART. Provided by the platform's serial driver
 * (src/drivers; QEMU virt: pl011.c), chosen by the platform, used by the console.
 */
#ifndef RTV_SERIAL_H
#define RTV_SERIAL_H

#include <types.h>

void serial_init(u64 base);
void serial_putc(char c);        /* waits while the TX FIFO is full */
int serial_getc(void);           /* -1 if nothing was received */
void serial_enable_rx_irq(void);
void serial_ack_irq(void);

#endif
