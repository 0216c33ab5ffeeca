/*
 * edudma: list the functions the ECAM shows on bus 0, drive the first edu (drive.c),
 * probe the edus it does not drive (probe.c), then idle until `r` asks for the reset
 * gap probe (gap.c) or `b` for a read of the edu's ID. Without an edu it is a failover
 * backup: it waits for its promotion and scans again (failover.c).
 */
#include "guest/boot.h"
#include "guest/console.h"
#include "guest/cpu.h"
#include "guest/edu.h"
#include "guest/gic.h"
#include "guest/pci.h"
#include "edudma.h"

static void show_fn(unsigned bdf, uint32_t ids)
{
	printf("edudma: fn 00:%02x.%u %04x:%04x\n", PCI_BDF_DEV(bdf), PCI_BDF_FN(bdf),
	       ids & 0xffffU, ids >> 16);
}

int main(void)
{
	unsigned n;
	uintptr_t bar = 0;
	int bdf;

	printf("edudma: start el%u\n", cpu_current_el());
	gic_dist_init();
	gic_cpu_init();
	edudma_gap_report();
	edudma_gap_listen();
	irq_unmask();
	n = pci_scan(show_fn);
	printf("edudma: scan functions=%u\n", n);
	bdf = pci_find(EDU_VENDOR, EDU_DEVICE);
	if (bdf == PCI_NO_FUNC)
		bdf = edudma_promoted();
	if (bdf == PCI_NO_FUNC)
		printf("edudma: no edu\n");
	else
		bar = edudma_drive((unsigned)bdf);
	edudma_probe(bdf, bar);
	if (bar)
		edudma_msi((unsigned)bdf, bar);
	printf("edudma: done\n");
	for (;;) {
		irq_mask();   /* no `r` lost between the look and the WFI */
		if (!edudma_gap_requested())
			cpu_wfi();
		irq_unmask();
		edudma_gap_poll(bar);
		edudma_bar_poll(bar);
	}
}
