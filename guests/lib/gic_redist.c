/*
 * GICv3 redistributor of the calling CPU: found by matching GICR_TYPER
 * affinity against MPIDR_EL1, woken, SGIs/PPIs reset to group 1, disabled.
 */
#include "guest/config.h"
#include "guest/console.h"
#include "guest/cpu.h"
#include "guest/gic.h"
#include "guest/mmio.h"
#include "gic_regs.h"

static uintptr_t gicr_rd_base[GUEST_MAX_CPUS];

/* MPIDR Aff3.Aff2.Aff1.Aff0 as GICR_TYPER[63:32] holds it. */
static uint64_t gicr_affinity(uint64_t mpidr)
{
	return (mpidr & 0xffffffULL) | (((mpidr >> 32) & 0xffULL) << 24);
}

static uintptr_t gicr_find(uint64_t mpidr)
{
	uintptr_t rd = GICR_BASE;

	for (unsigned i = 0; i < GICR_MAX_FRAMES; i++) {
		uint64_t typer = mmio_read64(rd + GICR_TYPER);

		if ((typer >> 32) == gicr_affinity(mpidr))
			return rd;
		if (typer & GICR_TYPER_LAST)
			break;
		rd += (typer & GICR_TYPER_VLPIS) ? GICR_FRAME_STRIDE_VLPI : GICR_FRAME_STRIDE;
	}
	return 0;
}

static void gicr_wake(uintptr_t rd)
{
	uint32_t waker = mmio_read32(rd + GICR_WAKER);

	mmio_write32(rd + GICR_WAKER, waker & ~GICR_WAKER_PROCESSOR_SLEEP);
	for (unsigned i = 0; i < GIC_RWP_SPINS; i++) {
		if (!(mmio_read32(rd + GICR_WAKER) & GICR_WAKER_CHILDREN_ASLEEP))
			return;
	}
	printf("gic: cpu%u redistributor still asleep\n", cpu_id());
}

static void gicr_wait_rwp(uintptr_t rd)
{
	for (unsigned i = 0; i < GIC_RWP_SPINS; i++) {
		if (!(mmio_read32(rd + GICR_CTLR) & GICR_CTLR_RWP))
			return;
	}
	printf("gic: GICR_CTLR.RWP stuck\n");
}

static void gicr_reset_private(uintptr_t rd)
{
	uintptr_t sgi = rd + GICR_SGI_OFFSET;

	mmio_write32(sgi + GICR_ICENABLER0, 0xffffffffU);
	gicr_wait_rwp(rd);
	mmio_write32(sgi + GICR_ICPENDR0, 0xffffffffU);
	mmio_write32(sgi + GICR_ICACTIVER0, 0xffffffffU);
	mmio_write32(sgi + GICR_IGROUPR0, 0xffffffffU);
	for (uintptr_t off = 0; off < 32; off += 4)
		mmio_write32(sgi + GICR_IPRIORITYR + off, 0xa0a0a0a0U);
}

uintptr_t gic_redist_base(void)
{
	return gicr_rd_base[cpu_id() % GUEST_MAX_CPUS];
}

uintptr_t gic_redist_sgi_base(void)
{
	uintptr_t rd = gicr_rd_base[cpu_id() % GUEST_MAX_CPUS];

	return rd ? rd + GICR_SGI_OFFSET : 0;
}

int gic_cpu_init(void)
{
	uintptr_t rd = gicr_find(cpu_mpidr());

	if (!rd) {
		printf("gic: no redistributor for cpu%u mpidr 0x%lx\n", cpu_id(), cpu_mpidr());
		return -1;
	}
	gicr_rd_base[cpu_id() % GUEST_MAX_CPUS] = rd;
	gicr_wake(rd);
	gicr_reset_private(rd);
	gic_cpuif_init();
	return 0;
}
