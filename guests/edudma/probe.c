/*
 * The edu functions this guest does not drive. Under rtvisor they are another VM's:
 * every register of their header must read as all ones (absent), and a load from
 * their BAR must be refused. On bare QEMU both are simply there.
 */
#include "guest/console.h"
#include "guest/fault.h"
#include "guest/mmio.h"
#include "guest/pci.h"
#include "edudma.h"

#define HEADER_BYTES 0x40U

static void probe_cfg(unsigned bdf)
{
	unsigned ones = 0;

	for (unsigned reg = 0; reg < HEADER_BYTES; reg += 4U)
		ones += pci_cfg_read32(bdf, reg) == 0xffffffffU;
	printf("edudma: cfg 00:%02x.%u all-ones %u/%u\n", PCI_BDF_DEV(bdf), PCI_BDF_FN(bdf),
	       ones, HEADER_BYTES / 4U);
}

static void probe_bar(uintptr_t at)
{
	struct fault_info f;
	uint32_t v;

	fault_expect_begin(FAULT_RESUME_NEXT);
	v = mmio_read32(at);
	if (fault_expect_end(&f))
		printf("edudma: bar 0x%lx refused esr=0x%lx\n", (unsigned long)at,
		       (unsigned long)f.esr);
	else
		printf("edudma: bar 0x%lx LEAK value=0x%x\n", (unsigned long)at, v);
}

void edudma_probe(int mine, uintptr_t bar)
{
	static const unsigned slots[] = EDUDMA_SLOTS;
	static const uintptr_t bars[] = EDUDMA_BARS;

	for (unsigned i = 0; i < sizeof(slots) / sizeof(slots[0]); i++)
		if ((int)PCI_BDF(0U, slots[i], 0U) != mine)
			probe_cfg(PCI_BDF(0U, slots[i], 0U));
	for (unsigned i = 0; i < sizeof(bars) / sizeof(bars[0]); i++)
		if (bars[i] != bar)
			probe_bar(bars[i]);
}
