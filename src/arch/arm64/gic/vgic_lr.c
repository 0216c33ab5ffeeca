/*
 * Choosing and encoding list-register contents (see arch/vgic_lr.h).
 *
 * An interrupt may enter a list register when it is pending, enabled, not already held
 * by one, and, for an SPI, its group is enabled in the virtual GICD_CTLR (a VM has one
 * Security state, DS = 1: EnableGrp0 [0], EnableGrp1 [1]; IHI 0069 GICD_CTLR). Among
 * those the highest priority, i.e. the lowest value, goes first (IHI 0069 4.8
 * "Interrupt prioritization"). Ties keep the first one found: SGIs and PPIs by
 * ascending INTID, then SPIs in the order the VM was given them (vgic_assign_spi), then
 * LPIs by slot. An LPI is Group 1 and goes only to its collection's vCPU, and only while
 * that vCPU's redistributor has EnableLPIs set (IHI 0069 5.1 "LPIs", GICR_CTLR).
 */
#include <arch/gicv3.h>
#include <arch/sysregs.h>
#include <arch/vgic_lr.h>

u32 vgic_spi_vcpu(const struct virq *q, u32 nr_vcpus)
{
	return q->target < nr_vcpus ? q->target : 0;
}

bool vgic_group_enabled(const struct vgic_dist *d, const struct virq *q)
{
	u32 grp = q->group1 ? GICD_CTLR_ENGRP1 << 1 : 1;

	return (d->ctlr & grp) != 0;
}

bool vgic_deliverable(const struct vgic_dist *d, const struct virq *q)
{
	return vgic_deliverable_priv(q) && vgic_group_enabled(d, q);
}

bool vgic_deliverable_priv(const struct virq *q)
{
	return q->pending && q->enabled && !q->in_lr;
}

/*
 * Only the pending private interrupts (pend_priv) and the VM's owned SPIs are visited; the
 * SPIs and LPIs not at all when every interrupt pending for this vCPU is a private one
 * (nr_pending counts them all, and vgic_set_pending keeps it and pend_priv exact).
 */
u32 vgic_lr_pick(const struct vgic_cpu *vc, const struct vgic_dist *d, u32 vcpu_id,
		 u32 nr_vcpus)
{
	u32 best = VGIC_SPURIOUS, best_prio = 0x100, nr_priv = 0;

	for (u32 m = vc->pend_priv; m; m &= m - 1, nr_priv++) {
		u32 intid = (u32)__builtin_ctz(m);
		const struct virq *q = &vc->priv[intid];

		if (q->priority < best_prio && vgic_deliverable_priv(q)) {
			best = intid;
			best_prio = q->priority;
		}
	}
	if (nr_priv >= vc->nr_pending)
		return best;
	for (u32 k = 0; k < d->nr_owned; k++) {
		u32 intid = d->owned[k];
		const struct virq *q = &d->spi[intid - VGIC_NR_PRIVATE];

		if (q->priority < best_prio && vgic_deliverable(d, q) &&
		    vgic_spi_vcpu(q, nr_vcpus) == vcpu_id) {
			best = intid;
			best_prio = q->priority;
		}
	}
	return vc->lpis_on ? vgic_lpi_pick(d, vc->pend_lpi, vcpu_id, best, best_prio) : best;
}

/* The best LPI of vcpu_id among the slots in pend if it beats best (priority best_prio),
 * else best. */
u32 vgic_lpi_pick(const struct vgic_dist *d, u64 pend, u32 vcpu_id, u32 best, u32 best_prio)
{
	for (; pend; pend &= pend - 1) {
		const struct vlpi *l = &d->lpi[__builtin_ctzll(pend)];

		if (l->intid && l->q.owned && l->q.priority < best_prio &&
		    vgic_deliverable(d, &l->q) && l->q.target == vcpu_id) {
			best = l->intid;
			best_prio = l->q.priority;
		}
	}
	return best;
}

/*
 * ICH_LR<n>_EL2 (IHI 0069 12.4, virtualization control registers): vINTID [31:0], State
 * [63:62] = 0b01 pending, Priority [55:48], Group [60]. A HW-backed interrupt sets HW [61]
 * and pINTID [44:32] (same number: the guest's deactivation deactivates the physical
 * one). A software level-triggered one sets EOI [41] (meaningful only with HW = 0): the
 * guest's EOI raises a maintenance interrupt, so the line is sampled again (vgic_sync).
 */
u64 vgic_lr_make(const struct virq *q, u32 intid)
{
	u64 lr = ICH_LR_PENDING | (u64)q->priority << ICH_LR_PRIO_SHIFT | intid;

	if (q->group1)
		lr |= ICH_LR_GROUP1;
	if (q->hw)
		lr |= ICH_LR_HW | (u64)intid << ICH_LR_PINTID_SHIFT;
	else if (!q->edge)
		lr |= ICH_LR_EOI;
	return lr;
}

int vgic_lr_free(u32 lrs_used, u32 nr_lrs)
{
	u32 free = ~lrs_used & ((1u << nr_lrs) - 1);

	return free ? __builtin_ctz(free) : -1;
}
