/*
 * Address allocation for BARs and bridge windows (pci_alloc.c, pure): a bump allocator
 * over one host window. Every BAR gets its own naturally aligned range of at least a
 * 4 KiB page, so no two functions (hence no two VMs) share a page of the MMIO or I/O
 * window and each can be mapped into a stage 2 on its own.
 */
#ifndef RTV_PCI_ALLOC_H
#define RTV_PCI_ALLOC_H

#include <types.h>

#define PCI_ALLOC_MIN 0x1000ULL

struct pci_alloc {
	u64 next, end;   /* bus addresses: [next, end) is free */
};

void pci_alloc_init(struct pci_alloc *a, u64 base, u64 size);
/* A range of max(size, 4 KiB) aligned to itself. 0, ERR_INVAL (size not a power of two)
 * or ERR_NOMEM (the window is full). */
int pci_alloc_take(struct pci_alloc *a, u64 size, u64 *addr);
/* Move next up to a multiple of align (bridge window granules); ERR_NOMEM past the end. */
int pci_alloc_align(struct pci_alloc *a, u64 align);

#endif
