/*
 * wdogbm: the SBSA watchdog from a bare-metal guest (configs/watchdog-bm.dts,
 * tests/boot/test_watchdog_bm.py, docs/failover.md). At boot it prints WCS (WS1 set: this
 * boot follows a watchdog reset) and W_IIDR; then it starts the watchdog with a 100 ms
 * offset, feeds it every 20 ms for 20 rounds checking that WCV follows each refresh and
 * that no WS0 came, then stops feeding: WS0 arrives as its SPI (counted, with the time
 * since the last refresh), and WS1 100 ms later resets the VM. After a reset by WS1 it
 * reports and idles.
 */
#include "guest/console.h"
#include "guest/cpu.h"
#include "guest/gic.h"
#include "guest/irq.h"
#include "guest/timer.h"
#include "guest/wdog.h"

#define WS0_INTID 60u
#define OFFSET_MS 100u
#define FEED_MS 20u
#define FEEDS 20u

static volatile uint32_t ws0_irqs;
static volatile uint64_t ws0_at;

/* WS0 is level: the handler masks it until the next refresh clears WS0. */
static void on_ws0(uint32_t intid, void *arg)
{
	(void)arg;
	ws0_at = timer_now();
	ws0_irqs++;
	gic_irq_disable(intid);
}

static void wait_ms(uint64_t ms)
{
	uint64_t end = timer_now() + timer_ms_to_ticks(ms);

	while (timer_now() < end)
		;
}

static void feed_rounds(uint32_t offset)
{
	unsigned bad = 0;

	for (unsigned i = 0; i < FEEDS; i++) {
		uint64_t before = timer_now(), wcv;

		wdog_feed();
		wcv = wdog_compare();
		if (wcv < before + offset || wcv > timer_now() + offset)
			bad++;
		wait_ms(FEED_MS);
	}
	printf("wdogbm: fed %u times, wcv wrong %u, ws0 irqs %u, wcs 0x%x\n", FEEDS, bad,
	       ws0_irqs, wdog_status());
}

int main(void)
{
	uint32_t wcs = wdog_status(), offset = (uint32_t)timer_ms_to_ticks(OFFSET_MS);
	uint64_t fed;

	printf("wdogbm: boot wcs 0x%x iidr 0x%x%s\n", wcs, wdog_iidr(),
	       wcs & WDOG_WCS_WS1 ? " (reset by the watchdog)" : "");
	if (wcs & WDOG_WCS_WS1) {
		wdog_feed(); /* clears WS0/WS1 */
		printf("wdogbm: after refresh wcs 0x%x\n", wdog_status());
		for (;;)
			cpu_wfi();
	}
	gic_dist_init();
	gic_cpu_init();
	irq_register(WS0_INTID, on_ws0, 0);
	gic_irq_enable(WS0_INTID, GIC_PRIO_DEFAULT);
	irq_unmask();
	wdog_start(offset);
	feed_rounds(offset);
	fed = timer_now();
	wdog_feed();
	printf("wdogbm: no more feeding\n");
	while (!ws0_irqs)
		cpu_wfi();
	printf("wdogbm: ws0 irq after %llu ms, wcs 0x%x\n",
	       (unsigned long long)(timer_ticks_to_ns(ws0_at - fed) / 1000000u), wdog_status());
	for (;;)
		cpu_wfi();
}
