/* Physical GICv3 driver: distributor, redistributors, CPU interface (IHI 0069). */
#ifndef RTV_GICV3_H
#define RTV_GICV3_H

#include <types.h>

#define GICD_CTLR 0x0000
#define GICD_TYPER 0x0004
#define GICD_IIDR 0x0008
#define GICD_TYPER2 0x000c
#define GICD_STATUSR 0x0010
#define GICD_IGROUPR 0x0080
#define GICD_ISENABLER 0x0100
#define GICD_ICENABLER 0x0180
#define GICD_ISPENDR 0x0200
#define GICD_ICPENDR 0x0280
#define GICD_ISACTIVER 0x0300
#define GICD_ICACTIVER 0x0380
#define GICD_IPRIORITYR 0x0400
#define GICD_ICFGR 0x0c00
#define GICD_IGRPMODR 0x0d00
#define GICD_IROUTER 0x6000
#define GICD_PIDR2 0xffe8

#define GICD_CTLR_RWP (1u << 31)
#define GICD_CTLR_ARE_NS (1u << 4)
#define GICD_CTLR_ENGRP1A (1u << 1)
#define GICD_CTLR_ENGRP0 BIT(0)
#define GICD_CTLR_ENGRP1 (1u << 0)

#define GICR_CTLR 0x0000
#define GICR_IIDR 0x0004
#define GICR_TYPER 0x0008
#define GICR_STATUSR 0x0010
#define GICR_WAKER 0x0014
#define GICR_PROPBASER 0x0070
#define GICR_PENDBASER 0x0078
#define GICR_PIDR2 0xffe8
#define GICR_SGI_OFFSET 0x10000
#define GICR_FRAME_SIZE 0x20000    /* RD_base + SGI_base: a GICv3 redistributor */
#define GICR_FRAME_SIZE_V4 0x40000 /* + VLPI_base + reserved page: GICR_TYPER.VLPIS = 1 */
#define GICR_VLPI_OFFSET 0x20000
#define GICR_VPROPBASER 0x0070     /* in the VLPI_base frame */
#define GICR_VPENDBASER 0x0078
#define GICR_IGROUPR0 0x0080
#define GICR_ISENABLER0 0x0100
#define GICR_ICENABLER0 0x0180
#define GICR_ISPENDR0 0x0200
#define GICR_ICPENDR0 0x0280
#define GICR_ISACTIVER0 0x0300
#define GICR_ICACTIVER0 0x0380
#define GICR_IPRIORITYR0 0x0400
#define GICR_ICFGR0 0x0c00
#define GICR_ICFGR1 0x0c04
#define GICR_IGRPMODR0 0x0d00
#define GICR_NSACR 0x0e00

#define GICR_CTLR_ENABLE_LPIS (1u << 0)
#define GICD_TYPER_LPIS (1u << 17)
#define GICR_WAKER_PS (1u << 1)
#define GICR_WAKER_CA (1u << 2)
#define GICR_TYPER_VLPIS BIT(1)
#define GICR_TYPER_LAST BIT(4)

_Static_assert(GICR_ISENABLER0 == GICD_ISENABLER && GICR_ICENABLER0 == GICD_ICENABLER &&
	       GICR_ISACTIVER0 == GICD_ISACTIVER && GICR_ICACTIVER0 == GICD_ICACTIVER,
	       "SGI-frame and distributor set/clear registers share offsets");

#define GIC_PRIO_HYP 0x80   /* the hypervisor's own interrupts */
#define GIC_PRIO_GUEST 0xa0 /* physical interrupts owned by guests */
#define GIC_SGI_KICK 0      /* "look at your vCPU again" between pCPUs */
#define GIC_SGI_XL_KICK 15  /* the same to an exit-less pCPU: Group 0, a FIQ (exitless.c) */

/* The arch_irq_* interface core uses (irq.h) is implemented in gic/gicv3.c; also: */
u32 gicv3_nr_spis(void);
volatile u8 *gicv3_my_sgi_frame(void); /* this pCPU's redistributor, SGI_base frame */
void gicv3_send_sgi(u32 sgi, u64 mpidr); /* a Group 1 SGI (ICC_SGI1R_EL1) */
volatile u8 *gicv3_my_redist(void);
int gicv3_proc_number(u64 mpidr);
bool gicv3_has_vlpis(void); /* GICv4: every redistributor has GICR_TYPER.VLPIS */

#endif
