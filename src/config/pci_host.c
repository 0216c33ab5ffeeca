/*
 * INTx routing of the machine's PCIe host bridge (pci_host.h): the standard swizzle
 * and the lookup in the firmware's interrupt-map. Pure: the host tool, the unit
 * tests and the hypervisor share it.
 */
#include <pci_host.h>

u32 pci_swizzle(u32 pin, u32 dev)
{
	return ((pin - 1U + dev) % 4U) + 1U;
}

u32 pci_host_intid(const struct pci_host *h, u32 dev, u32 pin)
{
	/* The root bus number is part of the unit address the map is keyed on. */
	u32 hi = ((h->bus_start << 16) | (dev << 11)) & h->mask_hi;

	pin &= h->mask_pin;
	for (u32 i = 0; i < h->nr_intmap && i < PCI_HOST_MAX_INTMAP; i++)
		if (h->intmap[i].addr_hi == hi && h->intmap[i].pin == pin)
			return h->intmap[i].intid;
	return 0;
}
