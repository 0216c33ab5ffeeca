/*
 * Polled 16550 UART (uart16550.h). Registers (PC16550D data sheet):
 * 0 RBR/THR (DLL with LCR.DLAB), 1 IER (DLM), 2 IIR/FCR, 3 LCR, 4 MCR, 5 LSR, 7 SCR.
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
#define SCR 7
#define LSR_DR 0x01   /* data ready */
#define LSR_THRE 0x20 /* transmit holding register empty */

static u8 rd(u64 base, u32 shift, u32 n)
{
	uintptr_t a = (uintptr_t)(base + ((u64)n << shift));

	return shift == 2 ? (u8)*(volatile u32 *)a : *(volatile u8 *)a;
}

static void wr(u64 base, u32 shift, u32 n, u8 v)
{
	uintptr_t a = (uintptr_t)(base + ((u64)n << shift));

	if (shift == 2)
		*(volatile u32 *)a = v;
	else
		*(volatile u8 *)a = v;
}

void uart16550_init(u64 base, u32 shift)
{
	wr(base, shift, IER, 0);
	wr(base, shift, LCR, 0x03);    /* 8 bits, no parity, 1 stop bit, DLAB off */
	wr(base, shift, FCR, 0x07);    /* FIFOs on, both cleared */
	wr(base, shift, MCR, 0x03);    /* DTR, RTS; OUT2 off: no interrupt reaches the line */
	while (rd(base, shift, LSR) & LSR_DR)
		(void)rd(base, shift, RBR); /* whatever arrived before: not a packet of ours */
}

int uart16550_getc(u64 base, u32 shift)
{
	return (rd(base, shift, LSR) & LSR_DR) ? rd(base, shift, RBR) : -1;
}

bool uart16550_putc(u64 base, u32 shift, u8 c)
{
	if (!(rd(base, shift, LSR) & LSR_THRE))
		return false;
	wr(base, shift, THR, c);
	return true;
}

/* The scratch register keeps what is written (an empty bus or window reads back all
 * ones or zeros): two patterns, then the old value back. */
bool uart16550_probe(u64 base, u32 shift)
{
	u8 old = rd(base, shift, SCR);
	bool ok;

	wr(base, shift, SCR, 0x5a);
	ok = rd(base, shift, SCR) == 0x5a;
	wr(base, shift, SCR, 0xa5);
	ok = ok && rd(base, shift, SCR) == 0xa5;
	wr(base, shift, SCR, old);
	return ok;
}
