/*
 * The machine's PCIe host bridge as the firmware devicetree describes it
 * ("pci-host-ecam-generic": ECAM, bus range, address windows, INTx routing), and
 * the two pure computations everyone needs from it: the INTx swizzle across a
 * bridge and the host's INTx line of a root-bus slot. Filled by
 * platform_discover() (platform_dt.c); read by the scenario check (an INTx line
 * shared between VMs) and by the hypervisor's PCI code (src/core/pci).
 */
#ifndef RTV_PCI_HOST_H
#define RTV_PCI_HOST_H

#include <types.h>

#define PCI_HOST_MAX_INTMAP 32 /* interrupt-map entries kept (QEMU virt: 16) */
#define PCI_ECAM_BUS_SHIFT 20  /* ECAM: 1 MiB per bus, 32 KiB per device, 4 KiB per function */
#define PCI_BDF(bus, dev, fn) (((u32)(bus) << 8) | ((u32)(dev) << 3) | (u32)(fn))
#define PCI_BDF_BUS(bdf) (((bdf) >> 8) & 0xffU)
#define PCI_BDF_DEV(bdf) (((bdf) >> 3) & 0x1fU)
#define PCI_BDF_FN(bdf) ((bdf) & 7U)

struct pci_window {      /* one "ranges" entry: CPU address, bus address, size (0: none) */
	u64 cpu, pci, size;
};

struct pci_intmap {      /* one "interrupt-map" entry, its unit address masked */
	u32 addr_hi;         /* phys.hi & mask: bus << 16 | dev << 11 | fn << 8 */
	u32 pin;             /* 1..4 = INTA..INTD, masked */
	u32 intid;           /* GIC INTID (SPI n -> 32 + n) */
};

struct pci_host {
	bool present;
	u64 ecam_base, ecam_size;
	u32 bus_start, bus_end;
	struct pci_window io, mem32, mem64; /* I/O, 32-bit and 64-bit memory windows */
	u32 mask_hi, mask_pin;             /* interrupt-map-mask cells 0 and 3 */
	u32 nr_intmap;
	struct pci_intmap intmap[PCI_HOST_MAX_INTMAP];
};

/*
 * The pin (1..4) a function's INTx pin becomes on the other side of the bridge it
 * sits behind, at device number dev: PCI-to-PCI Bridge Architecture Spec 1.2,
 * 9.1 "Interrupt routing" (INTx of device D -> INT((x - 1 + D) mod 4) upstream).
 */
u32 pci_swizzle(u32 pin, u32 dev);

/* The INTID the host routes pin (1..4) of device dev on the root bus to, or 0 if
 * its interrupt-map has no entry for it. */
u32 pci_host_intid(const struct pci_host *h, u32 dev, u32 pin);

/* Whether [b, b + s) (range_ok) overlaps the host's ECAM or one of its windows, which
 * a VM owning PCI functions sees at the same addresses (docs/pci.md). */
bool pci_host_covers(const struct pci_host *h, u64 b, u64 s);
/* Whether INTID intid is one of the host's INTx lines (any device, any pin). */
bool pci_host_is_line(const struct pci_host *h, u32 intid);

/* QEMU 7.2 virt's host bridge, for the host tool and tests (no firmware DTB there). */
void pci_host_qemu_virt(struct pci_host *h);

#endif
