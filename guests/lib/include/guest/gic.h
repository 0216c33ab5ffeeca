/*
 * GICv3 on the QEMU virt map: distributor 0x08000000, redistributors from
 * 0x080A0000. Everything is Group 1 Non-secure, affinity routing on.
 * Built with -DGUEST_XEN_DOMU (build/guests/bench-xen.bin, docs/benchmarks.md "Xen 4.17
 * on the same QEMU"): the map Xen gives a dom0less domU instead (GUEST_GICV3_GICD_BASE
 * and GUEST_GICV3_GICR0_BASE of Xen's public arch-arm.h).
 */
#ifndef GUEST_GIC_H
#define GUEST_GIC_H

#include <stdint.h>

#ifdef GUEST_XEN_DOMU
#define GICD_BASE 0x03001000UL
#define GICR_BASE 0x03020000UL
#else
#define GICD_BASE 0x08000000UL
#define GICR_BASE 0x080A0000UL
#endif

#define GIC_PRIO_DEFAULT 0x80
#define GIC_INTID_SPURIOUS 1023

/* Boot CPU, once: reset all SPIs (disabled, not pending, group 1), enable. */
void gic_dist_init(void);

/* Calling CPU: wake its redistributor, reset SGIs/PPIs, enable ICC_*. 0 or -1. */
int gic_cpu_init(void);

/* The calling CPU's redistributor (RD_base frame; after gic_cpu_init, else 0). */
uintptr_t gic_redist_base(void);

/* SGI/PPI: on the calling CPU's redistributor; SPI: routed to the calling CPU. */
void gic_irq_enable(uint32_t intid, uint8_t prio);
void gic_irq_disable(uint32_t intid);
/* An SPI becomes edge-triggered (before it is enabled). */
void gic_irq_set_edge(uint32_t intid);

/* Send SGI sgi (0..15) to the CPU with this MPIDR. */
void gic_send_sgi(uint32_t sgi, uint64_t mpidr);

/* CPU interface: acknowledge (returns the IAR value) and end of interrupt. */
uint32_t gic_ack(void);
void gic_eoi(uint32_t iar);

#endif
