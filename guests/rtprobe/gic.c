/*
 * GICv3 bring-up probes in the order a GIC driver makes them (IHI 0069):
 * system register interface on, distributor with affinity routing, the
 * redistributor woken up. Raw accesses; the library's GIC code is not used.
 */
#include "guest/console.h"
#include "guest/mmio.h"
#include "guest/sysreg.h"
#include "rtprobe.h"

#define GICD 0x08000000UL
#define GICR 0x080a0000UL /* frame of CPU 0 */
#define GICD_CTLR 0x0
#define GICD_TYPER 0x4
#define GICR_WAKER 0x14
#define CTLR_RWP (1U << 31)
#define CTLR_DS (1U << 6)
#define CTLR_ARE (1U << 4)      /* ARE (DS = 1) / ARE_NS */
#define CTLR_ENGRP1 (1U << 1)   /* EnableGrp1 (DS = 1) / EnableGrp1A */
#define WAKER_PS (1U << 1)
#define WAKER_CA (1U << 2)
#define SPINS 1000000

/* ICC_SRE_EL1 (IHI 0069 12.2.x): SRE, DFB, DIB; read back what stuck. */
static void probe_sre(void)
{
	sysreg_write(ICC_SRE_EL1, sysreg_read(ICC_SRE_EL1) | 7);
	isb();
	printf("rtprobe: icc_sre 0x%llx\n", (unsigned long long)sysreg_read(ICC_SRE_EL1));
}

static int wait_clear(uintptr_t addr, uint32_t bit)
{
	for (int i = 0; i < SPINS; i++)
		if (!(mmio_read32(addr) & bit))
			return 1;
	return 0;
}

/* GICD_CTLR: DS tells which layout applies; set ARE then EnableGrp1 (12.9.4). */
static void probe_dist(void)
{
	uint32_t ctlr = mmio_read32(GICD + GICD_CTLR), typer;
	int ok;

	mmio_write32(GICD + GICD_CTLR, ctlr | CTLR_ARE);
	ok = wait_clear(GICD + GICD_CTLR, CTLR_RWP);
	mmio_write32(GICD + GICD_CTLR, mmio_read32(GICD + GICD_CTLR) | CTLR_ENGRP1);
	ok &= wait_clear(GICD + GICD_CTLR, CTLR_RWP);
	ctlr = mmio_read32(GICD + GICD_CTLR);
	printf("rtprobe: gicd_ctlr ds=%u are=%u engrp1=%u rwp %s\n", (ctlr & CTLR_DS) ? 1 : 0,
	       (ctlr & CTLR_ARE) ? 1 : 0, (ctlr & CTLR_ENGRP1) ? 1 : 0, ok ? "ok" : "stuck");
	typer = mmio_read32(GICD + GICD_TYPER);
	printf("rtprobe: gicd_typer itlines=%u securityextn=%u idbits=%u lpis=%u\n", typer & 0x1f,
	       (typer >> 10) & 1, (typer >> 19) & 0x1f, (typer >> 17) & 1);
}

/* GICR_WAKER: clear ProcessorSleep, wait for ChildrenAsleep to clear (12.11.x). */
static void probe_redist(void)
{
	uint32_t w = mmio_read32(GICR + GICR_WAKER);
	int ok;

	mmio_write32(GICR + GICR_WAKER, w & ~WAKER_PS);
	ok = wait_clear(GICR + GICR_WAKER, WAKER_CA);
	printf("rtprobe: gicr_waker 0x%x %s\n", mmio_read32(GICR + GICR_WAKER),
	       ok ? "awake" : "asleep");
}

void probe_gic(void)
{
	probe_sre();
	probe_dist();
	probe_redist();
}
