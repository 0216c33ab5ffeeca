/*
 * GICv3 distributor: SPI reset, enable/disable, priority, routing.
 */
#include "guest/console.h"
#include "guest/cpu.h"
#include "guest/gic.h"
#include "guest/mmio.h"
#include "gic_regs.h"

static void gicd_wait_rwp(void)
{
	for (unsigned i = 0; i < GIC_RWP_SPINS; i++) {
		if (!(mmio_read32(GICD_BASE + GICD_CTLR) & GICD_CTLR_RWP))
			return;
	}
	printf("gic: GICD_CTLR.RWP stuck\n");
}

static uint32_t gicd_lines(void)
{
	uint32_t n = ((mmio_read32(GICD_BASE + GICD_TYPER) & 0x1fU) + 1U) * 32U;

	return n > 1020U ? 1020U : n;
}

void gic_set_prio_word(uintptr_t ipriorityr, uint32_t intid, uint8_t prio)
{
	uintptr_t reg = ipriorityr + (intid / 4U) * 4U;
	uint32_t shift = (intid % 4U) * 8U;
	uint32_t v = mmio_read32(reg);

	v = (v & ~(0xffU << shift)) | ((uint32_t)prio << shift);
	mmio_write32(reg, v);
}

static void gicd_reset_spis(uint32_t lines)
{
	for (uint32_t i = 32; i < lines; i += 32) {
		uintptr_t word = (i / 32U) * 4U;

		mmio_write32(GICD_BASE + GICD_ICENABLER + word, 0xffffffffU);
		mmio_write32(GICD_BASE + GICD_ICPENDR + word, 0xffffffffU);
		mmio_write32(GICD_BASE + GICD_ICACTIVER + word, 0xffffffffU);
		mmio_write32(GICD_BASE + GICD_IGROUPR + word, 0xffffffffU);
	}
	gicd_wait_rwp();
	for (uint32_t i = 32; i < lines; i += 4)
		mmio_write32(GICD_BASE + GICD_IPRIORITYR + i, 0xa0a0a0a0U);
	for (uint32_t i = 32; i < lines; i += 16)
		mmio_write32(GICD_BASE + GICD_ICFGR + (i / 16U) * 4U, 0);
}

void gic_dist_init(void)
{
	mmio_write32(GICD_BASE + GICD_CTLR, 0);
	gicd_wait_rwp();
	gicd_reset_spis(gicd_lines());
	mmio_write32(GICD_BASE + GICD_CTLR, GICD_CTLR_ARE_NS);
	gicd_wait_rwp();
	mmio_write32(GICD_BASE + GICD_CTLR,
		     GICD_CTLR_ARE_NS | GICD_CTLR_ENABLE_G1A | GICD_CTLR_ENABLE_G1);
	gicd_wait_rwp();
}

/* GICD_IROUTER affinity format: Aff3 [39:32], Aff2..Aff0 [23:0]. */
static uint64_t gicd_route_self(void)
{
	return cpu_mpidr() & MPIDR_AFF_MASK;
}

static void gicd_spi_enable(uint32_t intid, uint8_t prio)
{
	uint32_t bit = 1U << (intid % 32U);

	gic_set_prio_word(GICD_BASE + GICD_IPRIORITYR, intid, prio);
	mmio_write32(GICD_BASE + GICD_IGROUPR + (intid / 32U) * 4U,
		     mmio_read32(GICD_BASE + GICD_IGROUPR + (intid / 32U) * 4U) | bit);
	mmio_write64(GICD_BASE + GICD_IROUTER + intid * 8U, gicd_route_self());
	mmio_write32(GICD_BASE + GICD_ISENABLER + (intid / 32U) * 4U, bit);
}

static void gicr_ppi_enable(uint32_t intid, uint8_t prio)
{
	uintptr_t sgi = gic_redist_sgi_base();

	if (!sgi)
		return;
	gic_set_prio_word(sgi + GICR_IPRIORITYR, intid, prio);
	mmio_write32(sgi + GICR_ISENABLER0, 1U << intid);
}

void gic_irq_enable(uint32_t intid, uint8_t prio)
{
	if (intid < 32U)
		gicr_ppi_enable(intid, prio);
	else if (intid < 1020U)
		gicd_spi_enable(intid, prio);
}

void gic_irq_disable(uint32_t intid)
{
	uintptr_t sgi = gic_redist_sgi_base();

	if (intid < 32U) {
		if (sgi)
			mmio_write32(sgi + GICR_ICENABLER0, 1U << intid);
	} else if (intid < 1020U) {
		mmio_write32(GICD_BASE + GICD_ICENABLER + (intid / 32U) * 4U,
			     1U << (intid % 32U));
		gicd_wait_rwp();
	}
}

/* GICD_ICFGR<n>: Int_config[1] of each 2-bit field, 1 = edge-triggered (IHI 0069, 12.9.9). */
void gic_irq_set_edge(uint32_t intid)
{
	uintptr_t reg = GICD_BASE + GICD_ICFGR + (intid / 16U) * 4U;

	if (intid < 32U || intid >= 1020U)
		return;
	mmio_write32(reg, mmio_read32(reg) | (2U << ((intid % 16U) * 2U)));
}
