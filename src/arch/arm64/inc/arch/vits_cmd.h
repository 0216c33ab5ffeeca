/*
 * The virtual ITS's command checking (vits_cmd.c; pure, unit-tested). A VM's vITS keeps
 * private tables (struct vits_tables): which of its PCI functions its driver mapped
 * (MAPD), each reserved event's translation (MAPTI/MAPI: vINTID and collection) and its
 * collections (MAPC: a vCPU). vits_cmd_apply() checks a command the guest wrote against
 * them and the VM's limits, and only if every check passes changes the tables and lists
 * what the vGIC must do (struct vits_effect). A refused command changes nothing.
 */
#ifndef ARCH_VITS_CMD_H
#define ARCH_VITS_CMD_H

#include <arch/its_cmd.h>
#include <rtv_limits.h>
#include <types.h>

#define VITS_FNS LIM_PCI_FUNCS
#define VITS_EVENTS LIM_MSI_EVENTS_PER_FN
#define VITS_COLLECTIONS LIM_VCPUS_PER_VM  /* GITS_TYPER.HCC: no collection table */
#define VITS_EVENT_BITS 5u                  /* GITS_TYPER.ID_bits + 1: VITS_EVENTS */
#define VITS_MAX_EFFECTS (LIM_VGIC_LPIS + 1)

_Static_assert((1u << VITS_EVENT_BITS) >= VITS_EVENTS, "EventIDs cover the reservation");

struct vits_ite {
	bool valid;
	u16 vintid;
	u16 icid;
};

struct vits_dev {
	u32 devid;        /* requester ID of the VM's function */
	u32 reserved;     /* its msi-events: EventIDs below this may be mapped */
	bool mapped;      /* MAPD V=1 */
	u32 event_bits;   /* MAPD Size + 1 */
	struct vits_ite ite[VITS_EVENTS];
};

struct vits_tables {
	u32 nr_fns;
	struct vits_dev dev[VITS_FNS];
	u32 nr_vcpus;
	u32 lpi_end;      /* first INTID past the VM's LPIs (GICD_TYPER.IDbits) */
	bool coll_valid[VITS_COLLECTIONS];
	u16 coll_vcpu[VITS_COLLECTIONS];
};

enum vits_refusal {
	VITS_OK = 0,
	VITS_BAD_OP,          /* not a command of a GICv3 ITS, or a GICv4 one */
	VITS_FOREIGN_DEV,     /* DeviceID is not one of the VM's functions with events */
	VITS_DEV_UNMAPPED,    /* no MAPD for it */
	VITS_SIZE,            /* MAPD Size beyond the advertised EventID bits */
	VITS_EVENT_RANGE,     /* EventID not below the function's reservation / MAPD size */
	VITS_EVENT_UNMAPPED,  /* no MAPTI/MAPI for the event */
	VITS_INTID_RANGE,     /* vINTID is not one of the VM's LPIs */
	VITS_INTID_BUSY,      /* vINTID already translates another event */
	VITS_COLL_RANGE,      /* ICID beyond GITS_TYPER.HCC */
	VITS_COLL_UNMAPPED,   /* no MAPC for the collection */
	VITS_TARGET,          /* RDbase (processor number) is not a vCPU of the VM */
	VITS_NR_REFUSALS
};

enum vits_fx {
	VFX_MAP,      /* intid now translates to vcpu: map the vLPI (reads its property) */
	VFX_UNMAP,    /* intid no longer mapped */
	VFX_MOVE,     /* intid goes to vcpu */
	VFX_INV,      /* re-read intid's property */
	VFX_INVALL,   /* re-read every property of vcpu's LPIs */
	VFX_INT,      /* make intid pending */
	VFX_CLEAR,    /* make intid not pending */
};

struct vits_effect {
	u8 kind;      /* enum vits_fx */
	u16 intid;
	u16 vcpu;
};

/* Set up empty tables for a VM: its functions (devid, events), vCPUs, LPI range. */
void vits_tables_init(struct vits_tables *t, u32 nr_vcpus, u32 lpi_end);
int vits_tables_add_fn(struct vits_tables *t, u32 devid, u32 reserved);
/* The function index of devid among t's, or -1. */
int vits_fn_of(const struct vits_tables *t, u32 devid);
/* Function fn's device mapping goes with every translation of its events, as MAPD with
 * V = 0 does (also a failover taking the function away): the unmaps go to fx (at most
 * VITS_EVENTS), their number added to *nfx. */
void vits_dev_unmap(struct vits_tables *t, u32 fn, struct vits_effect *fx, u32 *nfx);
/* Check then apply c. Effects go to fx (VITS_MAX_EFFECTS), their number to *nfx. */
enum vits_refusal vits_cmd_apply(struct vits_tables *t, const struct its_cmd *c,
				 struct vits_effect *fx, u32 *nfx);
/* The translation of event of function fn, or NULL (unmapped device, event or collection). */
const struct vits_ite *vits_translate(const struct vits_tables *t, u32 fn, u32 event,
				      u32 *vcpu);
const char *vits_refusal_name(enum vits_refusal r);

#endif
