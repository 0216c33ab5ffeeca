/*
 * The capability list of a function (PCI Local Bus Spec 3.0, 6.7): which of the
 * capabilities a VM may see it has (power management, MSI, PCI Express, MSI-X and
 * vendor-specific ones), their lengths, Function Level Reset and where the MSI-X table and PBA live. The walk is
 * bounded and ignores pointers below 0x40, so a broken list cannot loop.
 */
#include <pci.h>
#include <pci_caps.h>
#include <pci_cfg.h>

#define CAP_WALK_MAX 48         /* (256 - 64) / 4 capabilities at most */
#define PCIE_DEVCAP 0x04
#define PCIE_DEVCAP_FLR BIT(28)  /* PCIe Base Spec 4.0, 7.5.3.3 Device Capabilities */
#define MSI_CTRL_64BIT BIT(7)
#define MSI_CTRL_MASKABLE BIT(8)
#define VENDOR_CAP_MIN 4         /* ID, next, length and at least one byte of its own */

/*
 * A vendor-specific capability (PCI Local Bus Spec 3.0, appendix H: byte 2 is its
 * length, header included) is shown whole, read-only: virtio 1.x finds its register
 * structures through them (virtio 1.2, 4.1.4). A length too short to be one hides it.
 */
static u8 vendor_cap_len(u32 ctrl)
{
	u32 len = ctrl & 0xff;

	return len < VENDOR_CAP_MIN ? 0 : (u8)((len + 3U) & ~3U);
}

/* Bytes of the capability at off that a VM is shown (0: not shown). */
static u8 cap_len(u32 bdf, u8 id, u8 off)
{
	u32 ctrl = pci_cfg_read(bdf, off + 2U, 2);

	switch (id) {
	case PCI_CAP_VENDOR: return vendor_cap_len(ctrl);
	case PCI_CAP_PM: return 8;
	case PCI_CAP_MSIX: return 12;
	case PCI_CAP_PCIE: return (ctrl & 0xf) >= 2 ? 0x3c : 0x24; /* version 2: 0x3c bytes */
	case PCI_CAP_MSI:
		return (u8)(12U + ((ctrl & MSI_CTRL_64BIT) ? 4U : 0U) +
			    ((ctrl & MSI_CTRL_MASKABLE) ? 8U : 0U));
	default: return 0;
	}
}

static void cap_note(struct pci_func *f, u8 id, u8 off)
{
	if (id == PCI_CAP_PCIE) {
		f->pcie_off = off;
		f->flr = (pci_cfg_read(f->bdf, off + PCIE_DEVCAP, 4) & PCIE_DEVCAP_FLR) != 0;
	} else if (id == PCI_CAP_MSIX) {
		f->msix_off = off;
		f->msix_table = pci_cfg_read(f->bdf, off + 4U, 4);
		f->msix_pba = pci_cfg_read(f->bdf, off + 8U, 4);
	}
}

void pci_caps_scan(struct pci_func *f)
{
	u32 off = pci_cfg_read(f->bdf, PCI_CAP_PTR, 1) & 0xfc;

	if (!(pci_cfg_read(f->bdf, PCI_STATUS, 2) & PCI_STATUS_CAPS))
		return;
	for (u32 n = 0; n < CAP_WALK_MAX && off >= 0x40; n++) {
		u8 id = (u8)pci_cfg_read(f->bdf, off, 1);
		u8 len = cap_len(f->bdf, id, (u8)off);

		if (len && off + len <= 0x100 && f->nr_caps < PCI_MAX_CAPS) {
			f->caps[f->nr_caps++] = (struct pci_cap){ id, (u8)off, len };
			cap_note(f, id, (u8)off);
		}
		off = pci_cfg_read(f->bdf, off + 1U, 1) & 0xfc;
	}
}
