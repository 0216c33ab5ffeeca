/*
 * Platform discovery from the firmware devicetree (QEMU virt and alike):
 * RAM, CPUs, GICv3, PL011 console, PSCI conduit, timer interrupts and the
 * PCIe host bridge. Interrupt specifiers are the GIC's 3-cell <type number flags>.
 */
#include <fdt.h>
#include <lib.h>
#include <platform_info.h>

#define GIC_SPI 0U
#define GIC_PPI 1U
#define GIC_MAX_SPI 987U /* INTID 1019 */
#define GIC_MAX_PPI 15U
#define TIMER_PPI_HYP 10U /* architected defaults (SBSA), used without a timer node */
#define TIMER_PPI_VIRT 11U
#define TIMER_PPI_PHYS 14U
#define PATH_MAX_LEN 128U

struct plat_ctx {
	struct fdt f;
	struct platform_info *pi;
	char *err;
	size_t errlen;
};

/* The firmware DTB does not describe a machine rtvisor can run on: say why. */
static int plat_fail(struct plat_ctx *c, const char *what)
{
	if (c->err && c->errlen > 0)
		snprintf(c->err, c->errlen, "platform: %s", what);
	return ERR_INVAL;
}

/* 3-cell GIC interrupt specifier -> INTID. */
static int plat_intid(const u8 *spec, u32 *intid)
{
	u32 type = fdt_be32(spec), num = fdt_be32(spec + 4);

	if (type == GIC_SPI && num <= GIC_MAX_SPI)
		*intid = 32U + num;
	else if (type == GIC_PPI && num <= GIC_MAX_PPI)
		*intid = 16U + num;
	else
		return ERR_RANGE;
	return 0;
}

/* idx'th entry of a node's "interrupts" as INTID. */
static int plat_irq(const struct fdt *f, int node, int idx, u32 *intid)
{
	const u8 *spec = fdt_prop_entry(f, node, "interrupts", idx, 3);

	return spec ? plat_intid(spec, intid) : ERR_NOENT;
}

static int plat_reg(const struct fdt *f, int node, int idx, u64 *base, u64 *size)
{
	int parent = fdt_parent(f, node);
	int err = parent < 0 ? parent : fdt_reg(f, parent, node, idx, base, size);

	if (err)
		return err;
	return *size != 0 ? 0 : ERR_RANGE;
}

static int plat_memory(struct plat_ctx *c)
{
	int root = fdt_root(&c->f), n;

	for (n = fdt_first_child(&c->f, root); n >= 0; n = fdt_next_sibling(&c->f, n)) {
		const char *dt = fdt_prop_string(&c->f, n, "device_type");

		if (!fdt_node_name_is(fdt_name(&c->f, n), "memory") &&
		    !(dt && strcmp(dt, "memory") == 0))
			continue;
		if (fdt_reg(&c->f, root, n, 0, &c->pi->ram_base, &c->pi->ram_size) < 0 ||
		    c->pi->ram_size == 0)
			return plat_fail(c, "memory node has no usable reg");
		return 0;
	}
	return plat_fail(c, "no memory node");
}

static int plat_cpus(struct plat_ctx *c)
{
	int cpus = fdt_path(&c->f, "/cpus");
	int ac = fdt_address_cells(&c->f, cpus);
	int n;

	if (cpus < 0)
		return plat_fail(c, "no /cpus node");
	if (ac < 1 || ac > 2)
		return plat_fail(c, "/cpus: unsupported #address-cells");
	for (n = fdt_first_child(&c->f, cpus); n >= 0; n = fdt_next_sibling(&c->f, n)) {
		u64 mpidr;

		if (!fdt_node_name_is(fdt_name(&c->f, n), "cpu"))
			continue;
		if (fdt_reg(&c->f, cpus, n, 0, &mpidr, NULL) < 0)
			return plat_fail(c, "cpu node without a valid reg");
		if (c->pi->nr_cpus < PLAT_MAX_CPUS)
			c->pi->cpu_mpidr[c->pi->nr_cpus++] = mpidr;
	}
	return c->pi->nr_cpus > 0 ? 0 : plat_fail(c, "no cpu@N nodes under /cpus");
}

/* The GIC's ITS, if there is one (MSIs; gic/its.c): optional. */
static int plat_its(struct plat_ctx *c)
{
	int its = fdt_find_compatible(&c->f, -1, "arm,gic-v3-its");

	c->pi->its_base = c->pi->its_size = 0;
	if (its >= 0 && plat_reg(&c->f, its, 0, &c->pi->its_base, &c->pi->its_size) < 0)
		return plat_fail(c, "GICv3 ITS: bad reg");
	return 0;
}

static int plat_gic(struct plat_ctx *c)
{
	struct platform_info *pi = c->pi;
	int gic = fdt_find_compatible(&c->f, -1, "arm,gic-v3");
	int len;
	const void *ic;

	if (gic < 0)
		return plat_fail(c, "no GICv3 (no \"arm,gic-v3\" node)");
	ic = fdt_prop(&c->f, gic, "#interrupt-cells", &len);
	if (ic && (len != 4 || fdt_be32(ic) != 3))
		return plat_fail(c, "GICv3: #interrupt-cells must be 3");
	if (plat_reg(&c->f, gic, 0, &pi->gicd_base, &pi->gicd_size) < 0)
		return plat_fail(c, "GICv3: bad reg[0] (GICD)");
	if (plat_reg(&c->f, gic, 1, &pi->gicr_base, &pi->gicr_size) < 0)
		return plat_fail(c, "GICv3: bad reg[1] (GICR)");
	if (plat_irq(&c->f, gic, 0, &pi->gic_maint_intid) < 0)
		return plat_fail(c, "GICv3: no maintenance interrupt (virtualization off?)");
	return plat_its(c);
}

/* Node named by /chosen stdout-path ("/path[:options]" or an alias), or negative. */
static int plat_stdout_node(const struct fdt *f)
{
	const char *sp = fdt_prop_string(f, fdt_path(f, "/chosen"), "stdout-path");
	char path[PATH_MAX_LEN];
	size_t n = 0;

	if (!sp)
		return ERR_NOENT;
	while (sp[n] && sp[n] != ':' && n < sizeof(path) - 1) {
		path[n] = sp[n];
		n++;
	}
	path[n] = '\0';
	if (path[0] != '/') {
		const char *alias = fdt_prop_string(f, fdt_path(f, "/aliases"), path);

		return alias ? fdt_path(f, alias) : ERR_NOENT;
	}
	return fdt_path(f, path);
}

static int plat_uart(struct plat_ctx *c)
{
	int uart = plat_stdout_node(&c->f);

	if (uart < 0 || !fdt_is_compatible(&c->f, uart, "arm,pl011"))
		uart = fdt_find_compatible(&c->f, -1, "arm,pl011");
	if (uart < 0)
		return plat_fail(c, "no PL011 UART (\"arm,pl011\")");
	if (plat_reg(&c->f, uart, 0, &c->pi->uart_base, &c->pi->uart_size) < 0)
		return plat_fail(c, "PL011: bad reg");
	if (plat_irq(&c->f, uart, 0, &c->pi->uart_intid) < 0)
		return plat_fail(c, "PL011: bad interrupts");
	return 0;
}

static int plat_psci(struct plat_ctx *c)
{
	int psci = fdt_path(&c->f, "/psci");
	const char *m;

	if (psci < 0)
		psci = fdt_find_compatible(&c->f, -1, "arm,psci-1.0");
	if (psci < 0)
		psci = fdt_find_compatible(&c->f, -1, "arm,psci-0.2");
	c->pi->psci = PSCI_CONDUIT_NONE;
	if (psci < 0)
		return 0; /* no PSCI: secondary CPUs cannot be started */
	m = fdt_prop_string(&c->f, psci, "method");
	if (m && strcmp(m, "smc") == 0)
		c->pi->psci = PSCI_CONDUIT_SMC;
	else if (m && strcmp(m, "hvc") == 0)
		c->pi->psci = PSCI_CONDUIT_HVC;
	else
		return plat_fail(c, "psci: method must be \"smc\" or \"hvc\"");
	return 0;
}

static int plat_timer(struct plat_ctx *c)
{
	struct platform_info *pi = c->pi;
	int t = fdt_find_compatible(&c->f, -1, "arm,armv8-timer");

	if (t < 0) { /* architected defaults */
		pi->timer_intid_sec = 16U + 13U;
		pi->timer_intid_phys = 16U + TIMER_PPI_PHYS;
		pi->timer_intid_virt = 16U + TIMER_PPI_VIRT;
		pi->timer_intid_hyp = 16U + TIMER_PPI_HYP;
		return 0;
	}
	if (plat_irq(&c->f, t, 0, &pi->timer_intid_sec) < 0 ||
	    plat_irq(&c->f, t, 1, &pi->timer_intid_phys) < 0 ||
	    plat_irq(&c->f, t, 2, &pi->timer_intid_virt) < 0 ||
	    plat_irq(&c->f, t, 3, &pi->timer_intid_hyp) < 0)
		return plat_fail(c, "timer: interrupts must hold 4 PPI entries");
	return 0;
}

/* ---- PCIe host bridge (PCI Bus Binding to IEEE 1275, "ranges" and "interrupt-map") ---- */

#define PCI_SPACE(hi) (((hi) >> 24) & 3U) /* phys.hi ss bits: 1 I/O, 2 mem32, 3 mem64 */
#define PCI_RANGE_CELLS 7U                /* 3 bus address + 2 CPU address + 2 size */

/* Parent #address-cells 2 (the root of every machine rtvisor runs on): 3 + 2 + 2 cells. */
static int pci_ranges(struct plat_ctx *c, int node, struct pci_host *h)
{
	int len;
	const u8 *p = fdt_prop(&c->f, node, "ranges", &len);
	struct pci_window *const by_space[4] = { NULL, &h->io, &h->mem32, &h->mem64 };

	if (!p || len <= 0 || len % (int)(PCI_RANGE_CELLS * 4) != 0)
		return plat_fail(c, "PCIe host: ranges must hold <3 2 2>-cell entries");
	for (; len > 0; len -= (int)(PCI_RANGE_CELLS * 4), p += PCI_RANGE_CELLS * 4) {
		struct pci_window *w = by_space[PCI_SPACE(fdt_be32(p))];

		if (w && !w->size) /* the first window of each kind */
			*w = (struct pci_window){ .pci = fdt_be64(p + 4), .cpu = fdt_be64(p + 12),
						  .size = fdt_be64(p + 20) };
	}
	return 0;
}

static int pci_bus_range(struct plat_ctx *c, int node, struct pci_host *h)
{
	int len;
	const u8 *p = fdt_prop(&c->f, node, "bus-range", &len);
	u64 buses = h->ecam_size >> PCI_ECAM_BUS_SHIFT;

	h->bus_start = p && len == 8 ? fdt_be32(p) : 0;
	h->bus_end = p && len == 8 ? fdt_be32(p + 4) : (u32)(buses ? buses - 1 : 0);
	if (h->bus_end > 255 || h->bus_start > h->bus_end ||
	    h->bus_end - h->bus_start + 1 > buses)
		return plat_fail(c, "PCIe host: bus-range outside its ECAM");
	return 0;
}

/* One interrupt-map entry: <child unit address (3), pin, parent phandle, parent unit
 * address (its #address-cells), GIC specifier (3)>. The parent is taken to be the GIC
 * (rtvisor routes nothing else). Returns the entry's length in cells, or 0. */
static u32 pci_intmap_entry(struct plat_ctx *c, const u8 *p, u32 left, struct pci_intmap *e)
{
	int gic = fdt_find_compatible(&c->f, -1, "arm,gic-v3");
	/* The parent's #address-cells, 0 when absent (as interrupt-map parsers take it). */
	int pac = gic < 0 ? -1 : fdt_has_prop(&c->f, gic, "#address-cells") ?
		  fdt_address_cells(&c->f, gic) : 0;
	u32 cells = 5U + (u32)pac + 3U;

	if (pac < 0 || pac > 2 || left < cells)
		return 0;
	e->addr_hi = fdt_be32(p);
	e->pin = fdt_be32(p + 12);
	if (plat_intid(p + (5U + (u32)pac) * 4, &e->intid))
		return 0;
	return cells;
}

static int pci_intmap(struct plat_ctx *c, int node, struct pci_host *h)
{
	int len;
	const u8 *mask = fdt_prop(&c->f, node, "interrupt-map-mask", &len);
	const u8 *p;
	u32 left;

	if (!mask || len != 16)
		return plat_fail(c, "PCIe host: interrupt-map-mask must hold 4 cells");
	h->mask_hi = fdt_be32(mask);
	h->mask_pin = fdt_be32(mask + 12);
	p = fdt_prop(&c->f, node, "interrupt-map", &len);
	left = p && len > 0 ? (u32)len / 4 : 0;
	while (left > 0 && h->nr_intmap < PCI_HOST_MAX_INTMAP) {
		u32 n = pci_intmap_entry(c, p, left, &h->intmap[h->nr_intmap]);

		if (!n)
			return plat_fail(c, "PCIe host: interrupt-map entry not <3 1 phandle GIC>");
		h->nr_intmap++;
		p += n * 4;
		left -= n;
	}
	return 0;
}

/* Optional: a machine without one simply has no PCI functions to give. */
static int plat_pci(struct plat_ctx *c)
{
	struct pci_host *h = &c->pi->pci;
	int node = fdt_find_compatible(&c->f, -1, "pci-host-ecam-generic");
	int r;

	if (node < 0)
		return 0;
	if (plat_reg(&c->f, node, 0, &h->ecam_base, &h->ecam_size) < 0)
		return plat_fail(c, "PCIe host: bad reg (ECAM)");
	r = pci_bus_range(c, node, h);
	if (!r)
		r = pci_ranges(c, node, h);
	if (!r)
		r = pci_intmap(c, node, h);
	h->present = r == 0;
	return r;
}

/* What the platform must describe, in this order (the first missing piece is the error). */
static int (*const plat_steps[])(struct plat_ctx *c) = {
	plat_memory, plat_cpus, plat_gic, plat_uart, plat_psci, plat_timer, plat_pci,
};

int platform_discover(const void *fdt, size_t max_size, struct platform_info *pi,
		      char *err, size_t errlen)
{
	struct plat_ctx c;
	int r = 0;

	c.pi = pi;
	c.err = err;
	c.errlen = errlen;
	if (err && errlen > 0)
		err[0] = '\0';
	if (!pi)
		return ERR_INVAL;
	memset(pi, 0, sizeof(*pi));
	if (!fdt || fdt_open(&c.f, fdt, max_size) < 0)
		return plat_fail(&c, "invalid or truncated devicetree blob");
	for (u32 k = 0; !r && k < ARRAY_SIZE(plat_steps); k++)
		r = plat_steps[k](&c);
	return r;
}
