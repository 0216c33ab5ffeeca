/*
 * PL011 UART at 0x09000000 (SPI 1 = INTID 33): polled TX, interrupt RX.
 * -DGUEST_XEN_DOMU: Xen's vpl011 of a dom0less domU (`vpl011` in its node) at
 * 0x22000000, INTID 32 (GUEST_PL011_BASE, GUEST_VPL011_SPI of Xen's public arch-arm.h).
 * It is an SBSA UART: DR, RSR, FR, RIS, MIS, IMSC, ICR only (pl011_init's other
 * registers would be refused with a data abort).
 */
#ifndef GUEST_PL011_H
#define GUEST_PL011_H

#include <stdint.h>

#ifdef GUEST_XEN_DOMU
#define PL011_BASE 0x22000000UL
#define PL011_INTID 32
#else
#define PL011_BASE 0x09000000UL
#define PL011_INTID 33
#endif

/* Full (re)initialisation: 115200 8N1 (24 MHz clock), FIFOs, no interrupts. */
void pl011_init(void);
void pl011_putc(char c);
/* Next received byte, or -1 if the RX FIFO is empty. */
int pl011_getc(void);
/* Enable the RX and RX-timeout interrupts at the UART. */
void pl011_rx_irq_enable(void);
/* Clear RX/RX-timeout interrupts (call before draining with pl011_getc). */
void pl011_rx_irq_ack(void);
/* Calling CPU: take the RX interrupt and hand every received byte to fn (in the
 * interrupt handler). */
void pl011_rx_listen(void (*fn)(uint8_t c));

#endif
