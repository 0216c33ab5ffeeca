/*
 * PCI configuration space through QEMU virt's ECAM (PCI Express Base Spec 4.0, 7.2.2:
 * bus << 20 | device << 15 | function << 12 | register): the real one on bare QEMU, the
 * VM's virtual host bridge under rtvisor (same address). Bus 0 only; accesses are
 * naturally aligned, 2 or 4 bytes. An absent function reads as all ones.
 */
#ifndef GUEST_PCI_H
#define GUEST_PCI_H

#include <stdbool.h>
#include <stdint.h>

#define PCI_ECAM_BASE 0x4010000000UL   /* QEMU virt with highmem (the default) */
#define PCI_MEM32_BASE 0x10000000UL    /* QEMU virt: the 32-bit MMIO window */
#define PCI_BDF(bus, dev, fn) (((bus) << 8) | ((dev) << 3) | (fn))
#define PCI_BDF_DEV(bdf) (((bdf) >> 3) & 0x1fU)
#define PCI_BDF_FN(bdf) ((bdf) & 7U)
#define PCI_NO_FUNC (-1)

/* Type 0 header (PCI Local Bus Spec 3.0, 6.1). */
#define PCI_VENDOR 0x00U
#define PCI_COMMAND 0x04U
#define PCI_CLASS_REV 0x08U
#define PCI_HEADER 0x0cU          /* header type in bits 23:16 */
#define PCI_BAR0 0x10U
#define PCI_CAP_PTR 0x34U
#define PCI_INT 0x3cU             /* line 7:0, pin 15:8 */
#define PCI_CMD_IO 0x1U
#define PCI_CMD_MEM 0x2U
#define PCI_CMD_MASTER 0x4U
#define PCI_CMD_INTX_OFF 0x400U
#define PCI_STATUS_CAPS 0x10U     /* status (bits 31:16 of the command dword) bit 4 */
#define PCI_CAP_MSI 0x05U         /* capability IDs (PCI Local Bus Spec 3.0, appendix H) */
#define PCI_CAP_MSIX 0x11U

uintptr_t pci_cfg_addr(unsigned bdf, unsigned reg);
uint32_t pci_cfg_read32(unsigned bdf, unsigned reg);
void pci_cfg_write32(unsigned bdf, unsigned reg, uint32_t v);
uint16_t pci_cfg_read16(unsigned bdf, unsigned reg);
void pci_cfg_write16(unsigned bdf, unsigned reg, uint16_t v);

/* Is there an ECAM to read? A VM that owns no PCI function has none: the read is
 * refused (an abort, caught). */
bool pci_ecam_present(void);
/* The first function on bus 0 with these IDs: its bdf, or PCI_NO_FUNC. */
int pci_find(uint16_t vendor, uint16_t device);
/* Calls fn for every function present on bus 0; returns how many there are. */
unsigned pci_scan(void (*fn)(unsigned bdf, uint32_t ids));
/* Size of 32-bit memory BAR i by the all-ones probe (6.2.5.1); the BAR is put back. */
uint32_t pci_bar_size(unsigned bdf, unsigned i);
/* Address of 32-bit memory BAR i; an unassigned one (bare QEMU has no firmware to do
 * it) is given addr first. */
uint32_t pci_bar_place(unsigned bdf, unsigned i, uint32_t addr);
/* Offset of the function's first capability with this ID (PCI Local Bus Spec 3.0,
 * 6.7: the list from PCI_CAP_PTR), 0 if none; at most 48 entries are walked. */
unsigned pci_find_cap(unsigned bdf, unsigned id);
/* The INTID of its INTx pin on QEMU virt (35 + (slot + pin - 1) mod 4), 0 if none. */
unsigned pci_intx_intid(unsigned bdf);

#endif
