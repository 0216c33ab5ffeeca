/*
 * The hypervisor's second serial line (uart_line.h): a 16550 (uart16550.c) or a polled
 * PL011 (ARM DDI 0183: DR 0x000, FR 0x018, LCR_H 0x02c, CR 0x030, IMSC 0x038, ICR 0x044,
 * PrimeCell ID 0xff0..0xffc = 0x0d 0xf0 0x05 0xb1). Baud rates are left as the firmware
 * set them.
 */
#include <err.h>
#include <pl011.h>
#include <uart16550.h>
#include <uart_line.h>

#define PL011_PCELLID0 0xff0

static u32 pl_rd(u64 base, u32 off)
{
	return *(volatile u32 *)(uintptr_t)(base + off);
}

static void pl_wr(u64 base, u32 off, u32 v)
{
	*(volatile u32 *)(uintptr_t)(base + off) = v;
}

/* The PrimeCell identification every PL011 carries (DDI 0183, 3.3.14). */
static bool pl_probe(u64 base)
{
	static const u8 id[4] = { 0x0d, 0xf0, 0x05, 0xb1 };

	for (u32 i = 0; i < 4; i++)
		if ((pl_rd(base, PL011_PCELLID0 + 4 * i) & 0xff) != id[i])
			return false;
	return true;
}

static void pl_init(u64 base)
{
	pl_wr(base, PL011_IMSC, 0);     /* polled: no interrupt */
	pl_wr(base, PL011_ICR, 0x7ff);
	pl_wr(base, PL011_LCR_H, (3u << 5) | BIT(4)); /* 8N1, FIFOs on */
	pl_wr(base, PL011_CR, BIT(0) | BIT(8) | BIT(9)); /* UART, TX, RX enabled */
	while (!(pl_rd(base, PL011_FR) & PL011_FR_RXFE))
		(void)pl_rd(base, PL011_DR); /* what arrived before: not a packet of ours */
}

int uart_line_init(const struct uart_line *l)
{
	if (l->type == UART_LINE_PL011) {
		if (!pl_probe(l->base))
			return ERR_NOENT;
		pl_init(l->base);
		return 0;
	}
	if (!uart16550_probe(l->base, l->shift))
		return ERR_NOENT;
	uart16550_init(l->base, l->shift);
	return 0;
}

int uart_line_getc(const struct uart_line *l)
{
	if (l->type != UART_LINE_PL011)
		return uart16550_getc(l->base, l->shift);
	if (pl_rd(l->base, PL011_FR) & PL011_FR_RXFE)
		return -1;
	return (int)(pl_rd(l->base, PL011_DR) & 0xff);
}

bool uart_line_putc(const struct uart_line *l, u8 c)
{
	if (l->type != UART_LINE_PL011)
		return uart16550_putc(l->base, l->shift, c);
	if (pl_rd(l->base, PL011_FR) & PL011_FR_TXFF)
		return false;
	pl_wr(l->base, PL011_DR, c);
	return true;
}
