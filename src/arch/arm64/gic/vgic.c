/*
 * vGICv3 core: interrupt state, injection and the list registers.
 *
 * The vCPU's ICH_* registers are live while it is loaded on its pCPU; flush
 * and sync run on that pCPU around every guest entry/exit. A list register
 * whose state reads back as invalid was completed by the guest (GICv3 spec
 * 4.9, Arm ARM D1 ICH_LR<n>_EL2). HW-mapped entries carry the physical INTID
 * so the guest's deactivation deactivates the physical interrupt.
 */
#include <arch/sysregs.h>
#include <arch/vgic_decode.h>
#include <arch/vgic_lr.h>
#include <cpu.h>
#include <arch/gicv3.h>
#include <arch/its.h>
#include <arch/vgic.h>
#include <irq.h>
#include <lib.h>
#include <vm.h>

static u32 nr_lrs;

static u64 lr_read(u32 i)
{
	switch (i) {
	case 0: return read_sysreg(ICH_LR0_EL2);
	case 1: return read_sysreg(ICH_LR1_EL2);
	case 2: return read_sysreg(ICH_LR2_EL2);
	case 3: return read_sysreg(ICH_LR3_EL2);
	case 4: return read_sysreg(ICH_LR4_EL2);
	case 5: return read_sysreg(ICH_LR5_EL2);
	case 6: return read_sysreg(ICH_LR6_EL2);
	case 7: return read_sysreg(ICH_LR7_EL2);
	case 8: return read_sysreg(ICH_LR8_EL2);
	case 9: return read_sysreg(ICH_LR9_EL2);
	case 10: return read_sysreg(ICH_LR10_EL2);
	case 11: return read_sysreg(ICH_LR11_EL2);
	case 12: return read_sysreg(ICH_LR12_EL2);
	case 13: return read_sysreg(ICH_LR13_EL2);
	case 14: return read_sysreg(ICH_LR14_EL2);
	default: return read_sysreg(ICH_LR15_EL2);
	}
}

static void lr_write_any(u32 i, u64 v)
{
	switch (i) {
	case 0: write_sysreg(ICH_LR0_EL2, v); break;
	case 1: write_sysreg(ICH_LR1_EL2, v); break;
	case 2: write_sysreg(ICH_LR2_EL2, v); break;
	case 3: write_sysreg(ICH_LR3_EL2, v); break;
	case 4: write_sysreg(ICH_LR4_EL2, v); break;
	case 5: write_sysreg(ICH_LR5_EL2, v); break;
	case 6: write_sysreg(ICH_LR6_EL2, v); break;
	case 7: write_sysreg(ICH_LR7_EL2, v); break;
	case 8: write_sysreg(ICH_LR8_EL2, v); break;
	case 9: write_sysreg(ICH_LR9_EL2, v); break;
	case 10: write_sysreg(ICH_LR10_EL2, v); break;
	case 11: write_sysreg(ICH_LR11_EL2, v); break;
	case 12: write_sysreg(ICH_LR12_EL2, v); break;
	case 13: write_sysreg(ICH_LR13_EL2, v); break;
	case 14: write_sysreg(ICH_LR14_EL2, v); break;
	default: write_sysreg(ICH_LR15_EL2, v); break;
	}
}

/* List register 0 takes most interrupts (the first free one is used): no table for it. */
static inline void lr_write(u32 i, u64 v)
{
	if (i == 0)
		write_sysreg(ICH_LR0_EL2, v);
	else
		lr_write_any(i, v);
}

/* Every pCPU: enable the virtual CPU interface. */
void vgic_cpu_hw_init(void)
{
	nr_lrs = (u32)(read_sysreg(ICH_VTR_EL2) & 0x1f) + 1;
	if (nr_lrs > VGIC_MAX_LRS)
		nr_lrs = VGIC_MAX_LRS;
	for (u32 i = 0; i < nr_lrs; i++)
		lr_write(i, 0);
	write_sysreg(ICH_HCR_EL2, ICH_HCR_EN);
	isb();
}

/* An owned LPI of vm (a search of its table): kept out of vgic_irq(), which every SGI,
 * PPI and SPI delivery calls, so that it stays small enough to be inlined there. */
static __attribute__((noinline)) struct virq *owned_lpi(struct vm *vm, u32 intid)
{
	struct virq *q = vgic_lpi(vm, intid);

	return q && q->owned ? q : NULL;
}

struct virq *vgic_irq(struct vm *vm, u32 vcpu, u32 intid)
{
	if (intid < VGIC_NR_PRIVATE)
		return vcpu < vm->nr_vcpus ? &vm->vcpus[vcpu].arch.vgic.priv[intid] : NULL;
	if (intid <= VGIC_MAX_INTID)
		return vm->arch.vgic.spi[intid - 32].owned ? &vm->arch.vgic.spi[intid - 32] : NULL;
	return intid >= VGIC_LPI_BASE ? owned_lpi(vm, intid) : NULL;
}

static u32 irq_vcpu(const struct vm *vm, const struct virq *irq, u32 intid, u32 priv_vcpu)
{
	if (intid < VGIC_NR_PRIVATE)
		return priv_vcpu;
	return vgic_spi_vcpu(irq, vm->nr_vcpus);
}

/* The slot of vm->arch.vgic.lpi[] whose interrupt state q is. */
static u32 lpi_slot(const struct vm *vm, const struct virq *q)
{
	const struct vlpi *l = (const struct vlpi *)(const void *)((const u8 *)q -
								    offsetof(struct vlpi, q));

	return (u32)(l - vm->arch.vgic.lpi);
}

/*
 * &vm->vcpus[i], used through the pointer: left to itself the compiler folds each field
 * access into vm + i * sizeof(struct vcpu) + offset, and a field past a load's immediate
 * range (4 KiB for a byte) costs its own address computation every time (virq_inject: ~11
 * instructions of make bench's pci_intx_lat). The empty asm only hides where v came from.
 */
static inline __attribute__((always_inline)) struct vcpu *vcpu_ptr(struct vm *vm, u32 i)
{
	struct vcpu *v = &vm->vcpus[i];

	__asm__("" : "+r"(v));
	return v;
}

/* Caller holds vm->arch.vgic.lock. Keeps the per-vCPU pending count and bitmaps exact. */
void vgic_set_pending(struct vm *vm, struct virq *irq, u32 intid, bool pending)
{
	struct vgic_cpu *vc;

	if (irq->pending == pending)
		return;
	irq->pending = pending;
	vc = &vcpu_ptr(vm, intid < VGIC_NR_PRIVATE ? irq->owner : irq_vcpu(vm, irq, intid, 0))
		      ->arch.vgic;
	if (pending)
		vc->nr_pending++;
	else
		vc->nr_pending--;
	if (intid < VGIC_NR_PRIVATE) {
		u32 bit = 1u << intid;

		vc->pend_priv = pending ? vc->pend_priv | bit : vc->pend_priv & ~bit;
	} else if (intid >= VGIC_LPI_BASE) {
		u64 bit = 1ULL << lpi_slot(vm, irq);

		vc->pend_lpi = pending ? vc->pend_lpi | bit : vc->pend_lpi & ~bit;
	}
}

void vgic_kick(struct vm *vm, u32 vcpu)
{
	sched_wake(&vm->vcpus[vcpu]);
}

static int free_lr(const struct vcpu *v);
static u64 make_lr(const struct virq *irq, u32 intid);
static bool deliverable(const struct vm *vm, const struct virq *irq);

/* Present irq (intid) to v, loaded here, in the free list register slot. Lock held. */
static inline __attribute__((always_inline)) void lr_fill(struct vcpu *v, u32 slot,
							  struct virq *irq, u32 intid)
{
	lr_write(slot, make_lr(irq, intid));
	v->arch.vgic.lr_intid[slot] = (u16)(intid ? intid : 0xffff);
	v->arch.vgic.lrs_used |= 1u << slot;
	irq->in_lr = true;
}

/*
 * Direct delivery: a HW-backed interrupt (the timer's PPI, a passthrough SPI whose group the
 * distributor forwards), or an SGI (edge, software), for the vCPU
 * loaded on this pCPU, with nothing else waiting for it, goes straight into a free list
 * register (the RT path: no pending bookkeeping, no search; an SGI a vCPU sends itself).
 * Nothing pending means nothing of higher priority is passed over. A completed SGI entry
 * needs nothing done at retirement (edge: no EOI maintenance, no line to sample). Caller
 * holds the lock.
 */
static inline __attribute__((always_inline)) bool inject_direct(struct vcpu *v, struct virq *irq,
								 u32 intid, bool loaded_here)
{
	int slot;

	if (!loaded_here && (cpu()->sched.current != v || v->needs_load))
		return false;
	if (!(irq->hw || (irq->edge && intid < VGIC_NR_SGIS)) || irq->in_lr ||
	    v->arch.vgic.nr_pending || !irq->enabled ||
	    (intid >= 32 && !vgic_group_enabled(&v->vm->arch.vgic, irq)))
		return false; /* (deliverable() asks for the pending state, which an interrupt
			       * being injected has not got: with it no SPI was ever direct) */
	slot = free_lr(v);
	if (slot < 0)
		return false;
	lr_fill(v, (u32)slot, irq, intid);
	return true;
}

/* irq (intid) becomes pending for v: straight into a list register if it can. Lock held. */
static inline __attribute__((always_inline)) void inject_locked(struct vcpu *v, struct virq *irq,
								u32 intid, bool loaded_here)
{
	if (!inject_direct(v, irq, intid, loaded_here) && (!irq->in_lr || irq->hw || irq->edge))
		vgic_set_pending(v->vm, irq, intid, true);
}

void virq_inject(struct vm *vm, u32 intid, u32 target)
{
	struct vcpu *v;
	struct virq *irq;
	u32 dest;

	spin_lock(&vm->arch.vgic.lock);
	irq = vgic_irq(vm, target, intid);
	if (!irq) {
		spin_unlock(&vm->arch.vgic.lock);
		return;
	}
	dest = irq_vcpu(vm, irq, intid, target);
	v = vcpu_ptr(vm, dest);
	inject_locked(v, irq, intid, false);
	spin_unlock(&vm->arch.vgic.lock);
	sched_wake(v); /* loaded here: only wakes it from WFI; elsewhere: kicks its pCPU */
}

/*
 * virq_inject() for a private interrupt (SGI/PPI, intid < 32) of v, the vCPU loaded on
 * this pCPU (the caller checked: cpu()->sched.current == v, !v->needs_load; the virtual
 * timer's handler): no lookups, v's own interrupt state directly, and the wake-up of a
 * loaded vCPU (sched_wake_loaded).
 */
static inline __attribute__((always_inline)) void inject_loaded(struct vcpu *v, u32 intid)
{
	struct vm *vm = v->vm;

	spin_lock(&vm->arch.vgic.lock);
	inject_locked(v, &v->arch.vgic.priv[intid], intid, true);
	spin_unlock(&vm->arch.vgic.lock);
	sched_wake_loaded(v);
}

void virq_inject_loaded(struct vcpu *v, u32 intid)
{
	inject_loaded(v, intid);
}

/*
 * An SGI (intid < 16) for vCPU t of vm from another of its vCPUs, the one loaded here
 * (vgic_sgi.c): t is not loaded here, so nothing can go straight into a list register
 * (inject_direct); it becomes pending for t's next flush and t is woken. virq_inject()
 * without its look-ups: t is a valid index (sgi_target_mask) and an SGI is t's own
 * (priv[].owner = t). An SGI is edge: it is made pending even while a list register holds
 * it (active), as inject_locked() does.
 */
void vgic_sgi_post(struct vm *vm, u32 t, u32 intid)
{
	struct vcpu *v = vcpu_ptr(vm, t);
	struct vgic_cpu *vc = &v->arch.vgic;

	spin_lock(&vm->arch.vgic.lock);
	if (!vc->priv[intid].pending) {
		vc->priv[intid].pending = true;
		vc->nr_pending++;
		vc->pend_priv |= 1u << intid;
	}
	spin_unlock(&vm->arch.vgic.lock);
	sched_wake(v);
}

/* The same for an SGI a vCPU sends itself (vgic_sgi.c): a function of its own, so that
 * each of the two stays inlined in its one caller (the timer's path is the other). */
void vgic_sgi_self(struct vcpu *v, u32 intid)
{
	if (intid < VGIC_NR_SGIS)
		inject_loaded(v, intid);
}

void virq_set_level(struct vm *vm, u32 intid, bool level)
{
	struct virq *irq;
	u32 dest = 0;
	bool kick = false;

	spin_lock(&vm->arch.vgic.lock);
	irq = vgic_irq(vm, 0, intid);
	if (irq && irq->level != level) {
		irq->level = level;
		if (!irq->in_lr)
			vgic_set_pending(vm, irq, intid, level);
		dest = irq_vcpu(vm, irq, intid, 0);
		kick = level;
	}
	spin_unlock(&vm->arch.vgic.lock);
	if (kick)
		vgic_kick(vm, dest);
}

static bool deliverable(const struct vm *vm, const struct virq *irq)
{
	return vgic_deliverable(&vm->arch.vgic, irq);
}

static bool deliverable_priv(const struct virq *irq)
{
	return vgic_deliverable_priv(irq);
}

/*
 * Highest-priority deliverable interrupt for v (lowest priority value), or
 * VGIC_SPURIOUS. Visits only pending private interrupts (bitmap) and the VM's
 * few owned SPIs, so the cost does not grow with the size of the INTID space.
 */
static u32 pick(struct vcpu *v)
{
	return vgic_lr_pick(&v->arch.vgic, &v->vm->arch.vgic, v->id, v->vm->nr_vcpus);
}

static u64 make_lr(const struct virq *irq, u32 intid)
{
	return vgic_lr_make(irq, intid);
}

static int free_lr(const struct vcpu *v)
{
	return vgic_lr_free(v->arch.vgic.lrs_used, nr_lrs);
}

/*
 * The usual case on a real-time vCPU: one interrupt pending, and it is v's own (an SGI, a
 * PPI). No choice of priority to make, no look-up. False, with nothing changed, when it
 * cannot go into a list register now (disabled, held by one, none free): the general
 * loop then decides. Lock held.
 */
static inline __attribute__((always_inline)) bool flush_one_private(struct vcpu *v)
{
	struct vgic_cpu *vc = &v->arch.vgic;
	struct virq *irq;
	u32 intid;
	int slot;

	if (vc->nr_pending != 1 || !vc->pend_priv)
		return false;
	intid = (u32)__builtin_ctz(vc->pend_priv);
	irq = &vc->priv[intid];
	if (!irq->enabled || irq->in_lr || (slot = free_lr(v)) < 0)
		return false;
	irq->pending = false;
	vc->nr_pending = 0;
	vc->pend_priv = 0;
	lr_fill(v, (u32)slot, irq, intid);
	return true;
}

/* Fill free list registers with v's pending interrupts, best first. Lock held. */
static __attribute__((noinline)) void flush_all(struct vcpu *v)
{
	struct vm *vm = v->vm;
	int slot;

	while (v->arch.vgic.nr_pending && (slot = free_lr(v)) >= 0) {
		u32 intid = pick(v);
		struct virq *irq;

		if (intid == VGIC_SPURIOUS)
			break;
		if (intid < VGIC_NR_PRIVATE) { /* v's own: vgic_set_pending() without look-ups */
			irq = &v->arch.vgic.priv[intid];
			irq->pending = false;
			v->arch.vgic.nr_pending--;
			v->arch.vgic.pend_priv &= ~(1u << intid);
		} else {
			irq = vgic_irq(vm, v->id, intid);
			vgic_set_pending(vm, irq, intid, false);
		}
		lr_fill(v, (u32)slot, irq, intid);
	}
}

void vgic_flush(struct vcpu *v)
{
	struct vm *vm = v->vm;
	u64 hcr = ICH_HCR_EN;

	if (__builtin_expect(v->arch.vpe.on && !v->arch.vpe.resident, 0))
		its_v4_load(v); /* gicv4 VM: its vPE resident while the vCPU runs (its_v4.c) */
	if (!v->arch.vgic.nr_pending)
		return;
	spin_lock(&vm->arch.vgic.lock);
	if (!flush_one_private(v))
		flush_all(v);
	if (v->arch.vgic.nr_pending && free_lr(v) < 0)
		hcr |= ICH_HCR_UIE; /* tell us when list registers free up */
	spin_unlock(&vm->arch.vgic.lock);
	write_sysreg(ICH_HCR_EL2, hcr);
	isb();
}

/*
 * Forget list register slot, whose interrupt the guest completed. An entry whose State
 * reads as invalid is inert and is simply overwritten when the slot is used again; only
 * one that asked for an EOI maintenance interrupt must be cleared, else it stays in
 * ICH_EISR_EL2 and keeps the maintenance interrupt asserted (IHI 0069 12.4 ICH_EISR_EL2,
 * ICH_MISR_EL2.EOI).
 */
static inline __attribute__((always_inline)) void retire(struct vcpu *v, u32 slot, bool clear)
{
	u32 intid = v->arch.vgic.lr_intid[slot] == 0xffff ? 0 : v->arch.vgic.lr_intid[slot];
	struct virq *irq = intid < VGIC_NR_PRIVATE ? &v->arch.vgic.priv[intid]
			 : intid >= VGIC_LPI_BASE ? vgic_lpi(v->vm, intid)
						  : vgic_irq(v->vm, v->id, intid);

	if (clear)
		lr_write(slot, 0);
	v->arch.vgic.lr_intid[slot] = 0;
	v->arch.vgic.lrs_used &= ~(1u << slot);
	if (!irq)
		return;
	irq->in_lr = false;
	if (intid >= VGIC_LPI_BASE && !irq->owned) /* unmapped while the guest held it */
		vgic_lpi_free_slot(v->vm, irq);
	else if (!irq->hw && !irq->edge && irq->level)
		vgic_set_pending(v->vm, irq, intid, true);
}

/* The list register of v (loaded here) that holds intid, or -1. */
static int lr_slot_of(const struct vcpu *v, u32 intid)
{
	u16 tag = (u16)(intid ? intid : 0xffff);

	for (u32 i = 0; i < nr_lrs; i++)
		if ((v->arch.vgic.lrs_used & (1u << i)) && v->arch.vgic.lr_intid[i] == tag)
			return (int)i;
	return -1;
}

/* Set or clear the active bit of a list register; one left invalid is retired. */
static void lr_set_active(struct vcpu *v, u32 slot, bool active)
{
	u64 lr = lr_read(slot);

	lr = active ? lr | ICH_LR_ACTIVE : lr & ~ICH_LR_ACTIVE;
	if (lr & ICH_LR_STATE_MASK)
		lr_write(slot, lr);
	else
		retire(v, slot, true);
}

/* Put an interrupt that is not pending into a free list register as active only. */
static bool lr_add_active(struct vcpu *v, struct virq *irq, u32 intid)
{
	int slot = free_lr(v);

	if (slot < 0 || irq->pending)
		return false;
	lr_write((u32)slot, (make_lr(irq, intid) & ~ICH_LR_STATE_MASK) | ICH_LR_ACTIVE);
	v->arch.vgic.lr_intid[slot] = (u16)(intid ? intid : 0xffff);
	v->arch.vgic.lrs_used |= 1u << slot;
	irq->in_lr = true;
	return true;
}

/*
 * A HW-backed interrupt (the virtual timer's PPI, a passthrough SPI) made pending for a
 * vCPU but not yet in a list register keeps its physical interrupt active: only the
 * guest's deactivation of the list-register copy would end that (ICH_LR<n>_EL2.HW, IHI
 * 0069 12.5). When the guest clears the pending state (GICD_ICPENDR, GICR_ICPENDR0), the
 * physical active state must end with it, or the physical interrupt never fires again (a
 * guest lost its own timer this way: make soak's adversary). A level line that is still
 * asserted fires again at once, as ICPENDR leaves an asserted level interrupt pending
 * (IHI 0069 12.9.14). Caller holds the vGIC lock.
 */
bool vgic_hw_release(struct vm *vm, struct vcpu *owner, struct virq *irq, u32 intid)
{
	if (intid < VGIC_NR_PRIVATE) {
		struct vcpu *v = &vm->vcpus[irq_vcpu(vm, irq, intid, owner ? owner->id : 0)];

		if (cpu()->sched.current != v || v->needs_load)
			return false; /* its PPI state is saved with it (vtimer_save) */
	}
	arch_irq_set_active(intid, false);
	return true;
}

/*
 * GICD_I[SC]ACTIVER<n> / GICR_I[SC]ACTIVER0 write for one interrupt (caller holds the vGIC
 * lock). The virtual active state is the list register's State (IHI 0069 12.5 ICH_LR<n>_EL2);
 * for a HW entry the physical interrupt is active exactly while the virtual one is (the
 * guest's deactivation of the virtual INTID deactivates the physical one), so both change
 * together. Only list registers of the vCPU loaded on this pCPU can be changed: for an
 * interrupt held by a vCPU loaded elsewhere, or when no list register is free, the write
 * changes neither copy, so the two never disagree.
 */
void vgic_set_active(struct vm *vm, struct vcpu *owner, struct virq *irq, u32 intid,
		     bool active)
{
	struct vcpu *v = &vm->vcpus[irq_vcpu(vm, irq, intid, owner ? owner->id : 0)];
	int slot;

	if (cpu()->sched.current != v || v->needs_load)
		return;
	slot = irq->in_lr ? lr_slot_of(v, intid) : -1;
	if (slot >= 0)
		lr_set_active(v, (u32)slot, active);
	else if (!active || !lr_add_active(v, irq, intid))
		return; /* already inactive, or no room to make it active */
	if (irq->hw)
		arch_irq_set_active(intid, active);
}

/*
 * Whether v's list register holding intid can be retired without the lock: an SGI (edge,
 * software) or the HW-backed PPI (the virtual timer's; a private interrupt's hw never
 * changes after the vCPU's reset). Neither has a line to sample again, so retiring it
 * changes only v's own bookkeeping, written by the pCPU v is loaded on alone (struct
 * virq, in_lr).
 */
static inline __attribute__((always_inline)) bool retire_lockless(const struct vcpu *v,
								   u32 intid)
{
	return intid < VGIC_NR_PRIVATE && (intid < VGIC_NR_SGIS || v->arch.vgic.priv[intid].hw);
}

static inline __attribute__((always_inline)) void retire_own(struct vcpu *v, u32 slot,
							     u32 intid, bool clear)
{
	if (clear)
		lr_write(slot, 0);
	v->arch.vgic.lr_intid[slot] = 0;
	v->arch.vgic.lrs_used &= ~(1u << slot);
	v->arch.vgic.priv[intid].in_lr = false;
}

/* vgic_sync() for the list registers in slots whose interrupts need the lock. */
static __attribute__((noinline)) void sync_locked(struct vcpu *v, u64 slots, u64 eoi)
{
	spin_lock(&v->vm->arch.vgic.lock);
	for (; slots; slots &= slots - 1) {
		u32 slot = (u32)__builtin_ctzll(slots);

		retire(v, slot, (eoi >> slot) & 1);
	}
	spin_unlock(&v->vm->arch.vgic.lock);
}

/*
 * After an exit: retire the list registers the guest completed. ICH_ELRSR_EL2
 * shows empty ones; an entry that asked for an EOI maintenance interrupt shows
 * in ICH_EISR_EL2 instead (GICv3 spec, ICH_ELRSR_EL2 / ICH_EISR_EL2). SGIs and the
 * timer's PPI without the lock; the lock only when another kind of interrupt completed.
 */
void vgic_sync(struct vcpu *v)
{
	u64 eoi, empty, locked = 0;

	if (!v->arch.vgic.lrs_used)
		return;
	eoi = read_sysreg(ICH_EISR_EL2);
	empty = (read_sysreg(ICH_ELRSR_EL2) | eoi) & v->arch.vgic.lrs_used;
	for (; empty; empty &= empty - 1) {
		u32 slot = (u32)__builtin_ctzll(empty);
		u32 intid = v->arch.vgic.lr_intid[slot] == 0xffff ? 0 : v->arch.vgic.lr_intid[slot];

		if (retire_lockless(v, intid))
			retire_own(v, slot, intid, (eoi >> slot) & 1);
		else
			locked |= 1ull << slot;
	}
	if (locked)
		sync_locked(v, locked, eoi);
}

void vgic_maintenance(struct vcpu *v)
{
	vgic_sync(v);
	write_sysreg(ICH_HCR_EL2, ICH_HCR_EN);
}

/* A pending LPI of v that the CPU interface would signal. Lock held. */
static bool lpi_would_signal(struct vcpu *v, u64 vmcr)
{
	const struct vgic_dist *d = &v->vm->arch.vgic;

	for (u64 m = v->arch.vgic.pend_lpi; m; m &= m - 1) {
		const struct vlpi *l = &d->lpi[__builtin_ctzll(m)];

		if (l->intid && l->q.owned && l->q.target == v->id && deliverable(v->vm, &l->q) &&
		    vgic_would_signal(vmcr, l->q.priority, true))
			return true;
	}
	return false;
}

/* A software-pending interrupt of v that the CPU interface would signal. Lock held. */
static bool soft_would_signal(struct vcpu *v, u64 vmcr)
{
	struct vm *vm = v->vm;

	for (u32 m = v->arch.vgic.pend_priv; m; m &= m - 1) {
		const struct virq *q = &v->arch.vgic.priv[__builtin_ctz(m)];

		if (deliverable_priv(q) && vgic_would_signal(vmcr, q->priority, q->group1))
			return true;
	}
	for (u32 k = 0; k < vm->arch.vgic.nr_owned; k++) {
		u32 intid = vm->arch.vgic.owned[k];
		const struct virq *q = &vm->arch.vgic.spi[intid - 32];

		if (deliverable(vm, q) && irq_vcpu(vm, q, intid, 0) == v->id &&
		    vgic_would_signal(vmcr, q->priority, q->group1))
			return true;
	}
	return v->arch.vgic.lpis_on && lpi_would_signal(v, vmcr);
}

/* A software-pending interrupt of v that would be signalled, under the lock. */
static __attribute__((noinline)) bool soft_pending(struct vcpu *v, u64 vmcr)
{
	bool any;

	spin_lock(&v->vm->arch.vgic.lock);
	any = soft_would_signal(v, vmcr);
	spin_unlock(&v->vm->arch.vgic.lock);
	return any;
}

/* vgic_has_pending() once something is pending or in a list register: out of line, so
 * that the usual answer on a waiting real-time vCPU ("nothing") takes no stack frame. */
static __attribute__((noinline)) bool has_pending(struct vcpu *v)
{
	u64 vmcr = read_sysreg(ICH_VMCR_EL2);

	if (v->arch.vgic.nr_pending && soft_pending(v, vmcr))
		return true;
	for (u32 m = v->arch.vgic.lrs_used; m; m &= m - 1) /* only the slots in use */
		if (vgic_lr_would_signal(lr_read((u32)__builtin_ctz(m)), vmcr))
			return true;
	return false;
}

/*
 * Whether the loaded vCPU v has an interrupt that would be signalled to it, i.e. one
 * that ends a WFI (Arm ARM D1.6.2; GIC IHI 0069 4.8): pending, its group enabled in
 * ICH_VMCR_EL2 and its priority above the guest's mask (vgic_decode.c). An interrupt the
 * guest masked by priority or group stays pending without keeping the vCPU awake.
 */
bool vgic_has_pending(struct vcpu *v)
{
	return (v->arch.vgic.nr_pending || v->arch.vgic.lrs_used) && has_pending(v);
}

/*
 * Put v (loaded here) in WFI unless an interrupt would wake it. A wake-up races
 * with this: virq_inject() on another pCPU marks the interrupt pending, then
 * reads v->state to wake it (sched_wake). Each side stores its own flag, fences,
 * then loads the other's, so at least one of them sees the other: either the
 * re-check here finds the interrupt, or the injector finds VCPU_WFI and wakes v.
 * (Without the re-check a wake-up between the check and the store was lost and
 * the vCPU slept with its SGI pending: make bench's sgi_ipi hung.)
 */
void virq_wait(struct vcpu *v)
{
	if (vgic_has_pending(v))
		return;
	v->state = VCPU_WFI;
	sched_mark_resched(v->pcpu); /* not resumed on the fast path (PSCI CPU_SUSPEND is
				      * an HVC); its fence is the one described above */
	if (vgic_has_pending(v))
		v->state = VCPU_RUNNABLE;
	/* gicv4: while it waits its vPE is not resident, so an MSI for it raises the doorbell
	 * (an interrupt at EL2 that wakes it); one that came before is PendingLast */
	else if (v->arch.vpe.on && its_v4_put(v))
		v->state = VCPU_RUNNABLE;
}

void vgic_hw_save(struct vcpu *v)
{
	for (u32 i = 0; i < nr_lrs; i++)
		v->arch.gich.lr[i] = lr_read(i);
	v->arch.gich.vmcr = read_sysreg(ICH_VMCR_EL2);
	v->arch.gich.ap0r0 = read_sysreg(ICH_AP0R0_EL2);
	v->arch.gich.ap1r0 = read_sysreg(ICH_AP1R0_EL2);
}

void vgic_hw_restore(struct vcpu *v)
{
	for (u32 i = 0; i < nr_lrs; i++)
		lr_write(i, v->arch.gich.lr[i]);
	write_sysreg(ICH_VMCR_EL2, v->arch.gich.vmcr);
	write_sysreg(ICH_AP0R0_EL2, v->arch.gich.ap0r0);
	write_sysreg(ICH_AP1R0_EL2, v->arch.gich.ap1r0);
	write_sysreg(ICH_HCR_EL2, ICH_HCR_EN);
}

/* Caller holds the vgic lock. HW-backed interrupts mirror the enable to the GIC. */
void vgic_set_enable(struct virq *q, u32 intid, bool on)
{
	q->enabled = on;
	if (q->hw && intid >= 32)
		arch_irq_enable(intid, on);
}
