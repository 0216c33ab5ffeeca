/*
 * The hypervisor's view of the physical PCI bus (src/core/pci): every function found
 * at boot (bridges included), its BARs as the hypervisor assigned them, its INTx line
 * and capabilities, and the VM that owns it. Enumeration and BAR assignment happen
 * once at boot (pci_init); the vPCI unit (src/vdev/vpci.c) gives owned functions to
 * VMs. Model and limits: docs/pci.md.
 */
#ifndef RTV_PCI_H
#define RTV_PCI_H

#include <pci_host.h>
#include <rtv_limits.h>
#include <types.h>

#define PCI_NR_BARS 6
#define PCI_MAX_FUNCS LIM_PCI_HOST_FUNCS
#define PCI_MAX_CAPS 12
#define PCI_NO_OWNER (-1)

/* Type 0/1 header registers (PCI Local Bus Spec 3.0, 6.1; PCI-to-PCI Bridge Spec 1.2, 3.2). */
#define PCI_VENDOR 0x00
#define PCI_COMMAND 0x04
#define PCI_STATUS 0x06
#define PCI_CLASS_REV 0x08
#define PCI_HEADER_TYPE 0x0e
#define PCI_BAR0 0x10
#define PCI_SUBSYSTEM 0x2c
#define PCI_CAP_PTR 0x34
#define PCI_INT_LINE 0x3c
#define PCI_INT_PIN 0x3d
#define PCI_BUS_NUMBERS 0x18   /* type 1: primary, secondary, subordinate */
#define PCI_IO_BASE 0x1c       /* type 1: I/O base and limit (4 KiB granules) */
#define PCI_MEM_BASE 0x20      /* type 1: memory base and limit (1 MiB granules) */
#define PCI_PREF_BASE 0x24     /* type 1: prefetchable base and limit */
#define PCI_PREF_BASE_HI 0x28
#define PCI_PREF_LIMIT_HI 0x2c
#define PCI_CMD_IO BIT(0)
#define PCI_CMD_MEM BIT(1)
#define PCI_CMD_MASTER BIT(2)
#define PCI_CMD_INTX_OFF BIT(10)
#define PCI_STATUS_INTX BIT(3)
#define PCI_STATUS_CAPS BIT(4)

/* Capability IDs (PCI Local Bus Spec 3.0, appendix H). */
#define PCI_CAP_PM 0x01
#define PCI_CAP_MSI 0x05
#define PCI_CAP_VENDOR 0x09
#define PCI_CAP_PCIE 0x10
#define PCI_CAP_MSIX 0x11

enum pci_bar_kind { PCI_BAR_NONE, PCI_BAR_IO, PCI_BAR_MEM32, PCI_BAR_MEM64, PCI_BAR_MEM64_HI };

struct pci_bar {
	u8 kind;          /* enum pci_bar_kind; MEM64_HI: the upper half of the BAR before */
	bool prefetch;
	u64 size;         /* decoded size (a power of two) */
	u64 addr;         /* bus address the hypervisor assigned */
};

struct pci_cap {      /* a capability the VM may see (PM, MSI, PCIe, MSI-X, vendor) */
	u8 id, off, len;  /* len: bytes of the structure shown */
};

struct pci_func {
	u16 bdf;
	u16 vendor, device;
	u8 hdr_type;      /* 0 endpoint, 1 bridge (bit 7, multi-function, cleared) */
	u8 pin;           /* 1..4 = INTA..INTD, 0 none */
	u32 intid;        /* the host INTID its pin reaches through the bridges, 0 none */
	int parent;       /* index of the bridge it sits behind, -1 on the root bus */
	int owner;        /* vm id, PCI_NO_OWNER */
	bool flr;         /* Function Level Reset capable (PCIe Device Capabilities bit 28) */
	u8 pcie_off;      /* the PCI Express capability, 0 if none */
	u8 msix_bar;      /* MSI-X table and PBA: BAR index and offset (msix_off: cap offset) */
	u8 msix_off;
	u32 msix_table, msix_pba; /* BIR in bits 2:0, offset in the rest (as the registers) */
	u32 nr_caps;
	struct pci_cap caps[PCI_MAX_CAPS];
	struct pci_bar bar[PCI_NR_BARS];
	u8 sec_bus, sub_bus; /* bridges */
};

extern struct pci_func pci_funcs[PCI_MAX_FUNCS];
extern u32 pci_nr_funcs;
extern const struct pci_host *pci_host;

/* Boot CPU, once: map the ECAM, scan every bus, assign bus numbers and BARs, leave every
 * endpoint disabled. 0 (also with no host bridge), or ERR_* with msg saying why. */
int pci_init(const struct pci_host *h, char *msg, size_t len);
struct pci_func *pci_find(u32 bdf);
/* The endpoint one of whose assigned BARs holds CPU range [cpu, cpu + size) (its index
 * in *bar), or NULL. */
struct pci_func *pci_func_at(u64 cpu, u64 size, u32 *bar);
/* CPU (and IPA) address of BAR i's first byte: for I/O, inside the host's I/O window. */
u64 pci_bar_cpu(const struct pci_func *f, u32 i);
/* Bus master and decoding off, INTx masked: the function stops. */
void pci_func_quiesce(const struct pci_func *f);
/* Back to the state of boot: quiesced, Function Level Reset if it has one, BARs
 * written again (a reset clears them). */
void pci_func_restore(const struct pci_func *f, bool flr);
/* Quiesce it and, if it has Function Level Reset, start one (true) without waiting:
 * the caller lets pci_flr_ticks() of the counter pass, then pci_func_restore(f, false)
 * writes the BARs again (a failover's promotion, vdev/vpci.c). */
bool pci_func_flr_start(const struct pci_func *f);
u64 pci_flr_ticks(void);
/* The shell: every function (vm < 0) or those of VM vm. */
void pci_show(int vm);

#endif
