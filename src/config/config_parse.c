/*
 * Scenario blob -> struct scenario (format: docs/config.md).
 *
 * Only the syntax is checked here (known properties, lengths, types, limits);
 * config_check() decides whether the scenario is valid for a machine.
 * Every refusal names the VM and the field: "vm 'rt': memory@40000000.reg: ...".
 */
#include <config.h>
#include <config_err.h>
#include <fdt.h>
#include <lib.h>

#define SCENARIO_COMPAT "rtvisor,scenario-v1"
#define LABEL_LEN 48U
#define CELLS(n) ((n) * 4)

struct pctx {
	struct fdt f;
	struct scenario *s;
	struct cfg_error *err;
	char vm[LABEL_LEN];   /* current VM (node name), "" outside a VM */
	char node[LABEL_LEN]; /* current sub-node name, "" for VM-level properties */
};

static int perr(struct pctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* "vm '<vm>': <node><msg>" (the message adds "." or ": "), "scenario: <msg>" outside a VM. */
static int perr(struct pctx *c, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = cfg_verr(c->err, c->vm[0] ? c->vm : NULL, c->node, fmt, ap);
	va_end(ap);
	return r;
}

/* Prefix for a field of the current node: "." after a sub-node name, else "". */
static const char *dot(const struct pctx *c)
{
	return c->node[0] ? "." : "";
}

static const char *sep(const struct pctx *c)
{
	return c->node[0] ? ": " : "";
}

static int want_cells(struct pctx *c, const char *field, int len, int cells)
{
	if (len != CELLS(cells))
		return perr(c, "%s%s: expected %d cell%s", dot(c), field, cells,
			    cells == 1 ? "" : "s");
	return 0;
}

static int want_bool(struct pctx *c, const char *field, int len)
{
	if (len != 0)
		return perr(c, "%s%s: expected a boolean (empty) property", dot(c), field);
	return 0;
}

static int want_label(struct pctx *c, const u8 *p, int len, char *out)
{
	const char *str = fdt_string(p, len);

	if (!str || len < 2 || len > (int)CFG_NAME_LEN)
		return perr(c, "%slabel: expected a string of 1 to %u characters", dot(c),
			    (unsigned)(CFG_NAME_LEN - 1));
	rtv_strlcpy(out, str, CFG_NAME_LEN);
	return 0;
}

/* #address-cells / #size-cells are accepted (for dtc's checks) but must be <2>. */
static int want_two(struct pctx *c, const char *field, const u8 *p, int len)
{
	if (len != 4 || fdt_be32(p) != 2)
		return perr(c, "%s%s: expected <2>", dot(c), field);
	return 0;
}

static bool is_cells_prop(const char *name)
{
	return name && (strcmp(name, "#address-cells") == 0 || strcmp(name, "#size-cells") == 0);
}

/* ---- property dispatch ---- */

struct prop_handler {
	const char *name;
	int (*fn)(struct pctx *c, void *obj, const u8 *p, int len);
};

/*
 * Run the matching handler for every property of node; unknown or duplicate
 * properties are refused. 'seen' gets one bit per handler that ran.
 */
static int dispatch_props(struct pctx *c, int node, const struct prop_handler *h, size_t nh,
			  void *obj, u32 *seen)
{
	int i, count = fdt_prop_count(&c->f, node);

	*seen = 0;
	for (i = 0; i < count; i++) {
		const char *name = fdt_prop_name_at(&c->f, node, i);
		int len;
		const u8 *p = fdt_prop(&c->f, node, name, &len);
		size_t k;

		if (!name || !p)
			return perr(c, "%sunreadable property", sep(c));
		for (k = 0; k < nh && strcmp(h[k].name, name) != 0; k++)
			;
		if (k == nh)
			return perr(c, "%sunknown property '%s'", sep(c), name);
		if (*seen & (1U << k))
			return perr(c, "%s%s: duplicate property", dot(c), name);
		*seen |= 1U << k;
		if (h[k].fn(c, obj, p, len) < 0)
			return -1;
	}
	return 0;
}

static int require(struct pctx *c, u32 seen, u32 bit, const char *field)
{
	if (!(seen & (1U << bit)))
		return perr(c, "%s%s: missing (required)", dot(c), field);
	return 0;
}

/* ---- VM properties ---- */

static int vm_cpus(struct pctx *c, void *obj, const u8 *p, int len)
{
	struct cfg_vm *vm = obj;
	u32 i;

	if (len <= 0 || len % 4 != 0 || len > CELLS((int)CFG_MAX_VCPUS))
		return perr(c, "cpus: expected 1 to %u cells", (unsigned)CFG_MAX_VCPUS);
	vm->nr_vcpus = (u32)len / 4U;
	for (i = 0; i < vm->nr_vcpus; i++)
		vm->vcpu_pcpu[i] = fdt_be32(p + i * 4U);
	return 0;
}

static int vm_entry(struct pctx *c, void *obj, const u8 *p, int len)
{
	struct cfg_vm *vm = obj;

	if (want_cells(c, "entry", len, 2) < 0)
		return -1;
	vm->entry = fdt_be64(p);
	return 0;
}

static int vm_dtb(struct pctx *c, void *obj, const u8 *p, int len)
{
	struct cfg_vm *vm = obj;

	if (want_cells(c, "dtb", len, 2) < 0)
		return -1;
	vm->dtb_ipa = fdt_be64(p);
	vm->has_dtb = true;
	return 0;
}

static int vm_bootargs(struct pctx *c, void *obj, const u8 *p, int len)
{
	struct cfg_vm *vm = obj;
	const char *str = fdt_string(p, len); /* "" is fine */

	if (!str || len > (int)CFG_BOOTARGS_MAX + 1)
		return perr(c, "bootargs: expected a string of at most %u characters",
			    (unsigned)CFG_BOOTARGS_MAX);
	vm->bootargs = str;
	return 0;
}

static int vm_console(struct pctx *c, void *obj, const u8 *p, int len)
{
	struct cfg_vm *vm = obj;

	(void)p;
	if (want_bool(c, "console", len) < 0)
		return -1;
	vm->console = true;
	return 0;
}

static int vm_no_autostart(struct pctx *c, void *obj, const u8 *p, int len)
{
	struct cfg_vm *vm = obj;

	(void)p;
	if (want_bool(c, "no-autostart", len) < 0)
		return -1;
	vm->autostart = false;
	return 0;
}

static int vm_fault_policy(struct pctx *c, void *obj, const u8 *p, int len)
{
	struct cfg_vm *vm = obj;
	const char *str = fdt_string(p, len);

	if (str && strcmp(str, "inject") == 0)
		vm->fault_policy = FAULT_POLICY_INJECT;
	else if (str && strcmp(str, "stop") == 0)
		vm->fault_policy = FAULT_POLICY_STOP;
	else
		return perr(c, "fault-policy: expected \"inject\" or \"stop\"");
	return 0;
}

static int vm_addr_cells(struct pctx *c, void *obj, const u8 *p, int len)
{
	(void)obj;
	return want_two(c, "#address-cells", p, len);
}

static int vm_size_cells(struct pctx *c, void *obj, const u8 *p, int len)
{
	(void)obj;
	return want_two(c, "#size-cells", p, len);
}

static int vm_pool(struct pctx *c, void *obj, const u8 *p, int len)
{
	return want_label(c, p, len, ((struct cfg_vm *)obj)->pool) < 0
		       ? perr(c, "pool: expected a pool name") : 0;
}

static int vm_u32(struct pctx *c, const char *field, const u8 *p, int len, u32 lo, u32 hi,
		  u32 *out)
{
	if (want_cells(c, field, len, 1) < 0)
		return -1;
	*out = fdt_be32(p);
	if (*out < lo || *out > hi)
		return perr(c, "%s: %u out of range %u..%u", field, *out, lo, hi);
	return 0;
}

static int vm_weight(struct pctx *c, void *obj, const u8 *p, int len)
{
	return vm_u32(c, "weight", p, len, 1, CFG_WEIGHT_MAX, &((struct cfg_vm *)obj)->weight);
}

static int vm_priority(struct pctx *c, void *obj, const u8 *p, int len)
{
	struct cfg_vm *vm = obj;

	vm->has_priority = true;
	return vm_u32(c, "priority", p, len, 0, CFG_PRIO_MAX, &vm->priority);
}

static int vm_privileged(struct pctx *c, void *obj, const u8 *p, int len)
{
	(void)p;
	if (want_bool(c, "privileged", len) < 0)
		return -1;
	((struct cfg_vm *)obj)->privileged = true;
	return 0;
}

enum { VMP_CPUS, VMP_ENTRY };
static const struct prop_handler vm_props[] = {
	{ "cpus", vm_cpus },
	{ "entry", vm_entry },
	{ "dtb", vm_dtb },
	{ "bootargs", vm_bootargs },
	{ "console", vm_console },
	{ "no-autostart", vm_no_autostart },
	{ "fault-policy", vm_fault_policy },
	{ "#address-cells", vm_addr_cells },
	{ "#size-cells", vm_size_cells },
	{ "pool", vm_pool },
	{ "weight", vm_weight },
	{ "priority", vm_priority },
	{ "privileged", vm_privileged },
};

/* ---- memory@ ---- */

static int mem_reg(struct pctx *c, void *obj, const u8 *p, int len)
{
	struct cfg_mem *m = obj;

	if (want_cells(c, "reg", len, 4) < 0)
		return -1;
	m->ipa = fdt_be64(p);
	m->size = fdt_be64(p + 8);
	return 0;
}

static int mem_phys(struct pctx *c, void *obj, const u8 *p, int len)
{
	struct cfg_mem *m = obj;

	if (want_cells(c, "phys", len, 2) < 0)
		return -1;
	m->phys = fdt_be64(p);
	m->has_phys = true;
	return 0;
}

static int mem_identity(struct pctx *c, void *obj, const u8 *p, int len)
{
	struct cfg_mem *m = obj;

	(void)p;
	if (want_bool(c, "identity", len) < 0)
		return -1;
	m->identity = true;
	return 0;
}

enum { MEMP_REG, MEMP_PHYS, MEMP_IDENTITY };
static const struct prop_handler mem_props[] = {
	{ "reg", mem_reg },
	{ "phys", mem_phys },
	{ "identity", mem_identity },
};

static int parse_memory(struct pctx *c, struct cfg_vm *vm, int node)
{
	struct cfg_mem *m;
	u32 seen;

	if (vm->nr_mem >= CFG_MAX_MEM)
		return perr(c, ": too many memory regions (max %u)", (unsigned)CFG_MAX_MEM);
	m = &vm->mem[vm->nr_mem];
	memset(m, 0, sizeof(*m));
	if (dispatch_props(c, node, mem_props, ARRAY_SIZE(mem_props), m, &seen) < 0 ||
	    require(c, seen, MEMP_REG, "reg") < 0)
		return -1;
	if ((seen & (1U << MEMP_PHYS)) && (seen & (1U << MEMP_IDENTITY)))
		return perr(c, ": 'phys' and 'identity' are mutually exclusive");
	if (m->identity) {
		m->phys = m->ipa;
		m->has_phys = true;
	}
	vm->nr_mem++;
	return 0;
}

/* ---- image@ ---- */

static int img_load(struct pctx *c, void *obj, const u8 *p, int len)
{
	struct cfg_image *im = obj;

	if (want_cells(c, "load", len, 2) < 0)
		return -1;
	im->load_ipa = fdt_be64(p);
	return 0;
}

static int img_data(struct pctx *c, void *obj, const u8 *p, int len)
{
	struct cfg_image *im = obj;

	if (len <= 0)
		return perr(c, ".data: empty image");
	im->data = p;
	im->size = (u64)len;
	return 0;
}

static int img_label(struct pctx *c, void *obj, const u8 *p, int len)
{
	struct cfg_image *im = obj;

	return want_label(c, p, len, im->name);
}

enum { IMGP_LOAD, IMGP_DATA };
static const struct prop_handler img_props[] = {
	{ "load", img_load },
	{ "data", img_data },
	{ "label", img_label },
};

static int parse_image(struct pctx *c, struct cfg_vm *vm, int node)
{
	struct cfg_image *im;
	u32 seen;

	if (vm->nr_images >= CFG_MAX_IMAGES)
		return perr(c, ": too many images (max %u)", (unsigned)CFG_MAX_IMAGES);
	im = &vm->images[vm->nr_images];
	memset(im, 0, sizeof(*im));
	rtv_strlcpy(im->name, c->node, CFG_NAME_LEN);
	if (dispatch_props(c, node, img_props, ARRAY_SIZE(img_props), im, &seen) < 0 ||
	    require(c, seen, IMGP_LOAD, "load") < 0 || require(c, seen, IMGP_DATA, "data") < 0)
		return -1;
	if (strcmp(im->name, CFG_INITRD_LABEL) == 0) {
		if (vm->initrd_image >= 0)
			return perr(c, ".label: a VM has at most one \"" CFG_INITRD_LABEL "\" image");
		vm->initrd_image = (int)vm->nr_images;
	}
	vm->nr_images++;
	return 0;
}

/* ---- device@ ---- */

static int dev_reg(struct pctx *c, void *obj, const u8 *p, int len)
{
	struct cfg_dev *d = obj;

	if (want_cells(c, "reg", len, 4) < 0)
		return -1;
	d->base = fdt_be64(p);
	d->size = fdt_be64(p + 8);
	return 0;
}

static int dev_irqs(struct pctx *c, void *obj, const u8 *p, int len)
{
	struct cfg_dev *d = obj;
	u32 i;

	if (len < 0 || len % 4 != 0 || len > CELLS((int)CFG_MAX_IRQS))
		return perr(c, ".interrupts: expected at most %u cells", (unsigned)CFG_MAX_IRQS);
	d->nr_irqs = (u32)len / 4U;
	for (i = 0; i < d->nr_irqs; i++)
		d->irqs[i] = fdt_be32(p + i * 4U);
	return 0;
}

static int dev_compatible(struct pctx *c, void *obj, const u8 *p, int len)
{
	struct cfg_dev *d = obj;

	if (len > (int)CFG_COMPAT_MAX || !fdt_stringlist_valid(p, len))
		return perr(c, ".compatible: expected non-empty strings without spaces, "
			    "at most %u bytes in all", (unsigned)CFG_COMPAT_MAX);
	d->compatible = (const char *)p;
	d->compatible_len = (u32)len;
	return 0;
}

static int dev_label(struct pctx *c, void *obj, const u8 *p, int len)
{
	struct cfg_dev *d = obj;

	return want_label(c, p, len, d->name);
}

enum { DEVP_REG };
static const struct prop_handler dev_props[] = {
	{ "reg", dev_reg },
	{ "interrupts", dev_irqs },
	{ "label", dev_label },
	{ "compatible", dev_compatible },
};

static int parse_device(struct pctx *c, struct cfg_vm *vm, int node)
{
	struct cfg_dev *d;
	u32 seen;

	if (vm->nr_devs >= CFG_MAX_DEVS)
		return perr(c, ": too many devices (max %u)", (unsigned)CFG_MAX_DEVS);
	d = &vm->devs[vm->nr_devs];
	memset(d, 0, sizeof(*d));
	rtv_strlcpy(d->name, c->node, CFG_NAME_LEN);
	if (dispatch_props(c, node, dev_props, ARRAY_SIZE(dev_props), d, &seen) < 0 ||
	    require(c, seen, DEVP_REG, "reg") < 0)
		return -1;
	vm->nr_devs++;
	return 0;
}

/* ---- VM node ---- */

static int parse_vm_child(struct pctx *c, struct cfg_vm *vm, int node)
{
	const char *name = fdt_name(&c->f, node);
	int r;

	rtv_strlcpy(c->node, name, LABEL_LEN);
	if (fdt_first_child(&c->f, node) >= 0)
		return perr(c, ": unexpected sub-node");
	if (fdt_node_name_is(name, "memory"))
		r = parse_memory(c, vm, node);
	else if (fdt_node_name_is(name, "image"))
		r = parse_image(c, vm, node);
	else if (fdt_node_name_is(name, "device"))
		r = parse_device(c, vm, node);
	else
		r = perr(c, ": unknown node (expected memory@, image@ or device@)");
	c->node[0] = '\0';
	return r;
}

static int parse_vm(struct pctx *c, struct cfg_vm *vm, int node)
{
	const char *name = fdt_name(&c->f, node);
	u32 seen;
	int child;

	rtv_strlcpy(c->vm, name, LABEL_LEN);
	c->node[0] = '\0';
	if (!cfg_name_ok(name))
		return perr(c, "invalid VM name (1 to %u characters of a-z 0-9 _ -)",
			    (unsigned)(CFG_NAME_LEN - 1));
	memset(vm, 0, sizeof(*vm));
	rtv_strlcpy(vm->name, name, CFG_NAME_LEN);
	vm->fault_policy = FAULT_POLICY_STOP;
	vm->autostart = true;
	vm->initrd_image = -1;
	if (dispatch_props(c, node, vm_props, ARRAY_SIZE(vm_props), vm, &seen) < 0 ||
	    require(c, seen, VMP_CPUS, "cpus") < 0 || require(c, seen, VMP_ENTRY, "entry") < 0)
		return -1;
	for (child = fdt_first_child(&c->f, node); child >= 0;
	     child = fdt_next_sibling(&c->f, child))
		if (parse_vm_child(c, vm, child) < 0)
			return -1;
	return 0;
}

static int parse_vms(struct pctx *c, int vms)
{
	int i, count = fdt_prop_count(&c->f, vms);
	int node;

	for (i = 0; i < count; i++) {
		const char *n = fdt_prop_name_at(&c->f, vms, i);

		if (!is_cells_prop(n))
			return perr(c, "/vms: unknown property '%s'", n ? n : "?");
	}
	for (node = fdt_first_child(&c->f, vms); node >= 0; node = fdt_next_sibling(&c->f, node)) {
		if (c->s->nr_vms >= CFG_MAX_VMS) {
			c->vm[0] = '\0';
			return perr(c, "too many VMs (max %u)", (unsigned)CFG_MAX_VMS);
		}
		if (parse_vm(c, &c->s->vms[c->s->nr_vms], node) < 0)
			return -1;
		c->s->nr_vms++;
	}
	return 0;
}

/* Root: compatible, optional cell sizes and model; the only node is /vms. */
static int parse_root(struct pctx *c, int root)
{
	int i, child, count = fdt_prop_count(&c->f, root);

	if (!fdt_is_compatible(&c->f, root, SCENARIO_COMPAT))
		return perr(c, "root compatible must be \"" SCENARIO_COMPAT "\"");
	for (i = 0; i < count; i++) {
		const char *n = fdt_prop_name_at(&c->f, root, i);

		if (!n)
			return perr(c, "unreadable root property");
		if (!is_cells_prop(n) && strcmp(n, "compatible") != 0 && strcmp(n, "model") != 0)
			return perr(c, "unknown root property '%s'", n);
	}
	for (child = fdt_first_child(&c->f, root); child >= 0;
	     child = fdt_next_sibling(&c->f, child))
		if (strcmp(fdt_name(&c->f, child), "vms") != 0 &&
		    strcmp(fdt_name(&c->f, child), "pools") != 0)
			return perr(c, "unknown node '/%s' (expected /vms or /pools)",
				    fdt_name(&c->f, child));
	return 0;
}

/* ---- /pools ---- */

static int pool_policy(struct pctx *c, void *obj, const u8 *p, int len)
{
	struct cfg_pool *pl = obj;
	const char *str = fdt_string(p, len);

	if (str && strcmp(str, "bind") == 0)
		pl->dynamic = false;
	else if (str && strcmp(str, "dynamic") == 0)
		pl->dynamic = true;
	else
		return perr(c, "pool '%s': policy: expected \"bind\" or \"dynamic\"", pl->name);
	return 0;
}

static int pool_cpus(struct pctx *c, void *obj, const u8 *p, int len)
{
	struct cfg_pool *pl = obj;

	if (len <= 0 || len % 4 != 0 || len > CELLS((int)CFG_MAX_PCPUS))
		return perr(c, "pool '%s': cpus: expected 1 to %u cells", pl->name,
			    (unsigned)CFG_MAX_PCPUS);
	for (int i = 0; i < len / 4; i++) {
		u32 cpu = fdt_be32(p + i * 4);

		if (cpu >= CFG_MAX_PCPUS || (pl->cpus & (1ULL << cpu)))
			return perr(c, "pool '%s': cpus[%d]: pCPU %u invalid or listed twice", pl->name,
				    i, cpu);
		pl->cpus |= 1ULL << cpu;
	}
	return 0;
}

static int pool_slice(struct pctx *c, void *obj, const u8 *p, int len)
{
	struct cfg_pool *pl = obj;

	if (len != 4)
		return perr(c, "pool '%s': slice-us: expected 1 cell", pl->name);
	pl->slice_us = fdt_be32(p);
	if (pl->slice_us < 100 || pl->slice_us > 1000000)
		return perr(c, "pool '%s': slice-us: %u out of range 100..1000000", pl->name,
			    pl->slice_us);
	return 0;
}

enum { PLP_POLICY, PLP_CPUS, PLP_SLICE };
static const struct prop_handler pool_props[] = {
	{ "policy", pool_policy },
	{ "cpus", pool_cpus },
	{ "slice-us", pool_slice },
};

static int parse_pool(struct pctx *c, struct cfg_pool *pl, int node)
{
	const char *name = fdt_name(&c->f, node);
	u32 seen;

	if (!cfg_name_ok(name))
		return perr(c, "pool '%s': invalid pool name", name);
	rtv_strlcpy(pl->name, name, sizeof(pl->name));
	if (dispatch_props(c, node, pool_props, ARRAY_SIZE(pool_props), pl, &seen) < 0)
		return -1;
	if (!(seen & (1U << PLP_POLICY)) || !(seen & (1U << PLP_CPUS)))
		return perr(c, "pool '%s': %s: missing (required)", name,
			    (seen & (1U << PLP_POLICY)) ? "cpus" : "policy");
	if (!pl->dynamic && (seen & (1U << PLP_SLICE)))
		return perr(c, "pool '%s': slice-us: only for dynamic pools", name);
	return 0;
}

static int parse_pools(struct pctx *c, int pools)
{
	for (int node = fdt_first_child(&c->f, pools); node >= 0;
	     node = fdt_next_sibling(&c->f, node)) {
		if (c->s->nr_pools >= CFG_MAX_POOLS)
			return perr(c, "too many pools (max %u)", (unsigned)CFG_MAX_POOLS);
		if (parse_pool(c, &c->s->pools[c->s->nr_pools], node) < 0)
			return -1;
		c->s->nr_pools++;
	}
	return 0;
}

int config_parse(const void *fdt, size_t max_size, struct scenario *s, struct cfg_error *err)
{
	static struct cfg_error dummy; /* used when the caller passes no err */
	struct pctx c;
	int r, vms;

	memset(&c, 0, sizeof(c));
	c.err = err ? err : &dummy;
	c.err->msg[0] = '\0';
	if (!s)
		return perr(&c, "no scenario storage");
	memset(s, 0, sizeof(*s));
	c.s = s;
	if (!fdt || (r = fdt_open(&c.f, fdt, max_size)) < 0)
		return perr(&c, "not a valid devicetree blob");
	r = parse_root(&c, fdt_root(&c.f));
	if (r < 0)
		return r;
	if (fdt_path(&c.f, "/pools") >= 0 && parse_pools(&c, fdt_path(&c.f, "/pools")) < 0) {
		memset(s, 0, sizeof(*s));
		return -1;
	}
	vms = fdt_path(&c.f, "/vms");
	if (vms < 0)
		return perr(&c, "no /vms node");
	r = parse_vms(&c, vms);
	if (r < 0)
		memset(s, 0, sizeof(*s));
	return r;
}
