/*
 * Per-VM guest devicetree, generated from the scenario (struct cfg_vm) at
 * every VM start, so that the guest's view and the configuration cannot
 * drift apart. The tree follows the Linux arm64 bindings: CPUs (PSCI via
 * hvc), memory, GICv3, architected timer, the emulated PL011 (if the VM has
 * the console), passthrough devices that have a "compatible", and /chosen
 * (bootargs, initrd, stdout-path); for a VM with `scmi`, the SCMI firmware node, its
 * shared memory, and per CPU an SCMI clock and an OPP table (docs/power.md).
 * Content: docs/config.md ("Guest DTB").
 */
#ifndef RTV_GUEST_DT_H
#define RTV_GUEST_DT_H

#include <config.h>
#include <err.h>
#include <types.h>

#define GUEST_DT_GICD_SIZE 0x10000ULL
#define GUEST_DT_GICR_STRIDE 0x20000ULL /* one RD_base + SGI_base frame pair per vCPU */
#define GUEST_DT_UART_SIZE 0x1000ULL

/* A PCIe host bridge showing the VM's functions only (src/vdev/vpci.c fills it). */
#define GUEST_DT_PCI_RANGES (LIM_PCI_FUNCS * 6)
#define GUEST_DT_PCI_IRQS LIM_PCI_FUNCS
#define GUEST_DT_PCI_IO 1U      /* range spaces, as in phys.hi (PCI Bus Binding 2.2.1.1) */
#define GUEST_DT_PCI_MEM32 2U
#define GUEST_DT_PCI_MEM64 3U

struct guest_dt_pci_range {
	u32 space;                   /* GUEST_DT_PCI_* */
	bool prefetch;
	u64 pci, cpu, size;          /* bus address, CPU address (= IPA = PA), bytes */
};

struct guest_dt_pci_irq {
	u32 bdf, pin, intid;         /* pin 1..4; intid: an SPI */
};

struct guest_dt_pci {
	u64 ecam_base;               /* the ECAM of bus bus_start; 1 MiB per bus */
	u32 bus_start, bus_end;
	u32 nr_ranges;
	struct guest_dt_pci_range ranges[GUEST_DT_PCI_RANGES];
	u32 nr_irqs;
	struct guest_dt_pci_irq irqs[GUEST_DT_PCI_IRQS];
};

struct guest_dt_platform {      /* what the VM sees, independent of the host's DTB */
	u64 gicd_base, gicr_base;    /* vGIC: GICR frames are 0x20000 per vCPU */
	u64 uart_base; u32 uart_intid; /* emulated PL011 if cfg->console (INTID: an SPI) */
	u32 timer_intids[4];         /* secure phys, nonsecure phys, virt, hyp phys: PPI INTIDs */
	u32 maint_intid;             /* vGIC maintenance interrupt: a PPI INTID */
	u32 cntfrq;                  /* optional clock-frequency; 0 = omit */
	const struct guest_dt_pci *pci; /* its PCIe host bridge; NULL: none */
	u64 its_base;                /* its virtual ITS (MSIs of pci's functions); 0: none */
	/* VMs with `scmi`: the CPU clocks' operating points and the SCMI doorbell. */
	const u32 *opp_khz;          /* ascending */
	u32 nr_opps;
	u32 opp_latency_ns;
	u32 scmi_smc_id;
	u32 vm_id;                   /* the VM's id (scenario order): "rtvisor,self" of shmem nodes */
};

/*
 * Build the VM's DTB into buf (size bytes; CFG_GUEST_DT_MAX is always enough
 * for a VM config_check() accepts). Images' load addresses and sizes come
 * from cfg. 0 on success (the DTB's size is its header's totalsize), ERR_FULL
 * if buf is too small, or ERR_INVAL for a NULL argument or cfg/platform values
 * the DT cannot express. Never writes outside [buf, buf + size).
 */
int guest_dt_build(const struct cfg_vm *cfg, const struct guest_dt_platform *p, void *buf,
		   size_t size);

#endif
