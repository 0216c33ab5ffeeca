/*
 * What the hypervisor learns about the machine from the firmware devicetree
 * (the DTB QEMU passes in x0). Filled by platform_discover() (config/platform_dt.c).
 */
#ifndef RTV_PLATFORM_INFO_H
#define RTV_PLATFORM_INFO_H

#include <pci_host.h>
#include <rtv_limits.h>
#include <types.h>

#define PLAT_MAX_CPUS LIM_PCPUS

enum psci_conduit { PSCI_CONDUIT_NONE = 0, PSCI_CONDUIT_SMC, PSCI_CONDUIT_HVC };

struct platform_info {
	u64 ram_base;          /* first /memory node's first range */
	u64 ram_size;
	u32 nr_cpus;           /* number of /cpus/cpu@N nodes (capped at PLAT_MAX_CPUS) */
	u64 cpu_mpidr[PLAT_MAX_CPUS]; /* "reg" of each cpu node, in DT order */
	u64 gicd_base, gicd_size;     /* "arm,gic-v3" reg[0] */
	u64 gicr_base, gicr_size;     /* "arm,gic-v3" reg[1] (first redistributor region) */
	u64 uart_base, uart_size;     /* stdout-path node if it is a pl011, else first "arm,pl011" */
	u32 uart_intid;               /* GIC INTID (SPI n -> 32 + n) */
	enum psci_conduit psci;       /* /psci "method" */
	u32 timer_intid_sec;          /* 1st entry (secure phys) */
	u32 timer_intid_hyp;          /* "arm,armv8-timer" 4th entry (EL2 phys), as INTID (PPI n -> 16+n) */
	u32 timer_intid_virt;         /* 3rd entry (EL1 virt) */
	u32 timer_intid_phys;         /* 2nd entry (EL1 non-secure phys) */
	u32 gic_maint_intid;          /* "arm,gic-v3" interrupts (PPI 9 -> 25) */
	u64 its_base, its_size;       /* first "arm,gic-v3-its" reg (its_size 0: no ITS) */
#define PLAT_ITS_TRANSLATER 0x10040ULL /* GITS_TRANSLATER: the MSI doorbell, from its_base */
	struct pci_host pci;          /* "pci-host-ecam-generic", if any (present = false: none) */
};

/* This machine, as platform_discover() found it at boot (defined in main.c). */
extern struct platform_info plat;

/*
 * Parse the firmware DTB. Returns 0 on success, or ERR_INVAL for a malformed or
 * incomplete tree with a one-line reason in err (errlen bytes).
 */
int platform_discover(const void *fdt, size_t max_size, struct platform_info *pi,
		      char *err, size_t errlen);

#endif
