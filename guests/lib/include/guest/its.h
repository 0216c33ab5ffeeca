/*
 * Register offsets a bare-metal guest needs to drive LPIs through QEMU virt's ITS
 * (GIC IHI 0069: 12.9.38 GICD_TYPER.LPIS, 12.11 GICR_CTLR/PROPBASER/PENDBASER, 12.19
 * GITS_*): natively the real ITS, under rtvisor the VM's virtual one at the same address.
 */
#ifndef GUEST_ITS_H
#define GUEST_ITS_H

#define GICD_TYPER 0x4U
#define GICD_TYPER_LPIS (1U << 17)
#define GICR_CTLR 0x0U
#define GICR_PROPBASER 0x70U
#define GICR_PENDBASER 0x78U

#define ITS_BASE 0x08080000UL
#define GITS_CTLR 0x0U
#define GITS_TYPER 0x8U
#define GITS_CBASER 0x80U
#define GITS_CWRITER 0x88U
#define GITS_CREADR 0x90U
#define GITS_BASER(n) (0x100U + 8U * (n))
#define GITS_TRANSLATER (ITS_BASE + 0x10040UL) /* the doorbell: translation frame + 0x40 */

#endif
