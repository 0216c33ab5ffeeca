/*
 * The physical GICv3 ITS (IHI 0069 chapter 5.3 "The ITS", 12.19 GITS_* registers),
 * owned by rtvisor alone (gic/its.c). At boot it gets its tables and command queue and
 * every pCPU's redistributor its LPI tables; when a VM is created, every MSI event the
 * scenario reserves for the VM's PCI functions (msi-events) is mapped to a physical LPI
 * (MAPD, MAPTI), so no command is issued at run time. A physical LPI is completed at
 * EL2 and handed to the VM's virtual ITS (vits_msi).
 */
#ifndef ARCH_ITS_H
#define ARCH_ITS_H

#include <types.h>

#define GITS_CTLR 0x0000
#define GITS_IIDR 0x0004
#define GITS_TYPER 0x0008
#define GITS_CBASER 0x0080
#define GITS_CWRITER 0x0088
#define GITS_CREADR 0x0090
#define GITS_BASER0 0x0100
#define GITS_PIDR2 0xffe8
#define GITS_TRANSLATER 0x10040
#define GITS_FRAME 0x10000u  /* two 64 KiB frames: control, translation */

#define GITS_CTLR_ENABLED (1u << 0)
#define GITS_CTLR_QUIESCENT (1u << 31)
#define GITS_BASER_VALID (1ULL << 63)
#define GITS_BASER_INDIRECT (1ULL << 62)
#define GITS_BASER_TYPE_SHIFT 56
#define GITS_BASER_TYPE_DEVICE 1u
#define GITS_BASER_TYPE_VPE 2u        /* GICv4: vPE table (IHI 0069 12.19.1) */
#define GITS_BASER_TYPE_COLLECTION 4u
#define GITS_TYPER_VIRTUAL (1ULL << 1)  /* GICv4: VMAPP, VMAPTI, ... */
#define GITS_BASER_ESZ_SHIFT 48
#define GITS_CREADR_STALLED (1u << 0)

struct vm;

int its_init(void);          /* boot CPU, once; 0 if there is no ITS (no MSIs then) */
void its_cpu_init(void);     /* every pCPU: its redistributor's LPI tables, EnableLPIs */
bool its_present(void);
/*
 * Map events 0..nr-1 of DeviceID devid (function fn of vm) to fresh physical LPIs
 * delivered to pCPU pcpu. Boot CPU, VM creation. ERR_NOENT: no ITS; ERR_FULL: out of
 * LPIs (the scenario check prevents it).
 */
int its_map_device(struct vm *vm, u32 fn, u32 devid, u32 nr, u32 pcpu);
/* (vm NULL: mapped, but the events go to nobody yet. A DeviceID already mapped, by the
 * other VM of a failover group that moves the function, is not mapped again: its events
 * go to vm, if given.) */
/* Events of DeviceID devid go to function fn of vm from now on (NULL: to nobody; from:
 * only if they went to that VM). A failover's fence and promotion; any pCPU, no command. */
void its_set_owner(u32 devid, struct vm *vm, u32 fn, const struct vm *from);
/* The physical LPI of event of vm's function fn, and the pCPU it is routed to; -1: none. */
int its_lpi_of(const struct vm *vm, u32 fn, u32 event, u32 *pcpu);
/* Commands rtvisor issued on the physical ITS so far (shell, tests). */
u64 its_commands_issued(void);

/* ---- within gic/its*.c ---- */
struct its_cmd;
int its_send(const struct its_cmd *c, u32 n);
u64 its_rdbase_of(u32 pcpu);  /* RDbase of pCPU's redistributor for MAPC/VMAPP/SYNC */

/* ---- GICv4 direct injection (its_v4.c, docs/pci.md "GICv4") ---- */
struct vcpu;
/* its_init: GITS_TYPER, and the entries of the vPE table it set up (0: none). GICv4 is
 * used if the ITS has GITS_TYPER.Virtual, the redistributors VLPIS, and a vPE table. */
void its_v4_init(u64 gits_typer, u32 vpe_entries);
bool its_v4_present(void);
/* VM creation of a gicv4 VM: a vPE per vCPU (virtual pending table, VMAPP to its pCPU). */
int its_v4_vm_create(struct vm *vm);
/* The VM's event of function fn now goes to vLPI vintid of vCPU vcpu (VMAPTI), or back
 * to its physical LPI (vintid 0: DISCARD + MAPTI). Any pCPU; issues commands. */
int its_v4_map_event(struct vm *vm, u32 fn, u32 event, u32 vcpu, u32 vintid);
/* A vLPI-mapped event follows its collection to vCPU vcpu's vPE (VMOVI). */
int its_v4_move_event(struct vm *vm, u32 fn, u32 event, u32 vcpu);
/* INV, INT or CLEAR of a vLPI-mapped event; VINVALL of vcpu's vPE. */
int its_v4_event_cmd(struct vm *vm, u32 fn, u32 event, u32 op);
int its_v4_vinvall(struct vm *vm, u32 vcpu);
/* Residency (IHI 0069 6.2 "vPE residency"): v's vPE on this pCPU's redistributor. */
void its_v4_load(struct vcpu *v);
/* v's vPE off this redistributor; true if it had a pending vLPI (PendingLast). */
bool its_v4_put(struct vcpu *v);

/* The VM's virtual ITS receives event of its function fn (vits.c). Any pCPU. */
void vits_msi(struct vm *vm, u32 fn, u32 event);

#endif
