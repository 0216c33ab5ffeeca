/*
 * collector (collector.h, docs/ttu.md): finds its pci-serial-4x cards, attaches one
 * receive and one transmit channel per UART, then services every line on each wake-up:
 * the cards' INTx interrupts (receive FIFO at its trigger level or timed out) and a
 * 2 kHz tick (FIFO polling, the transmit rings, the doorbell timeouts). Receive rings
 * are produced here: when one passes its threshold, or unread data waited too long,
 * and Linux has armed it, the collector rings Linux's doorbell (one HVC per pass, for
 * all lines). A full receive ring drops the new bytes and counts them in the ring's
 * overrun (Linux shows it). Transmit rings are polled: the collector never arms them,
 * so Linux never rings it. Every 2 s with traffic it prints its totals.
 */
#include "guest/console.h"
#include "guest/cpu.h"
#include "guest/gic.h"
#include "guest/irq.h"
#include "guest/mmu.h"
#include "guest/shm.h"
#include "guest/timer.h"
#include "collector.h"

#define LINUX_VM 0u          /* configs/ttu.dts: Linux is the first VM */
#define REPORT_US 2000000u

struct col_line col_lines[COL_MAX_LINES];
unsigned col_nlines;
uint32_t col_doorbells, col_doorbells_down;

static struct col_card cards[COL_MAX_CARDS];
static unsigned ncards;
static uint32_t intx_irqs;

static uint64_t now_us(void)
{
	return timer_ticks_to_ns(timer_now()) / 1000u;
}

static void *channel(unsigned c)
{
	return (void *)(COL_REGION_IPA + (uintptr_t)c * COL_STRIDE);
}

/* Receive rings: ours (created on zeroed memory, taken over after a restart). */
static int lines_attach(void)
{
	for (unsigned i = 0; i < col_nlines; i++)
		if (shm_ring_producer_attach(&col_lines[i].rx, channel(2 * i), COL_STRIDE, COL_RING,
					     COL_THRESHOLD, COL_TIMEOUT_US))
			return -1;
	return 0;
}

static void line_service(struct col_line *l, uint64_t t)
{
	if (!l->tx_ok)
		l->tx_ok = !shm_ring_consumer_attach(&l->tx, channel(2u * (unsigned)(l - col_lines) + 1u),
						     COL_STRIDE);
	(void)uart_rx(l, t);
	(void)uart_tx(l);
}

/* Ring Linux once if any receive ring asks for it. */
static void doorbells(uint64_t t)
{
	bool want = false;
	int64_t s;

	for (unsigned i = 0; i < col_nlines; i++)
		want |= shm_ring_want_doorbell(&col_lines[i].rx, t);
	if (!want)
		return;
	s = shm_doorbell(COL_REGION, LINUX_VM);
	col_doorbells += s == SHM_DOORBELL_OK;
	col_doorbells_down += s == SHM_DOORBELL_PEER_DOWN;
}

/* A card's INTx (level): drain its UARTs so the line drops before the EOI. */
static void on_intx(uint32_t intid, void *arg)
{
	uint64_t t = now_us();

	(void)arg;
	intx_irqs++;
	for (unsigned c = 0; c < ncards; c++)
		if (cards[c].intid == intid)
			for (unsigned p = 0; p < COL_PORTS_PER_CARD; p++)
				line_service(&col_lines[c * COL_PORTS_PER_CARD + p], t);
}

static void on_tick(void)
{
}

static void report(void)
{
	uint32_t rx = 0, tx = 0, ovr = 0, oe = 0;

	for (unsigned i = 0; i < col_nlines; i++) {
		rx += col_lines[i].rx_bytes;
		tx += col_lines[i].tx_bytes;
		ovr += shm_ring_overrun(&col_lines[i].rx);
		oe += col_lines[i].uart_oe;
	}
	printf("collector: rx=%u tx=%u rx_overrun=%u uart_oe=%u doorbells=%u down=%u intx=%u\n",
	       rx, tx, ovr, oe, col_doorbells, col_doorbells_down, intx_irqs);
}

static void setup_irqs(void)
{
	timer_tick_start(COL_TICK_HZ, on_tick); /* first: it initialises the distributor */
	for (unsigned c = 0; c < ncards; c++) {
		if (!cards[c].intid)
			continue;
		irq_register(cards[c].intid, on_intx, 0);
		gic_irq_enable(cards[c].intid, GIC_PRIO_DEFAULT);
	}
}

static __attribute__((noreturn)) void run(void)
{
	uint64_t next_report = now_us() + REPORT_US;
	uint32_t last = 0;

	for (;;) {
		uint64_t t;
		uint32_t moved = 0;

		irq_mask(); /* the INTx handler services the same lines */
		t = now_us();
		for (unsigned i = 0; i < col_nlines; i++)
			line_service(&col_lines[i], t);
		doorbells(t);
		for (unsigned i = 0; i < col_nlines; i++)
			moved += col_lines[i].rx_bytes + col_lines[i].tx_bytes;
		if (t >= next_report) {
			if (moved != last)
				report();
			last = moved;
			next_report = t + REPORT_US;
		}
		cpu_wfi();   /* a pending IRQ wakes it, masked or not */
		irq_unmask(); /* ... and is taken here */
	}
}

int main(void)
{
	/* first: the rings are shared with Linux's write-back mapping (guest/mmu.h) */
	mmu_enable_identity(COL_REGION_IPA);
	gic_dist_init();
	gic_cpu_init();
	ncards = cards_probe(cards, COL_MAX_CARDS) / COL_PORTS_PER_CARD;
	col_nlines = ncards * COL_PORTS_PER_CARD;
	for (unsigned i = 0; i < col_nlines; i++)
		uart_init(col_lines[i].uart);
	if (lines_attach()) {
		printf("collector: cannot create the receive rings\n");
		for (;;)
			cpu_wfi();
	}
	printf("collector: vm%u cards=%u lines=%u ring=%u threshold=%u timeout_us=%u restarts=%u "
	       "mmu=%s\n", shm_vm_id(), ncards, col_nlines, COL_RING, COL_THRESHOLD,
	       COL_TIMEOUT_US, col_nlines ? col_lines[0].rx.h->prod_starts - 1u : 0u,
	       mmu_on() ? "on" : "off");
	for (unsigned c = 0; c < ncards; c++)
		printf("collector: card %u at 00:%02x.%u io=0x%lx intid=%u\n", c,
		       (cards[c].bdf >> 3) & 0x1fu, cards[c].bdf & 7u, (unsigned long)cards[c].io,
		       cards[c].intid);
	setup_irqs();
	run();
}
