/*
 * The virtual PCI host bridge, one per VM that owns PCI functions (docs/pci.md).
 *
 * The VM finds a PCIe host bridge at the platform's ECAM address. Its configuration
 * space traps: the VM's functions appear at their physical bus/device/function (so
 * the requester ID the device puts on its DMA is the real one), filtered by
 * vpci_cfg.c; every other function reads as all ones, as an absent one does. BARs are
 * mapped into the stage 2 at IPA = PA (the MSI-X table and PBA pages are left out:
 * they stay trapped for the virtual ITS); INTx lines are hardware-backed SPIs
 * (passthrough.h). On stop, and as soon as a reset is requested, the functions are
 * quiesced (bus master, decoding off); on every restart they are reset (Function Level
 * Reset where they have it, after the VM ran) and their BARs written again, so a reset
 * VM's driver finds them as at boot.
 */
#include <asm/spinlock.h>
#include <err.h>
#include <guest_dt.h>
#include <irq.h>
#include <lib.h>
#include <passthrough.h>
#include <pci.h>
#include <pci_bars.h>
#include <pci_cfg.h>
#include <platform_info.h>
#include <printk.h>
#include <vdev.h>
#include <vm.h>
#include <vpci_cfg.h>
#include <vpci_msix.h>

#define PAGE 0x1000ULL
#define MSIX_TABLE_ENTRY 16U
#define MSIX_CTRL 2U
#define VPCI_MSI_REPORTS 4U /* refused MSI programmings reported per function and run */

struct vpci_vm {
	spinlock_t lock;
	u32 nr;
	struct vpci_fn fn[CFG_MAX_PCI];
	struct vpci_msix_win win[CFG_MAX_PCI][VPCI_MSIX_WINDOWS]; /* trapped MSI-X pages */
	u32 nr_win[CFG_MAX_PCI];
	bool ran;                 /* started since its functions were last reset */
	bool stopped;             /* quiesced until the next reset: guest writes ignored */
	struct guest_dt_pci dt;
};

static struct vpci_vm vpcis[CFG_MAX_VMS];

static int vpci_init(void)
{
	char msg[96];
	int r = pci_init(&plat.pci, msg, sizeof(msg));

	if (r)
		printk("rtvisor: pci: %s\n", msg);
	return r;
}

/* The ECAM, and the MSI-X table and PBA pages of functions with MSI events. */
static u32 vpci_windows(const struct cfg_vm *cfg)
{
	u32 n = cfg->nr_pci ? 1 : 0;

	for (u32 k = 0; k < cfg->nr_pci; k++)
		n += cfg->pci[k].msi_events ? VPCI_MSIX_WINDOWS : 0;
	return n;
}

/* ---- configuration space ---- */

static struct vpci_fn *vpci_lookup(struct vpci_vm *p, u32 bdf)
{
	for (u32 i = 0; i < p->nr; i++)
		if (p->fn[i].f->bdf == bdf)
			return &p->fn[i];
	return NULL;
}

/* ECAM (PCIe Base Spec 4.0, 7.2.2): the offset names bus, device, function, register. */
static enum trap_status vpci_mmio(struct vcpu *v, struct mmio_access *a, void *opaque)
{
	struct vpci_vm *p = opaque;
	u32 bdf = (u32)(a->offset >> 12) + (pci_host->bus_start << 8);
	u32 reg = (u32)(a->offset & (VPCI_CFG_SIZE - 1));
	struct vpci_fn *fn;
	int r = 0;

	if (a->size > 4 || (a->offset & (a->size - 1)))
		return TRAP_FORBIDDEN; /* 1, 2 or 4 bytes, naturally aligned (7.2.2) */
	spin_lock(&p->lock);
	fn = vpci_lookup(p, bdf);
	if (!fn && !a->write)
		a->val = a->size == 4 ? 0xffffffffU : (1U << (a->size * 8)) - 1;
	else if (fn && a->write && !p->stopped)
		r = vpci_cfg_write(fn, reg, a->size, (u32)a->val);
	else if (fn)
		a->val = vpci_cfg_read(fn, reg, a->size);
	if (r && fn->refused <= VPCI_MSI_REPORTS) /* the first few since the reset */
		printk("rtvisor: vm '%s': %02x:%02x.%x: MSI address 0x%x_%08x data 0x%x refused "
		       "(not the ITS doorbell with a reserved event); MSI left disabled\n",
		       v->vm->cfg->name, PCI_BDF_BUS(bdf), PCI_BDF_DEV(bdf), PCI_BDF_FN(bdf),
		       fn->msi_addr_hi, fn->msi_addr_lo, fn->msi_data);
	spin_unlock(&p->lock);
	return TRAP_HANDLED;
}

/* ---- BARs into the stage 2 ---- */

/* Does page [at, at + PAGE) of BAR i hold the MSI-X table or PBA? */
static bool msix_page(const struct pci_func *f, u32 i, u64 at)
{
	u32 n = (pci_cfg_read(f->bdf, f->msix_off + MSIX_CTRL, 2) & 0x7ffU) + 1;
	u64 tbl = f->msix_table & ~7U, pba = f->msix_pba & ~7U;
	u64 tbl_end = tbl + (u64)n * MSIX_TABLE_ENTRY, pba_end = pba + ((n + 63) / 64) * 8;

	if (!f->msix_off)
		return false;
	return ((f->msix_table & 7U) == i && at < tbl_end && tbl < at + PAGE) ||
	       ((f->msix_pba & 7U) == i && at < pba_end && pba < at + PAGE);
}

/* A function with MSI events: trap the run of MSI-X pages of BAR i starting at at. */
static int trap_run(struct vm *vm, struct vpci_vm *p, u32 k, u32 i, u64 at, u64 size)
{
	const struct pci_func *f = p->fn[k].f;
	u64 end = at;

	if (!p->fn[k].doorbell || (at && msix_page(f, i, at - PAGE)))
		return 0; /* no MSIs (the pages stay unmapped), or not the run's start */
	while (end < size && msix_page(f, i, end))
		end += PAGE;
	return vpci_msix_trap(vm, p->win[k], &p->nr_win[k], pci_bar_cpu(f, i) + at, end - at);
}

/* Map BAR i page by page, runs at a time, leaving the MSI-X pages out (trapped). */
static int map_bar(struct vm *vm, struct vpci_vm *p, u32 k, u32 i)
{
	const struct pci_func *f = p->fn[k].f;
	const struct pci_bar *b = &f->bar[i];
	u64 cpu = pci_bar_cpu(f, i), size = b->size < PAGE ? PAGE : b->size, run = 0;
	int r = 0;

	for (u64 at = 0; !r && at <= size; at += PAGE) {
		bool hole = at == size || msix_page(f, i, at);

		if (hole && run < at)
			r = vm_arch_map(vm, cpu + run, cpu + run, at - run, true);
		if (!r && hole && at < size)
			r = trap_run(vm, p, k, i, at, size);
		if (hole)
			run = at + PAGE;
	}
	return r;
}

static int map_bars(struct vm *vm, struct vpci_vm *p, u32 k)
{
	const struct pci_func *f = p->fn[k].f;
	int r = 0;

	for (u32 i = 0; !r && i < PCI_NR_BARS; i++)
		if (f->bar[i].kind != PCI_BAR_NONE && f->bar[i].kind != PCI_BAR_MEM64_HI)
			r = map_bar(vm, p, k, i);
	return r;
}

/* ---- creation ---- */

#define BDF_ARGS(bdf) PCI_BDF_BUS(bdf), PCI_BDF_DEV(bdf), PCI_BDF_FN(bdf)

/* The function the scenario names, if the VM may have it (what the check could not see). */
static int find_fn(const struct cfg_pci *c, struct pci_func **out, char *msg, size_t len)
{
	u32 bdf = cfg_pci_bdf(c);
	struct pci_func *f = pci_host ? pci_find(bdf) : NULL;

	*out = f;
	if (!f)
		snprintf(msg, len, "%s: no function %02x:%02x.%x on the PCI bus", c->name,
			 BDF_ARGS(bdf));
	else if (f->hdr_type != 0)
		snprintf(msg, len, "%s: %02x:%02x.%x is a PCI bridge; assign the functions "
			 "behind it", c->name, BDF_ARGS(bdf));
	else if (f->owner != PCI_NO_OWNER)
		snprintf(msg, len, "%s: %02x:%02x.%x already belongs to vm %d", c->name,
			 BDF_ARGS(bdf), f->owner);
	else if (!pci_bars_ok(f))
		snprintf(msg, len, "%s: a BAR of %02x:%02x.%x found no room in the host's windows",
			 c->name, BDF_ARGS(bdf));
	else
		return 0;
	return !f ? ERR_NOENT : f->hdr_type ? ERR_INVAL : f->owner >= 0 ? ERR_BUSY : ERR_NOMEM;
}

/* One INTx line per VM however many of its functions share it. */
static int claim_intx(struct vm *vm, const struct pci_func *f)
{
	if (!f->intid || irq_data(f->intid) == vm)
		return 0;
	return passthrough_claim_irq(vm, f->intid);
}

static int take_fn(struct vm *vm, struct vpci_vm *p, const struct cfg_pci *c, char *msg,
		   size_t len)
{
	struct pci_func *f;
	int r = find_fn(c, &f, msg, len);

	if (r)
		return r;
	vpci_fn_reset(&p->fn[p->nr], f, c->dma);
	/* the vITS unit (earlier stage) refused the VM if events were asked without an ITS */
	vpci_fn_msi(&p->fn[p->nr], c->msi_events && plat.its_size ?
				   plat.its_base + PLAT_ITS_TRANSLATER : 0, c->msi_events);
	p->nr_win[p->nr] = 0;
	for (u32 w = 0; w < VPCI_MSIX_WINDOWS; w++)
		p->win[p->nr][w] = (struct vpci_msix_win){ .lock = &p->lock,
							   .stopped = &p->stopped,
							   .fn = &p->fn[p->nr] };
	r = map_bars(vm, p, p->nr);
	if (r) {
		snprintf(msg, len, "%s: stage-2 map of its BARs failed (%s)", c->name, err_name(r));
		return r;
	}
	r = claim_intx(vm, f);
	if (r) {
		snprintf(msg, len, "%s: its INTx line, INTID %u, is unavailable (%s): another VM "
			 "or device has it", c->name, f->intid, err_name(r));
		return r;
	}
	f->owner = (int)vm->id;
	vpci_msix_mask_all(&p->fn[p->nr++]);
	return 0;
}

/* ---- the guest's devicetree: tight ranges, exact INTx map ---- */

static u32 range_space(const struct pci_bar *b)
{
	return b->addr >> 32 ? GUEST_DT_PCI_MEM64 : GUEST_DT_PCI_MEM32;
}

/* Memory BARs one range each; I/O BARs only move the end of the one I/O range. */
static void dt_add_fn(struct guest_dt_pci *dt, const struct pci_func *f, u64 *io_end)
{
	for (u32 i = 0; i < PCI_NR_BARS && dt->nr_ranges < GUEST_DT_PCI_RANGES; i++) {
		const struct pci_bar *b = &f->bar[i];
		u64 size = b->size < PAGE ? PAGE : b->size;

		if (b->kind == PCI_BAR_IO && b->addr + size > *io_end)
			*io_end = b->addr + size;
		if (b->kind != PCI_BAR_MEM32 && b->kind != PCI_BAR_MEM64)
			continue;
		dt->ranges[dt->nr_ranges++] = (struct guest_dt_pci_range){
			.space = range_space(b), .prefetch = b->prefetch, .pci = b->addr,
			.cpu = pci_bar_cpu(f, i), .size = size };
	}
	if (f->intid && dt->nr_irqs < GUEST_DT_PCI_IRQS)
		dt->irqs[dt->nr_irqs++] = (struct guest_dt_pci_irq){ f->bdf, f->pin, f->intid };
}

/*
 * The I/O range starts at the window's first port although the VM owns only its BARs'
 * pages (only those are mapped): Linux numbers I/O ports from its first range, and a
 * serial port at port 0 counts as absent.
 */
static void dt_build(struct vpci_vm *p)
{
	struct guest_dt_pci *dt = &p->dt;
	const struct pci_window *io = &pci_host->io;
	u64 io_end = 0;

	*dt = (struct guest_dt_pci){ .ecam_base = pci_host->ecam_base,
				     .bus_start = pci_host->bus_start,
				     .bus_end = pci_host->bus_start };
	for (u32 i = 0; i < p->nr; i++) {
		u32 bus = PCI_BDF_BUS(p->fn[i].f->bdf);

		dt->bus_end = bus > dt->bus_end ? bus : dt->bus_end;
		dt_add_fn(dt, p->fn[i].f, &io_end);
	}
	if (io_end && dt->nr_ranges < GUEST_DT_PCI_RANGES)
		dt->ranges[dt->nr_ranges++] = (struct guest_dt_pci_range){
			.space = GUEST_DT_PCI_IO, .pci = io->pci, .cpu = io->cpu,
			.size = io_end - io->pci };
}

static void vpci_guest_dt(struct vm *vm, struct guest_dt_platform *gp)
{
	struct vpci_vm *p = &vpcis[vm->id];

	if (p->nr)
		gp->pci = &p->dt;
}

/* ---- life cycle ---- */

static int vpci_create(struct vm *vm, char *msg, size_t len)
{
	struct vpci_vm *p = &vpcis[vm->id];
	int r = 0;

	p->nr = 0;
	p->ran = false;
	p->stopped = false;
	for (u32 k = 0; !r && k < vm->cfg->nr_pci; k++)
		r = take_fn(vm, p, &vm->cfg->pci[k], msg, len);
	if (r || !p->nr)
		return r;
	dt_build(p);
	r = mmio_register(&vm->mmio, p->dt.ecam_base,
			  (u64)(p->dt.bus_end - p->dt.bus_start + 1) << PCI_ECAM_BUS_SHIFT,
			  vpci_mmio, p);
	if (r)
		snprintf(msg, len, "vPCI: cannot claim the ECAM window (%s)", err_name(r));
	return r;
}

/* Before every start: stop DMA, reset (after the VM ran), BARs back, the VM's view new. */
static void vpci_reset(struct vm *vm)
{
	struct vpci_vm *p = &vpcis[vm->id];

	spin_lock(&p->lock);
	for (u32 i = 0; i < p->nr; i++) {
		pci_func_restore(p->fn[i].f, p->ran);
		vpci_fn_reset(&p->fn[i], p->fn[i].f, p->fn[i].dma);
		vpci_msix_mask_all(&p->fn[i]);
	}
	p->ran = true;
	p->stopped = false;
	spin_unlock(&p->lock);
}

/*
 * Stopped, or a reset requested: bus mastering and decoding off at once. A vCPU still
 * on its way out on another pCPU cannot turn them on again: configuration writes are
 * ignored until the reset (the lock orders them against this).
 */
static void vpci_stop(struct vm *vm)
{
	struct vpci_vm *p = &vpcis[vm->id];

	spin_lock(&p->lock);
	p->stopped = true;
	for (u32 i = 0; i < p->nr; i++) {
		pci_func_quiesce(p->fn[i].f);
		if (p->fn[i].f->intid)
			passthrough_quiet_irq(vm, p->fn[i].f->intid);
	}
	spin_unlock(&p->lock);
}

VDEV_UNIT(vpci, VDEV_STAGE_DEVICE) = {
	.name = "vpci",
	.init = vpci_init,
	.mmio_windows = vpci_windows,
	.vm_create = vpci_create,
	.vm_reset = vpci_reset,
	.vm_stop = vpci_stop,
	.guest_dt = vpci_guest_dt,
};
