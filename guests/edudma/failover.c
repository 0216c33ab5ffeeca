/*
 * edudma as a failover group's backup (configs/pci-failover-bm.dts,
 * tests/boot/test_failover_pci_bm.py; docs/failover.md "Moving PCI functions"). An
 * edudma that finds no edu on its bus waits for the promotion notice, the doorbell of
 * the group's shared region (INTID 100), then scans again: the promoted backup's vPCI
 * shows the function now. A function still in its reset answers with Vendor ID 0001h
 * (Configuration Request Retry Status): the scan is retried for a while, and the line
 * says what the first read after the notice returned and when the ID changed.
 *
 * Typing `b` makes the idle loop read the edu's identification register (BAR0 + 0): a
 * fenced primary that runs on (fence "isolate") must be refused.
 */
#include "guest/console.h"
#include "guest/cpu.h"
#include "guest/edu.h"
#include "guest/fault.h"
#include "guest/gic.h"
#include "guest/irq.h"
#include "guest/mmio.h"
#include "guest/pci.h"
#include "guest/timer.h"
#include "edudma.h"

#define FO_DOORBELL 100U
#define FO_SLOT 4U
#define FO_RESCANS 50U
#define FO_RESCAN_MS 10U

static volatile unsigned rung;

static void on_doorbell(uint32_t intid, void *arg)
{
	(void)intid;
	(void)arg;
	rung++;
}

static void spin_ms(uint64_t ms)
{
	uint64_t end = timer_now() + timer_ms_to_ticks(ms);

	while (timer_now() < end)
		;
}

int edudma_promoted(void)
{
	unsigned bdf = PCI_BDF(0U, FO_SLOT, 0U);
	int found = PCI_NO_FUNC;
	uint32_t first, id = 0;
	uint64_t t0, ready = 0;

	irq_register(FO_DOORBELL, on_doorbell, 0);
	gic_irq_set_edge(FO_DOORBELL);
	gic_irq_enable(FO_DOORBELL, GIC_PRIO_DEFAULT);
	printf("edudma: no edu: 00:%02x.0 id 0x%08x, waiting for a promotion\n", FO_SLOT,
	       pci_cfg_read32(bdf, 0));
	for (;;) {
		irq_mask();   /* no doorbell lost between the look and the WFI */
		if (rung) {
			irq_unmask();
			break;
		}
		cpu_wfi();
		irq_unmask();
	}
	first = pci_cfg_read32(bdf, 0);
	t0 = timer_now();
	for (unsigned i = 0; found == PCI_NO_FUNC && i < FO_RESCANS; i++) {
		found = pci_find(EDU_VENDOR, EDU_DEVICE);
		id = pci_cfg_read32(bdf, 0);
		if (id != first && !ready)
			ready = timer_now();
		if (found == PCI_NO_FUNC)
			spin_ms(FO_RESCAN_MS);
	}
	printf("edudma: promoted: 00:%02x.0 first id 0x%08x, id 0x%08x after %lu ms, %s\n",
	       FO_SLOT, first, id, ready ? (unsigned long)(timer_ticks_to_ns(ready - t0) / 1000000U)
				      : 0UL, found == PCI_NO_FUNC ? "no edu" : "found");
	return found;
}

void edudma_bar_poll(uintptr_t bar)
{
	struct fault_info f;
	uint32_t v;

	if (!edudma_bar_requested() || !bar)
		return;
	fault_expect_begin(FAULT_RESUME_NEXT);
	v = mmio_read32(bar + EDU_ID);
	if (fault_expect_end(&f))
		printf("edudma: edu id read refused esr=0x%lx\n", (unsigned long)f.esr);
	else
		printf("edudma: edu id 0x%08x\n", v);
}
