/*
 * Items that exercise the hypervisor's trap paths (or its absence):
 * hypercalls, a trapped system register, emulated and passthrough MMIO, and
 * the first touch of pages the guest has never used.
 */
#include "guest/gic.h"
#include "guest/mmio.h"
#include "guest/pl011.h"
#include "guest/psci.h"
#include "guest/sysreg.h"
#include "bench.h"

#define RTV_HC_VERSION 0xc6000000U
#define UART_BASE PL011_BASE	/* emulated: rtvisor's vPL011, or Xen's vpl011 */
#define UART_FR 0x18U
#define UART_IMSC 0x38U
#define RTC_BASE 0x09010000UL	/* PL031: passthrough in the bench scenarios */
#define RTC_DR 0x00U
#define RTC_IMSC 0x10U
#define PAGE 4096UL

/*
 * hvc_rtv: HVC RTV_HC_VERSION. Natively there is no EL2: QEMU's built-in PSCI
 * firmware answers it (NOT_SUPPORTED) without running guest-visible code, so
 * the native figure is the bare HVC instruction (see bench_sync_hook in main.c
 * for machines where it is UNDEFINED instead).
 */
void item_hvc_rtv(struct item_ctx *c)
{
	for (uint32_t i = 0; i < c->n; i++) {
		uint64_t t0 = ts();

		bench_hvc(RTV_HC_VERSION, 0);
		stat_add(&c->st, dur_ns(t0, ts()));
	}
}

/* hvc_psci: HVC PSCI_VERSION. Natively QEMU's built-in PSCI answers it (no guest-visible code). */
void item_hvc_psci(struct item_ctx *c)
{
	for (uint32_t i = 0; i < c->n; i++) {
		uint64_t t0 = ts();

		bench_hvc(PSCI_VERSION, 0);
		stat_add(&c->st, dur_ns(t0, ts()));
	}
}

/* sysreg_sgi1r: ICC_SGI1R_EL1 write with an empty target list (no SGI sent). */
void item_sysreg_sgi1r(struct item_ctx *c)
{
	for (uint32_t i = 0; i < c->n; i++) {
		uint64_t t0 = ts();

		sysreg_write(ICC_SGI1R_EL1, 0);
		isb();
		stat_add(&c->st, dur_ns(t0, ts()));
	}
}

/*
 * sysreg_actlr: MRS of ACTLR_EL1, a plain trapped system register: under rtvisor
 * HCR_EL2.TACR traps it and the hypervisor answers zero (sysreg_emul.c); natively it is an
 * ordinary register read. sysreg_sgi1r's trap also decodes an SGI target list; this one
 * is the trap alone.
 */
void item_sysreg_actlr(struct item_ctx *c)
{
	for (uint32_t i = 0; i < c->n; i++) {
		uint64_t t0 = ts();

		(void)sysreg_read(actlr_el1);
		stat_add(&c->st, dur_ns(t0, ts()));
	}
}

static void mmio_item(struct item_ctx *c, uintptr_t addr, bool write)
{
	for (uint32_t i = 0; i < c->n; i++) {
		uint64_t t0 = ts();

		if (write)
			mmio_write32(addr, 0);
		else
			(void)mmio_read32(addr);
		stat_add(&c->st, dur_ns(t0, ts()));
	}
}

/* PL011 UARTFR read / UARTIMSC write (0: RX interrupts stay off). */
void item_mmio_emul_read(struct item_ctx *c)
{
	mmio_item(c, UART_BASE + UART_FR, false);
}

void item_mmio_emul_write(struct item_ctx *c)
{
	mmio_item(c, UART_BASE + UART_IMSC, true);
}

/*
 * PL031 RTCDR read / RTCIMSC write (0: match interrupt stays off). Xen's dom0less domU
 * has no passthrough device unless given a partial device tree: skipped there (decided
 * at build time, so the image for rtvisor and bare QEMU is the one it always was).
 */
#ifdef GUEST_XEN_DOMU
#define PT_NONE "no passthrough device in the Xen domU"

void item_mmio_pt_read(struct item_ctx *c)
{
	c->skip = PT_NONE;
}

void item_mmio_pt_write(struct item_ctx *c)
{
	c->skip = PT_NONE;
}
#else
void item_mmio_pt_read(struct item_ctx *c)
{
	mmio_item(c, RTC_BASE + RTC_DR, false);
}

void item_mmio_pt_write(struct item_ctx *c)
{
	mmio_item(c, RTC_BASE + RTC_IMSC, true);
}
#endif

/* page_first_touch: one 32-bit store to each of n pages the guest never used before. */
void item_page_first_touch(struct item_ctx *c)
{
	uint32_t n = c->n < BENCH_PAGE_MAX ? c->n : BENCH_PAGE_MAX;
	static uint32_t next_page;

	for (uint32_t i = 0; i < n && next_page < BENCH_PAGE_MAX; i++, next_page++) {
		uintptr_t addr = BENCH_PAGE_BASE + next_page * PAGE;
		uint64_t t0 = ts();

		mmio_write32(addr, i);
		stat_add(&c->st, dur_ns(t0, ts()));
	}
	c->el2_iters = c->st.n ? c->st.n : 1;
}

/*
 * sgi_self: SGI from CPU 0 to itself (ICC_SGI1R_EL1, target list = its own Aff0), from just
 * before the write to the first instruction of the handler, with IRQs unmasked. Under
 * rtvisor the write traps (HCR_EL2.IMO) and the SGI is delivered through a list register
 * on the way back into the guest.
 */
#define SGI_SELF 5U
#define SELF_MPIDR 0U	/* CPU 0 natively, vCPU 0 under rtvisor (virtual MPIDR Aff0 = index) */

static volatile uint64_t self_ns;
static volatile uint32_t self_seen;

static void self_handler(uint32_t intid)
{
	uint64_t t = ts();

	(void)intid;
	self_ns = t;
	self_seen++;
}

void item_sgi_self(struct item_ctx *c)
{
	bench_irq_register(SGI_SELF, self_handler);
	gic_irq_enable(SGI_SELF, 0x80);
	for (uint32_t i = 0; i < c->n; i++) {
		uint32_t seen = self_seen;
		uint64_t t0 = ts();

		gic_send_sgi(SGI_SELF, SELF_MPIDR);
		while (self_seen == seen)
			;
		stat_add(&c->st, dur_ns(t0, self_ns));
	}
}
