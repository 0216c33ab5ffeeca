/*
 * fochain: a primary/backup pair of bare-metal VMs (configs/failover-bm.dts,
 * tests/boot/test_failover_bm.py, docs/failover.md). Shared region "state" (IPA
 * 0x50000000, both VMs, doorbell 100) holds a magic word, the id of the VM that is
 * primary (a record: a VM is primary on VM 0's first boot or once promoted), and a
 * counter. The primary feeds its watchdog (100 ms offset) every 10 ms while
 * it counts, 100 rounds, then stops feeding ("stops feeding at counter N"): its WS1 makes
 * rtvisor fence it and promote the backup, whose doorbell rings; the backup claims the
 * primary role in the region and goes on counting from the mirrored value. The fenced
 * VM restarts (rebirth) and waits as the backup. A primary that reads 'f' on its console
 * reads an address it does not own: its fault policy stops it, which fails the group
 * over like a WS1.
 *
 * Region "buf" (IPA 0x50100000) moves with the primary role (the group's `move-shmem`):
 * only the primary has it mapped. The primary writes each counter value there before
 * the mirror; a promoted backup reads it ("buf N": the data moved with the mapping). A
 * fenced primary that runs on (`fence = "isolate"`, configs/failover-fence-bm.dts,
 * fault-policy "inject") has its next write refused: it reports it, tries twice more
 * (each refused and reported by rtvisor), then only feeds its watchdog.
 *
 * Timing (make bench, bench/io.py part "failover", under icount): a primary that stops
 * feeding records in the region when it last refreshed and when its WS1 is due (WCV +
 * WOR); the backup reads the counter in its doorbell handler. A backup promoted by that
 * WS1 prints "switchover ns=" (WS1 deadline to the handler's first counter read) and
 * "detect_ns=" (last refresh to the WS1 deadline: the configured timeout, 2 x WOR).
 */
#include "guest/console.h"
#include "guest/cpu.h"
#include "guest/fault.h"
#include "guest/gic.h"
#include "guest/irq.h"
#include "guest/pl011.h"
#include "guest/shm.h"
#include "guest/timer.h"
#include "guest/wdog.h"

#define STATE_IPA 0x50000000UL
#define DOORBELL 100u
#define MAGIC 0x464f4348u /* "FOCH" */
#define ROUNDS 100u
#define FEED_MS 10u
#define OFFSET_MS 100u
#define NOT_OURS 0x60000000UL /* no memory, device or region of the VM */
#define BUF_IPA 0x50100000UL   /* the region that moves with the primary role */
#define FENCED_TRIES 3u

struct state {
	volatile uint32_t magic;
	volatile uint32_t primary;
	volatile uint32_t counter;
	volatile uint32_t pad;
	volatile uint64_t fed_at;  /* CNTVCT before the primary's last refresh */
	volatile uint64_t ws1_at;  /* when its WS1 is due (0: it feeds, or a switch not by WS1) */
};

static struct state *const st = (struct state *)STATE_IPA;
static volatile uint32_t *const buf = (volatile uint32_t *)BUF_IPA;
static volatile uint32_t rung;
static volatile uint64_t woke_at; /* CNTVCT at the promotion notice's handler */

static void on_doorbell(uint32_t intid, void *arg)
{
	woke_at = timer_now();
	(void)intid;
	(void)arg;
	rung++;
}

/* The virtual timer only wakes the WFI below (its handler masks it again). */
static void on_timer(uint32_t intid, void *arg)
{
	(void)intid;
	(void)arg;
	timer_disable();
}

/* Idle until ms have passed: WFI, not a spin, so the VM leaves its pCPU (and icount
 * runs, make bench and make soak, skip the idle time). */
static void wait_ms(uint64_t ms)
{
	uint64_t end = timer_now() + timer_ms_to_ticks(ms);
	uint64_t flags = irq_save(); /* WFI wakes on a pending interrupt even when masked:
				      * no window where the handler runs just before WFI */

	timer_set_cval(end);
	timer_enable();
	while (timer_now() < end)
		cpu_wfi();
	irq_restore(flags);
	timer_disable();
}

/* Store v in the moving region; false if the store was refused (an abort injected). */
static bool buf_store(uint32_t v)
{
	fault_expect_begin(FAULT_RESUME_NEXT);
	*buf = v;
	return fault_expect_end(0) == 0;
}

/* Fenced but running: the region is gone. Try a few more times, then only feed the
 * watchdog (a VM kept for post-mortem). */
__attribute__((noreturn)) static void fenced(uint32_t id)
{
	unsigned refused = 1;

	printf("fochain: vm%u fenced: buf write refused at counter %u, running on\n", id,
	       st->counter);
	while (refused < FENCED_TRIES) {
		wdog_feed();
		wait_ms(FEED_MS);
		refused += buf_store(0) ? 0 : 1;
	}
	printf("fochain: vm%u still running, %u buf writes refused\n", id, refused);
	for (;;) {
		wdog_feed();
		wait_ms(FEED_MS);
	}
}

__attribute__((noreturn)) static void serve(uint32_t id)
{
	uint64_t fed = 0;

	st->ws1_at = 0;
	wdog_start((uint32_t)timer_ms_to_ticks(OFFSET_MS));
	for (unsigned i = 0; i < ROUNDS; i++) {
		if (!buf_store(st->counter + 1))
			fenced(id);
		st->counter++;
		fed = timer_now();
		wdog_feed();
		wait_ms(FEED_MS);
		if (pl011_getc() == 'f') {
			printf("fochain: vm%u faults at counter %u\n", id, st->counter);
			(void)*(volatile uint32_t *)NOT_OURS;
		}
	}
	/* WS0 at WCV, then WCV += WOR: WS1 is due WOR after the WCV of the last refresh */
	st->fed_at = fed;
	st->ws1_at = wdog_compare() + timer_ms_to_ticks(OFFSET_MS);
	printf("fochain: vm%u stops feeding at counter %u\n", id, st->counter);
	for (;;)
		cpu_wfi();
}

int main(void)
{
	uint32_t id = shm_vm_id(), wcs = wdog_status();

	gic_dist_init();
	gic_cpu_init();
	irq_register(TIMER_VIRT_INTID, on_timer, 0);
	gic_irq_enable(TIMER_VIRT_INTID, GIC_PRIO_DEFAULT);
	irq_register(DOORBELL, on_doorbell, 0);
	gic_irq_set_edge(DOORBELL);
	gic_irq_enable(DOORBELL, GIC_PRIO_DEFAULT);
	irq_unmask();
	if (id == 0 && st->magic != MAGIC) { /* the scenario's first primary, first boot */
		st->primary = 0;
		st->counter = 0;
		st->magic = MAGIC;
		printf("fochain: vm%u primary, counter %u\n", id, st->counter);
		serve(id);
	}
	/* Any other boot is a backup's: a reborn primary must not trust the region's role
	 * word, which the promoted backup may not have rewritten yet. */
	while (st->magic != MAGIC)
		wait_ms(1); /* VM 1 before VM 0 initialised the region */
	printf("fochain: vm%u backup%s, waiting\n", id,
	       wcs & WDOG_WCS_WS1 ? " (reborn after its watchdog)" : "");
	while (!rung)
		cpu_wfi();
	st->primary = id;
	printf("fochain: vm%u promoted, counter %u, buf %u\n", id, st->counter, *buf);
	if (st->ws1_at) /* promoted by the primary's WS1: how long from its deadline */
		printf("fochain: vm%u switchover ns=%lu detect_ns=%lu\n", id,
		       timer_ticks_to_ns(woke_at - st->ws1_at),
		       timer_ticks_to_ns(st->ws1_at - st->fed_at));
	serve(id);
}
