/*
 * pci_msi_lat (docs/benchmarks.md): the latency of the edu's MSI, from the write to its
 * raise register to the first instruction of the handler of the LPI it was mapped to.
 * A minimal ITS driver (IHI 0069 5.3, 6.3; the same code natively on QEMU's ITS and
 * under rtvisor on the VM's virtual ITS): the redistributor's LPI property and pending
 * tables, one-page device and collection tables and command queue, collection 0 on
 * processor 0 (GITS_TYPER.PTA = 0), the edu's DeviceID with one event to BENCH_LPI,
 * the edu's MSI capability pointed at GITS_TRANSLATER with EventID 0. Set up before
 * the items (its traps are not counted); MSI is enabled only during the item (with MSI
 * on, the edu stops using INTx, which pci_intx_lat measures).
 * Needs GICD_TYPER.LPIS and bus mastering: natively always; under rtvisor a VM whose
 * edu has `dma` and `msi-events` (configs/bench-msi.dts), else the item is skipped.
 */
#include "guest/edu.h"
#include "guest/gic.h"
#include "guest/its.h"
#include "guest/mmio.h"
#include "guest/pci.h"
#include "guest/timer.h"
#include "bench.h"

#define VALID (1ULL << 63)
#define BASER_TYPE(b) (((b) >> 56) & 7U)
#define BASER_RO_MASK (7ULL << 56 | 0x1fULL << 48) /* Type, Entry_Size */
#define LPI_IDBITS 14U
#define BENCH_LPI (8192U + 100U)
#define RAISE_BIT 0x2000U   /* any status bit the edu itself never sets (INTx uses 0x1000) */

static uint8_t prop[(1U << LPI_IDBITS) - 8192U] __attribute__((aligned(4096)));
static uint8_t pend[(1U << LPI_IDBITS) / 8U] __attribute__((aligned(65536)));
static uint64_t queue[4096 / 8] __attribute__((aligned(4096)));
static uint64_t tables[2][4096 / 8] __attribute__((aligned(4096)));
static uint8_t itt[256] __attribute__((aligned(256)));
static unsigned queue_wr;
static unsigned edu_bdf, msi_cap;
static uintptr_t edu_bar;
static const char *why = "no edu on the PCI bus (-device edu,addr=4.0)";

static volatile uint64_t msi_ts;
static volatile uint32_t msi_count;

static void msi_handler(uint32_t intid)
{
	uint64_t t = ts();

	(void)intid;
	mmio_write32(edu_bar + EDU_IRQ_ACK, RAISE_BIT);
	msi_ts = t;
	msi_count++;
}

static bool its_cmd(uint64_t d0, uint64_t d1, uint64_t d2)
{
	uint64_t *c = &queue[queue_wr / 8U];
	uint64_t end = timer_now() + timer_ms_to_ticks(100);

	c[0] = d0;
	c[1] = d1;
	c[2] = d2;
	c[3] = 0;
	queue_wr = (queue_wr + 32U) % sizeof(queue);
	__asm__ volatile("dsb sy" : : : "memory");
	mmio_write64(ITS_BASE + GITS_CWRITER, queue_wr);
	while (mmio_read64(ITS_BASE + GITS_CREADR) != queue_wr)
		if (timer_now() > end)
			return false;
	return true;
}

/* Device (type 1) and collection (type 4) tables: one flat 4 KiB page each. */
static void its_tables(void)
{
	unsigned t = 0;

	for (unsigned n = 0; n < 8 && t < 2; n++) {
		uint64_t b = mmio_read64(ITS_BASE + GITS_BASER(n));

		if (BASER_TYPE(b) != 1U && BASER_TYPE(b) != 4U)
			continue;
		mmio_write64(ITS_BASE + GITS_BASER(n), VALID | (b & BASER_RO_MASK) |
			     (uintptr_t)tables[t++]);
	}
}

static void lpis_on(void)
{
	uintptr_t rd = gic_redist_base();

	prop[BENCH_LPI - 8192U] = 0x80U | 0x2U | 0x1U; /* priority, RES1, enabled */
	__asm__ volatile("dsb sy" : : : "memory");
	mmio_write64(rd + GICR_PROPBASER, (uintptr_t)prop | (LPI_IDBITS - 1U));
	mmio_write64(rd + GICR_PENDBASER, (uintptr_t)pend);
	mmio_write32(rd + GICR_CTLR, 1U);
}


static bool its_map(void)
{
	mmio_write32(ITS_BASE + GITS_CTLR, 0);
	its_tables();
	mmio_write64(ITS_BASE + GITS_CBASER, VALID | (uintptr_t)queue);
	mmio_write64(ITS_BASE + GITS_CWRITER, 0);
	queue_wr = 0;
	mmio_write32(ITS_BASE + GITS_CTLR, 1U);
	return its_cmd(0x09UL, 0, VALID | 0 /* ICID 0 -> processor 0 */) &&
	       its_cmd(0x08UL | (uint64_t)edu_bdf << 32, 0 /* 1 EventID bit */,
		       VALID | (uintptr_t)itt) &&
	       its_cmd(0x0aUL | (uint64_t)edu_bdf << 32, (uint64_t)BENCH_LPI << 32, 0) &&
	       its_cmd(0x0dUL, 0, 0) /* INVALL */ && its_cmd(0x05UL, 0, 0) /* SYNC */;
}

void bench_msi_init(void)
{
	int bdf = pci_ecam_present() ? pci_find(EDU_VENDOR, EDU_DEVICE) : PCI_NO_FUNC;

	if (bdf == PCI_NO_FUNC)
		return;
	edu_bdf = (unsigned)bdf;
	edu_bar = pci_cfg_read32(edu_bdf, PCI_BAR0) & ~0xfU; /* placed by bench_pci_init */
	msi_cap = pci_find_cap(edu_bdf, PCI_CAP_MSI);
	if (!(mmio_read32(GICD_BASE + GICD_TYPER) & GICD_TYPER_LPIS)) {
		why = "no LPIs (GICD_TYPER.LPIS = 0: no msi-events under rtvisor)";
		return;
	}
	if (!msi_cap) {
		why = "the edu has no MSI capability";
		return;
	}
	pci_cfg_write16(edu_bdf, PCI_COMMAND, PCI_CMD_MEM | PCI_CMD_MASTER);
	lpis_on();
	if (!its_map()) {
		why = "the ITS did not consume its commands";
		return;
	}
	/* 64-bit MSI capability (the edu's): address at +4/+8, data at +0xc; left disabled */
	pci_cfg_write32(edu_bdf, msi_cap + 4U, (uint32_t)GITS_TRANSLATER);
	pci_cfg_write32(edu_bdf, msi_cap + 8U, 0);
	pci_cfg_write16(edu_bdf, msi_cap + 0xcU, 0);
	bench_lpi_register(msi_handler);
	why = 0;
}

/* pci_msi_lat: raise register write -> first instruction of the LPI's handler. */
void item_pci_msi_lat(struct item_ctx *c)
{
	if (why) {
		c->skip = why;
		return;
	}
	pci_cfg_write16(edu_bdf, msi_cap + 2U, 1U); /* MSI Enable */
	for (uint32_t i = 0; i < c->n; i++) {
		uint32_t seen = msi_count;
		uint64_t t0 = ts();

		mmio_write32(edu_bar + EDU_IRQ_RAISE, RAISE_BIT);
		while (msi_count == seen)
			;
		stat_add(&c->st, dur_ns(t0, msi_ts));
	}
	pci_cfg_write16(edu_bdf, msi_cap + 2U, 0);
}
