/*
 * The filtered configuration space of one function (vpci_cfg.h). What a VM sees
 * (Type 0 header: PCI Local Bus Spec 3.0, 6.1-6.2):
 *  - IDs, class, subsystem, header type and interrupt pin: the hardware's;
 *  - Command (6.2.2): I/O space, memory space, INTx disable and, if the scenario
 *    marks the function `dma`, bus master are honoured (written through); other
 *    bits read as zero. Status: only "capabilities list" and "interrupt status";
 *  - BARs: shadowed. A write never reaches the hardware; the shadow keeps the bits a
 *    BAR of that size decodes, so the all-ones probe (6.2.5.1) reads the real size;
 *  - expansion ROM, CardBus CIS, BIST, cache line and latency: zero;
 *  - capabilities: only power management, PCI Express, MSI and MSI-X, re-linked;
 *    read-only, with the MSI and MSI-X enable (and MSI-X mask) bits reading zero
 *    (MSIs come with the virtual ITS); everything else in 0x40-0xff reads zero;
 *  - extended configuration space (0x100-0xfff): zero.
 */
#include <pci_cfg.h>
#include <vpci_cfg.h>

#define CMD_GUEST (PCI_CMD_IO | PCI_CMD_MEM | PCI_CMD_INTX_OFF)
#define BAR_IO 1U
#define BAR_MEM64 4U
#define BAR_PREFETCH 8U
#define MSI_ENABLE (BIT(0) | (7U << 4))   /* message control: enable, multiple msg enable */
#define MSIX_ENABLE (BIT(15) | BIT(14))    /* message control: enable, function mask */
#define CAP_AREA 0x40U
#define EXT_AREA 0x100U

/* ---- BARs ---- */

static u32 bar_flags(const struct pci_bar *b)
{
	if (b->kind == PCI_BAR_IO)
		return BAR_IO;
	return (b->kind == PCI_BAR_MEM64 ? BAR_MEM64 : 0) | (b->prefetch ? BAR_PREFETCH : 0);
}

/* What BAR i holds once val is written to it: the bits its size decodes, its flags. */
static u32 bar_value(const struct pci_func *f, u32 i, u32 val)
{
	const struct pci_bar *b = &f->bar[i];

	switch (b->kind) {
	case PCI_BAR_IO: return (val & ~(u32)(b->size - 1) & ~3U) | BAR_IO;
	case PCI_BAR_MEM32:
	case PCI_BAR_MEM64: return (val & ~(u32)(b->size - 1) & ~0xfU) | bar_flags(b);
	case PCI_BAR_MEM64_HI: return val & (u32)(~(f->bar[i - 1].size - 1) >> 32);
	default: return 0;
	}
}

void vpci_fn_reset(struct vpci_fn *v, const struct pci_func *f, bool dma)
{
	v->f = f;
	v->dma = dma;
	v->cmd = 0;
	v->line = 0;
	for (u32 i = 0; i < PCI_NR_BARS; i++) {
		const struct pci_bar *b = &f->bar[i];
		u64 addr = b->kind == PCI_BAR_MEM64_HI ? f->bar[i - 1].addr >> 32 : b->addr;

		v->bar[i] = bar_value(f, i, (u32)addr);
	}
}

/* ---- capabilities ---- */

/* The shown capability whose structure holds dword reg, or -1. */
static int cap_index(const struct pci_func *f, u32 reg)
{
	for (u32 i = 0; i < f->nr_caps; i++)
		if (reg >= f->caps[i].off && reg < (u32)f->caps[i].off + f->caps[i].len)
			return (int)i;
	return -1;
}

static u32 cap_read(const struct vpci_fn *v, u32 reg)
{
	const struct pci_func *f = v->f;
	int i = cap_index(f, reg);
	u32 val;

	if (i < 0)
		return 0;
	val = pci_cfg_read(f->bdf, reg, 4);
	if (reg != f->caps[i].off)
		return val;
	val &= 0xffff00ffU; /* re-link: the next capability shown */
	if ((u32)i + 1 < f->nr_caps)
		val |= (u32)f->caps[i + 1].off << 8;
	if (f->caps[i].id == PCI_CAP_MSI)
		val &= ~(u32)(MSI_ENABLE << 16);
	if (f->caps[i].id == PCI_CAP_MSIX)
		val &= ~(u32)(MSIX_ENABLE << 16);
	return val;
}

/* ---- the header ---- */

static u32 status_shown(const struct vpci_fn *v)
{
	u32 st = pci_cfg_read(v->f->bdf, PCI_STATUS, 2) & PCI_STATUS_INTX;

	return st | (v->f->nr_caps ? PCI_STATUS_CAPS : 0);
}

static u32 header_read(const struct vpci_fn *v, u32 reg)
{
	const struct pci_func *f = v->f;

	if (reg >= PCI_BAR0 && reg < PCI_BAR0 + 4 * PCI_NR_BARS)
		return v->bar[(reg - PCI_BAR0) / 4];
	switch (reg) {
	case PCI_VENDOR:
	case PCI_CLASS_REV:
	case PCI_SUBSYSTEM: return pci_cfg_read(f->bdf, reg, 4);
	case PCI_COMMAND: return v->cmd | status_shown(v) << 16;
	case PCI_HEADER_TYPE & ~3U: return pci_cfg_read(f->bdf, reg, 4) & 0x00ff0000U;
	case PCI_CAP_PTR: return f->nr_caps ? f->caps[0].off : 0;
	case PCI_INT_LINE: return v->line | (u32)f->pin << 8;
	default: return 0;
	}
}

static u32 read32(const struct vpci_fn *v, u32 reg)
{
	if (reg < CAP_AREA)
		return header_read(v, reg);
	return reg < EXT_AREA ? cap_read(v, reg) : 0;
}

u32 vpci_cfg_read(const struct vpci_fn *v, u32 reg, u32 size)
{
	u32 val = read32(v, reg & ~3U) >> ((reg & 3U) * 8);

	return size == 4 ? val : val & ((1U << (size * 8)) - 1);
}

/* ---- writes ---- */

static void command_write(struct vpci_fn *v, u32 val)
{
	u32 allowed = CMD_GUEST | (v->dma ? PCI_CMD_MASTER : 0);

	v->cmd = (u16)(val & allowed);
	pci_cfg_write(v->f->bdf, PCI_COMMAND, 2, v->cmd);
}

/* val: the whole dword after the write; mask: the bytes the guest wrote. */
static void write32(struct vpci_fn *v, u32 reg, u32 val, u32 mask)
{
	if (reg >= PCI_BAR0 && reg < PCI_BAR0 + 4 * PCI_NR_BARS)
		v->bar[(reg - PCI_BAR0) / 4] = bar_value(v->f, (reg - PCI_BAR0) / 4, val);
	else if (reg == PCI_COMMAND && (mask & 0xffffU))
		command_write(v, val & 0xffffU);
	else if (reg == PCI_INT_LINE && (mask & 0xffU))
		v->line = (u8)val;
	/* everything else is read-only for a VM */
}

void vpci_cfg_write(struct vpci_fn *v, u32 reg, u32 size, u32 val)
{
	u32 shift = (reg & 3U) * 8;
	u32 mask = (size == 4 ? 0xffffffffU : (1U << (size * 8)) - 1) << shift;
	u32 old = read32(v, reg & ~3U);

	write32(v, reg & ~3U, (old & ~mask) | ((val << shift) & mask), mask);
}
