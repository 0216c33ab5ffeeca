/*
 * vGIC LPIs (IHI 0069 5.1 "LPIs"): the redistributor's LPI registers and the VM's mapped
 * LPIs. A VM with a virtual ITS (vm->arch.vgic.lpis) sees GICD_TYPER.LPIS, GICR_TYPER.PLPIS,
 * GICR_PROPBASER/PENDBASER and GICR_CTLR.EnableLPIs. Its LPIs exist only while its vITS
 * maps them (vgic_lpi_map): a few slots, not a state per INTID.
 *
 * The configuration of an LPI (enable [0], priority [7:2]; IHI 0069 5.1.1 "LPI
 * Configuration tables") is the guest's property table. Like a GIC that caches it, the
 * vGIC reads a byte only when told to (MAPTI/MAPI, INV, INVALL, EnableLPIs), never on the
 * interrupt path, and keeps its own checked copy: an address is translated through the
 * VM's RAM regions at every read (mm_ipa_to_pa), so a table the guest points outside its
 * RAM reads as "disabled", and PROPBASER/PENDBASER refuse such addresses in the first
 * place. The pending table is not used: pending state lives in the vGIC.
 */
#include <arch/gicv3.h>
#include <arch/its.h>
#include <cpu.h>
#include <sched.h>
#include <arch/vgic.h>
#include <err.h>
#include <lib.h>
#include <mm.h>
#include <mmio.h>
#include <vm.h>

#define BASER_PROP_PA_MASK (((1ULL << 52) - 1) & ~0xfffULL)   /* PROPBASER PA [51:12] */
#define BASER_PEND_PA_MASK (((1ULL << 52) - 1) & ~0xffffULL)  /* PENDBASER PA [51:16] */
#define BASER_ATTR_MASK (0x7ULL << 56 | 0x3ULL << 10 | 0x7ULL << 7) /* Outer, Sh, Inner */
#define PROPBASER_IDBITS_MASK 0x1fULL
#define LPI_PROP_ENABLE 0x1u
#define vlpi_of(qp) ((struct vlpi *)(void *)((u8 *)(qp) - offsetof(struct vlpi, q)))

struct virq *vgic_lpi(struct vm *vm, u32 intid)
{
	if (intid < VGIC_LPI_BASE || intid >= VGIC_LPI_END)
		return NULL;
	for (u32 k = 0; k < VGIC_NR_LPIS; k++)
		if (vm->arch.vgic.lpi[k].intid == intid)
			return &vm->arch.vgic.lpi[k].q;
	return NULL;
}

/* LPI INTID bits the property table of PROPBASER value pb covers (IHI 0069 12.11.x). */
static u32 prop_bits(u64 pb)
{
	u32 bits = (u32)(pb & PROPBASER_IDBITS_MASK) + 1;

	return bits < LIM_VGIC_LPI_BITS ? bits : LIM_VGIC_LPI_BITS;
}

/* Bytes of the property table PROPBASER value pb describes (0: it covers no LPI). */
static u64 prop_size(u64 pb)
{
	u32 bits = prop_bits(pb);

	return bits > 13 ? (1ULL << bits) - VGIC_LPI_BASE : 0;
}

/* Read intid's property byte from the table of vCPU t's redistributor into q. */
static void lpi_read_prop(const struct vcpu *t, u32 intid, struct virq *q)
{
	u64 pb = t->arch.vgic.propbaser, pa;
	u8 prop = 0;

	if (intid - VGIC_LPI_BASE < prop_size(pb) &&
	    !mm_ipa_to_pa(t->vm, (pb & BASER_PROP_PA_MASK) + (intid - VGIC_LPI_BASE), 1, &pa))
		prop = *(volatile const u8 *)(uintptr_t)pa;
	q->priority = (u8)(prop & 0xf8); /* 5 priority bits, as for the other interrupts */
	q->enabled = (prop & LPI_PROP_ENABLE) != 0;
}

void vgic_lpi_inv(struct vm *vm, u32 intid)
{
	struct virq *q = vgic_lpi(vm, intid);

	if (q && q->owned)
		lpi_read_prop(&vm->vcpus[q->target], intid, q);
}

static struct vlpi *free_slot(struct vm *vm)
{
	for (u32 k = 0; k < VGIC_NR_LPIS; k++)
		if (!vm->arch.vgic.lpi[k].intid)
			return &vm->arch.vgic.lpi[k];
	return NULL;
}

struct virq *vgic_lpi_map(struct vm *vm, u32 intid, u32 vcpu)
{
	struct virq *q = vgic_lpi(vm, intid);
	struct vlpi *l;

	if (intid < VGIC_LPI_BASE || intid >= VGIC_LPI_END || vcpu >= vm->nr_vcpus)
		return NULL;
	if (q && q->owned) {
		vgic_lpi_move(vm, intid, vcpu);
		vgic_lpi_inv(vm, intid);
		return q;
	}
	if (q) /* unmapped, still in a list register: a fresh mapping starts clean */
		q->in_lr = false;
	l = q ? vlpi_of(q) : free_slot(vm);
	if (!l)
		return NULL;
	memset(&l->q, 0, sizeof(l->q));
	l->intid = (u16)intid;
	l->q.owned = true;
	l->q.group1 = true;
	l->q.edge = true;
	l->q.target = vcpu;
	lpi_read_prop(&vm->vcpus[vcpu], intid, &l->q);
	return &l->q;
}

void vgic_lpi_free_slot(struct vm *vm, struct virq *q)
{
	struct vlpi *l = vlpi_of(q);

	(void)vm;
	memset(l, 0, sizeof(*l));
}

/* Its pending state goes; a copy in a list register runs its course, then frees the slot. */
void vgic_lpi_unmap(struct vm *vm, u32 intid)
{
	struct virq *q = vgic_lpi(vm, intid);

	if (!q || !q->owned)
		return;
	vgic_set_pending(vm, q, intid, false);
	q->owned = false;
	if (!q->in_lr)
		vgic_lpi_free_slot(vm, q);
}

void vgic_lpi_move(struct vm *vm, u32 intid, u32 vcpu)
{
	struct virq *q = vgic_lpi(vm, intid);
	bool was;

	if (!q || !q->owned || vcpu >= vm->nr_vcpus || q->target == vcpu)
		return;
	was = q->pending;
	if (was)
		vgic_set_pending(vm, q, intid, false);
	q->target = vcpu;
	if (was)
		vgic_set_pending(vm, q, intid, true);
}

/* Every LPI of vCPU t reads its property again (EnableLPIs set, vITS INVALL). */
void vgic_lpi_invall(struct vm *vm, u32 vcpu)
{
	for (u32 k = 0; k < VGIC_NR_LPIS; k++) {
		struct vlpi *l = &vm->arch.vgic.lpi[k];

		if (l->intid && l->q.owned && l->q.target == vcpu)
			lpi_read_prop(&vm->vcpus[vcpu], l->intid, &l->q);
	}
}

/* Whether [ipa, ipa + size) lies in one RAM region of vm. */
static bool in_ram(const struct vm *vm, u64 ipa, u64 size)
{
	u64 pa;

	return !mm_ipa_to_pa(vm, ipa, size, &pa);
}

/* A new value of a 64-bit register from a 4- or 8-byte write at byte offset off & 4. */
static u64 merge64(u64 old, const struct mmio_access *a, u64 off)
{
	u32 shift = (off & 4) ? 32 : 0;

	if (a->size == 8)
		return a->val;
	return (old & ~(0xffffffffULL << shift)) | ((a->val & 0xffffffffULL) << shift);
}

static u64 read64(u64 val, const struct mmio_access *a, u64 off)
{
	return a->size == 8 ? val : (val >> ((off & 4) ? 32 : 0)) & 0xffffffffULL;
}

/*
 * GICR_PROPBASER / GICR_PENDBASER write (IHI 0069 12.11.x): check, then act. While
 * EnableLPIs is set they are read-only here (the architecture leaves writes then
 * UNPREDICTABLE). A table that would not lie in the VM's RAM is refused.
 */
static enum trap_status baser_write(struct vcpu *t, u64 *reg, bool prop, u64 val)
{
	u64 pa_mask = prop ? BASER_PROP_PA_MASK : BASER_PEND_PA_MASK;
	u64 keep = pa_mask | BASER_ATTR_MASK | (prop ? PROPBASER_IDBITS_MASK : 0);
	u64 size = prop ? prop_size(val) : (1ULL << LIM_VGIC_LPI_BITS) / 8;

	if (t->arch.vgic.lpis_on)
		return TRAP_HANDLED;
	if (size && !in_ram(t->vm, val & pa_mask, size))
		return TRAP_FORBIDDEN;
	*reg = val & keep;
	return TRAP_HANDLED;
}

static void set_enable_lpis(struct vcpu *t, bool on)
{
	if (on && !t->arch.vgic.lpis_on) {
		t->arch.vgic.lpis_on = true;
		vgic_lpi_invall(t->vm, t->id);
	} else if (!on) {
		t->arch.vgic.lpis_on = false;
	}
	/* gicv4: the vPE's property table changed. A vCPU loaded elsewhere picks it up at its
	 * next entry after a put; this one here at once (vgic_flush makes it resident). Either
	 * way its pCPU is marked: a vCPU whose vPE is not resident must go round the loop
	 * (vgic_flush), and the fast path tests only the mark (cpu.h go_round). */
	if (t->arch.vpe.on) {
		if (cpu()->sched.current == t)
			(void)its_v4_put(t); /* pending vLPIs stay in the VPT */
		sched_mark_resched(t->pcpu);
	}
}

/* GICR_CTLR, GICR_PROPBASER, GICR_PENDBASER of vCPU t (caller holds the vGIC lock). */
enum trap_status vgic_lpi_gicr(struct vcpu *t, struct mmio_access *a, u64 off)
{
	struct vgic_cpu *vc = &t->arch.vgic;
	u64 base = off & ~7ULL;
	u64 *reg = base == GICR_PROPBASER ? &vc->propbaser : &vc->pendbaser;

	if (off == GICR_CTLR) {
		if (a->size != 4)
			return TRAP_FORBIDDEN;
		if (a->write)
			set_enable_lpis(t, a->val & GICR_CTLR_ENABLE_LPIS);
		else
			a->val = vc->lpis_on ? GICR_CTLR_ENABLE_LPIS : 0; /* RWP [3] reads 0 */
		return TRAP_HANDLED;
	}
	if ((base != GICR_PROPBASER && base != GICR_PENDBASER) || a->size < 4 ||
	    (a->size == 8 && (off & 4)))
		return TRAP_FORBIDDEN;
	if (!a->write) {
		a->val = read64(*reg, a, off);
		return TRAP_HANDLED;
	}
	return baser_write(t, reg, base == GICR_PROPBASER, merge64(*reg, a, off));
}
