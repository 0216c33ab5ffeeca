/* Polled TX, interrupt-driven RX PL011 driver for the hypervisor console (serial.h). */
#include <pl011.h>
#include <serial.h>

static volatile u8 *uart = (volatile u8 *)0x09000000; /* early default: QEMU virt */

static inline u32 rd(u32 off)
{
	return *(volatile u32 *)(uart + off);
}

static inline void wr(u32 off, u32 v)
{
	*(volatile u32 *)(uart + off) = v;
}

void serial_init(u64 base)
{
	uart = (volatile u8 *)(uintptr_t)base;
	wr(PL011_IMSC, 0);
	wr(PL011_ICR, 0x7ff);
	/* 8N1 with FIFOs; enable UART, TX and RX. Baud rate left as firmware set it. */
	wr(PL011_LCR_H, (3u << 5) | BIT(4));
	wr(PL011_CR, BIT(0) | BIT(8) | BIT(9));
}

void serial_putc(char c)
{
	while (rd(PL011_FR) & PL011_FR_TXFF)
		;
	wr(PL011_DR, (u8)c);
}

int serial_getc(void)
{
	if (rd(PL011_FR) & PL011_FR_RXFE)
		return -1;
	return (int)(rd(PL011_DR) & 0xff);
}

void serial_enable_rx_irq(void)
{
	wr(PL011_IFLS, 0);
	wr(PL011_IMSC, PL011_INT_RX | PL011_INT_RT);
}

void serial_ack_irq(void)
{
	wr(PL011_ICR, PL011_INT_RX | PL011_INT_RT);
}
