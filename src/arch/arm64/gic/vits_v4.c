/*
 * The virtual ITS of a `gicv4` VM (docs/pci.md "GICv4 direct injection"): after every
 * command the guest's translations (vits_cmd.c's private tables, already checked) are
 * compared with what the physical ITS was last told for each reserved event, and only
 * the differences are issued (its_v4.c): a newly mapped event becomes a vLPI (VMAPTI),
 * a moved one follows its vCPU (VMOVI), an unmapped one returns to its physical LPI.
 * INV, INT and CLEAR of a mapped event and INVALL of a collection are passed on in
 * their physical or virtual form. A command the physical ITS did not complete is
 * counted and reported once; the event then stays on the GICv3 path.
 *
 * Caller holds the VM's vITS lock (the tables change only under it).
 */
#include <arch/its.h>
#include <arch/its_cmd.h>
#include <arch/vgic.h>
#include <arch/vits_v4.h>
#include <err.h>
#include <lib.h>
#include <printk.h>
#include <vm.h>

struct v4_event {
	u16 vintid;   /* 0: the physical LPI path */
	u8 vcpu;
};

struct v4_vm {
	struct v4_event ev[VITS_FNS][VITS_EVENTS];
	u64 failed;
	u64 doorbells;
	bool reported;
	char text[96];  /* vits_v4_summary's (the shell's pCPU only) */
};

static struct v4_vm v4s[CFG_MAX_VMS];

static void v4_failed(struct vm *vm, const char *what, int r)
{
	struct v4_vm *w = &v4s[vm->id];

	w->failed++;
	if (w->reported)
		return;
	w->reported = true;
	printk("rtvisor: vm '%s': gicv4: %s on the physical ITS failed (%s); the event stays on "
	       "the GICv3 path (reported once)\n", vm->cfg->name, what, err_name(r));
}

/* Issue what makes event e of function fn translate as t says. */
static void sync_event(struct vm *vm, const struct vits_tables *t, u32 fn, u32 e)
{
	struct v4_event *have = &v4s[vm->id].ev[fn][e];
	const struct vits_ite *ite;
	u32 vcpu = 0, vintid = 0;
	int r;

	ite = vits_translate(t, fn, e, &vcpu);
	if (ite)
		vintid = ite->vintid;
	else
		vcpu = 0;
	if (have->vintid == vintid && (!vintid || have->vcpu == vcpu))
		return;
	if (have->vintid == vintid) { /* MOVI, MOVALL, MAPC of its collection */
		r = its_v4_move_event(vm, fn, e, vcpu);
		if (r)
			v4_failed(vm, "VMOVI", r);
		else
			have->vcpu = (u8)vcpu;
		return;
	}
	r = its_v4_map_event(vm, fn, e, vcpu, vintid);
	if (r) {
		v4_failed(vm, vintid ? "VMAPTI" : "MAPTI", r);
		if (!vintid)
			return;  /* keep the old state: the next command tries again */
		vintid = 0; /* DISCARD went first: no translation is left at worst */
	}
	have->vintid = (u16)vintid;
	have->vcpu = (u8)vcpu;
}

void vits_v4_sync(struct vm *vm, const struct vits_tables *t)
{
	if (!vm->arch.gicv4)
		return;
	for (u32 fn = 0; fn < t->nr_fns; fn++)
		for (u32 e = 0; e < t->dev[fn].reserved && e < VITS_EVENTS; e++)
			sync_event(vm, t, fn, e);
}

/* The (function, event) translating to vLPI intid, or false. */
static bool event_of(const struct vm *vm, const struct vits_tables *t, u32 intid, u32 *fn,
		     u32 *e)
{
	const struct v4_vm *w = &v4s[vm->id];

	for (*fn = 0; *fn < t->nr_fns; (*fn)++)
		for (*e = 0; *e < t->dev[*fn].reserved && *e < VITS_EVENTS; (*e)++)
			if (w->ev[*fn][*e].vintid == intid)
				return true;
	return false;
}

void vits_v4_effect(struct vm *vm, const struct vits_tables *t, const struct vits_effect *fx)
{
	static const u8 op_of[] = { [VFX_INV] = ITS_INV, [VFX_INT] = ITS_INT,
				    [VFX_CLEAR] = ITS_CLEAR };
	u32 fn, e;
	int r;

	if (!vm->arch.gicv4)
		return;
	if (fx->kind == VFX_INVALL) {
		r = its_v4_vinvall(vm, fx->vcpu);
		if (r)
			v4_failed(vm, "VINVALL", r);
		return;
	}
	if (fx->kind >= ARRAY_SIZE(op_of) || !op_of[fx->kind] || !event_of(vm, t, fx->intid, &fn, &e))
		return; /* MAP/UNMAP/MOVE: vits_v4_sync */
	r = its_v4_event_cmd(vm, fn, e, op_of[fx->kind]);
	if (r)
		v4_failed(vm, "INV/INT/CLEAR", r);
}

bool vits_v4_doorbell(struct vm *vm, u32 fn, u32 event)
{
	const struct v4_event *ev;

	if (!vm->arch.gicv4 || fn >= VITS_FNS || event >= VITS_EVENTS)
		return false;
	ev = &v4s[vm->id].ev[fn][event];
	if (!__atomic_load_n(&ev->vintid, __ATOMIC_RELAXED))
		return false;
	__atomic_fetch_add(&v4s[vm->id].doorbells, 1, __ATOMIC_RELAXED);
	vgic_kick(vm, ev->vcpu); /* the vLPI waits in its VPT; residency delivers it */
	return true;
}

const char *vits_v4_summary(const struct vm *vm)
{
	struct v4_vm *w = &v4s[vm->id];

	snprintf(w->text, sizeof(w->text), "doorbells %lu, physical ITS commands failed %lu",
		 __atomic_load_n(&w->doorbells, __ATOMIC_RELAXED), w->failed);
	return w->text;
}

void vits_v4_show_event(const struct vm *vm, u32 fn, u32 event)
{
	const struct v4_event *ev;
	const struct vcpu *v;

	if (!vm->arch.gicv4 || fn >= VITS_FNS || event >= VITS_EVENTS)
		return;
	ev = &v4s[vm->id].ev[fn][event];
	if (!ev->vintid) {
		printk("      gicv4: physical LPI path\n");
		return;
	}
	v = &vm->vcpus[ev->vcpu];
	printk("      gicv4: vLPI %u on vPE %u (vCPU %u, %s)\n", ev->vintid, v->arch.vpe.vpeid,
	       ev->vcpu, v->arch.vpe.resident ? "resident" : "not resident");
}
