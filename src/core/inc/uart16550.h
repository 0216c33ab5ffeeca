/*
 * A 16550-compatible UART the hypervisor owns besides its console: the GDB stub's
 * line (gdb_stub.c; on QEMU a `pci-serial` behind an I/O BAR). Polled, never
 * interrupt-driven: only the housekeeping pCPU's run loop touches it. Driver:
 * src/drivers/uart16550.c. base is the CPU address of register 0 (byte registers).
 */
#ifndef RTV_UART16550_H
#define RTV_UART16550_H

#include <types.h>

void uart16550_init(u64 base);        /* 8N1, FIFOs on and cleared, interrupts off */
int uart16550_getc(u64 base);         /* a received byte, or -1 if none */
bool uart16550_putc(u64 base, u8 c);  /* false: the transmitter is full, try later */

#endif
