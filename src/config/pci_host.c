/*
 * INTx routing of the machine's PCIe host bridge (pci_host.h): the standard swizzle
 * and the lookup in the firmware's interrupt-map. Pure: the host tool, the unit
 * tests and the hypervisor share it.
 */
#include <config_range.h>
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

static bool window_covers(const struct pci_window *w, u64 b, u64 s)
{
	return w->size && overlaps(b, s, w->cpu, w->size);
}

bool pci_host_covers(const struct pci_host *h, u64 b, u64 s)
{
	return h && h->present &&
	       ((h->ecam_size && overlaps(b, s, h->ecam_base, h->ecam_size)) ||
		window_covers(&h->io, b, s) || window_covers(&h->mem32, b, s) ||
		window_covers(&h->mem64, b, s));
}

bool pci_host_is_line(const struct pci_host *h, u32 intid)
{
	for (u32 n = 0; h && h->present && n < h->nr_intmap && n < PCI_HOST_MAX_INTMAP; n++)
		if (h->intmap[n].intid == intid)
			return true;
	return false;
}

/* QEMU 7.2 virt (highmem): what rtvisor-check and the unit tests assume without a DTB. */
void pci_host_qemu_virt(struct pci_host *h)
{
	*h = (struct pci_host){
		.present = true, .ecam_base = 0x4010000000ULL, .ecam_size = 0x10000000,
		.bus_start = 0, .bus_end = 255,
		.io = { 0x3eff0000, 0, 0x10000 },
		.mem32 = { 0x10000000, 0x10000000, 0x2eff0000 },
		.mem64 = { 0x8000000000ULL, 0x8000000000ULL, 0x8000000000ULL },
		.mask_hi = 0x1800, .mask_pin = 7, .nr_intmap = 16,
	};
	for (u32 slot = 0; slot < 4; slot++)
		for (u32 pin = 1; pin <= 4; pin++)
			h->intmap[slot * 4 + pin - 1] = (struct pci_intmap){
				slot << 11, pin, 35 + (slot + pin - 1) % 4 };
}
