/*
 * PCI configuration space on QEMU virt's ECAM, bus 0 (guest/pci.h).
 */
#include "guest/fault.h"
#include "guest/mmio.h"
#include "guest/pci.h"

#define PCI_SLOTS 32U
#define PCI_FNS 8U
#define HDR_MULTI 0x00800000U     /* header type bit 7: multi-function device */
#define BAR_MEM_MASK 0xfffffff0U
#define SPI_INTX_BASE 35U         /* QEMU virt: INTA of slot 0 (interrupt-map) */

uintptr_t pci_cfg_addr(unsigned bdf, unsigned reg)
{
	return PCI_ECAM_BASE + ((uintptr_t)bdf << 12) + reg;
}

uint32_t pci_cfg_read32(unsigned bdf, unsigned reg)
{
	return mmio_read32(pci_cfg_addr(bdf, reg));
}

void pci_cfg_write32(unsigned bdf, unsigned reg, uint32_t v)
{
	mmio_write32(pci_cfg_addr(bdf, reg), v);
}

uint16_t pci_cfg_read16(unsigned bdf, unsigned reg)
{
	return mmio_read16(pci_cfg_addr(bdf, reg));
}

void pci_cfg_write16(unsigned bdf, unsigned reg, uint16_t v)
{
	mmio_write16(pci_cfg_addr(bdf, reg), v);
}

bool pci_ecam_present(void)
{
	fault_expect_begin(FAULT_RESUME_NEXT);
	(void)pci_cfg_read32(PCI_BDF(0U, 0U, 0U), PCI_VENDOR);
	return fault_expect_end(0) == 0;
}

static unsigned fns_of(unsigned dev)
{
	return pci_cfg_read32(PCI_BDF(0U, dev, 0U), PCI_HEADER) & HDR_MULTI ? PCI_FNS : 1U;
}

unsigned pci_scan(void (*fn)(unsigned bdf, uint32_t ids))
{
	unsigned n = 0;

	for (unsigned dev = 0; dev < PCI_SLOTS; dev++) {
		if ((pci_cfg_read32(PCI_BDF(0U, dev, 0U), PCI_VENDOR) & 0xffffU) == 0xffffU)
			continue;
		for (unsigned f = 0, nf = fns_of(dev); f < nf; f++) {
			unsigned bdf = PCI_BDF(0U, dev, f);
			uint32_t ids = pci_cfg_read32(bdf, PCI_VENDOR);

			if ((ids & 0xffffU) == 0xffffU)
				continue;
			n++;
			if (fn)
				fn(bdf, ids);
		}
	}
	return n;
}

static uint32_t find_ids;
static int find_bdf;

static void find_one(unsigned bdf, uint32_t ids)
{
	if (ids == find_ids && find_bdf == PCI_NO_FUNC)
		find_bdf = (int)bdf;
}

int pci_find(uint16_t vendor, uint16_t device)
{
	find_ids = (uint32_t)device << 16 | vendor;
	find_bdf = PCI_NO_FUNC;
	(void)pci_scan(find_one);
	return find_bdf;
}

uint32_t pci_bar_size(unsigned bdf, unsigned i)
{
	unsigned reg = PCI_BAR0 + 4U * i;
	uint32_t old = pci_cfg_read32(bdf, reg), probe;

	pci_cfg_write32(bdf, reg, 0xffffffffU);
	probe = pci_cfg_read32(bdf, reg) & BAR_MEM_MASK;
	pci_cfg_write32(bdf, reg, old);
	return probe ? ~probe + 1U : 0;
}

uint32_t pci_bar_place(unsigned bdf, unsigned i, uint32_t addr)
{
	unsigned reg = PCI_BAR0 + 4U * i;

	if (!(pci_cfg_read32(bdf, reg) & BAR_MEM_MASK))
		pci_cfg_write32(bdf, reg, addr);
	return pci_cfg_read32(bdf, reg) & BAR_MEM_MASK;
}

unsigned pci_intx_intid(unsigned bdf)
{
	unsigned pin = (pci_cfg_read32(bdf, PCI_INT) >> 8) & 0xffU;

	if (!pin || pin > 4U)
		return 0;
	return SPI_INTX_BASE + (PCI_BDF_DEV(bdf) + pin - 1U) % 4U;
}

unsigned pci_find_cap(unsigned bdf, unsigned id)
{
	unsigned at = pci_cfg_read32(bdf, PCI_CAP_PTR) & 0xfcU;

	for (unsigned n = 0; at && n < 48; n++) {
		uint32_t h = pci_cfg_read32(bdf, at);

		if ((h & 0xffU) == id)
			return at;
		at = (h >> 8) & 0xfcU;
	}
	return 0;
}
