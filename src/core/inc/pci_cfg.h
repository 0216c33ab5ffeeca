/*
 * The physical PCIe configuration space, as the hypervisor reaches it: the host
 * bridge's ECAM (PCI Express Base Spec 4.0, 7.2.2 "Enhanced Configuration Access
 * Mechanism": bus << 20 | device << 15 | function << 12 | register). Provided by the
 * platform's driver (src/drivers/pci_ecam.c). Accesses are 1, 2 or 4 bytes, naturally
 * aligned, register < 4096; an absent function reads as all ones.
 */
#ifndef RTV_PCI_CFG_H
#define RTV_PCI_CFG_H

#include <pci_host.h>
#include <types.h>

/* Map the host's ECAM (boot CPU, once). 0, or ERR_* from the EL2 map. */
int pci_cfg_init(const struct pci_host *h);
u32 pci_cfg_read(u32 bdf, u32 reg, u32 size);
void pci_cfg_write(u32 bdf, u32 reg, u32 size, u32 val);

#endif
