/*
 * Guest devicetree generator (see guest_dt.h; node list in docs/config.md).
 *
 * The input is checked first (cfg_ok, platform_ok), then the tree is written in
 * one pass with the FDT writer. Writer errors are sticky, so the node
 * functions do not test every call: fdtw_finish() reports the first failure.
 * Interrupt specifiers use the GICv3 binding: <type number flags>, type 0 =
 * SPI (number = INTID - 32), 1 = PPI (number = INTID - 16), flags 4 = level
 * high.
 */
#include <fdt.h>
#include <fdt_write.h>
#include <guest_dt.h>
#include <lib.h>

#define PH_GIC 1U /* phandles */
#define PH_CLK 2U
#define PH_SCMI_CLK 3U
#define PH_SCMI_SHMEM 4U
#define PH_OPP 5U
#define PH_ITS 6U
#define SCMI_PROTO_CLOCK 0x14U

#define IRQ_SPI 0U
#define IRQ_PPI 1U
#define IRQ_LEVEL_HIGH 4U
#define IRQ_EDGE_RISING 1U
#define SHM_COMPAT "rtvisor,shmem-v1"
#define INTID_PPI_MIN 16U
#define INTID_SPI_MIN 32U
#define INTID_SPI_MAX 1019U
#define APB_PCLK_HZ 24000000U
#define NAME_LEN 48U

/* ---- input checks: everything the tree encodes must be expressible ---- */

static bool is_ppi(u32 intid)
{
	return intid >= INTID_PPI_MIN && intid < INTID_SPI_MIN;
}

static bool is_spi(u32 intid)
{
	return intid >= INTID_SPI_MIN && intid <= INTID_SPI_MAX;
}

static bool platform_ok(const struct cfg_vm *cfg, const struct guest_dt_platform *p)
{
	u32 i;

	for (i = 0; i < ARRAY_SIZE(p->timer_intids); i++)
		if (!is_ppi(p->timer_intids[i]))
			return false;
	if (!is_ppi(p->maint_intid))
		return false;
	for (i = 0; p->pci && i < p->pci->nr_irqs && i < GUEST_DT_PCI_IRQS; i++)
		if (!is_spi(p->pci->irqs[i].intid))
			return false;
	if (p->pci && p->pci->bus_start > p->pci->bus_end)
		return false;
	if (cfg->scmi && (!p->opp_khz || !p->nr_opps))
		return false;
	return !cfg->console || is_spi(p->uart_intid);
}

static bool dev_ok(const struct cfg_dev *d)
{
	u32 i;

	if (d->nr_irqs > CFG_MAX_IRQS)
		return false;
	for (i = 0; i < d->nr_irqs; i++)
		if (!is_spi(d->irqs[i]))
			return false;
	return !d->compatible ||
	       (d->compatible_len > 0 && d->compatible[d->compatible_len - 1] == '\0');
}

static bool cfg_ok(const struct cfg_vm *cfg)
{
	u32 i;

	if (cfg->nr_vcpus == 0 || cfg->nr_vcpus > CFG_MAX_VCPUS || cfg->nr_mem > CFG_MAX_MEM ||
	    cfg->nr_images > CFG_MAX_IMAGES || cfg->nr_devs > CFG_MAX_DEVS ||
	    cfg->nr_virtio > CFG_MAX_VIRTIO)
		return false;
	for (i = 0; i < cfg->nr_virtio; i++)
		if (!is_spi(cfg->virtio[i].irq))
			return false;
	if (cfg->initrd_image < -1 || cfg->initrd_image >= (int)cfg->nr_images)
		return false;
	if (cfg->has_wdog && !is_spi(cfg->wdog_irq))
		return false;
	if (cfg->bootargs && strnlen(cfg->bootargs, CFG_BOOTARGS_MAX + 1) > CFG_BOOTARGS_MAX)
		return false;
	for (i = 0; i < cfg->nr_devs; i++)
		if (!dev_ok(&cfg->devs[i]))
			return false;
	if (cfg->nr_shm > CFG_MAX_VM_SHM)
		return false;
	for (i = 0; i < cfg->nr_shm; i++)
		if (!is_spi(cfg->shm[i].doorbell) || cfg->shm[i].nr_peers > CFG_MAX_SHM_MAPS)
			return false;
	return true;
}

/* ---- helpers ---- */

static void node_at(struct fdt_writer *w, const char *base, u64 unit)
{
	char name[NAME_LEN];

	snprintf(name, sizeof(name), "%s@%llx", base, (unsigned long long)unit);
	fdtw_begin_node(w, name);
}

static void prop_reg(struct fdt_writer *w, u64 base, u64 size)
{
	const u32 reg[4] = { (u32)(base >> 32), (u32)base, (u32)(size >> 32), (u32)size };

	fdtw_prop_cells(w, "reg", reg, 4);
}

/* interrupts = <0 (intid - 32) 4> for each SPI. */
static void prop_spis(struct fdt_writer *w, const u32 *intids, u32 n)
{
	u32 cells[CFG_MAX_IRQS * 3];
	u32 i;

	for (i = 0; i < n && i < CFG_MAX_IRQS; i++) {
		cells[i * 3] = IRQ_SPI;
		cells[i * 3 + 1] = intids[i] - INTID_SPI_MIN;
		cells[i * 3 + 2] = IRQ_LEVEL_HIGH;
	}
	fdtw_prop_cells(w, "interrupts", cells, i * 3);
}

/* "/pl011@<base>": the emulated console's path, for stdout-path and the alias. */
static void uart_path(const struct guest_dt_platform *p, char *buf, size_t len)
{
	snprintf(buf, len, "/pl011@%llx", (unsigned long long)p->uart_base);
}

/* ---- nodes ---- */

static void root_props(struct fdt_writer *w)
{
	fdtw_prop_u32(w, "#address-cells", 2);
	fdtw_prop_u32(w, "#size-cells", 2);
	fdtw_prop_string(w, "compatible", "linux,dummy-virt");
	fdtw_prop_string(w, "model", "rtvisor,vm");
	fdtw_prop_u32(w, "interrupt-parent", PH_GIC);
}

static void chosen_node(struct fdt_writer *w, const struct cfg_vm *cfg,
			const struct guest_dt_platform *p)
{
	char path[NAME_LEN];

	fdtw_begin_node(w, "chosen");
	if (cfg->bootargs)
		fdtw_prop_string(w, "bootargs", cfg->bootargs);
	if (cfg->console) {
		uart_path(p, path, sizeof(path));
		fdtw_prop_string(w, "stdout-path", path);
	}
	if (cfg->initrd_image >= 0) {
		const struct cfg_image *im = &cfg->images[cfg->initrd_image];

		fdtw_prop_u64(w, "linux,initrd-start", im->load_ipa);
		fdtw_prop_u64(w, "linux,initrd-end", im->load_ipa + im->size);
	}
	if (p->pci) /* keep the BARs the hypervisor assigned (it maps them IPA = PA) */
		fdtw_prop_u32(w, "linux,pci-probe-only", 1);
	fdtw_end_node(w);
}

static void aliases_node(struct fdt_writer *w, const struct cfg_vm *cfg,
			 const struct guest_dt_platform *p)
{
	char path[NAME_LEN];

	if (!cfg->console)
		return;
	uart_path(p, path, sizeof(path));
	fdtw_begin_node(w, "aliases");
	fdtw_prop_string(w, "serial0", path);
	fdtw_end_node(w);
}

/* With SCMI: the vCPU's clock is SCMI clock N, its rates the OPP table's. */
static void cpu_clock_props(struct fdt_writer *w, const struct cfg_vm *cfg, u32 n)
{
	const u32 clk[2] = { PH_SCMI_CLK, n };

	if (!cfg->scmi)
		return;
	fdtw_prop_cells(w, "clocks", clk, 2);
	fdtw_prop_u32(w, "operating-points-v2", PH_OPP);
}

/* cpu@N, reg = N: the virtual MPIDR's Aff0 is the vCPU index. */
static void cpus_node(struct fdt_writer *w, const struct cfg_vm *cfg)
{
	u32 i;

	fdtw_begin_node(w, "cpus");
	fdtw_prop_u32(w, "#address-cells", 1);
	fdtw_prop_u32(w, "#size-cells", 0);
	for (i = 0; i < cfg->nr_vcpus; i++) {
		node_at(w, "cpu", i);
		fdtw_prop_string(w, "device_type", "cpu");
		fdtw_prop_string(w, "compatible", "arm,armv8");
		fdtw_prop_u32(w, "reg", i);
		fdtw_prop_string(w, "enable-method", "psci");
		cpu_clock_props(w, cfg, i);
		fdtw_end_node(w);
	}
	fdtw_end_node(w);
}

static void psci_node(struct fdt_writer *w)
{
	static const char *const compat[] = { "arm,psci-1.0", "arm,psci-0.2" };

	fdtw_begin_node(w, "psci");
	fdtw_prop_stringlist(w, "compatible", compat, ARRAY_SIZE(compat));
	fdtw_prop_string(w, "method", "hvc");
	fdtw_end_node(w);
}

/* The platform's operating points, one table for every CPU (each its own clock). */
static void opp_node(struct fdt_writer *w, const struct guest_dt_platform *p)
{
	fdtw_begin_node(w, "opp-table");
	fdtw_prop_string(w, "compatible", "operating-points-v2");
	fdtw_prop_u32(w, "phandle", PH_OPP);
	for (u32 i = 0; i < p->nr_opps; i++) {
		u64 hz = (u64)p->opp_khz[i] * 1000;
		char name[NAME_LEN];

		snprintf(name, sizeof(name), "opp-%llu", (unsigned long long)hz);
		fdtw_begin_node(w, name);
		fdtw_prop_u64(w, "opp-hz", hz);
		fdtw_prop_u32(w, "clock-latency-ns", p->opp_latency_ns);
		fdtw_end_node(w);
	}
	fdtw_end_node(w);
}

/* SCMI over SMC/HVC (Linux binding arm,scmi.yaml): the CLOCK protocol provides the CPU
 * clocks; the shared memory is the page at CFG_PV_IPA. */
static void cpu_freq_nodes(struct fdt_writer *w, const struct cfg_vm *cfg,
		       const struct guest_dt_platform *p)
{
	if (!cfg->scmi)
		return;
	opp_node(w, p);
	fdtw_begin_node(w, "firmware");
	fdtw_begin_node(w, "scmi");
	fdtw_prop_string(w, "compatible", "arm,scmi-smc");
	fdtw_prop_u32(w, "arm,smc-id", p->scmi_smc_id);
	fdtw_prop_u32(w, "shmem", PH_SCMI_SHMEM);
	fdtw_prop_u32(w, "#address-cells", 1);
	fdtw_prop_u32(w, "#size-cells", 0);
	node_at(w, "protocol", SCMI_PROTO_CLOCK);
	fdtw_prop_u32(w, "reg", SCMI_PROTO_CLOCK);
	fdtw_prop_u32(w, "#clock-cells", 1);
	fdtw_prop_u32(w, "phandle", PH_SCMI_CLK);
	fdtw_end_node(w);
	fdtw_end_node(w);
	fdtw_end_node(w);
	node_at(w, "scmi-shmem", CFG_PV_IPA);
	fdtw_prop_string(w, "compatible", "arm,scmi-shmem");
	prop_reg(w, CFG_PV_IPA, CFG_PV_SIZE);
	fdtw_prop_u32(w, "phandle", PH_SCMI_SHMEM);
	fdtw_end_node(w);
}

static void memory_nodes(struct fdt_writer *w, const struct cfg_vm *cfg)
{
	u32 i;

	for (i = 0; i < cfg->nr_mem; i++) {
		node_at(w, "memory", cfg->mem[i].ipa);
		fdtw_prop_string(w, "device_type", "memory");
		prop_reg(w, cfg->mem[i].ipa, cfg->mem[i].size);
		fdtw_end_node(w);
	}
}

static void gic_node(struct fdt_writer *w, const struct cfg_vm *cfg,
		     const struct guest_dt_platform *p)
{
	u64 rd_size = GUEST_DT_GICR_STRIDE * cfg->nr_vcpus;
	const u32 reg[8] = {
		(u32)(p->gicd_base >> 32), (u32)p->gicd_base,
		(u32)(GUEST_DT_GICD_SIZE >> 32), (u32)GUEST_DT_GICD_SIZE,
		(u32)(p->gicr_base >> 32), (u32)p->gicr_base, (u32)(rd_size >> 32), (u32)rd_size,
	};
	const u32 irq[3] = { IRQ_PPI, p->maint_intid - INTID_PPI_MIN, IRQ_LEVEL_HIGH };

	node_at(w, "intc", p->gicd_base);
	fdtw_prop_string(w, "compatible", "arm,gic-v3");
	fdtw_prop_u32(w, "#interrupt-cells", 3);
	fdtw_prop_u32(w, "#address-cells", 0); /* for interrupt-map parsers; no children */
	fdtw_prop_empty(w, "interrupt-controller");
	fdtw_prop_u32(w, "#redistributor-regions", 1);
	fdtw_prop_cells(w, "reg", reg, ARRAY_SIZE(reg));
	fdtw_prop_cells(w, "interrupts", irq, ARRAY_SIZE(irq));
	fdtw_prop_u32(w, "phandle", PH_GIC);
	fdtw_end_node(w);
}

/* Secure phys, non-secure phys, virtual, hypervisor phys timer PPIs. */
static void timer_node(struct fdt_writer *w, const struct guest_dt_platform *p)
{
	u32 cells[3 * ARRAY_SIZE(p->timer_intids)];
	u32 i;

	for (i = 0; i < ARRAY_SIZE(p->timer_intids); i++) {
		cells[i * 3] = IRQ_PPI;
		cells[i * 3 + 1] = p->timer_intids[i] - INTID_PPI_MIN;
		cells[i * 3 + 2] = IRQ_LEVEL_HIGH;
	}
	fdtw_begin_node(w, "timer");
	fdtw_prop_string(w, "compatible", "arm,armv8-timer");
	fdtw_prop_cells(w, "interrupts", cells, ARRAY_SIZE(cells));
	fdtw_prop_empty(w, "always-on");
	if (p->cntfrq)
		fdtw_prop_u32(w, "clock-frequency", p->cntfrq);
	fdtw_end_node(w);
}

/* The APB clock AMBA (primecell) devices' drivers ask for. */
static void clock_node(struct fdt_writer *w)
{
	fdtw_begin_node(w, "apb-pclk");
	fdtw_prop_string(w, "compatible", "fixed-clock");
	fdtw_prop_u32(w, "#clock-cells", 0);
	fdtw_prop_u32(w, "clock-frequency", APB_PCLK_HZ);
	fdtw_prop_string(w, "clock-output-names", "clk24mhz");
	fdtw_prop_u32(w, "phandle", PH_CLK);
	fdtw_end_node(w);
}

static void uart_node(struct fdt_writer *w, const struct cfg_vm *cfg,
		      const struct guest_dt_platform *p)
{
	static const char *const compat[] = { "arm,pl011", "arm,primecell" };
	static const char *const clk_names[] = { "uartclk", "apb_pclk" };
	const u32 clocks[2] = { PH_CLK, PH_CLK };

	if (!cfg->console)
		return;
	node_at(w, "pl011", p->uart_base);
	fdtw_prop_stringlist(w, "compatible", compat, ARRAY_SIZE(compat));
	prop_reg(w, p->uart_base, GUEST_DT_UART_SIZE);
	prop_spis(w, &p->uart_intid, 1);
	fdtw_prop_cells(w, "clocks", clocks, ARRAY_SIZE(clocks));
	fdtw_prop_stringlist(w, "clock-names", clk_names, ARRAY_SIZE(clk_names));
	fdtw_end_node(w);
}

/* Node base name from the device's name: the part before '@', in DT node-name characters. */
static void dev_base_name(const struct cfg_dev *d, char *out, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len && i < CFG_NAME_LEN && d->name[i] && d->name[i] != '@'; i++) {
		char ch = d->name[i];
		bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			  (ch >= '0' && ch <= '9') || ch == ',' || ch == '.' || ch == '_' ||
			  ch == '+' || ch == '-';

		out[i] = ok ? ch : '-';
	}
	out[i] = '\0';
	if (i == 0)
		rtv_strlcpy(out, "device", len);
}

static void device_node(struct fdt_writer *w, const struct cfg_dev *d)
{
	char base[CFG_NAME_LEN + 1];

	dev_base_name(d, base, sizeof(base));
	node_at(w, base, d->base);
	fdtw_prop(w, "compatible", d->compatible, d->compatible_len);
	prop_reg(w, d->base, d->size);
	if (d->nr_irqs) {
		fdtw_prop_u32(w, "interrupt-parent", PH_GIC);
		prop_spis(w, d->irqs, d->nr_irqs);
	}
	if (fdt_stringlist_has(d->compatible, (int)d->compatible_len, "arm,primecell")) {
		fdtw_prop_u32(w, "clocks", PH_CLK);
		fdtw_prop_string(w, "clock-names", "apb_pclk");
	}
	fdtw_end_node(w);
}

/* virtio-mmio (Linux binding virtio/mmio.yaml): the rings hold guest-physical addresses
 * that the hypervisor reads through its own cacheable map, hence dma-coherent. */
static void vmmio_nodes(struct fdt_writer *w, const struct cfg_vm *cfg)
{
	for (u32 i = 0; i < cfg->nr_virtio; i++) {
		const struct cfg_virtio *d = &cfg->virtio[i];

		node_at(w, "virtio_mmio", d->base);
		fdtw_prop_string(w, "compatible", "virtio,mmio");
		prop_reg(w, d->base, d->size);
		fdtw_prop_u32(w, "interrupt-parent", PH_GIC);
		prop_spis(w, &d->irq, 1);
		fdtw_prop_empty(w, "dma-coherent");
		fdtw_end_node(w);
	}
}

/* The SBSA generic watchdog (Linux binding watchdog/arm,sbsa-gwdt.yaml): the control
 * frame, then the refresh frame; the interrupt is WS0. No timeout-sec: the guest's
 * driver chooses (Linux: 10 s, or what its daemon sets). */
static void watchdog_node(struct fdt_writer *w, const struct cfg_vm *cfg)
{
	const u32 reg[8] = { (u32)(CFG_WDOG_CTRL_IPA >> 32), (u32)CFG_WDOG_CTRL_IPA, 0,
			     (u32)CFG_WDOG_FRAME, (u32)(CFG_WDOG_REFRESH_IPA >> 32),
			     (u32)CFG_WDOG_REFRESH_IPA, 0, (u32)CFG_WDOG_FRAME };

	if (!cfg->has_wdog)
		return;
	node_at(w, "watchdog", CFG_WDOG_CTRL_IPA);
	fdtw_prop_string(w, "compatible", "arm,sbsa-gwdt");
	fdtw_prop_cells(w, "reg", reg, 8);
	fdtw_prop_u32(w, "interrupt-parent", PH_GIC);
	prop_spis(w, &cfg->wdog_irq, 1);
	fdtw_end_node(w);
}

/* ---- the PCIe host bridge (PCI Bus Binding to IEEE 1275; Linux's host-generic-pci) ---- */

#define PCI_HI_PREFETCH BIT(30)
#define PCI_RANGE_CELLS 7U
#define PCI_IMAP_CELLS 8U /* <3 child address> <pin> <gic> <0 spi 4> (the GIC has no address) */

static void pci_ranges(struct fdt_writer *w, const struct guest_dt_pci *pci)
{
	u32 cells[GUEST_DT_PCI_RANGES * PCI_RANGE_CELLS];
	u32 n = 0;

	for (u32 i = 0; i < pci->nr_ranges && i < GUEST_DT_PCI_RANGES; i++) {
		const struct guest_dt_pci_range *r = &pci->ranges[i];
		u32 *c = &cells[n];

		c[0] = r->space << 24 | (r->prefetch ? PCI_HI_PREFETCH : 0);
		c[1] = (u32)(r->pci >> 32);
		c[2] = (u32)r->pci;
		c[3] = (u32)(r->cpu >> 32);
		c[4] = (u32)r->cpu;
		c[5] = (u32)(r->size >> 32);
		c[6] = (u32)r->size;
		n += PCI_RANGE_CELLS;
	}
	fdtw_prop_cells(w, "ranges", cells, n);
}

/* Exactly the VM's functions: the mask keeps bus, device and function. */
static void pci_interrupt_map(struct fdt_writer *w, const struct guest_dt_pci *pci)
{
	static const u32 mask[4] = { 0x00ffff00U, 0, 0, 7 };
	u32 cells[GUEST_DT_PCI_IRQS * PCI_IMAP_CELLS];
	u32 n = 0;

	for (u32 i = 0; i < pci->nr_irqs && i < GUEST_DT_PCI_IRQS; i++) {
		const struct guest_dt_pci_irq *q = &pci->irqs[i];
		const u32 e[PCI_IMAP_CELLS] = { q->bdf << 8, 0, 0, q->pin, PH_GIC, IRQ_SPI,
						q->intid - INTID_SPI_MIN, IRQ_LEVEL_HIGH };

		memcpy(&cells[n], e, sizeof(e));
		n += PCI_IMAP_CELLS;
	}
	fdtw_prop_cells(w, "interrupt-map-mask", mask, 4);
	fdtw_prop_cells(w, "interrupt-map", cells, n);
}

/*
 * The virtual ITS (two 64 KiB frames). A node of its own at the root (Linux finds
 * "arm,gic-v3-its" anywhere after the GIC), so the GIC node keeps #address-cells 0.
 */
static void msi_controller_node(struct fdt_writer *w, u64 base)
{
	node_at(w, "msi-controller", base);
	fdtw_prop_string(w, "compatible", "arm,gic-v3-its");
	fdtw_prop_empty(w, "msi-controller");
	fdtw_prop_u32(w, "#msi-cells", 1);
	prop_reg(w, base, 0x20000);
	fdtw_prop_u32(w, "phandle", PH_ITS);
	fdtw_end_node(w);
}

static void pci_node(struct fdt_writer *w, const struct guest_dt_pci *pci, u64 its_base)
{
	/* msi-map: requester IDs 0..0xffff are DeviceIDs 0..0xffff of the ITS */
	const u32 msi_map[4] = { 0, PH_ITS, 0, 0x10000 };

	const u32 bus_range[2] = { pci->bus_start, pci->bus_end };

	node_at(w, "pcie", pci->ecam_base);
	fdtw_prop_string(w, "compatible", "pci-host-ecam-generic");
	fdtw_prop_string(w, "device_type", "pci");
	fdtw_prop_u32(w, "#address-cells", 3);
	fdtw_prop_u32(w, "#size-cells", 2);
	fdtw_prop_u32(w, "#interrupt-cells", 1);
	prop_reg(w, pci->ecam_base, (u64)(pci->bus_end - pci->bus_start + 1) << 20);
	fdtw_prop_cells(w, "bus-range", bus_range, 2);
	fdtw_prop_u32(w, "linux,pci-domain", 0);
	fdtw_prop_empty(w, "dma-coherent");
	pci_ranges(w, pci);
	pci_interrupt_map(w, pci);
	if (its_base)
		fdtw_prop_cells(w, "msi-map", msi_map, 4);
	fdtw_end_node(w);
}

static void device_nodes(struct fdt_writer *w, const struct cfg_vm *cfg)
{
	u32 i;

	for (i = 0; i < cfg->nr_devs; i++)
		if (cfg->devs[i].compatible) /* no compatible: mapped, not described */
			device_node(w, &cfg->devs[i]);
}

/*
 * A shared region (docs/shmem.md): compatible "rtvisor,shmem-v1", its IPA range, its
 * doorbell (edge-rising SPI), its name and id, and the VMs the guest may ring for it
 * (VM ids, names in the same order) and its own VM id.
 */
static void shm_node(struct fdt_writer *w, const struct cfg_vm_shm *m, u32 self)
{
	const char *names[CFG_MAX_SHM_MAPS];
	const u32 irq[3] = { IRQ_SPI, m->doorbell - INTID_SPI_MIN, IRQ_EDGE_RISING };

	for (u32 n = 0; n < m->nr_peers; n++)
		names[n] = m->peer_name[n];
	node_at(w, "shmem", m->ipa);
	fdtw_prop_string(w, "compatible", SHM_COMPAT);
	prop_reg(w, m->ipa, m->size);
	fdtw_prop_u32(w, "interrupt-parent", PH_GIC);
	fdtw_prop_cells(w, "interrupts", irq, 3);
	fdtw_prop_string(w, "rtvisor,name", m->name);
	fdtw_prop_u32(w, "rtvisor,id", m->region);
	fdtw_prop_u32(w, "rtvisor,self", self);
	fdtw_prop_cells(w, "rtvisor,peers", m->peer_vm, m->nr_peers);
	if (m->nr_peers)
		fdtw_prop_stringlist(w, "rtvisor,peer-names", names, m->nr_peers);
	if (m->read_only)
		fdtw_prop_empty(w, "read-only");
	fdtw_end_node(w);
}

static void shm_nodes(struct fdt_writer *w, const struct cfg_vm *cfg, u32 self)
{
	for (u32 i = 0; i < cfg->nr_shm; i++)
		shm_node(w, &cfg->shm[i], self);
}

int guest_dt_build(const struct cfg_vm *cfg, const struct guest_dt_platform *p, void *buf,
		   size_t size)
{
	struct fdt_writer w;
	int r;

	if (!cfg || !p || !buf || !cfg_ok(cfg) || !platform_ok(cfg, p))
		return ERR_INVAL;
	if (fdtw_init(&w, buf, size) < 0)
		return ERR_FULL;
	fdtw_begin_node(&w, "");
	root_props(&w);
	chosen_node(&w, cfg, p);
	aliases_node(&w, cfg, p);
	cpus_node(&w, cfg);
	psci_node(&w);
	memory_nodes(&w, cfg);
	gic_node(&w, cfg, p);
	timer_node(&w, p);
	clock_node(&w);
	uart_node(&w, cfg, p);
	device_nodes(&w, cfg);
	vmmio_nodes(&w, cfg);
	watchdog_node(&w, cfg);
	shm_nodes(&w, cfg, p->vm_id);
	if (p->pci && p->its_base)
		msi_controller_node(&w, p->its_base);
	if (p->pci)
		pci_node(&w, p->pci, p->its_base);
	cpu_freq_nodes(&w, cfg, p);
	fdtw_end_node(&w);
	r = fdtw_finish(&w);
	if (r >= 0)
		return 0;
	return r == ERR_FULL ? ERR_FULL : ERR_INVAL; /* the writer refused what the input gave */
}
