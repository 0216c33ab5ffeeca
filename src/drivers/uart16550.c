/*
 * Polled 16550 UART (uart16550.h). Registers (one byte each, PC16550D data sheet):
 * 0 RBR/THR (DLL with LCR.DLAB), 1 IER (DLM), 2 IIR/FCR, 3 LCR, 4 MCR, 5 LSR.
 * The divisor is left as reset (a QEMU chardev ignores it; a board's line is set by its
 * firmware).
 */
#include <uart16550.h>

#define RBR 0
#define THR 0
#define IER 1
#define FCR 2
#define LCR 3
#define MCR 4
#define LSR 5
#define LSR_DR 0x01   /* data ready */
#define LSR_THRE 0x20 /* transmit holding register empty */

static volatile u8 *reg(u64 base, u32 off)
{
	return (volatile u8 *)(uintptr_t)(base + off);
}

void uart16550_init(u64 base)
{
	*reg(base, IER) = 0;
	*reg(base, LCR) = 0x03;       /* 8 bits, no parity, 1 stop bit, DLAB off */
	*reg(base, FCR) = 0x07;       /* FIFOs on, both cleared */
	*reg(base, MCR) = 0x03;       /* DTR, RTS; OUT2 off: no interrupt reaches the line */
	while (*reg(base, LSR) & LSR_DR)
		(void)*reg(base, RBR); /* whatever arrived before: not a packet of ours */
}

int uart16550_getc(u64 base)
{
	return (*reg(base, LSR) & LSR_DR) ? *reg(base, RBR) : -1;
}

bool uart16550_putc(u64 base, u8 c)
{
	if (!(*reg(base, LSR) & LSR_THRE))
		return false;
	*reg(base, THR) = c;
	return true;
}
