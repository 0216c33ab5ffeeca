/*
 * vGICv3 register emulation: distributor and redistributors as a table of
 * registers (offset, length, bits per interrupt, accessors) instead of a
 * switch. The VM sees a GICv3 with a single security state (GICD_CTLR.DS = 1),
 * affinity routing always on, LPIs when it has a virtual ITS (vgic_lpi.c). Interrupts it does not own read as
 * zero and ignore writes (IHI 0069 12.9 / 12.11 register descriptions).
 */
#include <cpu.h>
#include <arch/gicv3.h>
#include <arch/vgic.h>
#include <irq.h>
#include <lib.h>
#include <vm.h>

#define VGIC_IIDR 0x0100043bU  /* implementer Arm, product 1 */
#define VGIC_PIDR2 0x30U       /* ArchRev 3: GICv3 */
#define GICD_CTLR_DS BIT(6)

typedef u32 (*field_get)(const struct virq *q);
typedef void (*field_set)(struct vm *vm, struct vcpu *owner, struct virq *q, u32 intid, u32 val);

struct field_reg {
	u32 off;
	u32 len;
	u8 bits;
	bool byte_ok;
	field_get get;
	field_set set;
};

static u32 get_group(const struct virq *q) { return q->group1; }
static u32 get_enable(const struct virq *q) { return q->enabled; }
static u32 get_pending(const struct virq *q) { return q->pending || (q->level && !q->edge); }
static u32 get_zero(const struct virq *q) { (void)q; return 0; }
static u32 get_prio(const struct virq *q) { return q->priority; }
static u32 get_cfg(const struct virq *q) { return q->edge ? 2 : 0; }

static void set_group(struct vm *vm, struct vcpu *o, struct virq *q, u32 intid, u32 val)
{
	(void)vm; (void)o; (void)intid;
	q->group1 = val & 1;
}

static void set_enable(struct vm *vm, struct vcpu *o, struct virq *q, u32 intid, u32 val)
{
	(void)vm; (void)o;
	if (val & 1)
		vgic_set_enable(q, intid, true);
}

static void clr_enable(struct vm *vm, struct vcpu *o, struct virq *q, u32 intid, u32 val)
{
	(void)vm; (void)o;
	if (val & 1)
		vgic_set_enable(q, intid, false);
}

static void set_pend(struct vm *vm, struct vcpu *o, struct virq *q, u32 intid, u32 val)
{
	(void)o;
	if ((val & 1) && !q->in_lr)
		vgic_set_pending(vm, q, intid, true);
}

static void clr_pend(struct vm *vm, struct vcpu *o, struct virq *q, u32 intid, u32 val)
{
	if (!(val & 1))
		return;
	if (q->hw && q->pending && !q->in_lr && !vgic_hw_release(vm, o, q, intid))
		return; /* its physical state is out of reach: change neither copy */
	vgic_set_pending(vm, q, intid, false);
}

static void set_active(struct vm *vm, struct vcpu *o, struct virq *q, u32 intid, u32 val)
{
	if (val & 1)
		vgic_set_active(vm, o, q, intid, true);
}

static void clr_active(struct vm *vm, struct vcpu *o, struct virq *q, u32 intid, u32 val)
{
	if (val & 1)
		vgic_set_active(vm, o, q, intid, false);
}

static void set_nothing(struct vm *vm, struct vcpu *o, struct virq *q, u32 intid, u32 val)
{
	(void)vm; (void)o; (void)q; (void)intid; (void)val;
}

static void set_prio(struct vm *vm, struct vcpu *o, struct virq *q, u32 intid, u32 val)
{
	(void)vm; (void)o; (void)intid;
	q->priority = (u8)(val & 0xf8); /* 5 priority bits, like the hardware */
}

static void set_cfg(struct vm *vm, struct vcpu *o, struct virq *q, u32 intid, u32 val)
{
	(void)vm; (void)o;
	if (intid >= 16 && !q->hw)  /* SGIs are always edge; HW lines keep their type */
		q->edge = (val & 2) != 0;
}

static const struct field_reg field_regs[] = {
	{ GICD_IGROUPR, 0x80, 1, false, get_group, set_group },
	{ GICD_ISENABLER, 0x80, 1, false, get_enable, set_enable },
	{ GICD_ICENABLER, 0x80, 1, false, get_enable, clr_enable },
	{ GICD_ISPENDR, 0x80, 1, false, get_pending, set_pend },
	{ GICD_ICPENDR, 0x80, 1, false, get_pending, clr_pend },
	{ GICD_ISACTIVER, 0x80, 1, false, get_zero, set_active },
	{ GICD_ICACTIVER, 0x80, 1, false, get_zero, clr_active },
	{ GICD_IPRIORITYR, 0x400, 8, true, get_prio, set_prio },
	{ GICD_ICFGR, 0x100, 2, false, get_cfg, set_cfg },
	{ GICD_IGRPMODR, 0x80, 1, false, get_zero, set_nothing },
};

static const struct field_reg *find_field(u64 off)
{
	for (u32 i = 0; i < ARRAY_SIZE(field_regs); i++)
		if (off >= field_regs[i].off && off < field_regs[i].off + field_regs[i].len)
			return &field_regs[i];
	return NULL;
}

/* Read or write the per-interrupt fields an access covers. priv: vCPU for INTIDs < 32. */
static enum trap_status field_access(struct vm *vm, struct vcpu *priv, const struct field_reg *r,
				     struct mmio_access *a, u64 off, bool private_frame)
{
	u32 per = 8u / r->bits, n = a->size * per;
	u32 first = (u32)(off - r->off) * per;
	u32 mask = (1u << r->bits) - 1;
	u64 val = 0;

	if (a->size != 4 && !(r->byte_ok && a->size == 1))
		return TRAP_FORBIDDEN;
	for (u32 k = 0; k < n; k++) {
		u32 intid = first + k;
		struct virq *q;

		if (private_frame ? intid >= 32 : intid < 32)
			continue; /* the other frame owns it: RAZ/WI */
		q = vgic_irq(vm, priv ? priv->id : 0, intid);
		if (!q)
			continue;
		if (a->write)
			r->set(vm, priv, q, intid, (u32)(a->val >> (k * r->bits)) & mask);
		else
			val |= (u64)r->get(q) << (k * r->bits);
	}
	if (!a->write)
		a->val = val;
	return TRAP_HANDLED;
}

/* Kick every vCPU that now has something to deliver. */
static void kick_pending(struct vm *vm, struct vcpu *self)
{
	for (u32 i = 0; i < vm->nr_vcpus; i++)
		if (&vm->vcpus[i] != self && vm->vcpus[i].arch.vgic.nr_pending)
			vgic_kick(vm, i);
}

static void write_irouter(struct vm *vm, struct virq *q, u32 intid, u64 val)
{
	u32 old = q->target;
	bool was = q->pending;

	if (was)
		vgic_set_pending(vm, q, intid, false);
	q->irouter = val & 0xff00ffffffULL; /* Aff3..Aff0; IRM (1 of N) not supported */
	q->target = (u32)(val & 0xff) < vm->nr_vcpus && !(val & 0xffff00ULL) ? (u32)(val & 0xff) : 0;
	if (was)
		vgic_set_pending(vm, q, intid, true);
	if (q->hw && old != q->target)
		arch_irq_route(intid, vm->vcpus[q->target].pcpu);
}

static enum trap_status irouter_access(struct vm *vm, struct mmio_access *a, u64 off)
{
	u32 intid = (u32)((off - GICD_IROUTER) / 8);
	struct virq *q = intid >= 32 ? vgic_irq(vm, 0, intid) : NULL;
	u32 shift = (off & 4) ? 32 : 0;

	if (a->size != 8 && a->size != 4)
		return TRAP_FORBIDDEN;
	if (!q) {
		if (!a->write)
			a->val = 0;
		return TRAP_HANDLED;
	}
	if (!a->write) {
		a->val = a->size == 8 ? q->irouter : (q->irouter >> shift) & 0xffffffffULL;
		return TRAP_HANDLED;
	}
	if (a->size == 8)
		write_irouter(vm, q, intid, a->val);
	else
		write_irouter(vm, q, intid, (q->irouter & ~(0xffffffffULL << shift)) | (a->val << shift));
	return TRAP_HANDLED;
}

/*
 * GICD_TYPER (IHI 0069 12.9.38): No1N [25], ITLinesNumber for 32 + VGIC_NR_SPIS INTIDs,
 * IDbits [23:19] = bits - 1: 10 bits, or with LPIs (LPIS [17]) LIM_VGIC_LPI_BITS;
 * num_LPIs [15:11] = 0: the LPI range is what IDbits allows.
 */
static u64 gicd_typer(const struct vm *vm)
{
	u32 idbits = vm->arch.vgic.lpis ? LIM_VGIC_LPI_BITS - 1 : 9;
	u32 lpis = vm->arch.vgic.lpis ? BIT(17) : 0;

	return (idbits << 19) | lpis | BIT(25) | ((32u + VGIC_NR_SPIS) / 32u - 1u);
}

static enum trap_status gicd_ctrl_regs(struct vm *vm, struct mmio_access *a, u64 off)
{
	u64 val = 0;

	if (a->size != 4)
		return TRAP_FORBIDDEN;
	switch (off) {
	case GICD_CTLR:
		if (a->write)
			vm->arch.vgic.ctlr = (u32)a->val & (GICD_CTLR_ENGRP1 | (GICD_CTLR_ENGRP1 << 1));
		val = vm->arch.vgic.ctlr | GICD_CTLR_ARE_NS | GICD_CTLR_DS;
		break;
	case GICD_TYPER: val = gicd_typer(vm); break;
	case GICD_IIDR: val = VGIC_IIDR; break;
	case GICD_PIDR2: val = VGIC_PIDR2; break;
	default: break; /* TYPER2, STATUSR, SGI regs, IDs: RAZ/WI */
	}
	if (!a->write)
		a->val = val;
	return TRAP_HANDLED;
}

enum trap_status vgicd_mmio(struct vcpu *v, struct mmio_access *a, void *opaque)
{
	struct vm *vm = opaque;
	const struct field_reg *r = find_field(a->offset);
	enum trap_status st;

	spin_lock(&vm->arch.vgic.lock);
	if (r)
		st = field_access(vm, NULL, r, a, a->offset, false);
	else if (a->offset >= GICD_IROUTER && a->offset < GICD_IROUTER + 8 * 1020)
		st = irouter_access(vm, a, a->offset);
	else
		st = gicd_ctrl_regs(vm, a, a->offset);
	spin_unlock(&vm->arch.vgic.lock);
	if (a->write)
		kick_pending(vm, v);
	return st;
}

/* GICR_TYPER: Affinity [63:32], Processor_Number [23:8] (the vITS targets it), Last [4],
 * PLPIS [0] with LPIs (IHI 0069 12.11.x). */
static u64 gicr_typer(const struct vcpu *t)
{
	u64 last = t->id + 1 == t->vm->nr_vcpus ? GICR_TYPER_LAST : 0;
	u64 plpis = t->vm->arch.vgic.lpis ? 1 : 0;

	return (u64)t->id << 32 | (u64)t->id << 8 | last | plpis;
}

static enum trap_status gicr_rd_regs(struct vcpu *t, struct mmio_access *a, u64 off)
{
	u64 val = 0;

	if (off == GICR_TYPER && (a->size == 8 || a->size == 4)) {
		a->val = a->write ? 0 : a->size == 8 ? gicr_typer(t) : (u32)gicr_typer(t);
		return TRAP_HANDLED;
	}
	if (off == GICR_TYPER + 4 && a->size == 4) {
		a->val = a->write ? 0 : gicr_typer(t) >> 32;
		return TRAP_HANDLED;
	}
	if (t->vm->arch.vgic.lpis &&
	    (off == GICR_CTLR || (off >= GICR_PROPBASER && off < GICR_PENDBASER + 8)))
		return vgic_lpi_gicr(t, a, off);
	if (a->size != 4 && a->size != 8)
		return TRAP_FORBIDDEN;
	switch (off) {
	case GICR_IIDR: val = VGIC_IIDR; break;
	case GICR_WAKER:
		if (a->write)
			t->arch.vgic.waker = (u32)a->val & GICR_WAKER_PS;
		val = t->arch.vgic.waker ? (GICR_WAKER_PS | GICR_WAKER_CA) : 0;
		break;
	case GICR_PIDR2: val = VGIC_PIDR2; break;
	default: break; /* STATUSR, ...; without LPIs CTLR, PROPBASER, PENDBASER: RAZ/WI */
	}
	if (!a->write)
		a->val = val;
	return TRAP_HANDLED;
}

enum trap_status vgicr_mmio(struct vcpu *v, struct mmio_access *a, void *opaque)
{
	struct vm *vm = opaque;
	u32 idx = (u32)(a->offset / GICR_FRAME_SIZE);
	u64 off = a->offset % GICR_FRAME_SIZE;
	const struct field_reg *r;
	enum trap_status st = TRAP_HANDLED;

	if (idx >= vm->nr_vcpus)
		return TRAP_FORBIDDEN;
	spin_lock(&vm->arch.vgic.lock);
	if (off < GICR_SGI_OFFSET) {
		st = gicr_rd_regs(&vm->vcpus[idx], a, off);
	} else if ((r = find_field(off - GICR_SGI_OFFSET)) && off - GICR_SGI_OFFSET < r->off + 4 * r->bits) {
		st = field_access(vm, &vm->vcpus[idx], r, a, off - GICR_SGI_OFFSET, true);
	} else if (!a->write) {
		a->val = 0;
	}
	spin_unlock(&vm->arch.vgic.lock);
	if (a->write)
		kick_pending(vm, v);
	return st;
}
