/*
 * shmbench: issue 12's two bare-metal measurements between two VMs (configs/bench-shm.dts,
 * `make bench` through bench/io.py, docs/benchmarks.md "I/O"). Meant to run under
 * `-icount shift=0,sleep=off`: one instruction is one ns of virtual time, the counter
 * (62.5 MHz) is shared by both VMs, so stamps of the two compare directly (16 ns steps).
 *
 *  1. Doorbell latency: VM 0 stamps the counter and rings region "ping" (VM 1's doorbell),
 *     then waits in WFI; VM 1's handler stamps its first instruction into the control page
 *     and rings "pong" back (VM 0's doorbell), which is not part of the figure. N rounds,
 *     both VMs idle in WFI between them (as the bench guest's sgi_ipi).
 *  2. Channel throughput: VM 0 writes BYTES of a counted stream into the ring of region
 *     "chan" (guest/shm_ring.h) and rings at the threshold; VM 1 reads and checks every
 *     byte. When the ring is full VM 0 sets `want_room` in the control page and waits; VM 1
 *     rings "pong" when it has made room. Virtual time from VM 1's first byte to its last.
 *
 * Output (VM 1 prints the results):
 *   shmbench: doorbell n=<N> min_ns=<> avg_ns=<> max_ns=<>
 *   shmbench: channel bytes=<> bad=<> ns=<> mbps=<MB/s, 2 decimals> doorbells=<> room=<>
 *   shmbench: done
 */
#include "guest/console.h"
#include "guest/cpu.h"
#include "guest/gic.h"
#include "guest/irq.h"
#include "guest/shm.h"
#include "guest/shm_ring.h"
#include "guest/timer.h"

#define PING_REGION 0u          /* the scenario's order: ping, pong, chan */
#define PONG_REGION 1u
#define CHAN_REGION 2u
#define CTL_IPA 0x50000000UL    /* "ping": the control page */
#define CHAN_IPA 0x50200000UL   /* "chan" */
#define CHAN_SPAN 0x10000u
#define PING_SPI 100u           /* VM 1's doorbell of "ping" */
#define PONG_SPI 101u           /* VM 0's doorbell of "pong" */
#define CHAN_SPI 102u           /* VM 1's doorbell of "chan" */
#define RING_SIZE 32768u
#define THRESHOLD 4096u
#define CHUNK 1024u
#define ROUNDS 1000u
#define BYTES (16u << 20)
#define VM_TX 0u
#define VM_RX 1u

struct ctl {                    /* the first line of region "ping" */
	volatile uint32_t phase;    /* 0: latency, 1: channel */
	volatile uint32_t rx_ready; /* VM 1 has its handlers in place */
	volatile uint64_t t_handler; /* VM 1's handler entry (counter ticks) */
	volatile uint32_t want_room; /* VM 0 waits for room in the ring */
};

static struct ctl *const ctl = (struct ctl *)CTL_IPA;
static volatile uint32_t pongs, pings, bells;

static void dmb_ish(void)
{
	__asm__ volatile("dmb ish" ::: "memory");
}

/* A busy wait that gives up the CPU's turn: under icount QEMU runs the vCPUs round
 * robin, and a spinning one would hold its turn until the next timer deadline. */
static void relax(void)
{
	__asm__ volatile("yield" ::: "memory");
}

static uint8_t stream_byte(uint32_t pos)
{
	return (uint8_t)(pos ^ (pos >> 9));
}

/* Wait in WFI until an interrupt handler changed *v. The check and the WFI run with IRQs
 * masked (an IRQ between them still ends the WFI, pending); it is taken at the unmask. */
static void wait_change(volatile uint32_t *v, uint32_t old)
{
	while (*v == old) {
		irq_mask();
		if (*v == old)
			cpu_wfi();
		irq_unmask();
	}
}

/* ---- VM 0 ---- */

static void on_pong(uint32_t intid, void *arg)
{
	(void)intid;
	(void)arg;
	pongs++;
}

static void tx_latency(void)
{
	uint64_t min = ~0ull, max = 0, sum = 0;

	for (uint32_t i = 0; i < ROUNDS; i++) {
		uint32_t seen = pongs;
		uint64_t t0 = timer_now(), d;

		(void)shm_doorbell(PING_REGION, VM_RX);
		wait_change(&pongs, seen);
		d = timer_ticks_to_ns(ctl->t_handler - t0);
		min = d < min ? d : min;
		max = d > max ? d : max;
		sum += d;
	}
	printf("shmbench: doorbell n=%u min_ns=%llu avg_ns=%llu max_ns=%llu\n", ROUNDS,
	       (unsigned long long)min, (unsigned long long)((sum + ROUNDS / 2) / ROUNDS),
	       (unsigned long long)max);
}

/* Room for at least one chunk, or wait until VM 1 made some (Dekker with want_room). */
static void wait_room(struct shm_ring *r)
{
	uint32_t seen = pongs;

	if (shm_ring_space(r) >= CHUNK)
		return;
	ctl->want_room = 1;
	dmb_ish();                  /* the flag before the re-read of the consumer's tail */
	if (shm_ring_space(r) >= CHUNK) {
		ctl->want_room = 0;
		return;
	}
	wait_change(&pongs, seen);
}

static void tx_channel(void)
{
	static struct shm_ring r;
	static uint8_t chunk[CHUNK];
	uint32_t sent = 0;

	if (shm_ring_producer_attach(&r, (void *)CHAN_IPA, CHAN_SPAN, RING_SIZE, THRESHOLD, 0)) {
		printf("shmbench: producer attach failed\n");
		return;
	}
	ctl->phase = 1;
	while (sent < BYTES) {
		wait_room(&r);
		for (uint32_t k = 0; k < CHUNK; k++)
			chunk[k] = stream_byte(sent + k);
		sent += shm_ring_write(&r, chunk, CHUNK, 0);
		if (shm_ring_want_doorbell(&r, 0))
			(void)shm_doorbell(CHAN_REGION, VM_RX);
	}
	/* the tail below the threshold: VM 1 may wait for it, so ring once more (a bell it
	 * does not wait for only wakes it) */
	(void)shm_doorbell(CHAN_REGION, VM_RX);
}

static void tx(void)
{
	irq_register(PONG_SPI, on_pong, 0);
	gic_irq_set_edge(PONG_SPI);
	gic_irq_enable(PONG_SPI, GIC_PRIO_DEFAULT);
	irq_unmask();
	printf("shmbench: tx vm%u waits for rx\n", shm_vm_id());
	while (!ctl->rx_ready)
		relax();
	tx_latency();
	tx_channel();
}

/* ---- VM 1 ---- */

static void on_ping(uint32_t intid, void *arg)
{
	(void)intid;
	(void)arg;
	ctl->t_handler = timer_now();
	pings++;
	dmb_ish();                  /* the stamp before VM 0 can see the pong */
	(void)shm_doorbell(PONG_REGION, VM_TX);
}

static void on_chan(uint32_t intid, void *arg)
{
	(void)intid;
	(void)arg;
	bells++;
}

/* VM 0 waits for room: wake it (1 if rung). */
static uint32_t rx_room(void)
{
	dmb_ish();                  /* the tail (shm_ring_read) before the flag */
	if (!ctl->want_room)
		return 0;
	ctl->want_room = 0;
	(void)shm_doorbell(PONG_REGION, VM_TX);
	return 1;
}

static void rx_channel(void)
{
	static struct shm_ring r;
	static uint8_t buf[CHUNK];
	uint32_t got = 0, bad = 0, rooms = 0;
	uint64_t t0 = 0, t1;

	while (ctl->phase != 1 || shm_ring_consumer_attach(&r, (void *)CHAN_IPA, CHAN_SPAN))
		relax();
	while (got < BYTES) {
		uint32_t seen = bells;  /* before the read: a bell after it is not missed */
		uint32_t n = shm_ring_read(&r, buf, sizeof(buf));

		if (n && !got)
			t0 = timer_now();
		for (uint32_t k = 0; k < n; k++)
			bad += buf[k] != stream_byte(got + k);
		got += n;
		rooms += rx_room();
		if (!n && !shm_ring_arm(&r))
			wait_change(&bells, seen);
	}
	t1 = timer_now();
	{
		uint64_t ns = timer_ticks_to_ns(t1 - t0);
		uint64_t centi = ns ? (uint64_t)got * 100000u / ns : 0; /* MB/s x 100 */

		printf("shmbench: channel bytes=%u bad=%u ns=%llu mbps=%llu.%02llu doorbells=%u "
		       "room=%u\n", got, bad, (unsigned long long)ns,
		       (unsigned long long)(centi / 100), (unsigned long long)(centi % 100), bells,
		       rooms);
	}
}

static void rx(void)
{
	irq_register(PING_SPI, on_ping, 0);
	gic_irq_set_edge(PING_SPI);
	gic_irq_enable(PING_SPI, GIC_PRIO_DEFAULT);
	irq_register(CHAN_SPI, on_chan, 0);
	gic_irq_set_edge(CHAN_SPI);
	gic_irq_enable(CHAN_SPI, GIC_PRIO_DEFAULT);
	irq_unmask();
	dmb_ish();
	printf("shmbench: rx vm%u ready\n", shm_vm_id());
	ctl->rx_ready = 1;
	for (uint32_t p = pings; p < ROUNDS; p = pings)
		wait_change(&pings, p);
	rx_channel();
}

int main(void)
{
	uint32_t id = shm_vm_id();

	gic_dist_init();
	gic_cpu_init();
	if (id == VM_TX)
		tx();
	else if (id == VM_RX)
		rx();
	printf("shmbench: done\n");
	for (;;)
		cpu_wfi();
}
