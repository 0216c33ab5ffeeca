/*
 * 16550 UART (National Semiconductor PC16550D data sheet; QEMU's serial.c): FIFOs on,
 * receive-data interrupt at 8 bytes (or the character timeout), polled transmit.
 * Registers are bytes at consecutive addresses.
 */
#include "guest/mmio.h"
#include "collector.h"

#define UART_RBR 0u  /* read: receive buffer */
#define UART_THR 0u  /* write: transmit holding */
#define UART_IER 1u
#define UART_IIR 2u  /* read */
#define UART_FCR 2u  /* write */
#define UART_LCR 3u
#define UART_MCR 4u
#define UART_LSR 5u

#define IER_RDI 0x01u      /* received data available (and the FIFO timeout) */
#define FCR_ENABLE 0x01u
#define FCR_CLEAR 0x06u    /* both FIFOs */
#define FCR_TRIG_8 0x80u   /* receive interrupt at 8 bytes */
#define LCR_8N1 0x03u
#define MCR_DTR_RTS_OUT2 0x0bu
#define LSR_DR 0x01u
#define LSR_OE 0x02u
#define LSR_THRE 0x20u     /* transmit FIFO empty */
#define IIR_ID_MASK 0x0fu
#define IIR_RDA 0x04u      /* received data available: the FIFO holds the trigger level */
#define RX_TRIGGER 8u      /* FCR_TRIG_8 */
#define UART_FIFO 16u

static uint8_t rd(uintptr_t base, unsigned reg)
{
	return mmio_read8(base + reg);
}

static void wr(uintptr_t base, unsigned reg, uint8_t v)
{
	mmio_write8(base + reg, v);
}

void uart_init(uintptr_t base)
{
	wr(base, UART_IER, 0);
	wr(base, UART_LCR, LCR_8N1);
	wr(base, UART_FCR, FCR_ENABLE | FCR_CLEAR | FCR_TRIG_8);
	wr(base, UART_MCR, MCR_DTR_RTS_OUT2);
	while (rd(base, UART_LSR) & LSR_DR) /* what a previous life left */
		(void)rd(base, UART_RBR);
	(void)rd(base, UART_IIR);
	wr(base, UART_IER, IER_RDI);
}

/*
 * While IIR says "received data available" the FIFO holds at least the trigger level
 * (PC16550D: the RDA interrupt is raised while the FIFO is at or above it; QEMU's
 * serial.c shows it in IIR the same way while IER.RDI is set): those bytes are read
 * without asking LSR for each. Every register access costs an emulated I/O access
 * (and on hardware a PCIe read), so this halves them at high rates: one IIR read and
 * RX_TRIGGER RBR reads per RX_TRIGGER bytes instead of an LSR and an RBR read per byte.
 * The rest (below the trigger level) is read byte by byte behind LSR.DR, which also
 * collects the sticky overrun bit.
 */
static uint32_t rx_bulk(uintptr_t base, uint8_t *buf, uint32_t room)
{
	uint32_t n = 0;

	while (n + RX_TRIGGER <= room && (rd(base, UART_IIR) & IIR_ID_MASK) == IIR_RDA)
		for (uint32_t k = 0; k < RX_TRIGGER; k++)
			buf[n++] = rd(base, UART_RBR);
	return n;
}

static uint32_t rx_rest(struct col_line *l, uint8_t *buf, uint32_t room)
{
	uint32_t n = 0;
	uint8_t lsr;

	while (n < room && ((lsr = rd(l->uart, UART_LSR)) & LSR_DR)) {
		l->uart_oe += (lsr & LSR_OE) != 0;
		buf[n++] = rd(l->uart, UART_RBR);
	}
	return n;
}

uint32_t uart_rx(struct col_line *l, uint64_t now_us)
{
	uint8_t buf[64];
	uint32_t total = 0, n;

	do {
		n = rx_bulk(l->uart, buf, sizeof(buf));
		n += rx_rest(l, buf + n, (uint32_t)sizeof(buf) - n);
		if (n)
			(void)shm_ring_write(&l->rx, buf, n, now_us); /* a full ring counts the rest */
		total += n;
	} while (n == sizeof(buf));
	l->rx_bytes += total;
	return total;
}

uint32_t uart_tx(struct col_line *l)
{
	uint8_t buf[UART_FIFO];
	uint32_t n;

	if (!l->tx_ok || !shm_ring_available(&l->tx) || !(rd(l->uart, UART_LSR) & LSR_THRE))
		return 0;
	n = shm_ring_read(&l->tx, buf, UART_FIFO);
	for (uint32_t i = 0; i < n; i++)
		wr(l->uart, UART_THR, buf[i]);
	l->tx_bytes += n;
	return n;
}
