/*
 * Scenario blob -> struct scenario (format: docs/config.md).
 *
 * Only the syntax is checked here (known properties, lengths, types, limits);
 * config_check() decides whether the scenario is valid for a machine.
 * Every refusal names the VM and the field: "vm 'rt': memory@40000000.reg: ...".
 *
 * Each node kind (VM, memory@, image@, device@, pci@, pool) has a schema: one row per
 * property it may have, saying how the value is read and checked (its kind),
 * which struct member it goes to, and its bounds. One loop (apply_props) applies
 * the rows to a node's properties, refuses unknown and duplicate ones and names
 * the first missing required one. The kinds of VM sub-node are a table too
 * (subnodes[]). Rules that involve more than one property (phys vs identity,
 * the initrd image, slice-us in a bind pool) follow the loop: in the sub-node
 * kind's finish function, or in parse_pool().
 */
#include <config.h>
#include <config_err.h>
#include <fdt.h>
#include <lib.h>

#define SCENARIO_COMPAT "rtvisor,scenario-v1"
#define LABEL_LEN 48U

struct pctx {
	struct fdt f;
	struct scenario *s;
	struct cfg_error *err;
	char vm[LABEL_LEN];    /* current VM (node name), "" outside a VM */
	char node[LABEL_LEN];  /* current sub-node name, "" for VM-level properties */
	char field[LABEL_LEN]; /* before a property name in messages: "", "." or "pool 'p': " */
};

/* ---- schema ---- */

enum prop_kind {
	K_U32,     /* one cell in lo..hi */
	K_U64,     /* two cells, high first */
	K_REG,     /* four cells: base into `to`, size into `aux` */
	K_TRUE,    /* empty property: the bool `to` becomes true */
	K_FALSE,   /* empty property: the bool `to` becomes false ("no-autostart") */
	K_EQ,      /* one cell that must be lo (#address-cells = <2>); stored nowhere */
	K_CELLS,   /* lo..hi cells into the u32 array `to`, their number into `aux` */
	K_STRING,  /* one string of lo..hi characters; `to` points at it in the blob */
	K_NAME,    /* one string of lo..hi characters, copied into the char array `to` */
	K_ENUM,    /* one of the strings in choices; its index goes into `to` */
	K_STRLIST, /* printable strings, no spaces, at most hi bytes; `to` points, `aux` length */
	K_BYTES,   /* non-empty data (an /incbin/ image); `to` points, `aux` size */
	K_CUSTOM,  /* read by the row's own function */
};

/* A member of the node's struct: where a value goes. size 0: nowhere. */
struct field {
	u16 off;
	u16 size;
};

#define AT(type, member) { offsetof(struct type, member), sizeof(((struct type *)0)->member) }

struct prop_rule;
typedef int prop_fn(struct pctx *c, const struct prop_rule *r, void *obj, const u8 *p, int len);

struct prop_rule {
	const char *name;
	enum prop_kind kind;
	bool required;
	struct field to;            /* the value */
	struct field aux;           /* the count, length or size of `to`; for a single value, a
				       bool that becomes true when the property is given */
	u32 lo, hi;                 /* bounds of the value (K_U32), of the number of cells,
				       characters or bytes (lists, strings), or the value (K_EQ) */
	const char *expect;         /* what to say instead of the kind's "expected ..." */
	const char *choices[3];     /* K_ENUM: the accepted strings, for index 0, 1 (, 2) */
	prop_fn *custom;            /* K_CUSTOM */
};

struct schema {
	const struct prop_rule *rules;
	u32 n;
};

#define SCHEMA(rules) { rules, ARRAY_SIZE(rules) }
/* apply_props notes the properties seen so far as bits of a u32. */
#define SCHEMA_FITS(rules) STATIC_ASSERT(ARRAY_SIZE(rules) <= 32, #rules ": more than 32 rows")

/* ---- messages ---- */

static int perr(struct pctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int bad(struct pctx *c, const struct prop_rule *r, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

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

/* A problem with the value of rule r: "<field><name>: <msg>". */
static int bad(struct pctx *c, const struct prop_rule *r, const char *fmt, ...)
{
	char msg[CFG_ERR_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return perr(c, "%s%s: %s", c->field, r->name, msg);
}

/* Before a message about the node itself: ": " after a sub-node name, else "". */
static const char *sep(const struct pctx *c)
{
	return c->node[0] ? ": " : "";
}

/* Before a property name in a message about the property as such (a duplicate). */
static const char *dot(const struct pctx *c)
{
	return c->node[0] ? "." : "";
}

/* Outside a VM (a pool, a shared region): what c->field names, else "". */
static const char *outer(const struct pctx *c)
{
	return c->node[0] ? "" : c->field;
}

/* "expected 1 to 8 cells", "expected at most 16 cells", or the row's own words. */
static int bad_count(struct pctx *c, const struct prop_rule *r, const char *what,
		     const char *unit)
{
	if (r->expect)
		return bad(c, r, "expected %s", r->expect);
	if (r->lo == 0)
		return bad(c, r, "expected %sat most %u %s", what, r->hi, unit);
	return bad(c, r, "expected %s%u to %u %s", what, r->lo, r->hi, unit);
}

static int want_cells(struct pctx *c, const struct prop_rule *r, int cells)
{
	return bad(c, r, "expected %d cell%s", cells, cells == 1 ? "" : "s");
}

/* ---- storing values ---- */

/* Store v into a bool, u32 (or enum) or u64 member; nothing if there is no member. */
static void put_uint(void *obj, struct field f, u64 v)
{
	u8 *at = (u8 *)obj + f.off;
	u8 b = (u8)v;
	u32 w = (u32)v;

	if (f.size == sizeof(b))
		memcpy(at, &b, sizeof(b));
	else if (f.size == sizeof(w))
		memcpy(at, &w, sizeof(w));
	else if (f.size == sizeof(v))
		memcpy(at, &v, sizeof(v));
}

/* Point a member at data in the blob (which outlives the scenario). */
static void put_ptr(void *obj, struct field f, const void *p)
{
	if (f.size == sizeof(p))
		memcpy((u8 *)obj + f.off, &p, sizeof(p));
}

/* ---- kinds ---- */

static int k_u32(struct pctx *c, const struct prop_rule *r, void *obj, const u8 *p, int len)
{
	u32 v;

	if (len != 4)
		return want_cells(c, r, 1);
	v = fdt_be32(p);
	if (v < r->lo || v > r->hi)
		return bad(c, r, "%u out of range %u..%u", v, r->lo, r->hi);
	put_uint(obj, r->to, v);
	put_uint(obj, r->aux, 1);
	return 0;
}

/* K_U64: one value, aux says it was given; K_REG: a base and a size (aux). */
static int k_u64(struct pctx *c, const struct prop_rule *r, void *obj, const u8 *p, int len)
{
	bool pair = r->kind == K_REG;

	if (len != (pair ? 16 : 8))
		return want_cells(c, r, pair ? 4 : 2);
	put_uint(obj, r->to, fdt_be64(p));
	put_uint(obj, r->aux, pair ? fdt_be64(p + 8) : 1);
	return 0;
}

static int k_flag(struct pctx *c, const struct prop_rule *r, void *obj, const u8 *p, int len)
{
	(void)p;
	if (len != 0)
		return bad(c, r, "expected a boolean (empty) property");
	put_uint(obj, r->to, r->kind == K_TRUE);
	return 0;
}

static int k_eq(struct pctx *c, const struct prop_rule *r, void *obj, const u8 *p, int len)
{
	(void)obj;
	if (len != 4 || fdt_be32(p) != r->lo)
		return bad(c, r, "expected <%u>", r->lo);
	return 0;
}

/* A list of lo..hi cells? */
static int want_cell_list(struct pctx *c, const struct prop_rule *r, int len)
{
	if (len < 0 || len % 4 != 0 || (u32)len / 4 < r->lo || (u32)len / 4 > r->hi)
		return bad_count(c, r, "", "cells");
	return 0;
}

static int k_cells(struct pctx *c, const struct prop_rule *r, void *obj, const u8 *p, int len)
{
	u8 *at = (u8 *)obj + r->to.off;
	u32 i, n = (u32)len / 4;
	int err = want_cell_list(c, r, len);

	if (err)
		return err;
	for (i = 0; i < n && (i + 1) * 4 <= r->to.size; i++) {
		u32 v = fdt_be32(p + i * 4);

		memcpy(at + i * 4, &v, sizeof(v));
	}
	put_uint(obj, r->aux, i);
	return 0;
}

/* One string of lo..hi characters, or NULL after reporting it. */
static const char *want_string(struct pctx *c, const struct prop_rule *r, const u8 *p, int len)
{
	const char *str = fdt_string(p, len);

	if (!str || (u32)len - 1 < r->lo || (u32)len - 1 > r->hi) {
		bad_count(c, r, "a string of ", "characters");
		return NULL;
	}
	return str;
}

static int k_string(struct pctx *c, const struct prop_rule *r, void *obj, const u8 *p, int len)
{
	const char *str = want_string(c, r, p, len);

	if (!str)
		return ERR_INVAL;
	put_ptr(obj, r->to, str);
	return 0;
}

static int k_name(struct pctx *c, const struct prop_rule *r, void *obj, const u8 *p, int len)
{
	const char *str = want_string(c, r, p, len);

	if (!str)
		return ERR_INVAL;
	rtv_strlcpy((char *)obj + r->to.off, str, r->to.size);
	return 0;
}

/* "expected \"a\" or \"b\"", "expected \"a\", \"b\" or \"c\"". */
static int bad_choice(struct pctx *c, const struct prop_rule *r)
{
	if (!r->choices[2])
		return bad(c, r, "expected \"%s\" or \"%s\"", r->choices[0], r->choices[1]);
	return bad(c, r, "expected \"%s\", \"%s\" or \"%s\"", r->choices[0], r->choices[1],
		   r->choices[2]);
}

static int k_enum(struct pctx *c, const struct prop_rule *r, void *obj, const u8 *p, int len)
{
	const char *str = fdt_string(p, len);
	u32 i;

	for (i = 0; str && i < ARRAY_SIZE(r->choices) && r->choices[i]; i++) {
		if (strcmp(str, r->choices[i]) == 0) {
			put_uint(obj, r->to, i);
			put_uint(obj, r->aux, 1);
			return 0;
		}
	}
	return bad_choice(c, r);
}

static int k_strlist(struct pctx *c, const struct prop_rule *r, void *obj, const u8 *p, int len)
{
	if (len > (int)r->hi || !fdt_stringlist_valid(p, len))
		return bad(c, r, "expected non-empty strings without spaces, "
			   "at most %u bytes in all", r->hi);
	put_ptr(obj, r->to, p);
	put_uint(obj, r->aux, (u32)len);
	return 0;
}

static int k_bytes(struct pctx *c, const struct prop_rule *r, void *obj, const u8 *p, int len)
{
	if (len <= 0)
		return bad(c, r, "empty image");
	put_ptr(obj, r->to, p);
	put_uint(obj, r->aux, (u32)len);
	return 0;
}

static int k_custom(struct pctx *c, const struct prop_rule *r, void *obj, const u8 *p, int len)
{
	return r->custom(c, r, obj, p, len);
}

static prop_fn *const kind_fn[] = {
	[K_U32] = k_u32,	[K_U64] = k_u64,	[K_REG] = k_u64,
	[K_TRUE] = k_flag,	[K_FALSE] = k_flag,	[K_EQ] = k_eq,
	[K_CELLS] = k_cells,	[K_STRING] = k_string,	[K_NAME] = k_name,
	[K_ENUM] = k_enum,	[K_STRLIST] = k_strlist, [K_BYTES] = k_bytes,
	[K_CUSTOM] = k_custom,
};
STATIC_ASSERT(ARRAY_SIZE(kind_fn) == K_CUSTOM + 1, "a function for every kind");

/* ---- the loop ---- */

/* The row for property name, or -1 if the node kind has no such property. */
static int rule_index(const struct schema *s, const char *name)
{
	u32 k;

	for (k = 0; k < s->n; k++)
		if (strcmp(s->rules[k].name, name) == 0)
			return (int)k;
	return -1;
}

static int check_required(struct pctx *c, const struct schema *s, u32 seen)
{
	u32 k;

	for (k = 0; k < s->n; k++)
		if (s->rules[k].required && !(seen & (1U << k)))
			return bad(c, &s->rules[k], "missing (required)");
	return 0;
}

/* Apply the schema to every property of node into obj; refuse unknown and duplicate ones. */
static int apply_props(struct pctx *c, int node, const struct schema *s, void *obj)
{
	int i, k, err, count = fdt_prop_count(&c->f, node);
	u32 seen = 0;

	for (i = 0; i < count; i++) {
		const char *name = fdt_prop_name_at(&c->f, node, i);
		int len;
		const u8 *p = fdt_prop(&c->f, node, name, &len);

		if (!name || !p)
			return perr(c, "%s%sunreadable property", outer(c), sep(c));
		k = rule_index(s, name);
		if (k < 0)
			return perr(c, "%s%sunknown property '%s'", outer(c), sep(c), name);
		if (seen & (1U << k))
			return perr(c, "%s%s%s: duplicate property", outer(c), dot(c), name);
		seen |= 1U << k;
		err = kind_fn[s->rules[k].kind](c, &s->rules[k], obj, p, len);
		if (err)
			return err;
	}
	return check_required(c, s, seen);
}

/* ---- schemas ---- */

/* The enum's values are the indexes of its strings. */
STATIC_ASSERT(FAULT_POLICY_INJECT == 0 && FAULT_POLICY_STOP == 1, "fault-policy choices");
STATIC_ASSERT(CFG_UART_NS16550 == 0 && CFG_UART_PL011 == 1, "gdb-uart-type choices");
STATIC_ASSERT(CFG_WDOG_RESET == 0 && CFG_WDOG_STOP == 1, "watchdog-action choices");
STATIC_ASSERT(CFG_FREQ_PERFORMANCE == 0 && CFG_FREQ_POWERSAVE == 1 && CFG_FREQ_ONDEMAND == 2,
	      "freq-policy choices");

static prop_fn vm_ksyms;

static const struct prop_rule vm_rules[] = {
	{ .name = "cpus", .kind = K_CELLS, .required = true, .to = AT(cfg_vm, vcpu_pcpu),
	  .aux = AT(cfg_vm, nr_vcpus), .lo = 1, .hi = CFG_MAX_VCPUS },
	{ .name = "entry", .kind = K_U64, .required = true, .to = AT(cfg_vm, entry) },
	{ .name = "dtb", .kind = K_U64, .to = AT(cfg_vm, dtb_ipa), .aux = AT(cfg_vm, has_dtb) },
	{ .name = "bootargs", .kind = K_STRING, .to = AT(cfg_vm, bootargs),
	  .hi = CFG_BOOTARGS_MAX },
	{ .name = "console", .kind = K_TRUE, .to = AT(cfg_vm, console) },
	{ .name = "no-autostart", .kind = K_FALSE, .to = AT(cfg_vm, autostart) },
	{ .name = "fault-policy", .kind = K_ENUM, .to = AT(cfg_vm, fault_policy),
	  .choices = { "inject", "stop" } },
	{ .name = "#address-cells", .kind = K_EQ, .lo = 2 },
	{ .name = "#size-cells", .kind = K_EQ, .lo = 2 },
	{ .name = "pool", .kind = K_NAME, .to = AT(cfg_vm, pool), .lo = 1, .hi = CFG_NAME_LEN - 1,
	  .expect = "a pool name" },
	{ .name = "weight", .kind = K_U32, .to = AT(cfg_vm, weight), .lo = 1,
	  .hi = CFG_WEIGHT_MAX },
	{ .name = "priority", .kind = K_U32, .to = AT(cfg_vm, priority),
	  .aux = AT(cfg_vm, has_priority), .hi = CFG_PRIO_MAX },
	{ .name = "privileged", .kind = K_TRUE, .to = AT(cfg_vm, privileged) },
	{ .name = "debug", .kind = K_TRUE, .to = AT(cfg_vm, debug) },
	{ .name = "exitless", .kind = K_TRUE, .to = AT(cfg_vm, exitless) },
	{ .name = "gicv4", .kind = K_TRUE, .to = AT(cfg_vm, gicv4) },
	{ .name = "gdb-pci", .kind = K_CELLS, .to = AT(cfg_vm, gdb_pci),
	  .aux = AT(cfg_vm, nr_gdb_pci), .lo = 3, .hi = 3, .expect = "<bus device function>" },
	{ .name = "gdb-uart", .kind = K_U64, .to = AT(cfg_vm, gdb_uart),
	  .aux = AT(cfg_vm, has_gdb_uart) },
	{ .name = "gdb-uart-type", .kind = K_ENUM, .to = AT(cfg_vm, gdb_uart_type),
	  .aux = AT(cfg_vm, has_gdb_uart_type), .choices = { "ns16550", "pl011" } },
	{ .name = "gdb-uart-reg-shift", .kind = K_U32, .to = AT(cfg_vm, gdb_uart_shift),
	  .aux = AT(cfg_vm, has_gdb_uart_shift), .hi = CFG_UART_SHIFT_MAX },
	{ .name = "scmi", .kind = K_TRUE, .to = AT(cfg_vm, scmi) },
	{ .name = "pv-time", .kind = K_TRUE, .to = AT(cfg_vm, pv_time) },
	{ .name = "watchdog-irq", .kind = K_U32, .to = AT(cfg_vm, wdog_irq),
	  .aux = AT(cfg_vm, has_wdog), .hi = 0xffffffffU },
	{ .name = "watchdog-action", .kind = K_ENUM, .to = AT(cfg_vm, wdog_action),
	  .aux = AT(cfg_vm, has_wdog_action), .choices = { "reset", "stop" } },
	{ .name = "system-map", .kind = K_STRING, .to = AT(cfg_vm, system_map), .lo = 1,
	  .hi = 255 },
	{ .name = "system-map-symbols", .kind = K_CUSTOM, .custom = vm_ksyms },
};

static const struct prop_rule mem_rules[] = {
	{ .name = "reg", .kind = K_REG, .required = true, .to = AT(cfg_mem, ipa),
	  .aux = AT(cfg_mem, size) },
	{ .name = "phys", .kind = K_U64, .to = AT(cfg_mem, phys), .aux = AT(cfg_mem, has_phys) },
	{ .name = "identity", .kind = K_TRUE, .to = AT(cfg_mem, identity) },
};

static const struct prop_rule image_rules[] = {
	{ .name = "load", .kind = K_U64, .required = true, .to = AT(cfg_image, load_ipa) },
	{ .name = "data", .kind = K_BYTES, .required = true, .to = AT(cfg_image, data),
	  .aux = AT(cfg_image, size) },
	{ .name = "label", .kind = K_NAME, .to = AT(cfg_image, name), .lo = 1,
	  .hi = CFG_NAME_LEN - 1 },
};

static const struct prop_rule dev_rules[] = {
	{ .name = "reg", .kind = K_REG, .required = true, .to = AT(cfg_dev, base),
	  .aux = AT(cfg_dev, size) },
	{ .name = "interrupts", .kind = K_CELLS, .to = AT(cfg_dev, irqs),
	  .aux = AT(cfg_dev, nr_irqs), .hi = CFG_MAX_IRQS },
	{ .name = "label", .kind = K_NAME, .to = AT(cfg_dev, name), .lo = 1,
	  .hi = CFG_NAME_LEN - 1 },
	{ .name = "compatible", .kind = K_STRLIST, .to = AT(cfg_dev, compatible),
	  .aux = AT(cfg_dev, compatible_len), .hi = CFG_COMPAT_MAX },
};

static const struct prop_rule pci_rules[] = {
	{ .name = "bdf", .kind = K_CELLS, .required = true, .to = AT(cfg_pci, bdf),
	  .aux = AT(cfg_pci, nr_bdf), .lo = 3, .hi = 3, .expect = "<bus device function>" },
	{ .name = "dma", .kind = K_TRUE, .to = AT(cfg_pci, dma) },
	{ .name = "msi-events", .kind = K_U32, .to = AT(cfg_pci, msi_events),
	  .hi = LIM_MSI_EVENTS_PER_FN },
	{ .name = "label", .kind = K_NAME, .to = AT(cfg_pci, name), .lo = 1,
	  .hi = CFG_NAME_LEN - 1 },
};

STATIC_ASSERT(CFG_VIRTIO_CONSOLE == 0 && CFG_VIRTIO_BLK == 1 && CFG_VIRTIO_NET == 2,
	      "virtio type choices");

static const struct prop_rule virtio_rules[] = {
	{ .name = "type", .kind = K_ENUM, .required = true, .to = AT(cfg_virtio, type),
	  .choices = { "console", "blk", "net" } },
	{ .name = "reg", .kind = K_REG, .required = true, .to = AT(cfg_virtio, base),
	  .aux = AT(cfg_virtio, size) },
	{ .name = "interrupts", .kind = K_U32, .required = true, .to = AT(cfg_virtio, irq),
	  .hi = 0xffffffffU },
	{ .name = "label", .kind = K_NAME, .to = AT(cfg_virtio, name), .lo = 1,
	  .hi = CFG_NAME_LEN - 1 },
	{ .name = "disk-size", .kind = K_U64, .to = AT(cfg_virtio, disk_size),
	  .aux = AT(cfg_virtio, has_disk_size) },
	{ .name = "data", .kind = K_BYTES, .to = AT(cfg_virtio, data),
	  .aux = AT(cfg_virtio, data_size) },
	{ .name = "read-only", .kind = K_TRUE, .to = AT(cfg_virtio, read_only) },
	{ .name = "network", .kind = K_NAME, .to = AT(cfg_virtio, network), .lo = 1,
	  .hi = CFG_NAME_LEN - 1, .expect = "a network name" },
};

static prop_fn pool_cpus;

static const struct prop_rule pool_rules[] = {
	{ .name = "policy", .kind = K_ENUM, .required = true, .to = AT(cfg_pool, dynamic),
	  .choices = { "bind", "dynamic" } },
	{ .name = "cpus", .kind = K_CUSTOM, .required = true, .custom = pool_cpus, .lo = 1,
	  .hi = CFG_MAX_PCPUS },
	{ .name = "slice-us", .kind = K_U32, .to = AT(cfg_pool, slice_us), .lo = 100,
	  .hi = 1000000 },
	{ .name = "freq-policy", .kind = K_ENUM, .to = AT(cfg_pool, freq_policy),
	  .aux = AT(cfg_pool, has_freq_policy),
	  .choices = { "performance", "powersave", "ondemand" } },
	{ .name = "freq-up", .kind = K_U32, .to = AT(cfg_pool, freq_up), .lo = 1, .hi = 100 },
	{ .name = "freq-down", .kind = K_U32, .to = AT(cfg_pool, freq_down), .lo = 1, .hi = 100 },
	{ .name = "freq-sample-ms", .kind = K_U32, .to = AT(cfg_pool, freq_sample_ms), .lo = 10,
	  .hi = 10000 },
	{ .name = "rt-freq-khz", .kind = K_U32, .to = AT(cfg_pool, rt_freq_khz), .lo = 1,
	  .hi = 0xffffffffU },
};

static const struct prop_rule shm_rules[] = {
	{ .name = "size", .kind = K_U64, .required = true, .to = AT(cfg_shm, size) },
	{ .name = "phys", .kind = K_U64, .to = AT(cfg_shm, phys), .aux = AT(cfg_shm, has_phys) },
};

static const struct prop_rule shm_map_rules[] = {
	{ .name = "ipa", .kind = K_U64, .required = true, .to = AT(cfg_shm_map, ipa) },
	{ .name = "read-only", .kind = K_TRUE, .to = AT(cfg_shm_map, read_only) },
	{ .name = "doorbell", .kind = K_U32, .to = AT(cfg_shm_map, doorbell), .lo = 32,
	  .hi = 1019 },
};

STATIC_ASSERT(CFG_FO_WS1_FAILOVER == 0 && CFG_FO_WS1_RESET == 1, "on-ws1 choices");
STATIC_ASSERT(CFG_FO_FENCE_HALT == 0 && CFG_FO_FENCE_ISOLATE == 1, "fence choices");

static const struct prop_rule fo_rules[] = {
	{ .name = "primary", .kind = K_NAME, .required = true, .to = AT(cfg_failover, primary),
	  .lo = 1, .hi = CFG_NAME_LEN - 1, .expect = "a VM name" },
	{ .name = "backup", .kind = K_NAME, .required = true, .to = AT(cfg_failover, backup),
	  .lo = 1, .hi = CFG_NAME_LEN - 1, .expect = "a VM name" },
	{ .name = "weight", .kind = K_U32, .to = AT(cfg_failover, weight), .lo = 1,
	  .hi = CFG_WEIGHT_MAX },
	{ .name = "pci", .kind = K_STRLIST, .to = AT(cfg_failover, pci),
	  .aux = AT(cfg_failover, pci_len), .hi = CFG_FO_LIST_MAX },
	{ .name = "networks", .kind = K_STRLIST, .to = AT(cfg_failover, networks),
	  .aux = AT(cfg_failover, networks_len), .hi = CFG_FO_LIST_MAX },
	{ .name = "shmem", .kind = K_STRLIST, .to = AT(cfg_failover, shmem),
	  .aux = AT(cfg_failover, shmem_len), .hi = CFG_FO_LIST_MAX },
	{ .name = "move-shmem", .kind = K_STRLIST, .to = AT(cfg_failover, move_shmem),
	  .aux = AT(cfg_failover, move_shmem_len), .hi = CFG_FO_LIST_MAX },
	{ .name = "rebirth", .kind = K_TRUE, .to = AT(cfg_failover, rebirth) },
	{ .name = "on-ws1", .kind = K_ENUM, .to = AT(cfg_failover, on_ws1),
	  .aux = AT(cfg_failover, has_on_ws1), .choices = { "failover", "reset" } },
	{ .name = "fence", .kind = K_ENUM, .to = AT(cfg_failover, fence),
	  .aux = AT(cfg_failover, has_fence), .choices = { "halt", "isolate" } },
};

SCHEMA_FITS(fo_rules);
SCHEMA_FITS(vm_rules);
SCHEMA_FITS(shm_rules);
SCHEMA_FITS(shm_map_rules);
SCHEMA_FITS(mem_rules);
SCHEMA_FITS(image_rules);
SCHEMA_FITS(dev_rules);
SCHEMA_FITS(pool_rules);
SCHEMA_FITS(pci_rules);
SCHEMA_FITS(virtio_rules);
static const struct schema vm_schema = SCHEMA(vm_rules);
static const struct schema mem_schema = SCHEMA(mem_rules);
static const struct schema image_schema = SCHEMA(image_rules);
static const struct schema dev_schema = SCHEMA(dev_rules);
static const struct schema pool_schema = SCHEMA(pool_rules);
static const struct schema pci_schema = SCHEMA(pci_rules);
static const struct schema virtio_schema = SCHEMA(virtio_rules);
static const struct schema shm_schema = SCHEMA(shm_rules);
static const struct schema shm_map_schema = SCHEMA(shm_map_rules);
static const struct schema fo_schema = SCHEMA(fo_rules);

/* Pool cpus: pCPU numbers, each below 64 and listed once, make the pool's bitmask. */
static int pool_cpus(struct pctx *c, const struct prop_rule *r, void *obj, const u8 *p, int len)
{
	struct cfg_pool *pl = obj;
	int i, err = want_cell_list(c, r, len);

	if (err)
		return err;
	for (i = 0; i < len / 4; i++) {
		u32 cpu = fdt_be32(p + i * 4);

		if (cpu >= CFG_MAX_PCPUS || (pl->cpus & (1ULL << cpu)))
			return perr(c, "%s%s[%d]: pCPU %u invalid or listed twice", c->field, r->name,
				    i, cpu);
		pl->cpus |= 1ULL << cpu;
	}
	return 0;
}

/* system-map-symbols: CFG_NR_KSYMS addresses, written by the scenario build. */
static int vm_ksyms(struct pctx *c, const struct prop_rule *r, void *obj, const u8 *p, int len)
{
	struct cfg_vm *vm = obj;
	u32 i;

	if (len != CFG_NR_KSYMS * 8)
		return bad(c, r, "expected %u 64-bit addresses (" CFG_KSYM_NAMES "; the scenario "
			   "build writes them from system-map)", CFG_NR_KSYMS);
	for (i = 0; i < CFG_NR_KSYMS; i++)
		vm->ksym[i] = fdt_be64(p + i * 8);
	vm->has_ksyms = true;
	return 0;
}

/* system-map and the symbols the build extracted from it go together. */
static int finish_vm(struct pctx *c, const struct cfg_vm *vm)
{
	if (vm->system_map && !vm->has_ksyms)
		return perr(c, "system-map: \"%s\": its symbols were not extracted (the scenario "
			    "build does it: scripts/scenario-symbols.sh)", vm->system_map);
	if (vm->has_ksyms && !vm->system_map)
		return perr(c, "system-map-symbols: only with system-map");
	return 0;
}

/* ---- VM sub-nodes ---- */

/* Rules across a memory region's properties. */
static int finish_memory(struct pctx *c, struct cfg_vm *vm, void *entry)
{
	struct cfg_mem *m = entry;

	(void)vm;
	if (m->has_phys && m->identity) /* has_phys: so far, only "phys" sets it */
		return perr(c, ": 'phys' and 'identity' are mutually exclusive");
	if (m->identity) {
		m->phys = m->ipa;
		m->has_phys = true;
	}
	return 0;
}

/* The image labelled "initrd", if any, is the VM's initial ramdisk: one at most. */
static int finish_image(struct pctx *c, struct cfg_vm *vm, void *entry)
{
	const struct cfg_image *im = entry;

	if (strcmp(im->name, CFG_INITRD_LABEL) != 0)
		return 0;
	if (vm->initrd_image >= 0)
		return perr(c, ".label: a VM has at most one \"" CFG_INITRD_LABEL "\" image");
	vm->initrd_image = (int)vm->nr_images;
	return 0;
}

/* A kind of VM sub-node: its schema, and the table of struct cfg_vm its entries go to. */
struct subnode_kind {
	const char *base;   /* the node name before '@' */
	const char *plural; /* in "too many ..." */
	const struct schema *schema;
	u16 table, count;   /* offsets in struct cfg_vm: the array, its u32 number of entries */
	u16 entry_size;
	u32 max;
	struct field name;  /* the member that the node name fills until a label replaces it */
	int (*finish)(struct pctx *c, struct cfg_vm *vm, void *entry); /* NULL: nothing more */
};

#define VM_TABLE(arr, nr, lim)                                                               \
	.table = offsetof(struct cfg_vm, arr), .count = offsetof(struct cfg_vm, nr),         \
	.entry_size = sizeof(((struct cfg_vm *)0)->arr[0]), .max = (lim)

static const struct subnode_kind subnodes[] = {
	{ .base = "memory", .plural = "memory regions", .schema = &mem_schema,
	  VM_TABLE(mem, nr_mem, CFG_MAX_MEM), .finish = finish_memory },
	{ .base = "image", .plural = "images", .schema = &image_schema,
	  VM_TABLE(images, nr_images, CFG_MAX_IMAGES), .name = AT(cfg_image, name),
	  .finish = finish_image },
	{ .base = "device", .plural = "devices", .schema = &dev_schema,
	  VM_TABLE(devs, nr_devs, CFG_MAX_DEVS), .name = AT(cfg_dev, name) },
	{ .base = "pci", .plural = "PCI functions", .schema = &pci_schema,
	  VM_TABLE(pci, nr_pci, CFG_MAX_PCI), .name = AT(cfg_pci, name) },
	{ .base = "virtio", .plural = "virtio devices", .schema = &virtio_schema,
	  VM_TABLE(virtio, nr_virtio, CFG_MAX_VIRTIO), .name = AT(cfg_virtio, name) },
};

/* The next entry of the VM's table for kind k, filled from node. */
static int parse_subnode(struct pctx *c, struct cfg_vm *vm, const struct subnode_kind *k,
			 int node)
{
	u32 *count = (u32 *)(void *)((u8 *)vm + k->count);
	u8 *entry;
	int err;

	if (*count >= k->max)
		return perr(c, ": too many %s (max %u)", k->plural, k->max);
	entry = (u8 *)vm + k->table + *count * k->entry_size;
	memset(entry, 0, k->entry_size);
	if (k->name.size)
		rtv_strlcpy((char *)entry + k->name.off, c->node, k->name.size);
	err = apply_props(c, node, k->schema, entry);
	if (!err && k->finish)
		err = k->finish(c, vm, entry);
	if (!err)
		(*count)++;
	return err;
}

static int parse_vm_child(struct pctx *c, struct cfg_vm *vm, int node)
{
	const char *name = fdt_name(&c->f, node);
	u32 k;
	int err;

	rtv_strlcpy(c->node, name, LABEL_LEN);
	rtv_strlcpy(c->field, ".", LABEL_LEN);
	if (fdt_first_child(&c->f, node) >= 0)
		return perr(c, ": unexpected sub-node");
	for (k = 0; k < ARRAY_SIZE(subnodes) && !fdt_node_name_is(name, subnodes[k].base); k++)
		;
	if (k == ARRAY_SIZE(subnodes))
		return perr(c, ": unknown node (expected memory@, image@, device@, pci@ or virtio@)");
	err = parse_subnode(c, vm, &subnodes[k], node);
	c->node[0] = c->field[0] = '\0';
	return err;
}

/* ---- VMs and pools: tables of nodes ---- */

typedef int entry_fn(struct pctx *c, u32 i, int node);

/* Parse each child of parent into entry *count of a table of max entries ("VMs"...). */
static int parse_entries(struct pctx *c, int parent, u32 *count, u32 max, const char *what,
			 entry_fn *parse)
{
	int node, err;

	for (node = fdt_first_child(&c->f, parent); node >= 0;
	     node = fdt_next_sibling(&c->f, node)) {
		if (*count >= max) {
			c->vm[0] = '\0'; /* about the scenario, not the last VM */
			return perr(c, "too many %s (max %u)", what, max);
		}
		err = parse(c, *count, node);
		if (err)
			return err;
		(*count)++;
	}
	return 0;
}

static int parse_vm(struct pctx *c, u32 i, int node)
{
	struct cfg_vm *vm = &c->s->vms[i];
	const char *name = fdt_name(&c->f, node);
	int child, err;

	rtv_strlcpy(c->vm, name, LABEL_LEN);
	c->node[0] = c->field[0] = '\0';
	if (!cfg_name_ok(name))
		return perr(c, "invalid VM name (1 to %u characters of a-z 0-9 _ -)",
			    (unsigned)(CFG_NAME_LEN - 1));
	memset(vm, 0, sizeof(*vm));
	rtv_strlcpy(vm->name, name, CFG_NAME_LEN);
	vm->fault_policy = FAULT_POLICY_STOP;
	vm->autostart = true;
	vm->initrd_image = -1;
	err = apply_props(c, node, &vm_schema, vm);
	if (!err)
		err = finish_vm(c, vm);
	for (child = fdt_first_child(&c->f, node); !err && child >= 0;
	     child = fdt_next_sibling(&c->f, child))
		err = parse_vm_child(c, vm, child);
	return err;
}

static bool is_cells_prop(const char *name)
{
	return name && (strcmp(name, "#address-cells") == 0 || strcmp(name, "#size-cells") == 0);
}

static int parse_vms(struct pctx *c, int vms)
{
	int i, count = fdt_prop_count(&c->f, vms);

	for (i = 0; i < count; i++) {
		const char *n = fdt_prop_name_at(&c->f, vms, i);

		if (!is_cells_prop(n))
			return perr(c, "/vms: unknown property '%s'", n ? n : "?");
	}
	return parse_entries(c, vms, &c->s->nr_vms, CFG_MAX_VMS, "VMs", parse_vm);
}

/* ---- /pools ---- */

/* A kind of named node in a top-level list: its label in messages, what its name names. */
struct named_kind {
	const char *label, *noun;
	const struct schema *schema;
};

static const struct named_kind pool_kind = { "pool", "pool", &pool_schema };
static const struct named_kind shm_kind = { "shmem", "region", &shm_schema };
static const struct named_kind fo_kind = { "failover", "group", &fo_schema };

/*
 * A named node of a top-level list (a pool, a shared region): obj (size bytes) zeroed,
 * the node's name checked and kept in name (CFG_NAME_LEN bytes inside obj), the error
 * prefix set to "<label> '<name>': ", then the node's properties by the kind's schema.
 */
static int parse_named(struct pctx *c, int node, const struct named_kind *k, void *obj,
		       size_t size, char *name)
{
	const char *n = fdt_name(&c->f, node);

	if (!cfg_name_ok(n))
		return perr(c, "%s '%s': invalid %s name", k->label, n, k->noun);
	memset(obj, 0, size);
	rtv_strlcpy(name, n, CFG_NAME_LEN);
	snprintf(c->field, LABEL_LEN, "%s '%s': ", k->label, name);
	return apply_props(c, node, k->schema, obj);
}

static int parse_pool(struct pctx *c, u32 i, int node)
{
	struct cfg_pool *pl = &c->s->pools[i];
	int err = parse_named(c, node, &pool_kind, pl, sizeof(*pl), pl->name);

	if (!err && !pl->dynamic && pl->slice_us) /* given: 0 is out of its range */
		err = perr(c, "pool '%s': slice-us: only for dynamic pools", pl->name);
	c->field[0] = '\0';
	return err;
}

/* ---- /shmem: shared regions (docs/shmem.md) ---- */

/* /shmem/<region>/<vm>: how that VM maps the region. */
static int parse_shm_map(struct pctx *c, struct cfg_shm *r, int node)
{
	const char *name = fdt_name(&c->f, node);
	struct cfg_shm_map *m;

	if (r->nr_maps >= CFG_MAX_SHM_MAPS)
		return perr(c, "%stoo many VMs map it (max %u)", c->field,
			    (unsigned)CFG_MAX_SHM_MAPS);
	if (fdt_first_child(&c->f, node) >= 0)
		return perr(c, "%s'%s': unexpected sub-node", c->field, name);
	m = &r->maps[r->nr_maps];
	memset(m, 0, sizeof(*m));
	rtv_strlcpy(m->vm, name, sizeof(m->vm));
	snprintf(c->field, LABEL_LEN, "shmem '%s': vm '%s': ", r->name, name);
	return apply_props(c, node, &shm_map_schema, m);
}

static int parse_shm(struct pctx *c, u32 i, int node)
{
	struct cfg_shm *r = &c->s->shm[i];
	int child, err = parse_named(c, node, &shm_kind, r, sizeof(*r), r->name);

	for (child = fdt_first_child(&c->f, node); !err && child >= 0;
	     child = fdt_next_sibling(&c->f, child)) {
		err = parse_shm_map(c, r, child);
		if (!err)
			r->nr_maps++;
		snprintf(c->field, LABEL_LEN, "shmem '%s': ", r->name);
	}
	if (!err && r->nr_maps == 0)
		err = perr(c, "%sno VM maps it", c->field);
	c->field[0] = '\0';
	return err;
}

static int vm_index(const struct scenario *s, const char *name)
{
	for (u32 i = 0; i < s->nr_vms; i++)
		if (strcmp(s->vms[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* The VM's view of region r, mapped as its map k. */
static void fill_vm_shm(const struct scenario *s, u32 r, u32 k, struct cfg_vm_shm *v)
{
	const struct cfg_shm *reg = &s->shm[r];

	memset(v, 0, sizeof(*v));
	rtv_strlcpy(v->name, reg->name, sizeof(v->name));
	v->region = r;
	v->ipa = reg->maps[k].ipa;
	v->size = reg->size;
	v->phys = reg->phys;
	v->has_phys = reg->has_phys;
	v->read_only = reg->maps[k].read_only;
	v->doorbell = reg->maps[k].doorbell;
	for (u32 n = 0; n < reg->nr_maps; n++) {
		if (n == k)
			continue;
		v->peer_vm[v->nr_peers] = (u32)vm_index(s, reg->maps[n].vm);
		rtv_strlcpy(v->peer_name[v->nr_peers], reg->maps[n].vm, CFG_NAME_LEN);
		v->nr_peers++;
	}
}

/* Every map names a VM of the scenario, once; each VM gets its view of the region. */
static int link_shm(struct pctx *c, u32 r)
{
	const struct cfg_shm *reg = &c->s->shm[r];

	for (u32 k = 0; k < reg->nr_maps; k++) {
		int i = vm_index(c->s, reg->maps[k].vm);
		struct cfg_vm *vm;

		if (i < 0)
			return perr(c, "shmem '%s': vm '%s': no such VM in /vms", reg->name,
				    reg->maps[k].vm);
		vm = &c->s->vms[i];
		if (vm->nr_shm >= CFG_MAX_VM_SHM)
			return perr(c, "shmem '%s': vm '%s': maps too many shared regions (max %u)",
				    reg->name, vm->name, (unsigned)CFG_MAX_VM_SHM);
		fill_vm_shm(c->s, r, k, &vm->shm[vm->nr_shm++]);
	}
	return 0;
}

/* Is intid taken in vm: by a device, a virtio device, a given doorbell or one allocated
 * before? (PCI INTx lines are low SPIs, far below where the allocation starts.) */
static bool intid_taken(const struct cfg_vm *vm, u32 intid)
{
	for (u32 k = 0; k < vm->nr_virtio; k++)
		if (vm->virtio[k].irq == intid)
			return true;
	for (u32 k = 0; k < vm->nr_devs; k++)
		for (u32 q = 0; q < vm->devs[k].nr_irqs; q++)
			if (vm->devs[k].irqs[q] == intid)
				return true;
	for (u32 k = 0; k < vm->nr_shm; k++)
		if (vm->shm[k].doorbell == intid)
			return true;
	return false;
}

/* Doorbells not given get the highest free SPIs the vGIC shows, counting down. */
static void alloc_doorbells(struct cfg_vm *vm)
{
	u32 next = LIM_VGIC_MAX_INTID;

	for (u32 k = 0; k < vm->nr_shm; k++) {
		if (vm->shm[k].doorbell)
			continue;
		while (next > 32 && intid_taken(vm, next))
			next--;
		vm->shm[k].doorbell = next--;
	}
}

static int parse_shmem(struct pctx *c, int node)
{
	int err;

	c->vm[0] = c->node[0] = c->field[0] = '\0'; /* about the scenario, not the last VM */
	if (fdt_prop_count(&c->f, node) != 0)
		return perr(c, "/shmem: unexpected property (regions are its sub-nodes)");
	err = parse_entries(c, node, &c->s->nr_shm, CFG_MAX_SHM, "shared regions", parse_shm);

	for (u32 r = 0; !err && r < c->s->nr_shm; r++)
		err = link_shm(c, r);
	for (u32 i = 0; !err && i < c->s->nr_vms; i++)
		alloc_doorbells(&c->s->vms[i]);
	return err;
}

/* ---- /failover: failover groups (docs/failover.md) ---- */

static int parse_fo(struct pctx *c, u32 i, int node)
{
	struct cfg_failover *g = &c->s->failover[i];
	int err;

	if (fdt_first_child(&c->f, node) >= 0)
		return perr(c, "failover '%s': unexpected sub-node", fdt_name(&c->f, node));
	err = parse_named(c, node, &fo_kind, g, sizeof(*g), g->name);
	c->field[0] = '\0';
	return err;
}

static int parse_failover(struct pctx *c, int node)
{
	c->vm[0] = c->node[0] = c->field[0] = '\0'; /* about the scenario, not the last VM */
	if (fdt_prop_count(&c->f, node) != 0)
		return perr(c, "/failover: unexpected property (groups are its sub-nodes)");
	return parse_entries(c, node, &c->s->nr_failover, CFG_MAX_FAILOVER, "failover groups",
			     parse_fo);
}

/* ---- root ---- */

/* Root: compatible, optional cell sizes and model; the only nodes are /vms, /pools,
 * /shmem and /failover. */
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
		    strcmp(fdt_name(&c->f, child), "pools") != 0 &&
		    strcmp(fdt_name(&c->f, child), "shmem") != 0 &&
		    strcmp(fdt_name(&c->f, child), "failover") != 0)
			return perr(c, "unknown node '/%s' (expected /vms, /pools, /shmem or /failover)",
				    fdt_name(&c->f, child));
	return 0;
}

static int parse_scenario(struct pctx *c)
{
	int pools, vms, shm, fo, err = parse_root(c, fdt_root(&c->f));

	pools = fdt_path(&c->f, "/pools");
	if (!err && pools >= 0)
		err = parse_entries(c, pools, &c->s->nr_pools, CFG_MAX_POOLS, "pools", parse_pool);
	vms = fdt_path(&c->f, "/vms");
	if (!err && vms < 0)
		err = perr(c, "no /vms node");
	if (!err)
		err = parse_vms(c, vms);
	shm = fdt_path(&c->f, "/shmem");
	if (!err && shm >= 0)
		err = parse_shmem(c, shm);
	fo = fdt_path(&c->f, "/failover");
	if (!err && fo >= 0)
		err = parse_failover(c, fo);
	return err;
}

int config_parse(const void *fdt, size_t max_size, struct scenario *s, struct cfg_error *err)
{
	static struct cfg_error dummy; /* used when the caller passes no err */
	struct pctx c;
	int r;

	memset(&c, 0, sizeof(c));
	c.err = err ? err : &dummy;
	c.err->msg[0] = '\0';
	if (!s)
		return perr(&c, "no scenario storage");
	memset(s, 0, sizeof(*s));
	c.s = s;
	if (!fdt || fdt_open(&c.f, fdt, max_size) < 0)
		return perr(&c, "not a valid devicetree blob");
	r = parse_scenario(&c);
	if (r)
		memset(s, 0, sizeof(*s)); /* half a scenario is no scenario */
	return r;
}
