/*
 * vGIC list-register selection (vgic_lr.c; unit-tested): which pending interrupt of a
 * vCPU goes into a list register next, which list register is free, and the
 * ICH_LR<n>_EL2 value that presents an interrupt. Pure functions over the vGIC state:
 * the caller holds the VM's vGIC lock and accesses the registers itself (vgic.c).
 */
#ifndef ARCH_VGIC_LR_H
#define ARCH_VGIC_LR_H

#include <arch/vgic.h>
#include <types.h>

/* The vCPU an SPI is delivered to: its target, or vCPU 0 when that does not exist. */
u32 vgic_spi_vcpu(const struct virq *q, u32 nr_vcpus);
/* Whether an SPI / an SGI or PPI may go into a list register now. */
bool vgic_deliverable(const struct vgic_dist *d, const struct virq *q);
/* The distributor forwards q's group (GICD_CTLR EnableGrp0/EnableGrp1, IHI 0069 12.9.4);
 * pending or not. */
bool vgic_group_enabled(const struct vgic_dist *d, const struct virq *q);
bool vgic_deliverable_priv(const struct virq *q);
/* INTID to put in a list register next for vCPU vcpu_id, or VGIC_SPURIOUS. */
u32 vgic_lr_pick(const struct vgic_cpu *vc, const struct vgic_dist *d, u32 vcpu_id,
		 u32 nr_vcpus);
/* The best deliverable LPI of vcpu_id beating best (priority value best_prio), else best;
 * only the slots of d->lpi[] in pend (vgic_cpu.pend_lpi: the pending ones) are visited. */
u32 vgic_lpi_pick(const struct vgic_dist *d, u64 pend, u32 vcpu_id, u32 best, u32 best_prio);
/* ICH_LR<n>_EL2 value presenting q (INTID intid) as pending. */
u64 vgic_lr_make(const struct virq *q, u32 intid);
/* Lowest list register among the first nr_lrs (at most 31) not in lrs_used, or -1. */
int vgic_lr_free(u32 lrs_used, u32 nr_lrs);

#endif
