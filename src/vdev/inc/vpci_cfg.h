/*
 * One PCI function's configuration space as a VM sees it (src/vdev/vpci_cfg.c): a
 * filter over the physical one. Pure but for pci_cfg_read/write (pci_cfg.h), so a
 * host test can put a fake function behind it.
 */
#ifndef RTV_VPCI_CFG_H
#define RTV_VPCI_CFG_H

#include <pci.h>
#include <types.h>

#define VPCI_CFG_SIZE 0x1000   /* a function's ECAM page; 0x100 and above read as zero */

struct vpci_fn {
	const struct pci_func *f;
	bool dma;                  /* the scenario lets it master the bus */
	u32 bar[PCI_NR_BARS];      /* the BARs as the guest last wrote them */
	u16 cmd;                   /* the command register as the guest sees it */
	u8 line;                   /* interrupt line register (scratch for the guest) */
};

/* As at power-on: BARs at the hypervisor's addresses, decoding and mastering off. */
void vpci_fn_reset(struct vpci_fn *v, const struct pci_func *f, bool dma);
/* reg + size within VPCI_CFG_SIZE, size 1, 2 or 4, naturally aligned (the caller checks). */
u32 vpci_cfg_read(const struct vpci_fn *v, u32 reg, u32 size);
void vpci_cfg_write(struct vpci_fn *v, u32 reg, u32 size, u32 val);

#endif
