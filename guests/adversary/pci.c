/*
 * The pci class: what a VM can reach of a PCI function it owns (configs/adversary.dts:
 * QEMU's edu at 00:04.0, without `dma`) and of the bus around it.
 *  - configuration space through the VM's ECAM window (bus 0, 1 MiB): its own
 *    function (half of them: known registers - IDs, command and status, BARs and their
 *    all-ones probe, ROM, capability pointer, interrupt line - the capability area and
 *    extended space), any other function of the bus (absent: all ones), and offsets
 *    past the window (up to 256 buses: refused). 1, 2, 4 and 8 bytes, mostly
 *    naturally aligned; unaligned ones (the MMU is off: an alignment fault at EL1) and
 *    8-byte pairs (no syndrome: refused) too. Random values, so random command bits;
 *  - a capability walk: the list from the pointer at 0x34, every header read, a random
 *    byte written into one;
 *  - its BAR: loads and stores over the edu's 1 MiB and one page past it (refused),
 *    never the DMA registers: QEMU's edu stops the whole machine on a transfer outside
 *    its buffer (hw_error), a model's bug, not a path into the hypervisor.
 * Every value read of 4 or 8 bytes is leak-checked; what lies outside the window and
 * the BAR must be refused.
 */
#include "guest/edu.h"
#include "guest/pci.h"
#include "adversary.h"

#define ECAM_WINDOW 0x100000UL         /* the VM's buses: bus 0 only */
#define ECAM_SPAN 0x10000000UL         /* 256 buses: the host's whole ECAM */
#define CFG_PAGE 0x1000U
#define EDU_BAR_SIZE 0x100000UL
#define PAGE 0x1000UL
#define CAP_WALK_MAX 48U

static const uint16_t cfg_regs[] = {
	0x00, 0x02, 0x04, 0x06, 0x08, 0x0c, 0x0e, 0x10, 0x14, 0x18, 0x1c, 0x20, 0x24,
	0x28, 0x2c, 0x30, 0x34, 0x3c, 0x3d, 0x40, 0x44, 0x48, 0x50, 0x60, 0x80, 0xfc,
	0x100, 0x104, 0xffc,
};

static unsigned own_bdf;
static uintptr_t own_bar;           /* 0: no function of its own */

void adv_pci_init(void)
{
	int bdf = pci_find(EDU_VENDOR, EDU_DEVICE);

	if (bdf == PCI_NO_FUNC)
		return;
	own_bdf = (unsigned)bdf;
	own_bar = pci_cfg_read32(own_bdf, PCI_BAR0) & ~0xfU;
	pci_cfg_write16(own_bdf, PCI_COMMAND, PCI_CMD_MEM); /* random writes change it later */
}

bool adv_pci_window(uint64_t a)
{
	return (a >= PCI_ECAM_BASE && a < PCI_ECAM_BASE + ECAM_WINDOW) ||
	       (own_bar && a >= own_bar && a < own_bar + EDU_BAR_SIZE);
}

/* A random value whose bitwise inverse is no leak either (the edu's liveness register
 * reads back the inverse of what was written). */
static uint64_t pci_value(void)
{
	uint64_t v;

	do
		v = rng_value();
	while (leak_looks(~v, 8));
	return v;
}

static void pci_access(uint64_t a, unsigned sz, bool write, bool inside)
{
	uint64_t v;
	unsigned faults;

	if (write)
		faults = access_write(a, sz, pci_value());
	else if (!(faults = access_read(a, sz, &v)))
		leak_check(ADV_PCI, a, v, 1U << sz);
	if (!faults && !inside)
		unrefused(ADV_PCI, a, write);
}

static uint64_t cfg_offset(void)
{
	switch (rng_below(4)) {
	case 0: return (uint64_t)own_bdf << 12 | cfg_regs[rng_below(ARRAY_LEN(cfg_regs))];
	case 1: return (uint64_t)own_bdf << 12 | rng_below(CFG_PAGE);
	case 2: return rng_below(ECAM_WINDOW);    /* any function of bus 0 */
	default: return rng_below(ECAM_SPAN);     /* mostly past the window */
	}
}

static void op_cfg(void)
{
	unsigned sz = rng_size_log2();
	uint64_t off = cfg_offset();

	if (rng_below(8))
		off &= ~(((uint64_t)1 << sz) - 1);       /* naturally aligned, mostly */
	if (!rng_below(16)) {
		uint64_t v[2], a = PCI_ECAM_BASE + (off & ~3ULL);

		if (!access_pair(a, rng_below(2), v)) {
			leak_check(ADV_PCI, a, v[0], 4);
			leak_check(ADV_PCI, a + 4, v[1], 4);
		}
		return;
	}
	pci_access(PCI_ECAM_BASE + off, sz, rng_below(2), off < ECAM_WINDOW);
}

/* The all-ones probe of a random BAR (PCI Local Bus Spec 3.0, 6.2.5.1), then a read. */
static void op_bar_probe(void)
{
	uintptr_t a = pci_cfg_addr(own_bdf, PCI_BAR0 + 4U * (unsigned)rng_below(6));
	uint64_t v;

	(void)access_write(a, 2, 0xffffffffU);
	if (!access_read(a, 2, &v))
		leak_check(ADV_PCI, a, v, 4);
}

static void op_cap_walk(void)
{
	uint64_t v;
	unsigned off, n = 0;

	if (access_read(pci_cfg_addr(own_bdf, PCI_CAP_PTR), 0, &v))
		return;
	for (off = (unsigned)v & 0xfcU; off && n < CAP_WALK_MAX; n++) {
		uintptr_t a = pci_cfg_addr(own_bdf, off);

		if (access_read(a, 2, &v))
			return;
		leak_check(ADV_PCI, a, v, 4);
		if (!rng_below(8))
			(void)access_write(a + rng_below(4), 0, pci_value());
		off = (unsigned)(v >> 8) & 0xfcU;
	}
}

/* Its BAR and the page past it; the DMA registers are never written (see above). */
static void op_bar(void)
{
	unsigned sz = rng_size_log2();
	uint64_t off = rng_below(EDU_BAR_SIZE + PAGE) & ~(((uint64_t)1 << sz) - 1);
	bool write = rng_below(2);

	if (write && off + (1U << sz) > EDU_DMA_SRC && off < EDU_DMA_CMD + 8U)
		write = false;
	/* the page past the BAR may be another function's of its own (the its class's rng) */
	pci_access(own_bar + off, sz, write, off < EDU_BAR_SIZE || adv_its_window(own_bar + off));
}

void op_pci(void)
{
	switch (rng_below(8)) {
	case 0: if (own_bar) { op_bar_probe(); return; } break;
	case 1: if (own_bar) { op_cap_walk(); return; } break;
	case 2:
	case 3: if (own_bar) { op_bar(); return; } break;
	default: break;
	}
	op_cfg();
}
