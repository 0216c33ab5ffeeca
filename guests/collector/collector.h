/*
 * collector: the serial-collector RT VM of issue 12 (docs/ttu.md). It owns QEMU
 * pci-serial-4x cards (four 16550 UARTs each, one I/O BAR, INTx) through PCI
 * passthrough and moves bytes both ways between each UART and its pair of channels in
 * the shared region "ttyrtv" (docs/shmem.md): channel 2i is line i's receive ring (the
 * collector produces, Linux's rtv_tty consumes), channel 2i+1 its transmit ring (Linux
 * produces, the collector consumes).
 */
#ifndef COLLECTOR_H
#define COLLECTOR_H

#include <stdbool.h>
#include <stdint.h>

#include "guest/shm_ring.h"

#define COL_MAX_CARDS 8u
#define COL_PORTS_PER_CARD 4u
#define COL_MAX_LINES (COL_MAX_CARDS * COL_PORTS_PER_CARD)

/* The region's layout, as rtv_tty derives it (guests/linux-modules/rtv_tty): 2 * 32
 * channels of stride size / 64; a ring is the largest power of two that fits. */
#define COL_REGION 0u              /* region id of "ttyrtv" (first in /shmem) */
#define COL_REGION_IPA 0x50000000UL
#define COL_REGION_SIZE 0x100000u
#define COL_STRIDE (COL_REGION_SIZE / (2u * COL_MAX_LINES))
#define COL_RING 8192u
#define COL_THRESHOLD 1024u        /* ring Linux when a line has this much unread */
#define COL_TIMEOUT_US 5000u       /* ... or when unread data waited this long */
#define COL_TICK_HZ 2000u          /* FIFO polling, transmit rings, timeouts */

struct col_line {
	uintptr_t uart;            /* the 16550's registers (MMIO, the PCI I/O window) */
	struct shm_ring rx, tx;
	bool tx_ok;                /* Linux created the transmit ring */
	uint32_t rx_bytes, tx_bytes, uart_oe;
};

struct col_card {
	unsigned bdf, intid;
	uintptr_t io;              /* BAR0's 32 ports in the CPU's address space */
};

extern struct col_line col_lines[COL_MAX_LINES];
extern unsigned col_nlines;
extern uint32_t col_doorbells, col_doorbells_down;

/* uart.c */
void uart_init(uintptr_t base);
/* Move what the UART has received into the line's receive ring; bytes moved. */
uint32_t uart_rx(struct col_line *l, uint64_t now_us);
/* Fill the UART's transmit FIFO from the line's transmit ring; bytes moved. */
uint32_t uart_tx(struct col_line *l);

/* cards.c */
/* Find and enable the pci-serial-4x cards; the lines they give, in bus order. */
unsigned cards_probe(struct col_card *cards, unsigned max);

#endif
