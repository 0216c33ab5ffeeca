/*
 * What a hostile exit-less guest can try against the hypervisor and the other VMs
 * (docs/architecture.md "Exit-less mode"): SGIs to every target list and INTID
 * through all three SGI registers (trapped: HCR_EL2.FMO = 1), every enable, pending,
 * group and routing register of its distributor and of every redistributor frame it
 * can name, the Group 0 controls (virtual), then mask everything it can for ever.
 * Refused accesses come back as injected aborts (fault-policy "inject") and are skipped.
 */
#include "guest/console.h"
#include "guest/fault.h"
#include "guest/gic.h"
#include "guest/mmio.h"
#include "guest/sysreg.h"
#include "xlprobe.h"

#define ICC_SGI0R_EL1 S3_0_C12_C11_7
#define ICC_ASGI1R_EL1 S3_0_C12_C11_6
#define ICC_IGRPEN0_EL1 S3_0_C12_C12_6
#define ICC_AP1R0_EL1 S3_0_C12_C9_0
#define GICR_FRAME 0x20000UL
#define GICR_SGI 0x10000UL

static void sgis(void)
{
	for (uint64_t intid = 0; intid < 16; intid++)
		for (uint64_t aff1 = 0; aff1 < 4; aff1++)
			for (uint64_t irm = 0; irm < 2; irm++) {
				uint64_t v = irm << 40 | intid << 24 | aff1 << 16 | 0xffff;

				sysreg_write(ICC_SGI1R_EL1, v);
				sysreg_write(ICC_SGI0R_EL1, v);
				sysreg_write(ICC_ASGI1R_EL1, v);
			}
}

/* Set every bit of the enable, pending, active and group registers at base + off. */
static void all_ones(uintptr_t base, unsigned words)
{
	static const unsigned regs[] = { 0x080, 0x100, 0x200, 0x300, 0x0d00 };

	for (unsigned r = 0; r < sizeof(regs) / sizeof(regs[0]); r++)
		for (unsigned w = 0; w < words; w++)
			mmio_write32(base + regs[r] + 4 * w, 0xffffffffU);
}

static void distributor(void)
{
	all_ones(GICD_BASE, 32);
	for (uintptr_t n = 32; n < 1020; n++)
		mmio_write64(GICD_BASE + 0x6000 + 8 * n, 0x1ULL << 31 | 0x3); /* IRM, Aff0 3 */
}

static void redistributors(void)
{
	for (uintptr_t f = 0; f < 8; f++) {
		uintptr_t rd = GICR_BASE + f * GICR_FRAME;

		mmio_write32(rd + 0x14, 0); /* GICR_WAKER */
		all_ones(rd + GICR_SGI, 1);
	}
}

void xl_hostile(void)
{
	struct fault_info last;
	unsigned faults;

	fault_expect_begin(FAULT_RESUME_NEXT);
	sgis();
	distributor();
	redistributors();
	faults = fault_expect_end(&last);
	sysreg_write(ICC_IGRPEN0_EL1, 0);
	sysreg_write(ICC_PMR_EL1, 0);
	sysreg_write(ICC_IGRPEN1_EL1, 0);
	printf("xl: hostile done (%u refused), masking for ever\n", faults);
	__asm__ volatile("msr daifset, #0xf\n1:\tb 1b" ::: "memory");
}

/*
 * The hole exit-less mode cannot close: ICC_AP1R0_EL1 is the physical register with
 * IMO = 0, and an active priority of 0 in it keeps every interrupt out, Group 0 too
 * (a write of other than a read value is UNPREDICTABLE, Arm ARM; QEMU honours it).
 */
void xl_raise_running_priority(void)
{
	printf("xl: active priority 0, masking for ever\n");
	sysreg_write(ICC_AP1R0_EL1, 1);
	__asm__ volatile("msr daifset, #0xf\n1:\tb 1b" ::: "memory");
}
