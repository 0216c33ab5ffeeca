/*
 * MSI-X tables of a VM's functions (src/vdev/vpci_msix.c; docs/pci.md "MSI through the
 * ITS"): the pages of a BAR holding the table or the PBA are not mapped into the VM but
 * trapped. The first msi_events table entries are shadowed (struct vpci_fn.msix); an
 * entry reaches the device only unmasked and with the ITS doorbell as address and a
 * reserved event as data, else the device's entry stays masked and the write returns
 * ERR_PERM. Other bytes of those pages (the PBA, registers sharing a page) go through.
 */
#ifndef RTV_VPCI_MSIX_H
#define RTV_VPCI_MSIX_H

#include <asm/spinlock.h>
#include <mmio.h>
#include <vpci_cfg.h>

struct vm;

struct vpci_msix_win {
	spinlock_t *lock;          /* the VM's vPCI lock */
	const bool *stopped;       /* writes ignored while set (vpci.c) */
	const bool *absent;        /* the function moved to another VM: refused (vpci.c) */
	struct vpci_fn *fn;
	u64 pa;                    /* the window's first byte (IPA = PA) */
	u64 va;                    /* and where the hypervisor reaches it */
};

/* Windows one function's MSI-X table and PBA pages need at most. */
#define VPCI_MSIX_WINDOWS 2U

/* Trap the page runs of BAR bar that hold fn's table or PBA (VM creation). */
int vpci_msix_trap(struct vm *vm, struct vpci_msix_win *w, u32 *nr, u64 pa, u64 size);
/* Mask every entry of the device's table (creation and each reset). */
void vpci_msix_mask_all(const struct vpci_fn *fn);
enum trap_status vpci_msix_mmio(struct vcpu *v, struct mmio_access *a, void *opaque);

#endif
