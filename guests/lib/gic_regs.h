/*
 * GICv3 distributor / redistributor register offsets and bits (library
 * internal).
 */
#ifndef GUEST_GIC_REGS_H
#define GUEST_GIC_REGS_H

#include <stdint.h>

#define GICD_CTLR 0x0000
#define GICD_TYPER 0x0004
#define GICD_IGROUPR 0x0080
#define GICD_ISENABLER 0x0100
#define GICD_ICENABLER 0x0180
#define GICD_ICPENDR 0x0280
#define GICD_ICACTIVER 0x0380
#define GICD_IPRIORITYR 0x0400
#define GICD_ICFGR 0x0c00
#define GICD_IROUTER 0x6000

/* Non-secure view (two security states) / DS=1 view share these positions. */
#define GICD_CTLR_ENABLE_G1 (1U << 0)
#define GICD_CTLR_ENABLE_G1A (1U << 1)
#define GICD_CTLR_ARE_NS (1U << 4)
#define GICD_CTLR_RWP (1U << 31)

#define GICR_FRAME_STRIDE 0x20000UL
#define GICR_FRAME_STRIDE_VLPI 0x40000UL
#define GICR_SGI_OFFSET 0x10000UL
#define GICR_MAX_FRAMES 256

#define GICR_CTLR 0x0000
#define GICR_TYPER 0x0008
#define GICR_WAKER 0x0014
#define GICR_CTLR_RWP (1U << 3)
#define GICR_TYPER_VLPIS (1ULL << 1)
#define GICR_TYPER_LAST (1ULL << 4)
#define GICR_WAKER_PROCESSOR_SLEEP (1U << 1)
#define GICR_WAKER_CHILDREN_ASLEEP (1U << 2)

/* In the SGI_base frame. */
#define GICR_IGROUPR0 0x0080
#define GICR_ISENABLER0 0x0100
#define GICR_ICENABLER0 0x0180
#define GICR_ICPENDR0 0x0280
#define GICR_ICACTIVER0 0x0380
#define GICR_IPRIORITYR 0x0400

#define GIC_RWP_SPINS 1000000U

/* Write prio into the byte for intid of a 32-bit IPRIORITYR array. */
void gic_set_prio_word(uintptr_t ipriorityr, uint32_t intid, uint8_t prio);

/* SGI_base of the calling CPU's redistributor (0 before gic_cpu_init). */
uintptr_t gic_redist_sgi_base(void);

void gic_cpuif_init(void);

#endif
