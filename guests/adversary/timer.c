/*
 * Timer class: the virtual timer with random CVAL/CTL (left armed or not),
 * or a game that must end: recover the GIC (random register writes may
 * have disabled, deprioritised or activated anything), arm the timer a few
 * microseconds ahead, then WFI, or WFE with the event stream on, until it
 * fires; acknowledge it and disarm.
 */
#include "guest/fault.h"
#include "guest/gic.h"
#include "guest/mmio.h"
#include "guest/sysreg.h"
#include "guest/timer.h"
#include "adversary.h"

#define CTL_ENABLE 1U
#define CTL_IMASK 2U
#define CTL_ISTATUS 4U
#define GICD_CTLR_VALUE 0x13U /* ARE_NS | EnableGrp1A | EnableGrp1 */
#define GICD_ICACTIVER 0x380U
#define GICR_SGI_ICACTIVER0 (0x10000U + 0x380U)
#define WFE_SPINS 100000U
#define ICC_AP1R0_EL1 S3_0_C12_C9_0
#define CNTKCTL_EVNTEN (1U << 2)

void adv_gic_recover(void)
{
	sysreg_write(ICC_CTLR_EL1, 0);
	sysreg_write(ICC_AP1R0_EL1, 0);
	mmio_write32(ADV_GICR_BASE + GICR_SGI_ICACTIVER0, 0xffffffffU);
	for (unsigned i = 0; i < 4; i++)
		mmio_write32(ADV_GICD_BASE + GICD_ICACTIVER + 4 * i, 0xffffffffU);
	mmio_write32(ADV_GICD_BASE, GICD_CTLR_VALUE);
	gic_cpu_init();
	/* anything still pending is acknowledged and completed; LPIs too (the its class's
	 * INT commands): one acknowledged and left active would mask the timer for good */
	for (unsigned i = 0; i < 64; i++) {
		uint32_t iar = gic_ack();

		if (iar >= 1020 && iar < 8192)
			break;
		gic_eoi(iar);
	}
	gic_irq_enable(TIMER_VIRT_INTID, GIC_PRIO_DEFAULT);
}

static void timer_random(void)
{
	uint64_t cval = rng_below(2) ? timer_now() + rng_below(1U << 20) : rng_value();
	uint64_t ctl = rng_value() & 7;

	sysreg_write(cntv_cval_el0, cval);
	sysreg_write(cntv_ctl_el0, ctl);
	leak_check(ADV_TIMER, 0, sysreg_read(cntv_ctl_el0), 8);
	leak_check(ADV_TIMER, 1, sysreg_read(cntv_tval_el0), 8);
}

static void timer_wait(bool wfe)
{
	uint64_t kctl = sysreg_read(cntkctl_el1);

	adv_gic_recover();
	timer_set_cval(timer_now() + 50 + rng_below(4000));
	timer_enable();
	isb();
	if (wfe) {
		/* the event stream (bit 4 of the counter) bounds every WFE */
		sysreg_write(cntkctl_el1, (kctl & ~0xf4UL) | CNTKCTL_EVNTEN | (4U << 4));
		isb();
		for (unsigned i = 0; i < WFE_SPINS; i++) {
			if (sysreg_read(cntv_ctl_el0) & CTL_ISTATUS)
				break;
			__asm__ volatile("wfe" : : : "memory");
		}
		sysreg_write(cntkctl_el1, kctl);
	} else {
		while (!(sysreg_read(cntv_ctl_el0) & CTL_ISTATUS))
			__asm__ volatile("wfi" : : : "memory");
		/* the interrupt must be delivered now: acknowledge and complete it */
		for (unsigned i = 0; i < 8; i++) {
			uint32_t iar = gic_ack();

			if (iar >= 1020 && iar < 8192) /* 1020-1023 special; LPIs from 8192 */
				break;
			leak_check(ADV_TIMER, 2, iar, 4);
			gic_eoi(iar);
		}
	}
	timer_disable();
}

void op_timer(void)
{
	switch (rng_below(4)) {
	case 0:
	case 1: timer_random(); break;
	case 2: timer_wait(false); break;
	default: timer_wait(true); break;
	}
}
