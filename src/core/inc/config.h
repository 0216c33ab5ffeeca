/*
 * Scenario configuration: what VMs exist and what each one owns.
 *
 * The scenario is written as devicetree source (configs/<name>.dts, format in
 * docs/config.md), compiled with dtc and linked into the hypervisor image.
 * config_parse() turns the blob into struct scenario; config_check() validates it.
 * The same two functions run in the host tool (tools/rtvisor-check) at build time
 * and in the hypervisor at boot, so both refuse exactly the same scenarios.
 */
#ifndef RTV_CONFIG_H
#define RTV_CONFIG_H

#include <types.h>

#define CFG_MAX_VMS 8
#define CFG_MAX_VCPUS 8
#define CFG_MAX_MEM 4
#define CFG_MAX_DEVS 8
#define CFG_MAX_IRQS 16
#define CFG_MAX_IMAGES 4
#define CFG_NAME_LEN 16
#define CFG_ERR_LEN 160

enum fault_policy {
	FAULT_POLICY_INJECT = 0, /* inject a synchronous external abort into the guest */
	FAULT_POLICY_STOP,       /* stop the VM and report (default) */
};

struct cfg_mem {
	u64 ipa;        /* guest-physical base */
	u64 size;
	u64 phys;       /* host-physical base, valid if has_phys */
	bool has_phys;  /* "phys" given, or "identity" (then phys == ipa) */
	bool identity;  /* IPA == PA, for DMA without an IOMMU */
};

struct cfg_dev {        /* passthrough MMIO region, mapped IPA == PA */
	char name[CFG_NAME_LEN];
	u64 base;
	u64 size;
	u32 nr_irqs;
	u32 irqs[CFG_MAX_IRQS]; /* physical INTIDs (SPIs), injected with the same vINTID */
};

struct cfg_image {
	char name[CFG_NAME_LEN];
	const void *data;  /* points into the scenario blob */
	u64 size;
	u64 load_ipa;      /* where it is copied, inside one of the VM's memory regions */
};

struct cfg_vm {
	char name[CFG_NAME_LEN];
	u32 nr_vcpus;
	u32 vcpu_pcpu[CFG_MAX_VCPUS]; /* vCPU i runs on pCPU vcpu_pcpu[i] */
	u32 nr_mem;
	struct cfg_mem mem[CFG_MAX_MEM];
	u32 nr_images;
	struct cfg_image images[CFG_MAX_IMAGES];
	u64 entry;         /* vCPU 0 entry IPA */
	u64 dtb_ipa;       /* value of x0 at entry (0 if none) */
	u32 nr_devs;
	struct cfg_dev devs[CFG_MAX_DEVS];
	bool console;      /* emulated PL011 at the platform UART address */
	enum fault_policy fault_policy;
	bool autostart;    /* start at boot (default true) */
};

struct scenario {
	u32 nr_vms;
	struct cfg_vm vms[CFG_MAX_VMS];
};

/* What the check needs to know about the machine it will run on. */
struct cfg_limits {
	u64 ram_base, ram_size;  /* usable RAM */
	u64 hv_base, hv_size;    /* the hypervisor's own memory: no VM may overlap it */
	u32 nr_pcpus;
	u64 uart_base, uart_size; /* the hypervisor's console: never passed through */
	u64 gic_base, gic_size;   /* GICD..GICR span: emulated, never passed through */
	u32 uart_intid;           /* the console's INTID: never passed through (0: unknown) */
};

struct cfg_error {
	char msg[CFG_ERR_LEN];   /* "vm 'rt': memory[0].phys: ..." */
};

/* Parse a scenario blob. 0 on success; negative with err->msg naming the VM and field. */
int config_parse(const void *fdt, size_t max_size, struct scenario *s, struct cfg_error *err);

/* Validate a parsed scenario against the machine. 0 if valid; negative with err->msg. */
int config_check(const struct scenario *s, const struct cfg_limits *lim, struct cfg_error *err);

#endif
