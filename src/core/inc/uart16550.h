/*
 * A 16550-compatible UART the hypervisor owns besides its console: a GDB stub's line
 * (gdb_stub.c through uart_line.h; on QEMU a `pci-serial` behind an I/O BAR). Polled,
 * never interrupt-driven: only the housekeeping pCPU's run loop touches it. Driver:
 * src/drivers/uart16550.c. base is the CPU address of register 0; register n is at
 * base + (n << shift): shift 0 is byte registers (byte accesses), shift 2 the 4-byte
 * stride of most SoC 16550s (32-bit accesses, Linux's reg-shift 2 / reg-io-width 4).
 */
#ifndef RTV_UART16550_H
#define RTV_UART16550_H

#include <types.h>

void uart16550_init(u64 base, u32 shift);        /* 8N1, FIFOs on and cleared, no IRQs */
int uart16550_getc(u64 base, u32 shift);         /* a received byte, or -1 if none */
bool uart16550_putc(u64 base, u32 shift, u8 c);  /* false: transmitter full, try later */
bool uart16550_probe(u64 base, u32 shift);       /* does a 16550 answer there? */

#endif
