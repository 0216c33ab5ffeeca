/* Capability discovery of one function (src/core/pci/pci_caps.c). */
#ifndef RTV_PCI_CAPS_H
#define RTV_PCI_CAPS_H

struct pci_func;

/* Fill f->caps (the capabilities a VM may see), f->flr and the MSI-X locations. */
void pci_caps_scan(struct pci_func *f);

#endif
