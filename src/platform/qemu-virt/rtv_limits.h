/*
 * Every capacity the hypervisor has, in one place (issue 8, item 4).
 *
 * The scenario check (config_check.c, run by rtvisor-check on the host and by the
 * hypervisor at boot) refuses every scenario that would need more than these, so a
 * scenario it accepts never fails at VM creation for lack of room. The headers of
 * the modules that own the tables (vgic.h, mmio.h, sched.h, ...) define their
 * names from these values; change a capacity here, nowhere else.
 *
 * Named rtv_limits.h, not limits.h: the host tools and unit tests compile with
 * -Isrc/core/inc, and a "limits.h" there would shadow the C library's.
 *
 * No value differs between platforms yet; a platform that needs another value
 * gets a src/platform/<board>/ header included from here, for that value only.
 */
#ifndef RTV_LIMITS_H
#define RTV_LIMITS_H

/* ---- the scenario ---- */
#define LIM_VMS 8               /* VMs in a scenario */
#define LIM_VCPUS_PER_VM 8      /* vCPUs of one VM */
#define LIM_MEM_REGIONS 4       /* memory@ nodes of one VM */
#define LIM_IMAGES 4            /* image@ nodes of one VM */
#define LIM_DEVICES 8           /* device@ nodes of one VM */
#define LIM_DEV_IRQS 16         /* interrupts of one device */
#define LIM_PCI_FUNCS 8         /* pci@ nodes (PCI functions) of one VM */
#define LIM_VIRTIO_DEVS 8       /* virtio@ nodes (virtio-mmio devices) of one VM */
#define LIM_VIRTIO_DISK (1ULL << 30) /* bytes of one virtio-blk disk (RAM it reserves) */
#define LIM_VNET_NETWORKS 8     /* virtual networks (names) in a scenario */
#define LIM_VNET_PORTS 8        /* virtio-net ports on one virtual network */
#define LIM_MSI_EVENTS_PER_FN 32 /* MSI/MSI-X events (msi-events) one PCI function may reserve */
#define LIM_ITS_LPIS 256        /* physical LPIs the ITS maps for all VMs' events together */
#define LIM_PCI_HOST_FUNCS 64   /* PCI functions (bridges included) the hypervisor tracks */
#define LIM_NAME_LEN 16         /* VM, pool, image and device names: 15 characters + NUL */
#define LIM_BOOTARGS 255        /* characters of "bootargs" */
#define LIM_COMPAT_BYTES 128    /* bytes of a device's "compatible" list, NULs included */
#define LIM_GUEST_DT_SIZE 0x10000 /* bytes reserved at "dtb" for the generated guest DTB */
#define LIM_SHM_REGIONS 16      /* shared-memory regions (/shmem) in a scenario */
#define LIM_SHM_MAPS 4          /* VMs that map one shared region */
#define LIM_SHM_PER_VM 8        /* shared regions one VM maps (each costs it one doorbell SPI) */

/* ---- CPUs and scheduling ---- */
#define LIM_PCPUS 8             /* pCPUs the hypervisor drives (struct cpu array); the
                                   firmware DTB may list more, they stay unused */
#define LIM_PCPU_MASK_BITS 64   /* width of a pool's pCPU bitmask: pCPU numbers a pool may name */
#define LIM_POOLS 4             /* CPU pools (without /pools: one, "rt") */
#define LIM_RUNQUEUE 16         /* vCPUs homed on one pCPU (a dynamic pool's overcommit) */

/* ---- interrupts (vGICv3, per VM) ---- */
#define LIM_VGIC_PRIVATE 32     /* SGIs and PPIs of each vCPU */
#define LIM_VGIC_SPIS 256       /* SPI slots: a VM sees INTIDs 32..LIM_VGIC_MAX_INTID */
#define LIM_VGIC_MAX_INTID (32 + LIM_VGIC_SPIS - 1)
#define LIM_VGIC_OWNED_SPIS 32  /* SPIs one VM may own: its devices' and its console's */
#define LIM_VGIC_LRS 16         /* list registers used (ICH_VTR_EL2.ListRegs caps it lower) */
#define LIM_VGIC_LPI_BITS 14    /* INTID bits of a VM with LPIs: LPIs 8192..16383 */
#define LIM_VGIC_LPIS 64        /* LPIs one VM may have mapped at once (vITS MAPTI/MAPI) */

/* ---- memory and emulated devices ---- */
#define LIM_IPA_BITS 40         /* guest-physical space of every VM (stage-2 VTCR_EL2.T0SZ) */
#define LIM_PMEM_RANGES 64      /* free host-RAM ranges the allocator can track */
#define LIM_PT_POOL_PAGES 1024  /* 4 KiB pages for all translation tables (EL2 and stage 2) */

/* ---- console and shell ---- */
#define LIM_CONSOLE_RING 16384   /* bytes of each VM's recent output kept for `log` */
#define LIM_CONSOLE_LINE 240     /* bytes of a VM's line assembled before it is shown */
#define LIM_CONSOLE_QUEUE 131072 /* bytes of the console queue (msgq.h); a power of two; each
                                    VM and the hypervisor may fill 1/(VMs + 1) of it */
#define LIM_CONSOLE_RECORD 512   /* bytes of one console record; longer text is split */
#define LIM_SHELL_LINE 96        /* characters of a shell command line */
#define LIM_HC_SERVICES 8        /* HVC/SMC function IDs device units register (hypercall.h) */
#define LIM_SYSREG_TRAPS 16      /* trapped system registers with a handler of their own: the
                                    units' (SYSREG_TRAP) and the core's (arch/sysreg_trap.h) */
#define LIM_GDB_LINES 2          /* gdb-pci and gdb-uart lines (GDB stubs) of a scenario */
#define LIM_DEBUG_SW_BPS 64      /* software breakpoints of one GDB session */
#define LIM_DEBUG_HW_BPS 4       /* hardware breakpoints (DBGBVR/DBGBCR pairs) used */
#define LIM_DEBUG_HW_WPS 4       /* watchpoints (DBGWVR/DBGWCR pairs) used */
#define LIM_SHELL_ARGS 6         /* words of a shell command line */

/* Relations the code relies on, checked at compile time. */
_Static_assert(LIM_MSI_EVENTS_PER_FN <= LIM_VGIC_LPIS, "one function's events fit a VM's LPIs");
_Static_assert(LIM_VGIC_OWNED_SPIS <= LIM_VGIC_SPIS, "owned SPIs are a subset of the visible ones");
_Static_assert(LIM_VGIC_LPI_BITS >= 14 && LIM_VGIC_LPI_BITS <= 16,
	       "LPIs start at 8192 and a list register's INTID tag is 16 bits wide");
_Static_assert(LIM_VGIC_MAX_INTID <= 1019, "the vGIC cannot show more than the GIC's SPIs");
/* Each fixed memory region may split one free range; plus the hypervisor and the DTB. */
_Static_assert(LIM_PMEM_RANGES >= LIM_VMS * LIM_MEM_REGIONS + 4,
	       "the RAM allocator must hold the ranges every fixed region can leave");
_Static_assert(LIM_VCPUS_PER_VM <= LIM_RUNQUEUE, "one VM's vCPUs fit one pCPU's runqueue");
_Static_assert(LIM_SHM_PER_VM <= LIM_VGIC_OWNED_SPIS, "a VM's doorbells fit its owned SPIs");
_Static_assert(LIM_PMEM_RANGES >= LIM_VMS * LIM_MEM_REGIONS + LIM_SHM_REGIONS + 4,
	       "the RAM allocator also holds the ranges fixed shared regions leave");
_Static_assert(LIM_PCPUS <= LIM_PCPU_MASK_BITS, "pool bitmasks cover every pCPU");

#endif
