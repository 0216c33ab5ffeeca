/*
 * The collector's PCI functions: QEMU's pci-serial-4x (1b36:0004, hw/char/serial-pci-multi.c):
 * BAR0 is 32 I/O ports, the four UARTs at 8-port steps, one INTx line for the card.
 * Under rtvisor the BAR holds the port the hypervisor assigned (docs/pci.md) and the
 * I/O window's page is mapped at IPA = PA; a port is the window's base + port.
 */
#include "guest/console.h"
#include "guest/pci.h"
#include "collector.h"

#define SERIAL_4X_VENDOR 0x1b36u
#define SERIAL_4X_DEVICE 0x0004u
#define PCI_IO_WINDOW 0x3eff0000UL /* QEMU virt: the PIO window's CPU address */
#define BAR_IO 0x1u
#define BAR_IO_MASK 0xfffffffcu
#define PORT_STEP 8u

static struct col_card *probe_cards;
static unsigned probe_max, probe_n;

static void probe_one(unsigned bdf, uint32_t ids)
{
	struct col_card *c;
	uint32_t bar;

	if (ids != (SERIAL_4X_DEVICE << 16 | SERIAL_4X_VENDOR) || probe_n == probe_max)
		return;
	bar = pci_cfg_read32(bdf, PCI_BAR0);
	if (!(bar & BAR_IO) || !(bar & BAR_IO_MASK)) {
		printf("collector: 00:%02x.%u BAR0 0x%x is no assigned I/O BAR\n", PCI_BDF_DEV(bdf),
		       PCI_BDF_FN(bdf), bar);
		return;
	}
	c = &probe_cards[probe_n++];
	c->bdf = bdf;
	c->io = PCI_IO_WINDOW + (bar & BAR_IO_MASK);
	c->intid = pci_intx_intid(bdf);
	pci_cfg_write16(bdf, PCI_COMMAND, PCI_CMD_IO);
}

unsigned cards_probe(struct col_card *cards, unsigned max)
{
	probe_cards = cards;
	probe_max = max;
	probe_n = 0;
	if (!pci_ecam_present())
		return 0;
	(void)pci_scan(probe_one);
	for (unsigned i = 0; i < probe_n; i++)
		for (unsigned p = 0; p < COL_PORTS_PER_CARD; p++)
			col_lines[i * COL_PORTS_PER_CARD + p].uart = cards[i].io + p * PORT_STEP;
	return probe_n * COL_PORTS_PER_CARD;
}
