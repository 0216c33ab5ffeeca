/*
 * The its class: what a VM can do to its virtual ITS and its MSI-X table
 * (configs/adversary.dts gives it QEMU's virtio-rng-pci at 00:05.0 with `dma` and
 * msi-events = <2>, so it has a vITS; it never writes the device's virtio registers, so
 * no queue exists and the device never masters the bus). Random:
 *  - batches of 1..24 commands (more than the vITS runs per trap) in its queue, then
 *    CWRITER: any command number (the twelve of a GICv3 ITS mostly, GICv4 and unknown
 *    ones too) with DeviceIDs of its own function, of its edu (no events), or random,
 *    EventIDs, vINTIDs, ICIDs and RDbases around and beyond their ranges. After each
 *    batch CREADR must equal CWRITER: the queue never stalls, else UNREFUSED;
 *  - GITS register accesses (the control frame: CTLR, TYPER, CBASER, CWRITER, CREADR,
 *    BASERn, IDs, anywhere) of 1..8 bytes, reads leak-checked, random writes; the next
 *    command batch first sets CBASER, CWRITER and CTLR back;
 *  - stores to GITS_TRANSLATER (and anywhere in the translation frame): refused, else
 *    UNREFUSED; reads of that frame leak-checked;
 *  - its function's MSI-X table page (entries, the rest of the page, the PBA): random
 *    loads and stores, reads leak-checked, and the MSI-X Enable / Function Mask bits.
 */
#include "guest/pci.h"
#include "guest/its.h"
#include "adversary.h"

#define ITS_FRAME 0x10000UL
#define GITS_TRANSLATER_OFF 0x40U
#define VALID (1ULL << 63)
#define QUEUE_CMDS 128U
#define MAX_BATCH 24U
#define RNG_VENDOR 0x1af4U
#define RNG_DEVICE 0x1044U  /* virtio 1.0 entropy device */
#define PAGE 0x1000UL

static uint64_t queue[QUEUE_CMDS * 4] __attribute__((aligned(4096)));
static uint64_t devtab[PAGE / 8] __attribute__((aligned(4096)));
static unsigned queue_wr;        /* in commands */
static bool dirty = true;        /* registers written at random since the last set-up */
static int rng_bdf = PCI_NO_FUNC;
static unsigned msix_cap;
static uintptr_t msix_page;      /* its MSI-X table's page (trapped, not mapped) */
static uintptr_t bars[6][2];     /* base, size of each memory BAR of the function */

static const uint8_t ops[] = {
	0x08, 0x09, 0x0a, 0x0b, 0x01, 0x0f, 0x0c, 0x0d, 0x05, 0x04, 0x03, 0x0e,
	0x29 /* VMAPP */, 0x2a /* VMAPTI */, 0x21 /* VMOVP */, 0x00, 0xff,
};
static const uint16_t regs[] = {
	0x0, 0x4, 0x8, 0xc, 0x80, 0x84, 0x88, 0x8c, 0x90, 0x94, 0x100, 0x104, 0x108, 0x110,
	0x138, 0xffd0, 0xffe8, 0xfffc,
};

/* Size of a 32-bit memory BAR (the all-ones probe, then the value put back). */
static uint32_t bar_size(unsigned bdf, unsigned reg)
{
	uint32_t old = pci_cfg_read32((unsigned)bdf, reg), sz;

	pci_cfg_write32(bdf, reg, 0xffffffffU);
	sz = pci_cfg_read32(bdf, reg) & ~0xfU;
	pci_cfg_write32(bdf, reg, old);
	return sz ? ~sz + 1U : 0;
}

static void find_bars(unsigned bdf)
{
	for (unsigned i = 0; i < 6; i++) {
		unsigned reg = PCI_BAR0 + 4U * i;
		uint32_t lo = pci_cfg_read32(bdf, reg);
		uint64_t base = lo & ~0xfULL;

		if (lo & 1U)
			continue; /* I/O */
		if ((lo & 6U) == 4U && i < 5) { /* 64-bit: the upper half is the next BAR */
			base |= (uint64_t)pci_cfg_read32(bdf, reg + 4U) << 32;
			pci_cfg_write32(bdf, reg + 4U, 0xffffffffU);
			bars[i][1] = pci_cfg_read32(bdf, reg + 4U) == 0xffffffffU ? bar_size(bdf, reg) : 0;
			pci_cfg_write32(bdf, reg + 4U, (uint32_t)(base >> 32));
			bars[i][0] = (uintptr_t)base;
			i++;
			continue;
		}
		bars[i][0] = (uintptr_t)base;
		bars[i][1] = bar_size(bdf, reg);
	}
}


void adv_its_init(void)
{
	rng_bdf = pci_find(RNG_VENDOR, RNG_DEVICE);
	if (rng_bdf == PCI_NO_FUNC)
		return;
	find_bars((unsigned)rng_bdf);
	msix_cap = pci_find_cap((unsigned)rng_bdf, PCI_CAP_MSIX);
	if (msix_cap) {
		uint32_t t = pci_cfg_read32((unsigned)rng_bdf, msix_cap + 4U);

		msix_page = (bars[t & 7U][0] + (t & ~7U)) & ~(PAGE - 1);
	}
}

bool adv_its_window(uint64_t a)
{
	if (a >= ITS_BASE && a < ITS_BASE + 2 * ITS_FRAME)
		return true;
	for (unsigned i = 0; i < 6; i++)
		if (bars[i][1] && a >= bars[i][0] && a < bars[i][0] + bars[i][1])
			return true;
	return false;
}

static void its_setup(void)
{
	(void)access_write(ITS_BASE + GITS_CTLR, 2, 0);
	(void)access_write(ITS_BASE + GITS_BASER(0), 3, VALID | (uintptr_t)devtab);
	(void)access_write(ITS_BASE + GITS_CBASER, 3, VALID | (uintptr_t)queue);
	(void)access_write(ITS_BASE + GITS_CWRITER, 3, 0);
	(void)access_write(ITS_BASE + GITS_CTLR, 2, 1);
	queue_wr = 0;
	dirty = false;
}

static uint32_t pick_devid(void)
{
	switch (rng_below(4)) {
	case 0:
	case 1: return (uint32_t)rng_bdf;
	case 2: return PCI_BDF(0U, 4U, 0U);  /* its edu: no msi-events */
	default: return (uint32_t)rng();
	}
}

static uint64_t small_or_any(uint64_t n)
{
	return rng_below(4) ? rng_below(n) : rng();
}

static void put_command(void)
{
	uint64_t *c = &queue[queue_wr * 4U];
	uint8_t op = rng_below(8) ? ops[rng_below(ARRAY_LEN(ops))] : (uint8_t)rng();
	uint64_t intid = rng_below(4) ? 8192U + rng_below(80) : rng();

	c[0] = op | (uint64_t)pick_devid() << 32;
	c[1] = (op == 0x08 ? small_or_any(8) : small_or_any(4)) | intid << 32;
	c[2] = (rng_below(2) ? VALID : 0) | small_or_any(4) << 16 | small_or_any(10);
	c[3] = small_or_any(4) << 16;
	if (!rng_below(16))
		c[rng_below(4)] = rng();
	queue_wr = (queue_wr + 1U) % QUEUE_CMDS;
}

static void op_commands(void)
{
	unsigned n = 1U + (unsigned)rng_below(MAX_BATCH);
	uint64_t rd = 0;

	if (dirty)
		its_setup();
	for (unsigned i = 0; i < n; i++)
		put_command();
	__asm__ volatile("dsb sy" : : : "memory");
	(void)access_write(ITS_BASE + GITS_CWRITER, 3, (uint64_t)queue_wr * 32U);
	if (access_read(ITS_BASE + GITS_CREADR, 3, &rd) || rd != (uint64_t)queue_wr * 32U)
		unrefused(ADV_ITS, ITS_BASE + GITS_CREADR, false); /* the queue did not advance */
}

static void op_register(void)
{
	unsigned sz = rng_size_log2();
	uint64_t off = rng_below(2) ? regs[rng_below(ARRAY_LEN(regs))] : rng_below(ITS_FRAME);
	uint64_t v;

	off &= ~(((uint64_t)1 << sz) - 1);
	if (rng_below(2)) {
		v = rng_value();
		/* a queue of up to 256 pages costs the vITS 32768 commands per lap: mostly
		 * keep CBASER's Size [7:0] small (so the soak's 10^6 operations take minutes) */
		if ((off & ~7ULL) == GITS_CBASER && !(off & 4) && rng_below(32))
			v &= ~0xfcULL;
		(void)access_write(ITS_BASE + off, sz, v);
		dirty = true;
	} else if (!access_read(ITS_BASE + off, sz, &v)) {
		leak_check(ADV_ITS, ITS_BASE + off, v, 1U << sz);
	}
}

static void op_translater(void)
{
	unsigned sz = rng_size_log2();
	uint64_t off = rng_below(2) ? GITS_TRANSLATER_OFF : rng_below(ITS_FRAME);
	uint64_t a = ITS_BASE + ITS_FRAME + (off & ~(((uint64_t)1 << sz) - 1)), v;

	if (rng_below(4)) {
		if (!access_write(a, sz, rng_value()))
			unrefused(ADV_ITS, a, true);
	} else if (!access_read(a, sz, &v)) {
		leak_check(ADV_ITS, a, v, 1U << sz);
	}
}

static void op_msix(void)
{
	unsigned sz = rng_size_log2();
	uint64_t off = (rng_below(2) ? rng_below(0x40) : rng_below(PAGE)) & ~(((uint64_t)1 << sz) - 1);
	uint64_t v;

	if (!rng_below(8)) { /* MSI-X control: Enable [15], Function Mask [14] */
		pci_cfg_write16((unsigned)rng_bdf, msix_cap + 2U, (uint16_t)(rng() & 0xc000U));
		return;
	}
	if (rng_below(2))
		(void)access_write(msix_page + off, sz, rng_value());
	else if (!access_read(msix_page + off, sz, &v))
		leak_check(ADV_ITS, msix_page + off, v, 1U << sz);
}

void op_its(void)
{
	if (rng_bdf == PCI_NO_FUNC)
		return;
	switch (rng_below(8)) {
	case 0:
	case 1:
	case 2: op_commands(); break;
	case 3:
	case 4: op_register(); break;
	case 5: op_translater(); break;
	default: if (msix_page) op_msix(); else op_commands(); break;
	}
}
