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
 *
 * A function a failover group moves (both VMs list it; docs/failover.md "Moving PCI
 * functions") belongs to one of them at a time: in the other it is absent (configuration
 * reads all ones, BARs unmapped, its MSI-X pages refused), and its INTx line moves too.
 * The fence (fo_fence) quiesces it and unmaps its BARs from the primary; the promotion
 * (fo_promote) maps them into the backup's tables left from creation, resets the
 * function (Function Level Reset where it has one, completed on the backup's first
 * configuration access at least 100 ms later: until then its Vendor ID reads 0001h, the
 * Configuration Request Retry Status value, PCIe Base Spec 4.0 2.3.2 and 6.6.2) and
 * shows it.
 */
#include <asm/spinlock.h>
#include <asm/timer.h>
#include <err.h>
#include <failover.h>
#include <fdt.h>
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
	bool moves[CFG_MAX_PCI];  /* a failover group moves it: both VMs list it */
	bool absent[CFG_MAX_PCI]; /* another VM's for now: reads all ones, BARs unmapped */
	u64 flr_until[CFG_MAX_PCI]; /* counter value its promotion's FLR is over at (0: none) */
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
		if (p->fn[i].f->bdf == bdf && !p->absent[i])
			return &p->fn[i];
	return NULL;
}

/*
 * A promoted function still in its Function Level Reset (lock held): true if the access
 * was answered as a function that is not ready yet answers (Vendor ID 0001h, PCIe Base
 * Spec 4.0 2.3.2 with Configuration Request Retry Status Software Visibility: Linux's
 * scan waits and retries; other registers all ones, writes dropped). Once the 100 ms
 * are over the reset is completed here, on the VM's own pCPU: BARs written again.
 */
static bool vpci_in_flr(struct vpci_vm *p, struct vpci_fn *fn, struct mmio_access *a, u32 reg)
{
	u32 k = (u32)(fn - p->fn);
	u32 mask = a->size == 4 ? 0xffffffffU : (1U << (a->size * 8)) - 1;

	if (!p->flr_until[k])
		return false;
	if (arch_counter() >= p->flr_until[k]) {
		p->flr_until[k] = 0;
		pci_func_restore(fn->f, false);
		vpci_msix_mask_all(fn);
		return false;
	}
	if (!a->write)
		a->val = reg < 4 ? (0xffff0001U >> (reg * 8)) & mask : mask;
	return true;
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
	if (fn && vpci_in_flr(p, fn, a, reg))
		r = 0; /* answered: the function is not ready yet */
	else if (!fn && !a->write)
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

/* What the stage 2 maps of a BAR: whole pages, so at least one. */
static u64 bar_span(const struct pci_bar *b)
{
	return b->size < PAGE ? PAGE : b->size;
}

/* A BAR of its own (not unused, not the upper half of a 64-bit one). */
static bool bar_used(const struct pci_bar *b)
{
	return b->kind != PCI_BAR_NONE && b->kind != PCI_BAR_MEM64_HI;
}

/* MSI-X table entries of the function (0: no MSI-X), read once per walk of its BARs: a
 * configuration read per page made a failover's walk of a 1 MiB BAR take milliseconds. */
static u32 msix_entries(const struct pci_func *f)
{
	return f->msix_off ? (pci_cfg_read(f->bdf, f->msix_off + MSIX_CTRL, 2) & 0x7ffU) + 1 : 0;
}

/* Does page [at, at + PAGE) of BAR i hold the MSI-X table or PBA (n entries)? */
static bool msix_page(const struct pci_func *f, u32 n, u32 i, u64 at)
{
	u64 tbl = f->msix_table & ~7U, pba = f->msix_pba & ~7U;
	u64 tbl_end = tbl + (u64)n * MSIX_TABLE_ENTRY, pba_end = pba + ((n + 63) / 64) * 8;

	if (!n)
		return false;
	return ((f->msix_table & 7U) == i && at < tbl_end && tbl < at + PAGE) ||
	       ((f->msix_pba & 7U) == i && at < pba_end && pba < at + PAGE);
}

/* A function with MSI events: trap the run of MSI-X pages of BAR i starting at at. */
static int trap_run(struct vm *vm, struct vpci_vm *p, u32 k, u32 n, u32 i, u64 at, u64 size)
{
	const struct pci_func *f = p->fn[k].f;
	u64 end = at;

	if (!p->fn[k].doorbell || (at && msix_page(f, n, i, at - PAGE)))
		return 0; /* no MSIs (the pages stay unmapped), or not the run's start */
	while (end < size && msix_page(f, n, i, end))
		end += PAGE;
	return vpci_msix_trap(vm, p->win[k], &p->nr_win[k], pci_bar_cpu(f, i) + at, end - at);
}

/* At creation: map and trap; a failover's fence and promotion: unmap or map again (into
 * the tables the creation made: nothing is allocated) the same runs. */
enum bar_op { BAR_CREATE, BAR_UNMAP, BAR_MAP };

static int map_run(struct vm *vm, u64 at, u64 size, enum bar_op op)
{
	return op == BAR_UNMAP ? vm_arch_unmap(vm, at, size) : vm_arch_map(vm, at, at, size, true);
}

/* Map BAR i page by page, runs at a time, leaving the MSI-X pages out (trapped). */
static int map_bar(struct vm *vm, struct vpci_vm *p, u32 k, u32 i, enum bar_op op)
{
	const struct pci_func *f = p->fn[k].f;
	const struct pci_bar *b = &f->bar[i];
	u64 cpu = pci_bar_cpu(f, i), size = bar_span(b), run = 0;
	u32 n = msix_entries(f);
	int r = 0;

	for (u64 at = 0; !r && at <= size; at += PAGE) {
		bool hole = at == size || msix_page(f, n, i, at);

		if (hole && run < at)
			r = map_run(vm, cpu + run, at - run, op);
		if (!r && hole && at < size && op == BAR_CREATE)
			r = trap_run(vm, p, k, n, i, at, size);
		if (hole)
			run = at + PAGE;
	}
	return r;
}

static int map_bars(struct vm *vm, struct vpci_vm *p, u32 k, enum bar_op op)
{
	const struct pci_func *f = p->fn[k].f;
	int r = 0;

	for (u32 i = 0; !r && i < PCI_NR_BARS; i++)
		if (bar_used(&f->bar[i]))
			r = map_bar(vm, p, k, i, op);
	return r;
}

/* ---- creation ---- */

#define BDF_ARGS(bdf) PCI_BDF_BUS(bdf), PCI_BDF_DEV(bdf), PCI_BDF_FN(bdf)

/* The function the scenario names, if the VM may have it (what the check could not see). */
static int find_fn(const struct cfg_pci *c, bool moves, struct pci_func **out, char *msg,
		   size_t len)
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
	else if (f->owner != PCI_NO_OWNER && !moves) /* a moving one: its group's other VM's */
		snprintf(msg, len, "%s: %02x:%02x.%x already belongs to vm %d", c->name,
			 BDF_ARGS(bdf), f->owner);
	else if (!pci_bars_ok(f))
		snprintf(msg, len, "%s: a BAR of %02x:%02x.%x found no room in the host's windows",
			 c->name, BDF_ARGS(bdf));
	else
		return 0;
	return !f ? ERR_NOENT : f->hdr_type ? ERR_INVAL : f->owner >= 0 && !moves ? ERR_BUSY
										 : ERR_NOMEM;
}

/* One INTx line per VM however many of its functions share it. */
static int claim_intx(struct vm *vm, const struct pci_func *f)
{
	if (!f->intid || irq_data(f->intid) == vm)
		return 0;
	return passthrough_claim_irq(vm, f->intid);
}

/*
 * A function a failover group moves is taken by both VMs (BARs mapped, MSI-X pages
 * trapped: the tables exist for the promotion); the group's primary owns it, and
 * failover_init() fences the backup, which unmaps them. Its INTx line (which no other
 * function shares, config_pci.c) is the primary's, reserved in the backup's vGIC.
 */
static int take_fn(struct vm *vm, struct vpci_vm *p, const struct cfg_pci *c, char *msg,
		   size_t len)
{
	const struct cfg_failover *g = failover_pci_group(vm, c);
	struct pci_func *f;
	int r = find_fn(c, g != NULL, &f, msg, len);

	if (r)
		return r;
	p->moves[p->nr] = g != NULL;
	p->absent[p->nr] = false;
	p->flr_until[p->nr] = 0;
	vpci_fn_reset(&p->fn[p->nr], f, c->dma);
	/* the vITS unit (earlier stage) refused the VM if events were asked without an ITS */
	vpci_fn_msi(&p->fn[p->nr], c->msi_events && plat.its_size ?
				   plat.its_base + PLAT_ITS_TRANSLATER : 0, c->msi_events);
	p->nr_win[p->nr] = 0;
	for (u32 w = 0; w < VPCI_MSIX_WINDOWS; w++)
		p->win[p->nr][w] = (struct vpci_msix_win){ .lock = &p->lock,
							   .stopped = &p->stopped,
							   .absent = &p->absent[p->nr],
							   .fn = &p->fn[p->nr] };
	r = map_bars(vm, p, p->nr, BAR_CREATE);
	if (r) {
		snprintf(msg, len, "%s: stage-2 map of its BARs failed (%s)", c->name, err_name(r));
		return r;
	}
	r = !g || failover_boot_primary(g, vm) ? claim_intx(vm, f)
					       : f->intid ? passthrough_reserve_irq(vm, f->intid) : 0;
	if (r) {
		snprintf(msg, len, "%s: its INTx line, INTID %u, is unavailable (%s): another VM "
			 "or device has it", c->name, f->intid, err_name(r));
		return r;
	}
	if (!g || failover_boot_primary(g, vm))
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
		u64 size = bar_span(b);

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
		if (p->absent[i])
			continue; /* another VM's now (failover) */
		pci_func_restore(p->fn[i].f, p->ran || p->flr_until[i]);
		p->flr_until[i] = 0;
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
		if (p->absent[i])
			continue;
		pci_func_quiesce(p->fn[i].f);
		if (p->fn[i].f->intid)
			passthrough_quiet_irq(vm, p->fn[i].f->intid);
	}
	spin_unlock(&p->lock);
}

/* ---- failover: a function moves with the primary role ---- */

static bool vpci_moved_by(const struct vm *vm, const struct vpci_vm *p, u32 k,
			  const struct cfg_failover *g)
{
	return p->moves[k] && fdt_stringlist_has(g->pci, (int)g->pci_len, vm->cfg->pci[k].name);
}

/*
 * Fence: the function leaves vm at once. Bus mastering and decoding off and its INTx
 * line taken (if it was vm's: failover_init fences the backup too, which never owned
 * it), absent from vm's
 * configuration space and MSI-X pages, its BARs out of vm's stage 2 and every pCPU's
 * TLB (vm_arch_unmap: the broadcast invalidation is complete when it returns).
 */
static void vpci_fo_fence(struct vm *vm, const struct cfg_failover *g)
{
	struct vpci_vm *p = &vpcis[vm->id];

	for (u32 k = 0; k < p->nr; k++) {
		struct pci_func *f;

		if (!vpci_moved_by(vm, p, k, g) || p->absent[k])
			continue;
		f = pci_find(p->fn[k].f->bdf); /* the shared one, writable */
		spin_lock(&p->lock);
		p->absent[k] = true;
		p->flr_until[k] = 0;
		if (f->owner == (int)vm->id) {
			pci_func_quiesce(f);
			f->owner = PCI_NO_OWNER;
		}
		if (f->intid)
			passthrough_release_irq(vm, f->intid);
		spin_unlock(&p->lock);
		if (map_bars(vm, p, k, BAR_UNMAP)) /* runs mapped at creation: never */
			printk("rtvisor: vm '%s': %s: stage-2 unmap of its BARs failed\n",
			       vm->cfg->name, vm->cfg->pci[k].name);
	}
}

/*
 * Promotion: vm gets the function as at boot. Its BARs back into vm's stage 2, the
 * guest's view new (command register, BAR shadows, MSI and MSI-X table and masks),
 * the function reset (an FLR is started, vpci_in_flr completes it; without FLR its
 * MSI-X entries are masked now), its INTx line vm's (routed to vm's pCPU, disabled until
 * vm's guest enables it), and only then it shows in vm's configuration space.
 */
static void vpci_fo_promote(struct vm *vm, const struct cfg_failover *g)
{
	struct vpci_vm *p = &vpcis[vm->id];

	for (u32 k = 0; k < p->nr; k++) {
		struct pci_func *f;

		if (!vpci_moved_by(vm, p, k, g) || !p->absent[k])
			continue;
		f = pci_find(p->fn[k].f->bdf); /* the shared one, writable */
		if (map_bars(vm, p, k, BAR_MAP)) /* into the tables of its creation: never */
			printk("rtvisor: vm '%s': %s: stage-2 map of its BARs failed\n",
			       vm->cfg->name, vm->cfg->pci[k].name);
		spin_lock(&p->lock);
		f->owner = (int)vm->id;
		vpci_fn_reset(&p->fn[k], f, p->fn[k].dma);
		if (pci_func_flr_start(f))
			p->flr_until[k] = arch_counter() + pci_flr_ticks();
		else
			vpci_msix_mask_all(&p->fn[k]);
		if (f->intid)
			passthrough_take_irq(vm, f->intid);
		p->absent[k] = false;
		spin_unlock(&p->lock);
	}
}

/* A page of one of the BARs (IPA = PA) of a function g moves. */
static const char *vpci_fo_moved_at(const struct vm *vm, const struct cfg_failover *g,
				    u64 ipa, const char **kind)
{
	const struct vpci_vm *p = &vpcis[vm->id];

	*kind = "pci";
	for (u32 k = 0; k < p->nr; k++) {
		const struct pci_func *f = p->fn[k].f;

		if (!vpci_moved_by(vm, p, k, g))
			continue;
		for (u32 i = 0; i < PCI_NR_BARS; i++) {
			u64 at = pci_bar_cpu(f, i);

			if (bar_used(&f->bar[i]) && ipa >= at && ipa - at < bar_span(&f->bar[i]))
				return vm->cfg->pci[k].name;
		}
	}
	return NULL;
}

VDEV_UNIT(vpci, VDEV_STAGE_DEVICE) = {
	.name = "vpci",
	.init = vpci_init,
	.mmio_windows = vpci_windows,
	.vm_create = vpci_create,
	.vm_reset = vpci_reset,
	.vm_stop = vpci_stop,
	.guest_dt = vpci_guest_dt,
	.fo_fence = vpci_fo_fence,
	.fo_promote = vpci_fo_promote,
	.fo_moved_at = vpci_fo_moved_at,
};
