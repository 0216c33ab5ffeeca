/*
 * GICv3 CPU interface through the ICC_* system registers.
 */
#include "guest/console.h"
#include "guest/cpu.h"
#include "guest/gic.h"
#include "guest/sysreg.h"
#include "gic_regs.h"

#define ICC_SRE_SRE (1ULL << 0)
#define ICC_CTLR_EOIMODE (1ULL << 1)

void gic_cpuif_init(void)
{
	sysreg_write(ICC_SRE_EL1, sysreg_read(ICC_SRE_EL1) | ICC_SRE_SRE);
	isb();
	if (!(sysreg_read(ICC_SRE_EL1) & ICC_SRE_SRE))
		printf("gic: cpu%u ICC_SRE_EL1.SRE stuck at 0\n", cpu_id());
	sysreg_write(ICC_PMR_EL1, 0xff);
	sysreg_write(ICC_BPR1_EL1, 0);
	sysreg_write(ICC_CTLR_EL1, sysreg_read(ICC_CTLR_EL1) & ~ICC_CTLR_EOIMODE);
	sysreg_write(ICC_IGRPEN1_EL1, 1);
	isb();
}

uint32_t gic_ack(void)
{
	uint32_t iar = (uint32_t)sysreg_read(ICC_IAR1_EL1);

	dsb(sy);
	return iar;
}

void gic_eoi(uint32_t iar)
{
	sysreg_write(ICC_EOIR1_EL1, iar);
	isb();
}

/* ICC_SGI1R_EL1: Aff3 [55:48], RS [47:44], Aff2 [39:32], INTID [27:24],
 * Aff1 [23:16], TargetList [15:0] (bit = Aff0 % 16). */
void gic_send_sgi(uint32_t sgi, uint64_t mpidr)
{
	uint64_t aff0 = mpidr & 0xffU;
	uint64_t v = (((mpidr >> 32) & 0xffU) << 48) | ((aff0 >> 4) << 44) |
		     (((mpidr >> 16) & 0xffU) << 32) | ((uint64_t)(sgi & 0xfU) << 24) |
		     (((mpidr >> 8) & 0xffU) << 16) | (1ULL << (aff0 & 0xfU));

	dsb(ishst);
	sysreg_write(ICC_SGI1R_EL1, v);
	isb();
}
