/*
 * The virtual ITS (docs/pci.md "MSI through the ITS"): a unit at the platform's ITS
 * address for every VM whose PCI functions reserve MSI events (msi-events). Both 64 KiB
 * frames trap; the translation frame is never mapped, a store to GITS_TRANSLATER is
 * refused (an MSI's DeviceID must come from the hardware, IHI 0069 5.3.5).
 *
 * Registers (IHI 0069 12.19): GITS_CTLR (Quiescent always set: commands run when
 * CWRITER is written), IIDR, TYPER (Physical, 8-byte ITT entries the vITS never reads,
 * VITS_EVENT_BITS EventID bits, DeviceID bits for the VM's highest requester ID, HCC
 * collections held "in hardware": no collection table), CBASER (its queue checked to
 * lie in the VM's RAM), CWRITER, CREADR (never Stalled), BASER0 (the device table the
 * guest allocates; flat only: Indirect reads as zero; the vITS never reads it), BASER1-7
 * zero; 32- and 64-bit accesses.
 *
 * A command is copied out of the guest's queue and checked against private tables
 * (vits_cmd.c): a refused one is skipped, counted and reported once per kind. At most
 * VITS_BATCH commands run per CWRITER write; with more left the write is re-run
 * (TRAP_RETRY). The tables are changed under the VM's vGIC lock, which vits_msi()
 * takes to translate an event arriving from the physical ITS.
 */
#include <arch/its.h>
#include <arch/vgic.h>
#include <arch/vits_cmd.h>
#include <arch/vits_v4.h>
#include <asm/spinlock.h>
#include <err.h>
#include <failover.h>
#include <fdt.h>
#include <guest_dt.h>
#include <lib.h>
#include <mm.h>
#include <mmio.h>
#include <platform_info.h>
#include <printk.h>
#include <shell.h>
#include <vdev.h>
#include <vm.h>

#define VITS_BATCH 16u
#define VITS_IIDR 0x0000043bU           /* implementer Arm */
#define VITS_PIDR2 0x30U                /* ArchRev 3 */
#define PAGE 0x1000ULL
#define CBASER_KEEP (GITS_BASER_VALID | 7ULL << 59 | 7ULL << 53 | \
		     (((1ULL << 52) - 1) & ~0xfffULL) | 3ULL << 10 | 0xffULL)
#define CBASER_PA(v) ((v) & (((1ULL << 52) - 1) & ~0xfffULL))
#define BASER_KEEP (GITS_BASER_VALID | 7ULL << 59 | 7ULL << 53 | \
		    (((1ULL << 48) - 1) & ~0xfffULL) | 3ULL << 10 | 3ULL << 8 | 0xffULL)
#define BASER0_RO ((u64)GITS_BASER_TYPE_DEVICE << GITS_BASER_TYPE_SHIFT | \
		   7ULL << GITS_BASER_ESZ_SHIFT) /* devices, 8-byte entries */

struct vits_vm {
	spinlock_t lock;           /* registers and command processing */
	bool on;                   /* the VM has a vITS */
	bool enabled;              /* GITS_CTLR.Enabled */
	u64 cbaser, cwriter, creadr, baser0;
	u32 devbits;
	struct vits_tables t;      /* under vm->arch.vgic.lock */
	u64 refused;               /* commands refused */
	u32 reported;              /* refusal kinds already reported */
	u64 dropped;               /* events without the guest's translation */
	u64 injected;              /* events injected at EL2 (the GICv3 path) */
};

static struct vits_vm vits[CFG_MAX_VMS];

static u32 vm_events(const struct cfg_vm *cfg)
{
	u32 n = 0;

	for (u32 k = 0; k < cfg->nr_pci; k++)
		n += cfg->pci[k].msi_events;
	return n;
}

/* ---- registers ---- */

static u64 typer(const struct vits_vm *s)
{
	return 1ULL /* Physical */ | 7ULL << 4 /* ITT entry 8 bytes */ |
	       (u64)(VITS_EVENT_BITS - 1) << 8 | (u64)(s->devbits - 1) << 13 |
	       (u64)VITS_COLLECTIONS << 24 /* HCC */;
}

static u64 queue_size(u64 cbaser)
{
	return ((cbaser & 0xff) + 1) * PAGE;
}

static u64 merge64(u64 old, const struct mmio_access *a)
{
	u32 shift = (a->offset & 4) ? 32 : 0;

	if (a->size == 8)
		return a->val;
	return (old & ~(0xffffffffULL << shift)) | ((a->val & 0xffffffffULL) << shift);
}

static u64 read64(u64 val, const struct mmio_access *a)
{
	return a->size == 8 ? val : (val >> ((a->offset & 4) ? 32 : 0)) & 0xffffffffULL;
}

static u64 reg_value(const struct vits_vm *s, u64 off)
{
	switch (off & ~7ULL) {
	case GITS_CTLR: return (s->enabled ? GITS_CTLR_ENABLED : 0) | GITS_CTLR_QUIESCENT |
			       (u64)VITS_IIDR << 32;
	case GITS_TYPER: return typer(s);
	case GITS_CBASER: return s->cbaser;
	case GITS_CWRITER: return s->cwriter;
	case GITS_CREADR: return s->creadr;
	case GITS_BASER0: return s->baser0 | BASER0_RO;
	case GITS_PIDR2: return VITS_PIDR2;
	default: return 0;
	}
}

/* ---- commands ---- */

static void report(struct vm *vm, struct vits_vm *s, const struct its_cmd *c,
		   enum vits_refusal r)
{
	s->refused++;
	if (s->reported & (1u << r))
		return;
	s->reported |= 1u << r;
	printk("rtvisor: vm '%s': vITS command 0x%02x (DeviceID 0x%x EventID %u) refused: %s "
	       "(skipped; each kind reported once)\n", vm->cfg->name, its_cmd_op(c),
	       its_cmd_devid(c), its_cmd_event(c), vits_refusal_name(r));
}

/* The vGIC side of an accepted command (vGIC lock held); true: a vCPU may need a kick. */
static bool apply_effect(struct vm *vm, const struct vits_effect *e)
{
	struct virq *q;

	switch (e->kind) {
	case VFX_MAP:
		/* NULL only if every slot is taken, some by LPIs unmapped while still in a
		 * list register: the event then stays undelivered until remapped */
		return vgic_lpi_map(vm, e->intid, e->vcpu) != NULL;
	case VFX_UNMAP: vgic_lpi_unmap(vm, e->intid); return false;
	case VFX_MOVE: vgic_lpi_move(vm, e->intid, e->vcpu); return true;
	case VFX_INV: vgic_lpi_inv(vm, e->intid); return true;
	case VFX_INVALL: vgic_lpi_invall(vm, e->vcpu); return true;
	default:
		q = vgic_irq(vm, 0, e->intid);
		if (q)
			vgic_set_pending(vm, q, e->intid, e->kind == VFX_INT);
		return e->kind == VFX_INT;
	}
}

static void run_command(struct vm *vm, struct vits_vm *s, u64 gpa)
{
	static struct vits_effect fx[CFG_MAX_VMS][VITS_MAX_EFFECTS]; /* under s->lock */
	struct its_cmd c;
	u64 pa;
	u32 nfx = 0;
	bool kick = false;
	enum vits_refusal r;

	if (mm_ipa_to_pa(vm, gpa, sizeof(c), &pa)) { /* CBASER was checked: cannot happen */
		memset(&c, 0, sizeof(c));
		report(vm, s, &c, VITS_BAD_OP);
		return;
	}
	for (u32 i = 0; i < 4; i++) /* one copy: the guest may change its queue meanwhile */
		c.dw[i] = ((volatile const u64 *)(uintptr_t)pa)[i];
	spin_lock(&vm->arch.vgic.lock);
	r = vits_cmd_apply(&s->t, &c, fx[vm->id], &nfx);
	for (u32 i = 0; i < nfx; i++)
		kick |= apply_effect(vm, &fx[vm->id][i]);
	spin_unlock(&vm->arch.vgic.lock);
	if (r)
		report(vm, s, &c, r);
	if (vm->arch.gicv4) { /* the physical ITS follows (tables stable: s->lock held) */
		vits_v4_sync(vm, &s->t);
		for (u32 i = 0; i < nfx; i++)
			vits_v4_effect(vm, &s->t, &fx[vm->id][i]);
	}
	for (u32 i = 0; kick && i < vm->nr_vcpus; i++)
		if (vm->vcpus[i].arch.vgic.nr_pending)
			vgic_kick(vm, i);
}

static enum trap_status process(struct vm *vm, struct vits_vm *s)
{
	u64 size = queue_size(s->cbaser);

	/* CWRITER was checked against the queue it was written for; a smaller queue set
	 * since (CBASER, while disabled) would leave it beyond the end and CREADR would
	 * never meet it: nothing runs until the guest writes CWRITER again */
	if (!s->enabled || !(s->cbaser & GITS_BASER_VALID) || s->cwriter >= size)
		return TRAP_HANDLED;
	for (u32 n = 0; s->creadr != s->cwriter; n++) {
		if (n == VITS_BATCH)
			return TRAP_RETRY; /* the CWRITER write runs again for the rest */
		run_command(vm, s, CBASER_PA(s->cbaser) + s->creadr);
		s->creadr = (s->creadr + ITS_CMD_SIZE) % size;
	}
	return TRAP_HANDLED;
}

/* ---- writes ---- */

static enum trap_status write_cbaser(struct vm *vm, struct vits_vm *s, u64 val)
{
	u64 pa;

	if (s->enabled)
		return TRAP_HANDLED; /* UNPREDICTABLE while enabled: ignored */
	if ((val & GITS_BASER_VALID) && mm_ipa_to_pa(vm, CBASER_PA(val), queue_size(val), &pa))
		return TRAP_FORBIDDEN;
	s->cbaser = val & CBASER_KEEP;
	s->creadr = 0;
	return TRAP_HANDLED;
}

static enum trap_status write_reg(struct vm *vm, struct vits_vm *s, struct mmio_access *a)
{
	u64 off = a->offset & ~7ULL, val;

	switch (off) {
	case GITS_CTLR:
		if (a->offset & 4)
			return TRAP_HANDLED; /* GITS_IIDR: read-only */
		s->enabled = a->val & GITS_CTLR_ENABLED;
		return process(vm, s);
	case GITS_CBASER:
		return write_cbaser(vm, s, merge64(s->cbaser, a));
	case GITS_CWRITER:
		val = merge64(s->cwriter, a) & 0xfffe0ULL;  /* Offset [19:5] */
		if (val >= queue_size(s->cbaser))
			return TRAP_FORBIDDEN;
		s->cwriter = val;
		return process(vm, s);
	case GITS_BASER0:
		s->baser0 = merge64(s->baser0, a) & BASER_KEEP;
		return TRAP_HANDLED;
	default:
		return TRAP_HANDLED; /* TYPER, CREADR, BASER1-7, IDs: read-only or RAZ/WI */
	}
}

static enum trap_status vits_mmio(struct vcpu *v, struct mmio_access *a, void *opaque)
{
	struct vm *vm = opaque;
	struct vits_vm *s = &vits[vm->id];
	enum trap_status st = TRAP_HANDLED;

	(void)v;
	if (a->offset >= GITS_FRAME) { /* translation frame: TRANSLATER stores are refused */
		if (a->write)
			return TRAP_FORBIDDEN;
		a->val = 0;
		return TRAP_HANDLED;
	}
	if ((a->size != 4 && a->size != 8) || (a->offset & (a->size - 1)))
		return TRAP_FORBIDDEN;
	spin_lock(&s->lock);
	if (a->write)
		st = write_reg(vm, s, a);
	else
		a->val = read64(reg_value(s, a->offset), a);
	spin_unlock(&s->lock);
	return st;
}

/* ---- events from the physical ITS ---- */

void vits_msi(struct vm *vm, u32 fn, u32 event)
{
	struct vits_vm *s = &vits[vm->id];
	const struct vits_ite *ite;
	u32 vcpu = 0, intid = 0;

	if (vits_v4_doorbell(vm, fn, event))
		return;
	spin_lock(&vm->arch.vgic.lock);
	ite = vits_translate(&s->t, fn, event, &vcpu);
	if (ite)
		intid = ite->vintid;
	spin_unlock(&vm->arch.vgic.lock);
	if (intid) {
		__atomic_fetch_add(&s->injected, 1, __ATOMIC_RELAXED);
		virq_inject(vm, intid, vcpu);
	} else
		__atomic_fetch_add(&s->dropped, 1, __ATOMIC_RELAXED);
}

/* ---- the shell's view: `its <vm>` (docs/shell.md) ---- */

struct vits_snap {           /* copied under the locks, printed after */
	struct vits_tables t;
	struct vlpi lpi[VGIC_NR_LPIS];
	bool enabled;
	u64 cbaser, creadr, cwriter, refused, dropped, injected;
};

static const struct virq *snap_lpi(const struct vits_snap *n, u32 intid)
{
	for (u32 k = 0; k < VGIC_NR_LPIS; k++)
		if (n->lpi[k].intid == intid && n->lpi[k].q.owned)
			return &n->lpi[k].q;
	return NULL;
}

static void show_event(const struct vm *vm, const struct vits_snap *n, u32 fn, u32 e)
{
	const struct vits_ite *ite = &n->t.dev[fn].ite[e];
	const struct virq *q = ite->valid ? snap_lpi(n, ite->vintid) : NULL;
	u32 pcpu = 0;
	int plpi = its_lpi_of(vm, fn, e, &pcpu);

	if (!ite->valid) {
		printk("    event %u: unmapped (physical LPI %d on pCPU %u)\n", e, plpi, pcpu);
		return;
	}
	printk("    event %u -> LPI %u collection %u%s: vCPU %u %s %s%s prio 0x%02x "
	       "(physical LPI %d on pCPU %u)\n", e, ite->vintid, ite->icid,
	       n->t.coll_valid[ite->icid] ? "" : " (unmapped)", q ? q->target : 0,
	       q && q->enabled ? "enabled" : "disabled", q && q->pending ? "pending" : "idle",
	       q && q->in_lr ? " in-LR" : "", q ? q->priority : 0, plpi, pcpu);
	vits_v4_show_event(vm, fn, e);
}

static void show_vits(const struct vm *vm, const struct vits_snap *n)
{
	printk("vm '%s' vITS: %s, CBASER 0x%lx CREADR 0x%lx CWRITER 0x%lx, commands refused "
	       "%lu, events without translation %lu\n", vm->cfg->name,
	       n->enabled ? "enabled" : "disabled", n->cbaser, n->creadr, n->cwriter,
	       n->refused, n->dropped);
	if (vm->arch.gicv4)
		printk("  gicv4: MSIs injected at EL2 %lu, %s\n", n->injected,
		       vits_v4_summary(vm));
	for (u32 c = 0; c < VITS_COLLECTIONS; c++)
		if (n->t.coll_valid[c])
			printk("  collection %u -> vCPU %u (on pCPU %u)\n", c, n->t.coll_vcpu[c],
			       vm->vcpus[n->t.coll_vcpu[c]].pcpu);
	for (u32 k = 0; k < n->t.nr_fns; k++) {
		const struct vits_dev *d = &n->t.dev[k];

		if (!d->reserved)
			continue;
		printk("  device 0x%x (%02x:%02x.%u): %s, %u EventID bits, %u events reserved\n",
		       d->devid, d->devid >> 8, (d->devid >> 3) & 0x1f, d->devid & 7,
		       d->mapped ? "mapped" : "unmapped", d->event_bits, d->reserved);
		for (u32 e = 0; e < d->reserved; e++)
			show_event(vm, n, k, e);
	}
}

static void vits_show(int argc, char **argv)
{
	static struct vits_snap n; /* the shell runs on one pCPU */
	struct vm *vm = shell_vm_arg(argv[0]);
	struct vits_vm *s;

	(void)argc;
	if (!vm)
		return;
	s = &vits[vm->id];
	if (!s->on) {
		shell_error("vm '%s' has no vITS (no msi-events)", vm->cfg->name);
		return;
	}
	spin_lock(&s->lock);
	spin_lock(&vm->arch.vgic.lock);
	n = (struct vits_snap){ .t = s->t, .enabled = s->enabled, .cbaser = s->cbaser,
				.creadr = s->creadr, .cwriter = s->cwriter, .refused = s->refused,
				.dropped = s->dropped,
				.injected = __atomic_load_n(&s->injected, __ATOMIC_RELAXED) };
	memcpy(n.lpi, vm->arch.vgic.lpi, sizeof(n.lpi));
	spin_unlock(&vm->arch.vgic.lock);
	spin_unlock(&s->lock);
	show_vits(vm, &n);
}

SHELL_CMD(its) = { "its", NULL, 1, 1, "its <vm>", vits_show };

/* ---- life cycle ---- */

static void vits_vm_reset(struct vm *vm)
{
	struct vits_vm *s = &vits[vm->id];
	const struct cfg_vm *cfg = vm->cfg;

	if (!s->on)
		return;
	spin_lock(&s->lock);
	s->enabled = false;
	s->cbaser = s->cwriter = s->creadr = s->baser0 = 0;
	spin_lock(&vm->arch.vgic.lock);
	vits_tables_init(&s->t, vm->nr_vcpus, VGIC_LPI_END);
	for (u32 k = 0; k < cfg->nr_pci; k++) /* fits: config_check_pci bounded them */
		(void)vits_tables_add_fn(&s->t, cfg_pci_bdf(&cfg->pci[k]), cfg->pci[k].msi_events);
	spin_unlock(&vm->arch.vgic.lock);
	vits_v4_sync(vm, &s->t); /* gicv4: every event back on its physical LPI */
	spin_unlock(&s->lock);
}

static int map_events(struct vm *vm, char *msg, size_t len)
{
	const struct cfg_vm *cfg = vm->cfg;

	for (u32 k = 0; k < cfg->nr_pci; k++) {
		const struct cfg_pci *p = &cfg->pci[k];
		const struct cfg_failover *g;
		int r;

		if (!p->msi_events)
			continue;
		/* a function a failover group moves: its events go to the group's primary */
		g = failover_pci_group(vm, p);
		r = its_map_device(!g || failover_boot_primary(g, vm) ? vm : NULL, k,
				   cfg_pci_bdf(p), p->msi_events, vm->vcpus[0].pcpu);
		if (r) {
			snprintf(msg, len, "%s: msi-events cannot be mapped on the ITS (%s)",
				 p->name, r == ERR_NOENT ? "the machine has no usable ITS"
							 : err_name(r));
			return r;
		}
	}
	return 0;
}

static int vits_vm_create(struct vm *vm, char *msg, size_t len)
{
	struct vits_vm *s = &vits[vm->id];
	u32 maxid = 0;
	int r;

	if (!vm_events(vm->cfg))
		return 0;
	r = map_events(vm, msg, len);
	if (!r && vm->cfg->gicv4) {
		r = its_v4_vm_create(vm);
		if (r)
			snprintf(msg, len, "gicv4: %s", r == ERR_NOSYS ?
				 "the platform has no GICv4 (GITS_TYPER.Virtual, GICR_TYPER.VLPIS)" :
				 err_name(r));
	}
	if (r)
		return r;
	for (u32 k = 0; k < vm->cfg->nr_pci; k++)
		if (cfg_pci_bdf(&vm->cfg->pci[k]) > maxid)
			maxid = cfg_pci_bdf(&vm->cfg->pci[k]);
	s->devbits = 8;
	while (s->devbits < 16 && (maxid >> s->devbits))
		s->devbits++;
	s->on = true;
	vm->arch.vgic.lpis = true;
	vits_vm_reset(vm);
	r = mmio_register(&vm->mmio, plat.its_base, 2 * GITS_FRAME, vits_mmio, vm);
	if (r)
		snprintf(msg, len, "vITS: MMIO window cannot be registered (%s)", err_name(r));
	return r;
}

/* ---- failover (docs/failover.md "Moving PCI functions") ---- */

static bool vits_moves(const struct cfg_failover *g, const struct cfg_pci *p)
{
	return p->msi_events && fdt_stringlist_has(g->pci, (int)g->pci_len, p->name);
}

/* What the guest's driver mapped for function fn goes (as MAPD V=0 does): every
 * translation and the device mapping forgotten, its vLPIs unmapped (both locks held). */
static void vits_forget_fn(struct vm *vm, struct vits_vm *s, u32 fn)
{
	struct vits_effect fx[VITS_EVENTS];
	u32 nfx = 0;

	vits_dev_unmap(&s->t, fn, fx, &nfx);
	for (u32 i = 0; i < nfx; i++)
		(void)apply_effect(vm, &fx[i]);
}

/* The fence: the function's events reach this VM no more, and its vITS forgets it. */
static void vits_fo_fence(struct vm *vm, const struct cfg_failover *g)
{
	struct vits_vm *s = &vits[vm->id];

	for (u32 k = 0; s->on && k < vm->cfg->nr_pci && k < s->t.nr_fns; k++) {
		if (!vits_moves(g, &vm->cfg->pci[k]))
			continue;
		its_set_owner(cfg_pci_bdf(&vm->cfg->pci[k]), NULL, 0, vm);
		spin_lock(&s->lock);
		spin_lock(&vm->arch.vgic.lock);
		vits_forget_fn(vm, s, k);
		spin_unlock(&vm->arch.vgic.lock);
		spin_unlock(&s->lock);
	}
}

/* The promotion: the function's events go to this VM's vITS (its driver maps them). */
static void vits_fo_promote(struct vm *vm, const struct cfg_failover *g)
{
	for (u32 k = 0; vits[vm->id].on && k < vm->cfg->nr_pci; k++)
		if (vits_moves(g, &vm->cfg->pci[k]))
			its_set_owner(cfg_pci_bdf(&vm->cfg->pci[k]), vm, k, NULL);
}

static u32 vits_windows(const struct cfg_vm *cfg)
{
	return vm_events(cfg) ? 1 : 0;
}

static void vits_guest_dt(struct vm *vm, struct guest_dt_platform *p)
{
	if (vits[vm->id].on)
		p->its_base = plat.its_base;
}

static int vits_unit_init(void)
{
	return its_init();
}

VDEV_UNIT(vits, VDEV_STAGE_IRQCHIP) = {
	.name = "vits",
	.init = vits_unit_init,
	.cpu_init = its_cpu_init,
	.mmio_windows = vits_windows,
	.vm_create = vits_vm_create,
	.vm_reset = vits_vm_reset,
	.guest_dt = vits_guest_dt,
	.fo_fence = vits_fo_fence,
	.fo_promote = vits_fo_promote,
};
