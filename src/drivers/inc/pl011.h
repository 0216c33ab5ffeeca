/* PL011 UART registers (ARM DDI 0183): the console driver and the emulated vPL011. */
#ifndef RTV_PL011_H
#define RTV_PL011_H

#include <types.h>

#define PL011_DR 0x000
#define PL011_RSR 0x004
#define PL011_FR 0x018
#define PL011_IBRD 0x024
#define PL011_FBRD 0x028
#define PL011_LCR_H 0x02c
#define PL011_CR 0x030
#define PL011_IFLS 0x034
#define PL011_IMSC 0x038
#define PL011_RIS 0x03c
#define PL011_MIS 0x040
#define PL011_ICR 0x044
#define PL011_DMACR 0x048

#define PL011_FR_RXFE (1u << 4)
#define PL011_FR_TXFF (1u << 5)
#define PL011_FR_TXFE (1u << 7)
#define PL011_INT_RX (1u << 4)
#define PL011_INT_TX (1u << 5)
#define PL011_INT_RT (1u << 6)

/* The driver's functions are the serial.h interface (pl011.c). */

#endif
