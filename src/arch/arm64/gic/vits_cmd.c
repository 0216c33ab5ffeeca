/*
 * Checking and applying vITS commands (see arch/vits_cmd.h). Command semantics from IHI
 * 0069 5.3 "ITS commands" / 6.3; what the architecture calls a command error (an
 * unmapped device, an out-of-range ID) is a refusal here: counted and reported by the
 * caller, the command skipped, nothing changed.
 */
#include <arch/vits_cmd.h>
#include <err.h>
#include <lib.h>

#define LPI_BASE 8192u

static const char *const refusal_names[VITS_NR_REFUSALS] = {
	[VITS_OK] = "ok",
	[VITS_BAD_OP] = "unknown command",
	[VITS_FOREIGN_DEV] = "DeviceID is not a function of this VM with msi-events",
	[VITS_DEV_UNMAPPED] = "DeviceID not mapped (MAPD)",
	[VITS_SIZE] = "MAPD Size beyond the EventID bits",
	[VITS_EVENT_RANGE] = "EventID not reserved (msi-events) or beyond MAPD Size",
	[VITS_EVENT_UNMAPPED] = "EventID not mapped (MAPTI)",
	[VITS_INTID_RANGE] = "vINTID is not an LPI of this VM",
	[VITS_INTID_BUSY] = "vINTID already translates another event",
	[VITS_COLL_RANGE] = "ICID beyond the collections",
	[VITS_COLL_UNMAPPED] = "collection not mapped (MAPC)",
	[VITS_TARGET] = "target is not a vCPU of this VM",
};

const char *vits_refusal_name(enum vits_refusal r)
{
	return (u32)r < VITS_NR_REFUSALS ? refusal_names[r] : "?";
}

void vits_tables_init(struct vits_tables *t, u32 nr_vcpus, u32 lpi_end)
{
	memset(t, 0, sizeof(*t));
	t->nr_vcpus = nr_vcpus;
	t->lpi_end = lpi_end;
}

int vits_tables_add_fn(struct vits_tables *t, u32 devid, u32 reserved)
{
	if (t->nr_fns == VITS_FNS)
		return ERR_FULL;
	if (reserved > VITS_EVENTS)
		return ERR_RANGE;
	t->dev[t->nr_fns++] = (struct vits_dev){ .devid = devid, .reserved = reserved };
	return 0;
}

int vits_fn_of(const struct vits_tables *t, u32 devid)
{
	for (u32 k = 0; k < t->nr_fns; k++)
		if (t->dev[k].devid == devid && t->dev[k].reserved)
			return (int)k;
	return -1;
}

static void fx_add(struct vits_effect *fx, u32 *n, enum vits_fx kind, u32 intid, u32 vcpu)
{
	if (*n < VITS_MAX_EFFECTS)
		fx[(*n)++] = (struct vits_effect){ .kind = (u8)kind, .intid = (u16)intid,
						   .vcpu = (u16)vcpu };
}

/* The device of c, mapped: VITS_OK and *d, or why not. */
static enum vits_refusal dev_of(struct vits_tables *t, const struct its_cmd *c,
				struct vits_dev **d)
{
	int k = vits_fn_of(t, its_cmd_devid(c));

	if (k < 0)
		return VITS_FOREIGN_DEV;
	*d = &t->dev[k];
	return (*d)->mapped ? VITS_OK : VITS_DEV_UNMAPPED;
}

/* The mapped event of c: VITS_OK and *ite. */
static enum vits_refusal ite_of(struct vits_tables *t, const struct its_cmd *c,
				struct vits_ite **ite)
{
	struct vits_dev *d;
	enum vits_refusal r = dev_of(t, c, &d);
	u32 ev = its_cmd_event(c);

	if (r)
		return r;
	if (ev >= d->reserved || ev >= (1u << d->event_bits))
		return VITS_EVENT_RANGE;
	*ite = &d->ite[ev];
	return (*ite)->valid ? VITS_OK : VITS_EVENT_UNMAPPED;
}

static enum vits_refusal coll_of(const struct vits_tables *t, u32 icid, u32 *vcpu)
{
	if (icid >= VITS_COLLECTIONS)
		return VITS_COLL_RANGE;
	if (!t->coll_valid[icid])
		return VITS_COLL_UNMAPPED;
	*vcpu = t->coll_vcpu[icid];
	return VITS_OK;
}

static void unmap_ite(struct vits_ite *ite, struct vits_effect *fx, u32 *nfx)
{
	if (ite->valid)
		fx_add(fx, nfx, VFX_UNMAP, ite->vintid, 0);
	ite->valid = false;
}

void vits_dev_unmap(struct vits_tables *t, u32 fn, struct vits_effect *fx, u32 *nfx)
{
	struct vits_dev *d = &t->dev[fn];

	for (u32 e = 0; e < VITS_EVENTS; e++)
		unmap_ite(&d->ite[e], fx, nfx);
	d->mapped = false;
	d->event_bits = 0;
}

static enum vits_refusal cmd_mapd(struct vits_tables *t, const struct its_cmd *c,
				  struct vits_effect *fx, u32 *nfx)
{
	int k = vits_fn_of(t, its_cmd_devid(c));

	if (k < 0)
		return VITS_FOREIGN_DEV;
	if (its_cmd_valid(c) && its_cmd_size(c) + 1 > VITS_EVENT_BITS)
		return VITS_SIZE;
	vits_dev_unmap(t, (u32)k, fx, nfx); /* a new ITT (or none): old translations go */
	if (its_cmd_valid(c)) {
		t->dev[k].mapped = true;
		t->dev[k].event_bits = its_cmd_size(c) + 1;
	}
	return VITS_OK;
}

/* Does any event other than self translate to intid? */
static bool intid_busy(const struct vits_tables *t, u32 intid, const struct vits_ite *self)
{
	for (u32 k = 0; k < t->nr_fns; k++)
		for (u32 e = 0; e < VITS_EVENTS; e++) {
			const struct vits_ite *i = &t->dev[k].ite[e];

			if (i != self && i->valid && i->vintid == intid)
				return true;
		}
	return false;
}

static enum vits_refusal cmd_mapti(struct vits_tables *t, const struct its_cmd *c,
				   struct vits_effect *fx, u32 *nfx)
{
	struct vits_ite *ite = NULL;
	enum vits_refusal r = ite_of(t, c, &ite);
	u32 intid = its_cmd_op(c) == ITS_MAPI ? its_cmd_event(c) : its_cmd_intid(c), vcpu;

	if (r && r != VITS_EVENT_UNMAPPED)
		return r;
	if (intid < LPI_BASE || intid >= t->lpi_end)
		return VITS_INTID_RANGE;
	r = coll_of(t, its_cmd_icid(c), &vcpu);
	if (r)
		return r;
	if (intid_busy(t, intid, ite))
		return VITS_INTID_BUSY;
	if (ite->valid && ite->vintid != intid)
		unmap_ite(ite, fx, nfx);
	*ite = (struct vits_ite){ .valid = true, .vintid = (u16)intid,
				  .icid = (u16)its_cmd_icid(c) };
	fx_add(fx, nfx, VFX_MAP, intid, vcpu);
	return VITS_OK;
}

static enum vits_refusal cmd_mapc(struct vits_tables *t, const struct its_cmd *c,
				  struct vits_effect *fx, u32 *nfx)
{
	u32 icid = its_cmd_icid(c);
	u64 rd = its_cmd_rdbase(c);

	if (icid >= VITS_COLLECTIONS)
		return VITS_COLL_RANGE;
	if (its_cmd_valid(c) && rd >= t->nr_vcpus)
		return VITS_TARGET;
	t->coll_valid[icid] = its_cmd_valid(c);
	if (!t->coll_valid[icid])
		return VITS_OK;
	t->coll_vcpu[icid] = (u16)rd;
	for (u32 k = 0; k < t->nr_fns; k++) /* the collection's LPIs follow it */
		for (u32 e = 0; e < VITS_EVENTS; e++)
			if (t->dev[k].ite[e].valid && t->dev[k].ite[e].icid == icid)
				fx_add(fx, nfx, VFX_MOVE, t->dev[k].ite[e].vintid, (u32)rd);
	return VITS_OK;
}

/* Commands naming one event: MOVI, DISCARD, INV, INT, CLEAR. */
static enum vits_refusal cmd_event(struct vits_tables *t, const struct its_cmd *c,
				   struct vits_effect *fx, u32 *nfx)
{
	struct vits_ite *ite;
	enum vits_refusal r = ite_of(t, c, &ite);
	u32 vcpu;

	if (r)
		return r;
	switch (its_cmd_op(c)) {
	case ITS_MOVI:
		r = coll_of(t, its_cmd_icid(c), &vcpu);
		if (r)
			return r;
		ite->icid = (u16)its_cmd_icid(c);
		fx_add(fx, nfx, VFX_MOVE, ite->vintid, vcpu);
		break;
	case ITS_DISCARD: unmap_ite(ite, fx, nfx); break;
	case ITS_INV: fx_add(fx, nfx, VFX_INV, ite->vintid, 0); break;
	case ITS_INT: fx_add(fx, nfx, VFX_INT, ite->vintid, 0); break;
	default: fx_add(fx, nfx, VFX_CLEAR, ite->vintid, 0); break;
	}
	return VITS_OK;
}

/* MOVALL: the LPIs of collections on vCPU rd1 go to rd2 (their collections with them). */
static enum vits_refusal cmd_movall(struct vits_tables *t, const struct its_cmd *c,
				    struct vits_effect *fx, u32 *nfx)
{
	u64 from = its_cmd_rdbase(c), to = its_cmd_rdbase2(c);

	if (from >= t->nr_vcpus || to >= t->nr_vcpus)
		return VITS_TARGET;
	for (u32 k = 0; k < t->nr_fns; k++)
		for (u32 e = 0; e < VITS_EVENTS; e++) {
			const struct vits_ite *i = &t->dev[k].ite[e];

			if (i->valid && t->coll_valid[i->icid] && t->coll_vcpu[i->icid] == from)
				fx_add(fx, nfx, VFX_MOVE, i->vintid, (u32)to);
		}
	for (u32 n = 0; n < VITS_COLLECTIONS; n++)
		if (t->coll_valid[n] && t->coll_vcpu[n] == from)
			t->coll_vcpu[n] = (u16)to;
	return VITS_OK;
}

enum vits_refusal vits_cmd_apply(struct vits_tables *t, const struct its_cmd *c,
				 struct vits_effect *fx, u32 *nfx)
{
	u32 vcpu;
	enum vits_refusal r;

	*nfx = 0;
	switch (its_cmd_op(c)) {
	case ITS_MAPD: return cmd_mapd(t, c, fx, nfx);
	case ITS_MAPC: return cmd_mapc(t, c, fx, nfx);
	case ITS_MAPTI:
	case ITS_MAPI: return cmd_mapti(t, c, fx, nfx);
	case ITS_MOVI:
	case ITS_DISCARD:
	case ITS_INV:
	case ITS_INT:
	case ITS_CLEAR: return cmd_event(t, c, fx, nfx);
	case ITS_MOVALL: return cmd_movall(t, c, fx, nfx);
	case ITS_INVALL:
		r = coll_of(t, its_cmd_icid(c), &vcpu);
		if (!r)
			fx_add(fx, nfx, VFX_INVALL, 0, vcpu);
		return r;
	case ITS_SYNC:
		return its_cmd_rdbase(c) < t->nr_vcpus ? VITS_OK : VITS_TARGET;
	default:
		return VITS_BAD_OP;
	}
}

const struct vits_ite *vits_translate(const struct vits_tables *t, u32 fn, u32 event,
				      u32 *vcpu)
{
	const struct vits_ite *ite;

	if (fn >= t->nr_fns || event >= VITS_EVENTS || !t->dev[fn].mapped)
		return NULL;
	ite = &t->dev[fn].ite[event];
	if (!ite->valid || !t->coll_valid[ite->icid])
		return NULL;
	*vcpu = t->coll_vcpu[ite->icid];
	return ite;
}
