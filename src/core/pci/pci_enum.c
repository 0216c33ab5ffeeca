/*
 * Enumeration of the physical PCI bus at boot (pci.h): every function on every bus
 * below the host bridge, depth first, bridges numbered as they are found (primary,
 * secondary, subordinate: PCI-to-PCI Bridge Spec 1.2, 3.2.5.2-3) and their windows
 * set around what lies behind them. Every endpoint is left with decoding and bus
 * mastering off and INTx masked: a VM's driver turns on what its function needs,
 * through the vPCI filter (src/vdev/vpci_cfg.c); functions nobody owns stay off.
 */
#include <err.h>
#include <lib.h>
#include <pci.h>
#include <pci_bars.h>
#include <pci_caps.h>
#include <pci_cfg.h>
#include <printk.h>

#define HDR_MULTI BIT(7)
#define HDR_BRIDGE 1U

struct pci_func pci_funcs[PCI_MAX_FUNCS];
u32 pci_nr_funcs;
const struct pci_host *pci_host;

struct scan {
	struct pci_space sp;
	u32 next_bus;      /* the last bus number given out */
	bool full;         /* more functions than the table holds */
};

static void scan_bus(struct scan *s, u32 bus, int parent);

struct pci_func *pci_find(u32 bdf)
{
	for (u32 i = 0; i < pci_nr_funcs; i++)
		if (pci_funcs[i].bdf == bdf)
			return &pci_funcs[i];
	return NULL;
}

/* The host INTID of f's pin, swizzled through every bridge up to the root bus. */
static u32 func_intid(const struct pci_func *f)
{
	u32 pin = f->pin;

	if (pin < 1 || pin > 4)
		return 0;
	for (; f->parent >= 0; f = &pci_funcs[f->parent])
		pin = pci_swizzle(pin, PCI_BDF_DEV(f->bdf));
	return pci_host_intid(pci_host, PCI_BDF_DEV(f->bdf), pin);
}

static void endpoint_setup(struct scan *s, struct pci_func *f)
{
	pci_bars_assign(f, PCI_NR_BARS, &s->sp);
	f->pin = (u8)pci_cfg_read(f->bdf, PCI_INT_PIN, 1);
	f->intid = func_intid(f);
}

/* Number the bridge's buses, scan them inside its windows, and let traffic through. */
static void bridge_setup(struct scan *s, struct pci_func *br, int idx)
{
	struct pci_space start;

	pci_bars_assign(br, 2, &s->sp);
	if (s->next_bus >= pci_host->bus_end)
		return; /* no bus number left: what is behind it stays unknown */
	br->sec_bus = (u8)++s->next_bus;
	pci_cfg_write(br->bdf, PCI_BUS_NUMBERS, 4,
		      PCI_BDF_BUS(br->bdf) | (u32)br->sec_bus << 8 | 0xffU << 16);
	pci_bridge_open(&s->sp, &start);
	scan_bus(s, br->sec_bus, idx);
	br->sub_bus = (u8)s->next_bus;
	pci_cfg_write(br->bdf, PCI_BUS_NUMBERS + 2, 1, br->sub_bus);
	pci_bridge_close(br, &s->sp, &start);
	pci_cfg_write(br->bdf, PCI_COMMAND, 2, PCI_CMD_IO | PCI_CMD_MEM | PCI_CMD_MASTER);
}

/* One function: quiesced, a new entry, set up as endpoint or bridge. Does it exist? */
static bool probe_fn(struct scan *s, u32 bdf, int parent)
{
	u32 id = pci_cfg_read(bdf, PCI_VENDOR, 4);
	struct pci_func *f;

	if ((id & 0xffff) == 0xffff || (id & 0xffff) == 0)
		return false;
	pci_cfg_write(bdf, PCI_COMMAND, 2, PCI_CMD_INTX_OFF);
	if (pci_nr_funcs == PCI_MAX_FUNCS) {
		s->full = true;
		return true;
	}
	f = &pci_funcs[pci_nr_funcs++];
	*f = (struct pci_func){ .bdf = (u16)bdf, .vendor = (u16)id, .device = (u16)(id >> 16),
				.parent = parent, .owner = PCI_NO_OWNER };
	f->hdr_type = (u8)(pci_cfg_read(bdf, PCI_HEADER_TYPE, 1) & ~HDR_MULTI);
	pci_caps_scan(f);
	if (f->hdr_type == HDR_BRIDGE)
		bridge_setup(s, f, (int)(f - pci_funcs));
	else if (f->hdr_type == 0)
		endpoint_setup(s, f);
	return true;
}

static void scan_bus(struct scan *s, u32 bus, int parent)
{
	for (u32 dev = 0; dev < 32; dev++) {
		u32 bdf = PCI_BDF(bus, dev, 0);
		bool multi = (pci_cfg_read(bdf, PCI_HEADER_TYPE, 1) & HDR_MULTI) != 0;

		if (!probe_fn(s, bdf, parent) || !multi)
			continue;
		for (u32 fn = 1; fn < 8; fn++)
			(void)probe_fn(s, bdf + fn, parent); /* absent: nothing to do */
	}
}

static void space_init(struct pci_space *sp, const struct pci_host *h)
{
	/* I/O port 0 is left out: some drivers take a zero BAR for "unassigned". */
	u64 io_skip = h->io.pci == 0 && h->io.size > PCI_ALLOC_MIN ? PCI_ALLOC_MIN : 0;

	pci_alloc_init(&sp->io, h->io.pci + io_skip, h->io.size - io_skip);
	pci_alloc_init(&sp->mem, h->mem32.pci, h->mem32.size);
	pci_alloc_init(&sp->mem64, h->mem64.pci, h->mem64.size);
}

int pci_init(const struct pci_host *h, char *msg, size_t len)
{
	struct scan s = { .next_bus = h->bus_start };
	int r;

	if (!h->present)
		return 0;
	pci_host = h;
	r = pci_cfg_init(h);
	if (r) {
		snprintf(msg, len, "cannot map the ECAM at 0x%lx (%s)", h->ecam_base, err_name(r));
		return r;
	}
	space_init(&s.sp, h);
	scan_bus(&s, h->bus_start, -1);
	if (s.full)
		printk("rtvisor: pci: more than %u functions: the rest are ignored (and off)\n",
		       (u32)PCI_MAX_FUNCS);
	printk("rtvisor: pci: %u functions on buses %u-%u, ECAM 0x%lx\n", pci_nr_funcs,
	       h->bus_start, s.next_bus, h->ecam_base);
	return 0;
}
