/*
 * Virtual GICv3: an emulated distributor and redistributors per VM exposing
 * only that VM's interrupts; delivery through the list registers. Interrupts
 * backed by a physical one (the virtual timer, passthrough SPIs) are HW-mapped
 * so the guest's deactivation reaches the physical GIC (GICv3 spec 4.9 / Arm ARM D1).
 */
#ifndef RTV_VGIC_H
#define RTV_VGIC_H

#include <asm/spinlock.h>
#include <rtv_limits.h>
#include <trap.h>
#include <types.h>
#include <virq.h>

struct mmio_access;

#define VGIC_NR_PRIVATE LIM_VGIC_PRIVATE
#define VGIC_NR_SGIS 16u  /* INTIDs 0..15 (IHI 0069 2.2.1) */
#define VGIC_NR_SPIS LIM_VGIC_SPIS       /* INTIDs 32..VGIC_MAX_INTID visible to a VM */
#define VGIC_MAX_INTID LIM_VGIC_MAX_INTID
#define VGIC_SPURIOUS 1023
#define VGIC_MAX_OWNED LIM_VGIC_OWNED_SPIS
#define VGIC_LPI_BASE 8192u
#define VGIC_LPI_END (1u << LIM_VGIC_LPI_BITS) /* first INTID past the VM's LPIs */
#define VGIC_NR_LPIS LIM_VGIC_LPIS

struct virq {
	u8 priority;
	bool owned;      /* SPI: assigned to this VM (passthrough or emulated) */
	bool enabled;
	bool pending;    /* waiting to be put in a list register */
	bool level;      /* emulated level-triggered line is high */
	bool in_lr;      /* held by a list register of the vCPU it goes to; written only on
			  * the pCPU that vCPU is loaded on, under the lock, except when an
			  * SGI or the HW-backed PPI is retired (vgic_sync, no lock): other
			  * pCPUs read those only under the lock (GICR_ISPENDR0/ICPENDR0),
			  * where in_lr may still say "held" for one the guest completed:
			  * as before that vCPU's next exit reads its list registers back */
	bool hw;         /* backed by the physical INTID of the same number */
	bool group1;
	bool edge;       /* GICD_ICFGR: edge-triggered */
	u32 target;      /* vCPU index (from GICD_IROUTER Aff0) */
	u32 owner;       /* SGI/PPI: the vCPU whose interrupt this is */
	u64 irouter;
};

struct vgic_cpu {
	struct virq priv[VGIC_NR_PRIVATE];
	u32 waker;       /* GICR_WAKER.ProcessorSleep */
	u32 nr_pending;  /* interrupts pending for this vCPU and not yet in a list register */
	u32 pend_priv;   /* bitmap of the pending ones among SGIs/PPIs */
	u64 pend_lpi;    /* slots of vgic_dist.lpi[] pending for this vCPU (vgic_set_pending) */
	u16 lr_intid[LIM_VGIC_LRS]; /* INTID held by each list register (0 = free) */
	u32 lrs_used;    /* bitmap of list registers holding an interrupt */
	bool lpis_on;    /* GICR_CTLR.EnableLPIs */
	u64 propbaser;   /* GICR_PROPBASER as accepted (its table lies in the VM's RAM) */
	u64 pendbaser;   /* GICR_PENDBASER, likewise */
};

/*
 * A mapped LPI (vITS MAPTI/MAPI): its INTID and state. Slots are few (LIM_VGIC_LPIS); a
 * slot is free when intid is 0. One unmapped while in a list register keeps its slot
 * (owned = false) until the guest completes it.
 */
struct vlpi {
	u16 intid;
	struct virq q;   /* target: the vCPU of its collection; group1, edge */
};

_Static_assert(VGIC_NR_LPIS <= 64, "vgic_cpu.pend_lpi has a bit per LPI slot");

struct vgic_dist {
	spinlock_t lock;
	u32 ctlr;
	struct virq spi[VGIC_NR_SPIS];
	u16 owned[VGIC_MAX_OWNED]; /* INTIDs of the SPIs this VM owns */
	u32 nr_owned;
	bool lpis;       /* the VM has LPIs (a vITS): GICD_TYPER.LPIS, GICR_TYPER.PLPIS */
	struct vlpi lpi[VGIC_NR_LPIS];
};

struct vm;
struct vcpu;

void vgic_vcpu_reset(struct vcpu *v);
void vgic_flush(struct vcpu *v);   /* before entering the guest: fill list registers */
void vgic_sync(struct vcpu *v);    /* after an exit: read back what the guest completed */
bool vgic_has_pending(struct vcpu *v);
void vgic_sgi_self(struct vcpu *v, u32 intid); /* virq_inject_loaded() for an SGI to itself */
void vgic_sgi_post(struct vm *vm, u32 t, u32 intid); /* an SGI to another vCPU t of vm */
/* I[SC]ACTIVER write for one interrupt: virtual (list register) and physical together. */
/* The guest clears the pending state of a HW-backed interrupt waiting outside the list
 * registers: end its physical active state too (vgic.c). False if that state cannot be
 * reached from here (a PPI of a vCPU not loaded on this pCPU): then nothing changes. */
bool vgic_hw_release(struct vm *vm, struct vcpu *owner, struct virq *irq, u32 intid);
void vgic_set_active(struct vm *vm, struct vcpu *owner, struct virq *irq, u32 intid,
		     bool active);
void vgic_maintenance(struct vcpu *v);
void vgic_cpu_hw_init(void);
void vgic_hw_save(struct vcpu *v);    /* the vCPU's ICH_* state out of this pCPU */
void vgic_hw_restore(struct vcpu *v);
enum trap_status vgicd_mmio(struct vcpu *v, struct mmio_access *a, void *opaque);
enum trap_status vgicr_mmio(struct vcpu *v, struct mmio_access *a, void *opaque);

/* Internal to the vGIC files. */
struct virq *vgic_irq(struct vm *vm, u32 vcpu, u32 intid);
void vgic_set_pending(struct vm *vm, struct virq *irq, u32 intid, bool pending);
void vgic_set_enable(struct virq *irq, u32 intid, bool on);
void vgic_kick(struct vm *vm, u32 vcpu);

/* LPIs (vgic_lpi.c). Callers hold vm->arch.vgic.lock. */
struct virq *vgic_lpi(struct vm *vm, u32 intid);        /* mapped LPI or NULL */
struct virq *vgic_lpi_map(struct vm *vm, u32 intid, u32 vcpu); /* NULL: no free slot */
void vgic_lpi_unmap(struct vm *vm, u32 intid);
void vgic_lpi_move(struct vm *vm, u32 intid, u32 vcpu);
void vgic_lpi_inv(struct vm *vm, u32 intid);            /* re-read its property byte */
void vgic_lpi_invall(struct vm *vm, u32 vcpu);          /* all of vcpu's LPIs */
void vgic_lpi_free_slot(struct vm *vm, struct virq *q); /* retired after an unmap */
enum trap_status vgic_lpi_gicr(struct vcpu *t, struct mmio_access *a, u64 off);

#endif
