/*
 * Items on a PCI function (QEMU's edu at 00:04.0, docs/benchmarks.md): a read of its
 * BAR (mapped straight through under rtvisor), a configuration read through the ECAM
 * (trapped and filtered under rtvisor) and the INTx latency from the write to the edu's
 * raise register to the first instruction of the handler. Natively the guest finds the
 * edu through the real ECAM and places its BAR itself (no firmware has); under rtvisor
 * through the VM's virtual one, the BAR already placed.
 */
#include "guest/edu.h"
#include "guest/gic.h"
#include "guest/mmio.h"
#include "guest/pci.h"
#include "bench.h"

#define PRIO_PCI 0x80
#define RAISE_BIT 0x1000U          /* any status bit the edu itself never sets */

static uintptr_t bar;               /* 0: no edu (the items are skipped) */
static unsigned edu_bdf, edu_intid;

static volatile uint64_t intx_ts;
static volatile uint32_t intx_count;

/* Level line: acknowledged in the device before the EOI, or it fires again. */
static void intx_handler(uint32_t intid)
{
	uint64_t t = ts();

	(void)intid;
	mmio_write32(bar + EDU_IRQ_ACK, RAISE_BIT);
	intx_ts = t;
	intx_count++;
}

/* Before the items (their EL2 counts leave the search out): find the edu, place its
 * BAR if nobody has, decoding on, its INTx line taken. A VM without PCI functions (the
 * bench scenarios of the other items) has no ECAM at all. */
void bench_pci_init(void)
{
	int bdf = pci_ecam_present() ? pci_find(EDU_VENDOR, EDU_DEVICE) : PCI_NO_FUNC;

	if (bdf == PCI_NO_FUNC)
		return;
	edu_bdf = (unsigned)bdf;
	bar = pci_bar_place(edu_bdf, 0, PCI_MEM32_BASE);
	pci_cfg_write16(edu_bdf, PCI_COMMAND, PCI_CMD_MEM);
	edu_intid = pci_intx_intid(edu_bdf);
	if (!edu_intid)
		return;
	bench_irq_register(edu_intid, intx_handler);
	gic_irq_enable(edu_intid, PRIO_PCI);
}

static bool edu_ready(struct item_ctx *c, bool intx)
{
	if (!bar)
		c->skip = "no edu on the PCI bus (-device edu,addr=4.0)";
	else if (intx && !edu_intid)
		c->skip = "the edu has no INTx pin";
	return !c->skip;
}

/* pci_bar_read: the edu's identification register. */
void item_pci_bar_read(struct item_ctx *c)
{
	if (!edu_ready(c, false))
		return;
	for (uint32_t i = 0; i < c->n; i++) {
		uint64_t t0 = ts();

		(void)mmio_read32(bar + EDU_ID);
		stat_add(&c->st, dur_ns(t0, ts()));
	}
}

/* pci_cfg_read: the edu's vendor/device dword. */
void item_pci_cfg_read(struct item_ctx *c)
{
	uintptr_t at;

	if (!edu_ready(c, false))
		return;
	at = pci_cfg_addr(edu_bdf, PCI_VENDOR);
	for (uint32_t i = 0; i < c->n; i++) {
		uint64_t t0 = ts();

		(void)mmio_read32(at);
		stat_add(&c->st, dur_ns(t0, ts()));
	}
}

/* pci_intx_lat: raise register write -> first instruction of the handler. */
void item_pci_intx_lat(struct item_ctx *c)
{
	if (!edu_ready(c, true))
		return;
	for (uint32_t i = 0; i < c->n; i++) {
		uint32_t seen = intx_count;
		uint64_t t0 = ts();

		mmio_write32(bar + EDU_IRQ_RAISE, RAISE_BIT);
		while (intx_count == seen)
			;
		stat_add(&c->st, dur_ns(t0, intx_ts));
	}
}
