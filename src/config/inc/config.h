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

#include <pci_host.h>
#include <rtv_limits.h>
#include <types.h>

/* Capacities: rtv_limits.h. */
#define CFG_MAX_VMS LIM_VMS
#define CFG_MAX_VCPUS LIM_VCPUS_PER_VM
#define CFG_MAX_MEM LIM_MEM_REGIONS
#define CFG_MAX_DEVS LIM_DEVICES
#define CFG_MAX_IRQS LIM_DEV_IRQS
#define CFG_MAX_PCI LIM_PCI_FUNCS
#define CFG_MAX_VIRTIO LIM_VIRTIO_DEVS
#define CFG_MAX_IMAGES LIM_IMAGES
#define CFG_NAME_LEN LIM_NAME_LEN
#define CFG_ERR_LEN 160
#define CFG_BOOTARGS_MAX LIM_BOOTARGS
#define CFG_COMPAT_MAX LIM_COMPAT_BYTES
#define CFG_GUEST_DT_MAX LIM_GUEST_DT_SIZE
#define CFG_INITRD_LABEL "initrd" /* image label that makes an image the initrd */

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
	/* "compatible" as in the scenario: NUL-terminated strings back to back, the last
	 * NUL included (points into the blob). NULL: the device is not described in the
	 * guest DTB (it is still mapped). */
	const char *compatible;
	u32 compatible_len;
};

/* A PCI function the VM owns (pci@<n> node; docs/pci.md). Its BARs, INTx line and
 * capabilities are found on the bus at boot. */
struct cfg_pci {
	char name[CFG_NAME_LEN];
	u32 bdf[3];        /* bus, device, function */
	u32 nr_bdf;        /* cells given (the parser accepts exactly 3) */
	bool dma;          /* may master the bus: DMA with physical addresses, so the VM's
			    * RAM must be identity-mapped (trusted: no IOMMU checks it) */
	u32 msi_events;    /* MSI/MSI-X events reserved for it on the ITS (0: INTx only) */
};

static inline u32 cfg_pci_bdf(const struct cfg_pci *p)
{
	return PCI_BDF(p->bdf[0], p->bdf[1], p->bdf[2]);
}

/* A virtio-mmio device the hypervisor emulates for the VM (virtio@<n> node; docs/virtio.md):
 * one 4 KiB register page at an IPA outside its RAM, one emulated level interrupt. */
enum cfg_virtio_type {   /* the order of the "type" strings */
	CFG_VIRTIO_CONSOLE = 0,
	CFG_VIRTIO_BLK,
	CFG_VIRTIO_NET,
};
#define CFG_VIRTIO_PAGE 0x1000ULL

struct cfg_virtio {
	char name[CFG_NAME_LEN];
	u32 type;          /* enum cfg_virtio_type */
	u64 base, size;    /* the register page (IPA); size must be CFG_VIRTIO_PAGE */
	u32 irq;           /* its INTID (an SPI), emulated: not a physical interrupt */
	/* blk: a disk of disk_size bytes in RAM the hypervisor reserves, filled from data
	 * (data_size bytes, in the blob; NULL: zeros) when the VM is created. */
	u64 disk_size;
	bool has_disk_size;
	const void *data;
	u64 data_size;
	bool read_only;
	/* net: the virtual network it is a port of (docs/virtio.md) */
	char network[CFG_NAME_LEN];
};
#define CFG_VIRTIO_SECTOR 512ULL
#define CFG_MAX_NETWORKS LIM_VNET_NETWORKS
#define CFG_MAX_NET_PORTS LIM_VNET_PORTS
#define CFG_VIRTIO_DISK_MAX LIM_VIRTIO_DISK

struct cfg_image {
	char name[CFG_NAME_LEN];
	const void *data;  /* points into the scenario blob */
	u64 size;
	u64 load_ipa;      /* where it is copied, inside one of the VM's memory regions */
};

/* A CPU pool (`pools` node). Without one, every pCPU is in one bind pool "rt". */
#define CFG_MAX_POOLS LIM_POOLS
#define CFG_MAX_PCPUS LIM_PCPU_MASK_BITS
#define CFG_MAX_VCPUS_PER_PCPU LIM_RUNQUEUE /* dynamic pools: runqueue capacity */
#define CFG_WEIGHT_MAX 1000
#define CFG_PRIO_MAX 15
struct cfg_pool {
	char name[CFG_NAME_LEN];
	bool dynamic;      /* policy "dynamic" (else "bind") */
	u64 cpus;          /* bitmask of member pCPUs */
	u32 slice_us;      /* dynamic: time slice (default 1000) */
	/* Frequency scaling (docs/power.md); 0 = not given, the default applies. */
	u32 freq_policy;   /* dynamic: CFG_FREQ_* (default performance) */
	bool has_freq_policy;
	u32 freq_up, freq_down; /* ondemand: load thresholds in percent (80, 30) */
	u32 freq_sample_ms; /* ondemand: sampling period (100) */
	u32 rt_freq_khz;   /* bind: level of a pCPU running an RT VM (the highest) */
};
/* freq-policy values: the order of enum freq_gov (freq.h). */
#define CFG_FREQ_PERFORMANCE 0
#define CFG_FREQ_POWERSAVE 1
#define CFG_FREQ_ONDEMAND 2

/* The kernel symbols of "system-map-symbols", in this order (scripts/scenario-symbols.sh
 * writes them so): link-time addresses from the System.map. */
enum cfg_ksym {
	CFG_KSYM_TEXT,           /* _text: the Image's first byte */
	CFG_KSYM_PRB,            /* prb: pointer to the printk ring buffer in use */
	CFG_KSYM_BANNER,         /* linux_banner: "Linux version ..." (which kernel; KASLR) */
	CFG_KSYM_KIMAGE_VOFFSET, /* kimage_voffset: the kernel image's VA - PA */
	CFG_NR_KSYMS
};
#define CFG_KSYM_NAMES "_text prb linux_banner kimage_voffset"
/*
 * Shared memory between VMs (/shmem, docs/shmem.md). A region has a size and, if
 * given, a fixed host-physical base; each VM that maps it has a node under it (named
 * after the VM) with the IPA, the access and, optionally, the INTID of its doorbell.
 */
#define CFG_MAX_SHM LIM_SHM_REGIONS
#define CFG_MAX_SHM_MAPS LIM_SHM_MAPS
#define CFG_MAX_VM_SHM LIM_SHM_PER_VM

struct cfg_shm_map {
	char vm[CFG_NAME_LEN]; /* the node name: a VM of the scenario */
	u64 ipa;
	bool read_only;
	u32 doorbell;          /* INTID of the region's doorbell in that VM; 0: allocated */
};

struct cfg_shm {
	char name[CFG_NAME_LEN];
	u64 size;
	u64 phys;              /* host-physical base, valid if has_phys */
	bool has_phys;
	u32 nr_maps;
	struct cfg_shm_map maps[CFG_MAX_SHM_MAPS];
};

/* A shared region as one VM sees it: filled by config_parse() from /shmem, so the guest
 * devicetree, the capacity check and the shmem unit need only the VM's entry. */
struct cfg_vm_shm {
	char name[CFG_NAME_LEN];
	u32 region;            /* index in scenario.shm: the doorbell ABI's region id */
	u64 ipa, size;
	u64 phys;              /* fixed host-physical base if has_phys */
	bool has_phys;
	bool read_only;
	u32 doorbell;          /* its doorbell's INTID in this VM (given or allocated) */
	u32 nr_peers;          /* the other VMs that map the region */
	u32 peer_vm[CFG_MAX_SHM_MAPS];             /* their VM ids (scenario order) */
	char peer_name[CFG_MAX_SHM_MAPS][CFG_NAME_LEN];
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
	bool has_dtb;      /* "dtb" given: a guest DTB is generated at dtb_ipa at every start */
	u64 dtb_ipa;       /* value of x0 at entry (0 if none) */
	const char *bootargs; /* /chosen/bootargs (points into the blob), NULL if none */
	int initrd_image;  /* index of the image labelled "initrd", -1 if none */
	u32 nr_devs;
	struct cfg_dev devs[CFG_MAX_DEVS];
	u32 nr_pci;
	struct cfg_pci pci[CFG_MAX_PCI];
	u32 nr_virtio;
	struct cfg_virtio virtio[CFG_MAX_VIRTIO];
	bool console;      /* emulated PL011 at the platform UART address */
	enum fault_policy fault_policy;
	bool autostart;    /* start at boot (default true) */
	char pool[CFG_NAME_LEN]; /* pool name; empty = the default pool */
	u32 weight;        /* dynamic pools: share 1..1000 (0 = not given: 1) */
	u32 priority;      /* dynamic pools: 0..15, higher runs first (default 0) */
	bool has_priority; /* "priority" given */
	bool privileged;   /* may call the management hypercalls */
	bool debug;        /* the shell may inspect it (docs/debugging.md) */
	bool exitless;     /* its interrupts are taken at its EL1 (config_exitless.c) */
	bool gicv4;        /* its MSI events are GICv4 vLPIs (docs/pci.md "GICv4") */
	u32 gdb_pci[3];    /* gdb-pci: the hypervisor's serial line for a GDB stub serving */
	u32 nr_gdb_pci;    /* this VM (bus device function; 0 cells: none) */
	/* gdb-uart: or a memory-mapped UART at this physical address (docs/debugging.md) */
	u64 gdb_uart;
	bool has_gdb_uart;
	u32 gdb_uart_type;     /* enum cfg_uart_type (gdb-uart-type; default ns16550) */
	bool has_gdb_uart_type;
	u32 gdb_uart_shift;    /* gdb-uart-reg-shift: 16550 register stride 1 << shift */
	bool has_gdb_uart_shift;
	bool scmi;         /* SCMI server (CPU clocks) at CFG_PV_IPA, docs/power.md */
	bool pv_time;      /* stolen-time records at CFG_PVTIME_IPA (DEN 0057A), docs/power.md */
	/* "system-map": the Linux kernel's System.map as the scenario names it (points into
	 * the blob; NULL: none). The scenario build (scripts/scenario-symbols.sh) copies the
	 * few symbols `dmesg` needs into "system-map-symbols": ksym[CFG_KSYM_*]. */
	const char *system_map;
	bool has_ksyms;
	u64 ksym[CFG_NR_KSYMS];
	u32 nr_shm;        /* shared regions it maps (from /shmem) */
	struct cfg_vm_shm shm[CFG_MAX_VM_SHM];
	/* watchdog-irq: an SBSA generic watchdog (vdev/sbsa_wdog.c) at CFG_WDOG_CTRL_IPA /
	 * CFG_WDOG_REFRESH_IPA, its WS0 signal on this SPI; watchdog-action: what its WS1
	 * does (enum cfg_wdog_action, default reset). */
	u32 wdog_irq;
	bool has_wdog;
	u32 wdog_action;
	bool has_wdog_action;
};

/* The VM's first virtio device of type t, or NULL. */
static inline const struct cfg_virtio *cfg_virtio_find(const struct cfg_vm *vm, u32 t)
{
	for (u32 i = 0; i < vm->nr_virtio && i < CFG_MAX_VIRTIO; i++)
		if (vm->virtio[i].type == t)
			return &vm->virtio[i];
	return 0;
}

/* Does the VM have a console the hypervisor multiplexes (an emulated PL011 or a virtio
 * console)? Its output is tagged, it can have the input focus. */
static inline bool cfg_vm_has_console(const struct cfg_vm *vm)
{
	return vm->console || cfg_virtio_find(vm, CFG_VIRTIO_CONSOLE) != 0;
}

/* The UART of a `gdb-uart` line (its registers: cfg_uart_span()). */
enum cfg_uart_type { CFG_UART_NS16550, CFG_UART_PL011 };
#define CFG_UART_SHIFT_MAX 2U

/* Bytes of the line's register window: a 16550's eight registers at its stride, a
 * PL011's 4 KiB frame (ARM DDI 0183, ID registers at 0xfe0..0xffc). */
static inline u64 cfg_uart_span(const struct cfg_vm *vm)
{
	return vm->gdb_uart_type == CFG_UART_PL011 ? 0x1000ULL : 8ULL << vm->gdb_uart_shift;
}

/* The paravirtual page of an `scmi` VM: the SCMI shared memory (arm,scmi-shmem). */
#define CFG_PV_IPA 0x090c0000ULL
#define CFG_PV_SIZE 0x1000ULL
/* The stolen-time page of a `pv-time` VM (vdev/pvtime.c): 64 bytes per vCPU, read-only
 * for the guest, outside its RAM (Linux maps it with memremap(MEMREMAP_WB)). */
#define CFG_PVTIME_IPA 0x090d0000ULL
/* The SBSA generic watchdog of a VM with `watchdog-irq` (vdev/sbsa_wdog.c): its control
 * frame and its refresh frame, one 4 KiB page each (Arm DEN 0029, generic watchdog). */
#define CFG_WDOG_CTRL_IPA 0x090e0000ULL
#define CFG_WDOG_REFRESH_IPA 0x090f0000ULL
#define CFG_WDOG_FRAME 0x1000ULL
/* What the watchdog's second timeout (WS1) does to its VM. */
enum cfg_wdog_action { CFG_WDOG_RESET, CFG_WDOG_STOP };

/*
 * A failover group (/failover/<group>, config_failover.c, docs/failover.md): a primary and
 * a backup VM and what moves from the first to the second on promotion. The name lists
 * are NUL-separated strings in the blob (NULL: none). Run time: core/failover.c.
 */
#define CFG_MAX_FAILOVER (CFG_MAX_VMS / 2)
#define CFG_FO_LIST_MAX 128U
struct cfg_failover {
	char name[CFG_NAME_LEN];
	char primary[CFG_NAME_LEN], backup[CFG_NAME_LEN];
	u32 weight;                /* the backup's weight once promoted (0: the primary's) */
	const char *pci;           /* labels of pci@ functions that move: both VMs list each
				    * (same label, function, dma, msi-events); only the current
				    * primary's vPCI shows it (docs/failover.md "Moving PCI
				    * functions") */
	u32 pci_len;
	const char *networks;      /* virtio-net networks whose link moves */
	u32 networks_len;
	const char *shmem;         /* the state mirror: regions both map all along */
	u32 shmem_len;
	const char *move_shmem;    /* regions only the primary maps: unmapped at the fence,
				    * mapped into the backup at promotion */
	u32 move_shmem_len;
	bool rebirth;              /* the fenced primary restarts as the new backup */
	u32 on_ws1;                /* enum cfg_fo_ws1: the primary's WS1 fails over or resets */
	bool has_on_ws1;
	u32 fence;                 /* enum cfg_fo_fence: what the fence does to the primary */
	bool has_fence;
};
enum cfg_fo_ws1 { CFG_FO_WS1_FAILOVER, CFG_FO_WS1_RESET };
/* halt: its vCPUs stop (reset with rebirth); isolate: it runs on without what moved. */
enum cfg_fo_fence { CFG_FO_FENCE_HALT, CFG_FO_FENCE_ISOLATE };

struct scenario {
	u32 nr_pools;
	struct cfg_pool pools[CFG_MAX_POOLS];
	u32 nr_vms;
	struct cfg_vm vms[CFG_MAX_VMS];
	u32 nr_shm;
	struct cfg_shm shm[CFG_MAX_SHM];
	u32 nr_failover;
	struct cfg_failover failover[CFG_MAX_FAILOVER];
};

/* What the check needs to know about the machine it will run on. */
struct cfg_limits {
	u64 ram_base, ram_size;  /* usable RAM */
	u64 hv_base, hv_size;    /* the hypervisor's own memory: no VM may overlap it */
	u32 nr_pcpus;
	u64 uart_base, uart_size; /* the hypervisor's console: never passed through */
	u64 gic_base, gic_size;   /* GICD..GICR span: emulated, never passed through */
	u32 uart_intid;           /* the console's INTID: never passed through (0: unknown) */
	const struct pci_host *pci; /* the PCIe host bridge; NULL: none (no pci@ allowed) */
	const u32 *opp_khz;       /* the platform's operating points (rt-freq-khz); NULL: any */
	u32 nr_opps;
};

struct cfg_error {
	char msg[CFG_ERR_LEN];   /* "vm 'rt': memory[0].phys: ..." */
};

/*
 * The three functions below return 0, or ERR_INVAL (err.h) for a scenario they
 * refuse, with err->msg naming the VM and the field (config_parse and
 * config_check also take a NULL err).
 */

/* Parse a scenario blob into s (zeroed if refused). */
int config_parse(const void *fdt, size_t max_size, struct scenario *s, struct cfg_error *err);

/* Validate a parsed scenario against the machine. */
int config_check(const struct scenario *s, const struct cfg_limits *lim, struct cfg_error *err);

/*
 * Does the VM fit the hypervisor's per-VM tables (rtv_limits.h: owned SPIs, the console's
 * INTID)? Part of config_check(); vm_create() asks again before it
 * changes anything. Devices must already be checked (interrupts in range, each once).
 */
int config_vm_capacity(const struct cfg_vm *vm, u32 uart_intid, struct cfg_error *err);

/* Failover groups (config_failover.c). The group of VM vm whose `pci` moves vm's function
 * labelled label, or NULL. */
const struct cfg_failover *cfg_fo_of_pci(const struct scenario *s, const char *vm,
					 const char *label);
/* Do VMs a and b (primary and backup of one group) share one function, labelled la in a
 * and lb in b, that the group moves? */
bool cfg_fo_shares_pci(const struct scenario *s, const char *a, const char *la,
		       const char *b, const char *lb);

/* Shared regions (config_shm.c): the regions themselves and each VM's view of them;
 * part of config_check(). */
int config_check_shm(const struct scenario *s, const struct cfg_limits *l, struct cfg_error *e);
int config_check_vm_shm(const struct scenario *s, u32 i, u32 k, const struct cfg_limits *l,
			struct cfg_error *e);

#endif
