/*
 * BARs and bridge windows (src/core/pci/pci_bars.c): sizing, assignment from the
 * host's windows, and writing them to the hardware (again after a reset).
 */
#ifndef RTV_PCI_BARS_H
#define RTV_PCI_BARS_H

#include <pci_alloc.h>
#include <types.h>

struct pci_func;

struct pci_space {            /* the allocators over the host's three windows */
	struct pci_alloc io, mem, mem64;
};

/* Size f's n BARs (6 for an endpoint, 2 for a bridge) and give each its range; a BAR
 * that finds no room stays at 0 and makes pci_bars_ok() false. */
void pci_bars_assign(struct pci_func *f, u32 n, struct pci_space *sp);
/* Write the assigned addresses to the function's BARs. */
void pci_bars_write(const struct pci_func *f);
bool pci_bars_ok(const struct pci_func *f);
/* A bridge's windows: call open before its buses are scanned, close after. */
void pci_bridge_open(struct pci_space *sp, struct pci_space *start);
void pci_bridge_close(const struct pci_func *br, struct pci_space *sp,
		      const struct pci_space *start);

#endif
