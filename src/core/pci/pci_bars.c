/*
 * BAR sizing and assignment (PCI Local Bus Spec 3.0, 6.2.5.1 "Address Maps": with
 * decoding off, write all ones, read the mask back; bit 0 set means I/O; memory type
 * 0b10 in bits 2:1 is a 64-bit BAR whose upper half is the next register; bit 3
 * prefetchable). Bridge windows: PCI-to-PCI Bridge Architecture Spec 1.2, 3.2.5.
 * 64-bit BARs go to the host's 64-bit window, except a non-prefetchable one behind a
 * bridge, whose non-prefetchable window has only 32 bits.
 */
#include <lib.h>
#include <pci.h>
#include <pci_bars.h>
#include <pci_cfg.h>
#include <printk.h>

#define BAR_IO BIT(0)
#define BAR_MEM_TYPE64 (2U << 1)
#define BAR_PREFETCH BIT(3)
#define MEM_GRANULE 0x100000ULL /* bridge memory windows: 1 MiB */
#define IO_GRANULE 0x1000ULL    /* bridge I/O windows: 4 KiB */

static u32 bar_reg(u32 i)
{
	return PCI_BAR0 + 4 * i;
}

/* Write all ones to BAR i, read the mask back, restore. */
static u32 bar_probe(u32 bdf, u32 i)
{
	u32 old = pci_cfg_read(bdf, bar_reg(i), 4), mask;

	pci_cfg_write(bdf, bar_reg(i), 4, 0xffffffffU);
	mask = pci_cfg_read(bdf, bar_reg(i), 4);
	pci_cfg_write(bdf, bar_reg(i), 4, old);
	return mask;
}

/* Size BAR i (and i + 1 for a 64-bit one); returns how many registers it used. */
static u32 bar_size(struct pci_func *f, u32 i, u32 n)
{
	u32 lo = bar_probe(f->bdf, i);
	struct pci_bar *b = &f->bar[i];
	u64 mask;

	if (lo & BAR_IO) { /* a 16-bit I/O decoder reads 0 in the upper half */
		u32 m = (lo & ~3U) | ((lo & 0xffff0000U) ? 0 : 0xffff0000U);

		*b = (struct pci_bar){ .kind = (lo & ~3U) ? PCI_BAR_IO : PCI_BAR_NONE,
				       .size = ~m + 1U };
		return 1;
	}
	b->prefetch = (lo & BAR_PREFETCH) != 0;
	mask = lo & ~0xfU;
	if ((lo & 6U) == BAR_MEM_TYPE64 && i + 1 < n) {
		mask |= (u64)bar_probe(f->bdf, i + 1) << 32;
		f->bar[i + 1] = (struct pci_bar){ .kind = PCI_BAR_MEM64_HI };
		b->kind = PCI_BAR_MEM64;
		b->size = ~mask + 1;
	} else {
		b->kind = PCI_BAR_MEM32;
		b->size = (u32)(~(u32)mask + 1U);
	}
	if (!(lo & ~0xfU))
		b->kind = PCI_BAR_NONE;
	return b->kind == PCI_BAR_MEM64 ? 2 : 1;
}

static struct pci_alloc *bar_window(const struct pci_func *f, const struct pci_bar *b,
				    struct pci_space *sp)
{
	if (b->kind == PCI_BAR_IO)
		return &sp->io;
	if (b->kind == PCI_BAR_MEM64 && (f->parent < 0 || b->prefetch) && sp->mem64.end)
		return &sp->mem64;
	return &sp->mem;
}

void pci_bars_assign(struct pci_func *f, u32 n, struct pci_space *sp)
{
	for (u32 i = 0; i < n; i += bar_size(f, i, n))
		;
	for (u32 i = 0; i < n; i++) {
		struct pci_bar *b = &f->bar[i];

		if (b->kind == PCI_BAR_NONE || b->kind == PCI_BAR_MEM64_HI)
			continue;
		if (pci_alloc_take(bar_window(f, b, sp), b->size, &b->addr))
			printk("rtvisor: pci: %02x:%02x.%x BAR%u (0x%lx bytes): no room in its "
			       "window; the function cannot be assigned\n", PCI_BDF_BUS(f->bdf),
			       PCI_BDF_DEV(f->bdf), PCI_BDF_FN(f->bdf), i, b->size);
	}
	pci_bars_write(f);
}

bool pci_bars_ok(const struct pci_func *f)
{
	for (u32 i = 0; i < PCI_NR_BARS; i++)
		if (f->bar[i].kind != PCI_BAR_NONE && f->bar[i].kind != PCI_BAR_MEM64_HI &&
		    !f->bar[i].addr)
			return false;
	return true;
}

void pci_bars_write(const struct pci_func *f)
{
	for (u32 i = 0; i < PCI_NR_BARS; i++) {
		const struct pci_bar *b = &f->bar[i];

		if (b->kind == PCI_BAR_NONE || b->kind == PCI_BAR_MEM64_HI)
			continue;
		pci_cfg_write(f->bdf, bar_reg(i), 4, (u32)b->addr);
		if (b->kind == PCI_BAR_MEM64)
			pci_cfg_write(f->bdf, bar_reg(i + 1), 4, (u32)(b->addr >> 32));
	}
}

/* ---- bridge windows ---- */

void pci_bridge_open(struct pci_space *sp, struct pci_space *start)
{
	/* A full window simply stays empty: the BARs behind it then find no room. */
	(void)pci_alloc_align(&sp->io, IO_GRANULE);
	(void)pci_alloc_align(&sp->mem, MEM_GRANULE);
	(void)pci_alloc_align(&sp->mem64, MEM_GRANULE);
	*start = *sp;
}

/* [base, end) into a base/limit register pair of granule g (empty: base above limit). */
static u32 window_regs(u64 base, u64 end, u32 shift)
{
	if (end <= base)
		return 0x0000fff0U;
	return (u32)((base >> shift) & 0xfff0U) | ((u32)(((end - 1) >> shift) & 0xfff0U) << 16);
}

void pci_bridge_close(const struct pci_func *br, struct pci_space *sp,
		      const struct pci_space *start)
{
	u32 io;

	(void)pci_alloc_align(&sp->io, IO_GRANULE);
	(void)pci_alloc_align(&sp->mem, MEM_GRANULE);
	(void)pci_alloc_align(&sp->mem64, MEM_GRANULE);
	io = window_regs(start->io.next, sp->io.next, 8);
	/* I/O base and limit are bytes at 0x1c/0x1d; 0x1e (secondary status) is RW1C: skip */
	pci_cfg_write(br->bdf, PCI_IO_BASE, 1, io & 0xff);
	pci_cfg_write(br->bdf, PCI_IO_BASE + 1, 1, (io >> 16) & 0xff);
	pci_cfg_write(br->bdf, PCI_MEM_BASE, 4, window_regs(start->mem.next, sp->mem.next, 16));
	pci_cfg_write(br->bdf, PCI_PREF_BASE, 4,
		      window_regs(start->mem64.next, sp->mem64.next, 16));
	if (sp->mem64.next <= start->mem64.next)
		return; /* empty: the upper halves stay 0, the lower pair says base > limit */
	pci_cfg_write(br->bdf, PCI_PREF_BASE_HI, 4, (u32)(start->mem64.next >> 32));
	pci_cfg_write(br->bdf, PCI_PREF_LIMIT_HI, 4, (u32)((sp->mem64.next - 1) >> 32));
}
