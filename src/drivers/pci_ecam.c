/*
 * Configuration accesses on the host's ECAM (pci_cfg.h). The window is mapped into the
 * hypervisor's own map as device memory at boot; every access is one naturally aligned
 * load or store of its size (ECAM forbids wider ones).
 */
#include <mm.h>
#include <pci_cfg.h>

static u64 ecam_base;
static u32 ecam_bus_start, ecam_bus_end;

int pci_cfg_init(const struct pci_host *h)
{
	ecam_base = h->ecam_base;
	ecam_bus_start = h->bus_start;
	ecam_bus_end = h->bus_end;
	return arch_mmu_map_device(h->ecam_base,
				   (u64)(h->bus_end - h->bus_start + 1) << PCI_ECAM_BUS_SHIFT);
}

/* The register's address, or 0 for a bus outside the ECAM or a bad register. */
static uintptr_t ecam_addr(u32 bdf, u32 reg, u32 size)
{
	u32 bus = PCI_BDF_BUS(bdf);

	if (!ecam_base || bus < ecam_bus_start || bus > ecam_bus_end || reg >= 4096 ||
	    (size != 1 && size != 2 && size != 4) || (reg & (size - 1)))
		return 0;
	return (uintptr_t)(ecam_base + ((u64)(bdf - (ecam_bus_start << 8)) << 12) + reg);
}

u32 pci_cfg_read(u32 bdf, u32 reg, u32 size)
{
	uintptr_t a = ecam_addr(bdf, reg, size);

	if (!a)
		return size == 4 ? 0xffffffffU : (1U << (size * 8)) - 1;
	if (size == 1)
		return *(volatile u8 *)a;
	if (size == 2)
		return *(volatile u16 *)a;
	return *(volatile u32 *)a;
}

void pci_cfg_write(u32 bdf, u32 reg, u32 size, u32 val)
{
	uintptr_t a = ecam_addr(bdf, reg, size);

	if (!a)
		return;
	if (size == 1)
		*(volatile u8 *)a = (u8)val;
	else if (size == 2)
		*(volatile u16 *)a = (u16)val;
	else
		*(volatile u32 *)a = val;
}
