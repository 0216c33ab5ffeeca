/*
 * One PCI function's configuration space as a VM sees it (src/vdev/vpci_cfg.c): a
 * filter over the physical one. Pure but for pci_cfg_read/write (pci_cfg.h), so a
 * host test can put a fake function behind it.
 */
#ifndef RTV_VPCI_CFG_H
#define RTV_VPCI_CFG_H

#include <pci.h>
#include <rtv_limits.h>
#include <types.h>

#define VPCI_CFG_SIZE 0x1000   /* a function's ECAM page; 0x100 and above read as zero */

struct vpci_fn {
	const struct pci_func *f;
	bool dma;                  /* the scenario lets it master the bus */
	u32 bar[PCI_NR_BARS];      /* the BARs as the guest last wrote them */
	u16 cmd;                   /* the command register as the guest sees it */
	u8 line;                   /* interrupt line register (scratch for the guest) */
	/* MSI (docs/pci.md "MSI through the ITS"): what the guest wrote, shadowed. */
	u64 doorbell;              /* the ITS's GITS_TRANSLATER (IPA = PA); 0: no MSIs */
	u32 msi_events;            /* events reserved for the function (msi-events) */
	u16 msi_ctrl;              /* MSI message control: Enable [0], MME [6:4] */
	u32 msi_addr_lo, msi_addr_hi;
	u16 msi_data;
	bool msi_live;             /* the device has the guest's message, enabled */
	u16 msix_ctrl;             /* MSI-X message control: Function Mask [14], Enable [15] */
	u32 refused;               /* MSI programming refused since the reset */
	u64 msix_va;               /* the device's MSI-X table in the EL2 map (0: not trapped) */
	struct vpci_msix_entry {   /* MSI-X table entries the guest sees (msi_events of them) */
		u32 addr_lo, addr_hi, data, ctrl;
	} msix[LIM_MSI_EVENTS_PER_FN];
};

/* As at power-on: BARs at the hypervisor's addresses, decoding and mastering off. */
void vpci_fn_reset(struct vpci_fn *v, const struct pci_func *f, bool dma);
/* Let it signal MSIs to doorbell with EventIDs below events (at creation, after reset). */
void vpci_fn_msi(struct vpci_fn *v, u64 doorbell, u32 events);
/* The MSI message a guest may give its device: the doorbell, a reserved event. */
bool vpci_msi_ok(const struct vpci_fn *v, u64 addr, u32 data);
/* reg + size within VPCI_CFG_SIZE, size 1, 2 or 4, naturally aligned (the caller checks). */
u32 vpci_cfg_read(const struct vpci_fn *v, u32 reg, u32 size);
/* 0, or ERR_PERM: an MSI the function may not send was refused (the caller reports). */
int vpci_cfg_write(struct vpci_fn *v, u32 reg, u32 size, u32 val);

#endif
