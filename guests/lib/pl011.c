/*
 * PL011 UART: polled transmit, interrupt-driven receive.
 */
#include "guest/mmio.h"
#include "guest/pl011.h"

#define UART_DR 0x00
#define UART_FR 0x18
#define UART_IBRD 0x24
#define UART_FBRD 0x28
#define UART_LCR_H 0x2c
#define UART_CR 0x30
#define UART_IFLS 0x34
#define UART_IMSC 0x38
#define UART_ICR 0x44

#define FR_BUSY (1U << 3)
#define FR_RXFE (1U << 4)
#define FR_TXFF (1U << 5)
#define INT_RX (1U << 4)
#define INT_RT (1U << 6)
#define INT_ALL 0x7ffU
#define LCR_H_FEN (1U << 4)
#define LCR_H_WLEN8 (3U << 5)
#define CR_UARTEN (1U << 0)
#define CR_TXE (1U << 8)
#define CR_RXE (1U << 9)

/* Bound on waiting for the transmitter (a broken UART must not hang us). */
#define UART_SPINS 1000000U

static uint32_t uart_read(uintptr_t reg)
{
	return mmio_read32(PL011_BASE + reg);
}

static void uart_write(uintptr_t reg, uint32_t v)
{
	mmio_write32(PL011_BASE + reg, v);
}

void pl011_putc(char c)
{
	for (unsigned i = 0; i < UART_SPINS && (uart_read(UART_FR) & FR_TXFF); i++)
		;
	uart_write(UART_DR, (uint8_t)c);
}

int pl011_getc(void)
{
	if (uart_read(UART_FR) & FR_RXFE)
		return -1;
	return (int)(uart_read(UART_DR) & 0xffU);
}

void pl011_rx_irq_enable(void)
{
	uart_write(UART_ICR, INT_RX | INT_RT);
	uart_write(UART_IMSC, uart_read(UART_IMSC) | INT_RX | INT_RT);
}

void pl011_rx_irq_ack(void)
{
	uart_write(UART_ICR, INT_RX | INT_RT);
}

/* 24 MHz / (16 * 115200) = 13.0208: IBRD 13, FBRD round(0.0208 * 64) = 1. */
void pl011_init(void)
{
	uart_write(UART_CR, 0);
	for (unsigned i = 0; i < UART_SPINS && (uart_read(UART_FR) & FR_BUSY); i++)
		;
	uart_write(UART_IMSC, 0);
	uart_write(UART_ICR, INT_ALL);
	uart_write(UART_IBRD, 13);
	uart_write(UART_FBRD, 1);
	uart_write(UART_LCR_H, LCR_H_WLEN8 | LCR_H_FEN);
	uart_write(UART_IFLS, 0);
	uart_write(UART_CR, CR_UARTEN | CR_TXE | CR_RXE);
}
