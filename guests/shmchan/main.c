/*
 * shmchan: two VMs and one channel (configs/shmem.dts, tests/boot/test_shmem.py).
 * VM 0 produces a sequence-numbered byte stream into the ring at the start of region 0
 * and rings VM 1 when the ring's threshold is crossed (or unread data waits too long);
 * when the ring is full it waits for room in WFI, woken by a 20 kHz tick;
 * VM 1 consumes, checks every byte against its position in the stream and counts the
 * doorbells. VM 0 also asks for doorbells it may not ring (a region it does not map,
 * peers that are not peers) and prints the status; VM 1 checks that its read-only
 * region reads as zero and refuses writes, and resets itself once, part-way, with
 * unread data in the ring: after the restart it attaches again and carries on from the
 * ring's tail, while VM 0 keeps producing.
 */
#include "guest/console.h"
#include "guest/cpu.h"
#include "guest/fault.h"
#include "guest/gic.h"
#include "guest/irq.h"
#include "guest/psci.h"
#include "guest/shm.h"
#include "guest/shm_ring.h"
#include "guest/timer.h"

#define CHAN_REGION 0u           /* "chan": both VMs, read-write */
#define RO_REGION 1u             /* "ro": VM 1 only, read-only */
#define CHAN_IPA 0x50000000UL
#define CHAN_SPAN 0x10000u
#define RO_IPA 0x50100000UL
#define CONS_DOORBELL 100u       /* "chan"'s doorbell in VM 1 (the scenario) */
#define RING_SIZE 16384u
#define THRESHOLD 1024u
#define TIMEOUT_US 2000u
#define PROD_VM 0u
#define CONS_VM 1u
#define REPORT_EVERY (32u << 20)
#define PROD_TICK_HZ 20000u      /* the producer's wake-ups while the ring is full */
#define RESET_AT (16u << 20)     /* VM 1's first boot resets itself after this many bytes */

static uint8_t stream_byte(uint32_t pos)
{
	return (uint8_t)(pos + (pos >> 8) + (pos >> 16));
}

static uint64_t now_us(void)
{
	return timer_ticks_to_ns(timer_now()) / 1000u;
}

/* ---- VM 0: the producer ---- */

static void prod_refusals(void)
{
	static const struct { uint64_t region, peer; const char *what; } bad[] = {
		{ RO_REGION, CONS_VM, "a region it does not map" },
		{ CHAN_REGION, PROD_VM, "itself" },
		{ CHAN_REGION, 7, "no such VM" },
		{ CHAN_REGION, (1ULL << 32) | CONS_VM, "peer with high bits" },
		{ (1ULL << 32) | CHAN_REGION, CONS_VM, "region with high bits" },
		{ 99, CONS_VM, "no such region" },
	};

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		printf("shmchan: ring %s -> %lld\n", bad[i].what,
		       (long long)shm_doorbell(bad[i].region, bad[i].peer));
}

static bool region_zero(const volatile uint8_t *p, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

static void prod_tick(void)
{
}

static void producer(void)
{
	static struct shm_ring r;
	uint8_t chunk[61];
	uint32_t sent, rung = 0, down = 0, next_report;
	bool fresh = region_zero((const volatile uint8_t *)CHAN_IPA, CHAN_SPAN);

	printf("shmchan: producer vm%u, region %s\n", shm_vm_id(), fresh ? "zeroed" : "in use");
	if (shm_ring_producer_attach(&r, (void *)CHAN_IPA, CHAN_SPAN, RING_SIZE, THRESHOLD,
				     TIMEOUT_US)) {
		printf("shmchan: producer attach failed\n");
		return;
	}
	prod_refusals();
	/* a full ring: wait in WFI until the next tick rather than spin (under icount a vCPU
	 * that never waits holds QEMU's round robin and starves the consumer) */
	timer_tick_start(PROD_TICK_HZ, prod_tick);
	sent = r.h->head;
	next_report = (sent / REPORT_EVERY + 1) * REPORT_EVERY;
	for (;;) {
		uint32_t n = shm_ring_space(&r);

		if (!n)
			cpu_wfi();
		n = n < sizeof(chunk) ? n : sizeof(chunk);
		for (uint32_t k = 0; k < n; k++)
			chunk[k] = stream_byte(sent + k);
		sent += shm_ring_write(&r, chunk, n, now_us());
		if (shm_ring_want_doorbell(&r, now_us())) {
			int64_t s = shm_doorbell(CHAN_REGION, CONS_VM);

			rung += s == SHM_DOORBELL_OK;
			down += s == SHM_DOORBELL_PEER_DOWN;
		}
		if ((int32_t)(sent - next_report) >= 0) {
			printf("shmchan: prod sent=%u rung=%u down=%u overrun=%u\n", sent, rung, down,
			       shm_ring_overrun(&r));
			next_report += REPORT_EVERY;
		}
	}
}

/* ---- VM 1: the consumer ---- */

static volatile uint32_t bells;

static void on_doorbell(uint32_t intid, void *arg)
{
	(void)intid;
	(void)arg;
	bells++;
}

static void ro_check(void)
{
	volatile uint32_t *ro = (volatile uint32_t *)RO_IPA;
	struct fault_info fi;
	bool zero = region_zero((const volatile uint8_t *)RO_IPA, 0x1000);

	fault_expect_begin(FAULT_RESUME_NEXT);
	ro[0] = 0xdeadbeef;
	if (fault_expect_end(&fi))
		printf("shmchan: write to read-only region refused (esr=0x%llx far=0x%llx)\n",
		       (unsigned long long)fi.esr, (unsigned long long)fi.far);
	else
		printf("shmchan: write to read-only region NOT refused\n");
	printf("shmchan: read-only region reads %s\n", zero && ro[0] == 0 ? "zero" : "NON-ZERO");
}

static void consumer(void)
{
	static struct shm_ring r;
	uint8_t buf[256];
	uint32_t got, bad = 0, next_report, waits = 0;

	irq_register(CONS_DOORBELL, on_doorbell, 0);
	gic_irq_set_edge(CONS_DOORBELL);
	gic_irq_enable(CONS_DOORBELL, GIC_PRIO_DEFAULT);
	irq_unmask();
	ro_check();
	while (shm_ring_consumer_attach(&r, (void *)CHAN_IPA, CHAN_SPAN))
		for (volatile unsigned spin = 0; spin < 10000; spin++) /* the producer creates it */
			;
	got = r.h->tail;
	printf("shmchan: consumer vm%u attach starts=%u tail=%u unread=%u\n", shm_vm_id(),
	       r.h->cons_starts, got, shm_ring_available(&r));
	next_report = (got / REPORT_EVERY + 1) * REPORT_EVERY;
	for (;;) {
		uint32_t n = shm_ring_read(&r, buf, sizeof(buf));

		for (uint32_t k = 0; k < n; k++)
			bad += buf[k] != stream_byte(got + k);
		got += n;
		if ((int32_t)(got - next_report) >= 0) {
			printf("shmchan: cons got=%u bad=%u doorbells=%u waits=%u overrun=%u ns=%llu\n",
			       got, bad, bells, waits, shm_ring_overrun(&r),
			       (unsigned long long)timer_ticks_to_ns(timer_now()));
			next_report += REPORT_EVERY;
		}
		if (r.h->cons_starts == 1 && got >= RESET_AT) {
			printf("shmchan: cons resetting at got=%u unread=%u bad=%u doorbells=%u\n", got,
			       shm_ring_available(&r), bad, bells);
			psci_system_reset();
		}
		if (n)
			continue;
		irq_mask();
		if (!shm_ring_arm(&r)) { /* nothing arrived after arming: wait for the bell */
			waits++;
			cpu_wfi();
		}
		irq_unmask();
	}
}

int main(void)
{
	uint32_t id = shm_vm_id();

	gic_dist_init();
	gic_cpu_init();
	if (id == PROD_VM)
		producer();
	else if (id == CONS_VM)
		consumer();
	printf("shmchan: vm%u has no role\n", id);
	for (;;)
		cpu_wfi();
}
