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
 *  - capabilities: only power management, PCI Express, MSI, MSI-X and vendor-specific
 *    ones (virtio 1.x's register map), re-linked; read-only but for MSI and MSI-X
 *    (below); everything else in 0x40-0xff reads zero;
 *  - MSI (PCI Local Bus Spec 3.0, 6.8.1): message address, data and control are
 *    shadowed. The device gets them, and its enable, only while the address is the
 *    ITS doorbell and the data an event reserved for it (vpci_msi_ok); otherwise it
 *    stays disabled and the write returns ERR_PERM for the caller to report. One
 *    message only (Multiple Message Enable stays 0). A function without reserved
 *    events (doorbell 0) keeps the enables reading zero, as before. Mask bits (if
 *    per-vector masking) are written through: masking only ever stops messages;
 *  - MSI-X (6.8.2): Enable and Function Mask are written through (the table entries
 *    are the vPCI unit's, trapped: an entry the device holds is either the guest's
 *    checked message or masked); Table Size shows at most the reserved events;
 *  - extended configuration space (0x100-0xfff): zero.
 */
#include <err.h>
#include <pci_cfg.h>
#include <vpci_cfg.h>

#define CMD_GUEST (PCI_CMD_IO | PCI_CMD_MEM | PCI_CMD_INTX_OFF)
#define BAR_IO 1U
#define BAR_MEM64 4U
#define BAR_PREFETCH 8U
#define MSI_ENABLE (BIT(0) | (7U << 4))   /* message control: enable, multiple msg enable */
#define MSIX_ENABLE (BIT(15) | BIT(14))    /* message control: enable, function mask */
#define MSI_64BIT BIT(7)
#define MSI_PVM BIT(8)
#define MSIX_SIZE_MASK 0x7ffU
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

static void msi_hw_off(const struct vpci_fn *v);

void vpci_fn_reset(struct vpci_fn *v, const struct pci_func *f, bool dma)
{
	v->f = f;
	v->dma = dma;
	v->cmd = 0;
	v->line = 0;
	v->msi_ctrl = v->msix_ctrl = v->msi_data = 0;
	v->msi_addr_lo = v->msi_addr_hi = 0;
	v->msi_live = false;
	v->refused = 0;
	for (u32 i = 0; i < LIM_MSI_EVENTS_PER_FN; i++)
		v->msix[i] = (struct vpci_msix_entry){ .ctrl = 1 }; /* masked (6.8.2.9) */
	if (v->doorbell)
		msi_hw_off(v);
	for (u32 i = 0; i < PCI_NR_BARS; i++) {
		const struct pci_bar *b = &f->bar[i];
		u64 addr = b->kind == PCI_BAR_MEM64_HI ? f->bar[i - 1].addr >> 32 : b->addr;

		v->bar[i] = bar_value(f, i, (u32)addr);
	}
}

/* ---- MSI ---- */

/* The device's MSI and MSI-X enables off (a reset without FLR leaves them as they were). */
static void msi_hw_off(const struct vpci_fn *v)
{
	for (u32 i = 0; i < v->f->nr_caps; i++) {
		const struct pci_cap *c = &v->f->caps[i];
		u32 ctrl = pci_cfg_read(v->f->bdf, c->off + 2U, 2);

		if (c->id == PCI_CAP_MSI)
			pci_cfg_write(v->f->bdf, c->off + 2U, 2, ctrl & ~(u32)MSI_ENABLE);
		else if (c->id == PCI_CAP_MSIX) /* disabled and the function masked */
			pci_cfg_write(v->f->bdf, c->off + 2U, 2, (ctrl & ~(u32)BIT(15)) | BIT(14));
	}
}

void vpci_fn_msi(struct vpci_fn *v, u64 doorbell, u32 events)
{
	v->doorbell = doorbell;
	v->msi_events = events;
	if (doorbell)
		msi_hw_off(v);
}

bool vpci_msi_ok(const struct vpci_fn *v, u64 addr, u32 data)
{
	return v->doorbell && addr == v->doorbell && data < v->msi_events;
}

/* Offset of the MSI data register from the capability (64-bit address or not). */
static u32 msi_data_off(u32 hw_ctrl)
{
	return hw_ctrl & MSI_64BIT ? 0xcU : 0x8U;
}

/* The guest's view of an MSI capability dword at off from its start (cap at base). */
static u32 msi_read(const struct vpci_fn *v, u32 base, u32 off, u32 hw)
{
	u32 ctrl = pci_cfg_read(v->f->bdf, base + 2, 2);
	u32 doff = msi_data_off(ctrl);

	if (off == 0)
		return (hw & ~(u32)(MSI_ENABLE << 16)) | (u32)(v->msi_ctrl & MSI_ENABLE) << 16;
	if (off == 4)
		return v->msi_addr_lo;
	if (off == 8 && (ctrl & MSI_64BIT))
		return v->msi_addr_hi;
	if (off == doff)
		return v->msi_data;
	return hw; /* mask and pending bits */
}

/* Give the device the guest's message and enable, or keep it off. 0 or ERR_PERM. */
static int msi_program(struct vpci_fn *v, u32 base)
{
	u32 ctrl = pci_cfg_read(v->f->bdf, base + 2, 2);
	u64 addr = (u64)((ctrl & MSI_64BIT) ? v->msi_addr_hi : 0) << 32 | v->msi_addr_lo;
	bool want = v->msi_ctrl & 1, ok = vpci_msi_ok(v, addr, v->msi_data);

	ctrl &= ~(u32)MSI_ENABLE;
	if (v->msi_live || !want || !ok) { /* off first: never a half-written message */
		pci_cfg_write(v->f->bdf, base + 2, 2, ctrl);
		v->msi_live = false;
	}
	if (!want)
		return 0;
	if (!ok) {
		v->refused++;
		return ERR_PERM;
	}
	pci_cfg_write(v->f->bdf, base + 4, 4, (u32)addr);
	if (ctrl & MSI_64BIT)
		pci_cfg_write(v->f->bdf, base + 8, 4, (u32)(addr >> 32));
	pci_cfg_write(v->f->bdf, base + msi_data_off(ctrl), 2, v->msi_data);
	pci_cfg_write(v->f->bdf, base + 2, 2, ctrl | 1);
	v->msi_live = true;
	return 0;
}

/* A write to the MSI capability dword at off (val: whole dword, mask: bytes written). */
static int msi_write(struct vpci_fn *v, u32 base, u32 off, u32 val, u32 mask)
{
	u32 ctrl = pci_cfg_read(v->f->bdf, base + 2, 2);
	u32 doff = msi_data_off(ctrl);

	if (off == 0 && (mask & 0xffff0000U))
		v->msi_ctrl = (u16)((val >> 16) & 1); /* Enable; MME stays 0: one message */
	else if (off == 4)
		v->msi_addr_lo = val & ~3U;
	else if (off == 8 && (ctrl & MSI_64BIT))
		v->msi_addr_hi = val;
	else if (off == doff && (mask & 0xffffU))
		v->msi_data = (u16)val;
	else if ((ctrl & MSI_PVM) && off == doff + 4) {
		pci_cfg_write(v->f->bdf, base + off, 4, val); /* mask bits: only stop messages */
		return 0;
	} else {
		return 0;
	}
	return msi_program(v, base);
}

/* MSI-X message control: Enable and Function Mask through, the rest read-only. */
static int msix_write(struct vpci_fn *v, u32 base, u32 val, u32 mask)
{
	if (!(mask & 0xffff0000U))
		return 0;
	u32 hw = pci_cfg_read(v->f->bdf, base + 2, 2);

	v->msix_ctrl = (u16)((val >> 16) & MSIX_ENABLE);
	pci_cfg_write(v->f->bdf, base + 2, 2, (hw & ~(u32)MSIX_ENABLE) | v->msix_ctrl);
	return 0;
}

static u32 msix_read(const struct vpci_fn *v, u32 hw)
{
	u32 size = (hw >> 16) & MSIX_SIZE_MASK;

	if (v->msi_events && size + 1 > v->msi_events)
		size = v->msi_events - 1;
	return (hw & 0xffffU) | (u32)v->msix_ctrl << 16 | size << 16;
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
	if (f->caps[i].id == PCI_CAP_MSI && v->doorbell)
		val = msi_read(v, f->caps[i].off, reg - f->caps[i].off, val);
	if (reg != f->caps[i].off)
		return val;
	val &= 0xffff00ffU; /* re-link: the next capability shown */
	if ((u32)i + 1 < f->nr_caps)
		val |= (u32)f->caps[i + 1].off << 8;
	if (f->caps[i].id == PCI_CAP_MSI && !v->doorbell)
		val &= ~(u32)(MSI_ENABLE << 16);
	if (f->caps[i].id == PCI_CAP_MSIX)
		val = v->doorbell ? msix_read(v, val) : val & ~(u32)(MSIX_ENABLE << 16);
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

/* A write into the capability area: MSI and MSI-X of a function with events only. */
static int cap_write(struct vpci_fn *v, u32 reg, u32 val, u32 mask)
{
	int i = cap_index(v->f, reg);
	const struct pci_cap *c = i < 0 ? NULL : &v->f->caps[i];

	if (!c || !v->doorbell)
		return 0;
	if (c->id == PCI_CAP_MSI)
		return msi_write(v, c->off, reg - c->off, val, mask);
	if (c->id == PCI_CAP_MSIX && reg == c->off)
		return msix_write(v, c->off, val, mask);
	return 0;
}

/* val: the whole dword after the write; mask: the bytes the guest wrote. */
static int write32(struct vpci_fn *v, u32 reg, u32 val, u32 mask)
{
	if (reg >= CAP_AREA && reg < EXT_AREA)
		return cap_write(v, reg, val, mask);
	if (reg >= PCI_BAR0 && reg < PCI_BAR0 + 4 * PCI_NR_BARS)
		v->bar[(reg - PCI_BAR0) / 4] = bar_value(v->f, (reg - PCI_BAR0) / 4, val);
	else if (reg == PCI_COMMAND && (mask & 0xffffU))
		command_write(v, val & 0xffffU);
	else if (reg == PCI_INT_LINE && (mask & 0xffU))
		v->line = (u8)val;
	/* everything else is read-only for a VM */
	return 0;
}

int vpci_cfg_write(struct vpci_fn *v, u32 reg, u32 size, u32 val)
{
	u32 shift = (reg & 3U) * 8;
	u32 mask = (size == 4 ? 0xffffffffU : (1U << (size * 8)) - 1) << shift;
	u32 old = read32(v, reg & ~3U);

	return write32(v, reg & ~3U, (old & ~mask) | ((val << shift) & mask), mask);
}
