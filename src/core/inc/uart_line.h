/*
 * A serial line the hypervisor owns besides its console (a GDB stub's, gdb_stub.c): a
 * 16550 (a PCI serial function or a board's memory-mapped one) or a second PL011.
 * Polled from the housekeeping pCPU only. Driver: src/drivers/uart_line.c.
 */
#ifndef RTV_UART_LINE_H
#define RTV_UART_LINE_H

#include <types.h>

enum uart_line_type { UART_LINE_NS16550, UART_LINE_PL011 };

struct uart_line {
	u64 base;    /* CPU address of the registers, mapped device memory */
	u32 type;    /* enum uart_line_type */
	u32 shift;   /* 16550 register stride: 1 << shift bytes (uart16550.h) */
};

/* 0, or ERR_NOENT if no UART of that type answers at base (then nothing was set up). */
int uart_line_init(const struct uart_line *l);
int uart_line_getc(const struct uart_line *l);          /* a byte, or -1 if none */
bool uart_line_putc(const struct uart_line *l, u8 c);   /* false: full, try later */

#endif
