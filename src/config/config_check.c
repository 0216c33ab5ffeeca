/*
 * Scenario validation against the machine (rules: docs/config.md).
 *
 * VMs are checked in order; each VM's items are checked against everything
 * checked before them (earlier items of the same VM and all earlier VMs), so
 * every conflict is reported once, by the later party, naming both.
 * Ranges are [base, base + size): size != 0 and base + size must not wrap,
 * which is established before any overlap/containment test runs on them.
 */
#include <config.h>
#include <config_err.h>
#include <config_exitless.h>
#include <config_pci.h>
#include <config_failover.h>
#include <config_virtio.h>
#include <config_wdog.h>
#include <config_range.h>
#include <lib.h>

#define INTID_SPI_MIN 32U
#define INTID_SPI_MAX 1019U
#define X(v) ((unsigned long long)(v))

/* Bounded, terminated name of up to CFG_NAME_LEN - 1 characters. */
static bool name_terminated(const char *n)
{
	size_t i;

	for (i = 0; i < CFG_NAME_LEN; i++)
		if (n[i] == '\0')
			return i > 0;
	return false;
}

/* pCPUs the hypervisor drives: the machine's, at most LIM_PCPUS. */
static u32 usable_pcpus(const struct cfg_limits *l)
{
	return l->nr_pcpus < LIM_PCPUS ? l->nr_pcpus : LIM_PCPUS;
}

static int check_limits(const struct cfg_limits *l, struct cfg_error *e)
{
	if (l->nr_pcpus == 0)
		return cfg_err(e, NULL, "limits: no pCPUs");
	if (!range_ok(l->ram_base, l->ram_size))
		return cfg_err(e, NULL, "limits: invalid RAM range");
	if (!range_ok(l->hv_base, l->hv_size) || !range_ok(l->uart_base, l->uart_size) ||
	    !range_ok(l->gic_base, l->gic_size))
		return cfg_err(e, NULL, "limits: invalid hypervisor, UART or GIC range");
	return 0;
}

/* ---- per-VM basics ---- */

static int check_counts(const struct cfg_vm *vm, struct cfg_error *e)
{
	if (vm->nr_vcpus == 0 || vm->nr_vcpus > CFG_MAX_VCPUS)
		return cfg_err(e, vm->name, "cpus: expected 1 to %u vCPUs", (unsigned)CFG_MAX_VCPUS);
	if (vm->nr_mem == 0)
		return cfg_err(e, vm->name, "memory: no memory region");
	if (vm->nr_mem > CFG_MAX_MEM || vm->nr_images > CFG_MAX_IMAGES ||
	    vm->nr_devs > CFG_MAX_DEVS || vm->nr_pci > CFG_MAX_PCI ||
	    vm->nr_virtio > CFG_MAX_VIRTIO || vm->nr_shm > CFG_MAX_VM_SHM)
		return cfg_err(e, vm->name, "too many memory regions, images, devices, PCI "
			       "functions, virtio devices or shared regions");
	if (vm->fault_policy != FAULT_POLICY_INJECT && vm->fault_policy != FAULT_POLICY_STOP)
		return cfg_err(e, vm->name, "fault-policy: invalid value");
	return 0;
}

/* ---- pools ---- */

static const struct cfg_pool *pool_of_cpu(const struct scenario *s, u32 cpu)
{
	for (u32 i = 0; i < s->nr_pools; i++)
		if (cpu < CFG_MAX_PCPUS && (s->pools[i].cpus & (1ULL << cpu)))
			return &s->pools[i];
	return NULL;
}

static const struct cfg_pool *pool_named(const struct scenario *s, const char *name)
{
	for (u32 i = 0; i < s->nr_pools; i++)
		if (strcmp(s->pools[i].name, name) == 0)
			return &s->pools[i];
	return NULL;
}

/* ---- frequency policy of a pool (docs/power.md) ---- */

static bool is_opp(const struct cfg_limits *l, u32 khz)
{
	for (u32 i = 0; i < l->nr_opps; i++)
		if (l->opp_khz[i] == khz)
			return true;
	return !l->opp_khz;
}

/* Which property a pool of this kind may not have (NULL: none). */
static const char *freq_misplaced(const struct cfg_pool *p)
{
	if (!p->dynamic && p->has_freq_policy)
		return "freq-policy: only for dynamic pools (a bind pool runs at rt-freq-khz)";
	if (p->dynamic && p->rt_freq_khz)
		return "rt-freq-khz: only for bind pools";
	if (p->freq_policy != CFG_FREQ_ONDEMAND && (p->freq_up || p->freq_down || p->freq_sample_ms))
		return "freq-up, freq-down, freq-sample-ms: only with freq-policy \"ondemand\"";
	return NULL;
}

static int check_pool_freq(const struct cfg_pool *p, const struct cfg_limits *l,
			   struct cfg_error *e)
{
	const char *bad = freq_misplaced(p);
	u32 up = p->freq_up ? p->freq_up : 80, down = p->freq_down ? p->freq_down : 30;

	if (bad)
		return cfg_err(e, NULL, "pool '%s': %s", p->name, bad);
	if (p->freq_policy > CFG_FREQ_ONDEMAND)
		return cfg_err(e, NULL, "pool '%s': freq-policy: invalid value", p->name);
	if (down >= up)
		return cfg_err(e, NULL, "pool '%s': freq-down (%u%%) must be below freq-up (%u%%)",
			       p->name, down, up);
	if (p->rt_freq_khz && !is_opp(l, p->rt_freq_khz))
		return cfg_err(e, NULL, "pool '%s': rt-freq-khz: %u kHz is not an operating point "
			       "of the platform", p->name, p->rt_freq_khz);
	return 0;
}

static int check_pool(const struct scenario *s, u32 i, const struct cfg_limits *l,
		      struct cfg_error *e)
{
	const struct cfg_pool *p = &s->pools[i];

	if (!cfg_name_ok(p->name))
		return cfg_err(e, NULL, "pool #%u: invalid pool name", i);
	for (u32 j = 0; j < i; j++) {
		if (strcmp(s->pools[j].name, p->name) == 0)
			return cfg_err(e, NULL, "pool '%s': duplicate pool name", p->name);
		if (s->pools[j].cpus & p->cpus)
			return cfg_err(e, NULL, "pool '%s': cpus: pCPU %u already in pool '%s'",
				       p->name, (u32)__builtin_ctzll(s->pools[j].cpus & p->cpus),
				       s->pools[j].name);
	}
	if (!p->cpus)
		return cfg_err(e, NULL, "pool '%s': cpus: empty", p->name);
	if (usable_pcpus(l) < CFG_MAX_PCPUS && (p->cpus >> usable_pcpus(l)))
		return cfg_err(e, NULL, "pool '%s': cpus: pCPU %u does not exist (%u pCPUs)", p->name,
			       (u32)(63 - __builtin_clzll(p->cpus)), usable_pcpus(l));
	return check_pool_freq(p, l, e);
}

/* Every pCPU in exactly one pool (when there is a /pools node). */
static int check_pools(const struct scenario *s, const struct cfg_limits *l, struct cfg_error *e)
{
	int err = 0;

	for (u32 i = 0; !err && i < s->nr_pools; i++)
		err = check_pool(s, i, l, e);
	for (u32 c = 0; !err && s->nr_pools && c < usable_pcpus(l) && c < CFG_MAX_PCPUS; c++)
		if (!pool_of_cpu(s, c))
			err = cfg_err(e, NULL, "pools: pCPU %u is in no pool", c);
	return err;
}

static bool vm_in_dynamic_pool(const struct scenario *s, const struct cfg_vm *vm)
{
	const struct cfg_pool *p = s->nr_pools ? pool_named(s, vm->pool) : NULL;

	return p && p->dynamic;
}

static int check_vm_pool(const struct scenario *s, u32 i, const struct cfg_limits *l,
			 struct cfg_error *e)
{
	const struct cfg_vm *vm = &s->vms[i];
	const struct cfg_pool *p;

	(void)l;
	if (!s->nr_pools && vm->pool[0])
		return cfg_err(e, vm->name, "pool: no pool '%s' (the scenario has no /pools)",
			       vm->pool);
	if (s->nr_pools && !vm->pool[0])
		return cfg_err(e, vm->name, "pool: missing (required when /pools exists)");
	p = s->nr_pools ? pool_named(s, vm->pool) : NULL;
	if (s->nr_pools && !p)
		return cfg_err(e, vm->name, "pool: no pool '%s'", vm->pool);
	if (!vm_in_dynamic_pool(s, vm) && (vm->weight || vm->has_priority))
		return cfg_err(e, vm->name, "%s: only for VMs in a dynamic pool",
			       vm->weight ? "weight" : "priority");
	for (u32 k = 0; p && k < vm->nr_vcpus; k++)
		if (pool_of_cpu(s, vm->vcpu_pcpu[k]) != p)
			return cfg_err(e, vm->name, "cpus[%u]: pCPU %u is not in pool '%s'", k,
				       vm->vcpu_pcpu[k], p->name);
	return 0;
}

/* ---- items of a VM ---- */

/* A check of item k (a memory region, a device) of VM i. */
typedef int item_check(const struct scenario *s, u32 i, u32 k, const struct cfg_limits *l,
		       struct cfg_error *e);

/* Items 0..n-1 of VM i in order: each is checked against the ones before it. */
static int check_each(const struct scenario *s, u32 i, u32 n, const struct cfg_limits *l,
		      struct cfg_error *e, item_check *check)
{
	int err = 0;

	for (u32 k = 0; !err && k < n; k++)
		err = check(s, i, k, l, e);
	return err;
}

/* ---- pCPUs ---- */

/* vCPUs homed on pCPU p by VMs 0..i (vCPUs 0..k-1 of VM i). */
static u32 vcpus_on(const struct scenario *s, u32 i, u32 k, u32 p)
{
	u32 n = 0;

	for (u32 j = 0; j <= i; j++)
		for (u32 l = 0; l < (j == i ? k : s->vms[j].nr_vcpus); l++)
			n += s->vms[j].vcpu_pcpu[l] == p;
	return n;
}

static int check_pcpu_unique(const struct scenario *s, u32 i, u32 k, struct cfg_error *e)
{
	u32 p = s->vms[i].vcpu_pcpu[k], j, l;

	if (vm_in_dynamic_pool(s, &s->vms[i])) { /* shared by design, up to the runqueue size */
		if (vcpus_on(s, i, k, p) >= CFG_MAX_VCPUS_PER_PCPU)
			return cfg_err(e, s->vms[i].name, "cpus[%u]: more than %u vCPUs on pCPU %u", k,
				       (unsigned)CFG_MAX_VCPUS_PER_PCPU, p);
		return 0;
	}

	for (j = 0; j <= i; j++) {
		const struct cfg_vm *o = &s->vms[j];
		u32 n = j == i ? k : o->nr_vcpus;

		for (l = 0; l < n; l++)
			if (o->vcpu_pcpu[l] == p)
				return cfg_err(e, s->vms[i].name, "cpus[%u]: pCPU %u already "
					       "assigned to vm '%s' (vCPU %u)", k, p, o->name, l);
	}
	return 0;
}

static int check_cpus(const struct scenario *s, u32 i, const struct cfg_limits *l,
		      struct cfg_error *e)
{
	const struct cfg_vm *vm = &s->vms[i];
	u32 k;
	int err;

	for (k = 0; k < vm->nr_vcpus; k++) {
		if (vm->vcpu_pcpu[k] >= l->nr_pcpus)
			return cfg_err(e, vm->name, "cpus[%u]: pCPU %u does not exist (%u pCPUs)", k,
				       vm->vcpu_pcpu[k], l->nr_pcpus);
		if (vm->vcpu_pcpu[k] >= usable_pcpus(l))
			return cfg_err(e, vm->name, "cpus[%u]: pCPU %u above the hypervisor's limit "
				       "of %u pCPUs", k, vm->vcpu_pcpu[k], (unsigned)LIM_PCPUS);
		err = check_pcpu_unique(s, i, k, e);
		if (err)
			return err;
	}
	return 0;
}

/* ---- memory ---- */

static int check_mem_shape(const struct cfg_vm *vm, const struct cfg_mem *m,
			   struct cfg_error *e)
{
	if (m->size == 0 || !IS_ALIGNED(m->size, SZ_4K) || !IS_ALIGNED(m->ipa, SZ_4K))
		return cfg_err(e, vm->name, "memory@%llx.reg: ipa and size must be non-zero "
			       "multiples of 4 KiB (size 0x%llx)", X(m->ipa), X(m->size));
	if (!range_ok(m->ipa, m->size))
		return cfg_err(e, vm->name, "memory@%llx.reg: range wraps around (size 0x%llx)",
			       X(m->ipa), X(m->size));
	if (!in_ipa_space(m->ipa, m->size))
		return cfg_err(e, vm->name, "memory@%llx.reg: [0x%llx, 0x%llx) beyond the %u-bit "
			       "guest-physical space", X(m->ipa), X(m->ipa), X(m->ipa + m->size),
			       (unsigned)LIM_IPA_BITS);
	if (m->identity && (!m->has_phys || m->phys != m->ipa))
		return cfg_err(e, vm->name, "memory@%llx.identity: phys differs from ipa", X(m->ipa));
	if (!m->has_phys)
		return 0;
	if (!IS_ALIGNED(m->phys, SZ_4K))
		return cfg_err(e, vm->name, "memory@%llx.phys: 0x%llx is not 4 KiB aligned",
			       X(m->ipa), X(m->phys));
	if (!range_ok(m->phys, m->size))
		return cfg_err(e, vm->name, "memory@%llx.phys: range wraps around", X(m->ipa));
	return 0;
}

static int check_mem_platform(const struct cfg_vm *vm, const struct cfg_mem *m,
			      const struct cfg_limits *l, struct cfg_error *e)
{
	if (overlaps(m->ipa, m->size, l->gic_base, l->gic_size))
		return cfg_err(e, vm->name, "memory@%llx.reg: IPA range overlaps the emulated GIC",
			       X(m->ipa));
	if (vm->console && overlaps(m->ipa, m->size, l->uart_base, l->uart_size))
		return cfg_err(e, vm->name, "memory@%llx.reg: IPA range overlaps the console UART",
			       X(m->ipa));
	if (!m->has_phys)
		return 0;
	if (!inside(m->phys, m->size, l->ram_base, l->ram_size))
		return cfg_err(e, vm->name,
			       "memory@%llx.phys: [0x%llx, 0x%llx) outside RAM [0x%llx, 0x%llx)",
			       X(m->ipa), X(m->phys), X(m->phys + m->size), X(l->ram_base),
			       X(l->ram_base + l->ram_size));
	if (overlaps(m->phys, m->size, l->hv_base, l->hv_size))
		return cfg_err(e, vm->name,
			       "memory@%llx.phys: [0x%llx, 0x%llx) overlaps the hypervisor "
			       "[0x%llx, 0x%llx)", X(m->ipa), X(m->phys), X(m->phys + m->size),
			       X(l->hv_base), X(l->hv_base + l->hv_size));
	return 0;
}

/* Earlier regions of the same VM (IPA) and earlier fixed regions anywhere (PA). */
static int check_mem_unique(const struct scenario *s, u32 i, u32 k, struct cfg_error *e)
{
	const struct cfg_vm *vm = &s->vms[i];
	const struct cfg_mem *m = &vm->mem[k];
	u32 j, n;

	for (n = 0; n < k; n++)
		if (overlaps(m->ipa, m->size, vm->mem[n].ipa, vm->mem[n].size))
			return cfg_err(e, vm->name, "memory@%llx.reg: IPA range overlaps memory@%llx",
				       X(m->ipa), X(vm->mem[n].ipa));
	for (j = 0; j <= i && m->has_phys; j++) {
		const struct cfg_vm *o = &s->vms[j];

		for (n = 0; n < (j == i ? k : o->nr_mem); n++)
			if (o->mem[n].has_phys &&
			    overlaps(m->phys, m->size, o->mem[n].phys, o->mem[n].size))
				return cfg_err(e, vm->name,
					       "memory@%llx.phys: [0x%llx, 0x%llx) overlaps vm '%s' "
					       "memory@%llx", X(m->ipa), X(m->phys),
					       X(m->phys + m->size), o->name, X(o->mem[n].ipa));
	}
	return 0;
}

static int check_mem(const struct scenario *s, u32 i, u32 k, const struct cfg_limits *l,
		     struct cfg_error *e)
{
	const struct cfg_vm *vm = &s->vms[i];
	int err = check_mem_shape(vm, &vm->mem[k], e);

	if (!err)
		err = check_mem_platform(vm, &vm->mem[k], l, e);
	return err ? err : check_mem_unique(s, i, k, e);
}

/* Is [base, base+size) inside one of the VM's (already checked) memory regions? */
static bool in_vm_memory(const struct cfg_vm *vm, u64 base, u64 size)
{
	u32 k;

	for (k = 0; k < vm->nr_mem; k++)
		if (inside(base, size, vm->mem[k].ipa, vm->mem[k].size))
			return true;
	return false;
}

/* ---- images, entry, dtb ---- */

static int check_image(const struct cfg_vm *vm, u32 k, struct cfg_error *e)
{
	const struct cfg_image *im = &vm->images[k];
	u32 n;

	if (!name_terminated(im->name))
		return cfg_err(e, vm->name, "image #%u: invalid name", k);
	if (im->size == 0 || !im->data)
		return cfg_err(e, vm->name, "image '%s'.data: empty image", im->name);
	if (!range_ok(im->load_ipa, im->size) || !in_vm_memory(vm, im->load_ipa, im->size))
		return cfg_err(e, vm->name,
			       "image '%s'.load: [0x%llx, +0x%llx) not inside one memory region",
			       im->name, X(im->load_ipa), X(im->size));
	for (n = 0; n < k; n++)
		if (overlaps(im->load_ipa, im->size, vm->images[n].load_ipa, vm->images[n].size))
			return cfg_err(e, vm->name, "image '%s'.load: overlaps image '%s'", im->name,
				       vm->images[n].name);
	return 0;
}

static int check_images_entry(const struct cfg_vm *vm, struct cfg_error *e)
{
	int err = 0;
	u32 k;

	for (k = 0; !err && k < vm->nr_images; k++)
		err = check_image(vm, k, e);
	if (err)
		return err;
	if (!IS_ALIGNED(vm->entry, 4) || !in_vm_memory(vm, vm->entry, 4))
		return cfg_err(e, vm->name, "entry: 0x%llx not (4-byte aligned) inside a memory region",
			       X(vm->entry));
	return 0;
}

/* The generated DTB takes [dtb, dtb + CFG_GUEST_DT_MAX): in one region, clear of images. */
static int check_dtb_area(const struct cfg_vm *vm, struct cfg_error *e)
{
	u64 base = vm->dtb_ipa;
	u32 n;

	if (!IS_ALIGNED(base, 8))
		return cfg_err(e, vm->name, "dtb: 0x%llx is not 8-byte aligned", X(base));
	if (!range_ok(base, CFG_GUEST_DT_MAX) || !in_vm_memory(vm, base, CFG_GUEST_DT_MAX))
		return cfg_err(e, vm->name, "dtb: 0x%llx not inside a memory region (the generated "
			       "DTB takes 0x%llx bytes)", X(base), X(CFG_GUEST_DT_MAX));
	for (n = 0; n < vm->nr_images; n++)
		if (overlaps(base, CFG_GUEST_DT_MAX, vm->images[n].load_ipa, vm->images[n].size))
			return cfg_err(e, vm->name, "dtb: [0x%llx, 0x%llx) overlaps image '%s'",
				       X(base), X(base + CFG_GUEST_DT_MAX), vm->images[n].name);
	return 0;
}

/* The image labelled "initrd", if any, is the one initrd_image names. */
static int check_initrd(const struct cfg_vm *vm, struct cfg_error *e)
{
	u32 n;

	if (vm->initrd_image < -1 || vm->initrd_image >= (int)vm->nr_images)
		return cfg_err(e, vm->name, "initrd: invalid image index %d", vm->initrd_image);
	for (n = 0; n < vm->nr_images; n++)
		if (strcmp(vm->images[n].name, CFG_INITRD_LABEL) == 0 &&
		    (int)n != vm->initrd_image)
			return cfg_err(e, vm->name, "image #%u: a VM has at most one \"%s\" image", n,
				       CFG_INITRD_LABEL);
	if (vm->initrd_image >= 0 &&
	    strcmp(vm->images[vm->initrd_image].name, CFG_INITRD_LABEL) != 0)
		return cfg_err(e, vm->name, "initrd: image #%d is not labelled \"%s\"",
			       vm->initrd_image, CFG_INITRD_LABEL);
	if (vm->initrd_image >= 0 && !vm->has_dtb)
		return cfg_err(e, vm->name, "image '%s': an initrd needs dtb (the generated DTB "
			       "tells the kernel where it is)", CFG_INITRD_LABEL);
	return 0;
}

/* What only the generated guest DTB uses: dtb area, bootargs, initrd. */
static int check_guest_dt(const struct cfg_vm *vm, struct cfg_error *e)
{
	int err = vm->has_dtb ? check_dtb_area(vm, e) : 0;

	if (err)
		return err;
	if (vm->bootargs && strnlen(vm->bootargs, CFG_BOOTARGS_MAX + 1) > CFG_BOOTARGS_MAX)
		return cfg_err(e, vm->name, "bootargs: longer than %u characters",
			       (unsigned)CFG_BOOTARGS_MAX);
	if (vm->bootargs && !vm->has_dtb)
		return cfg_err(e, vm->name, "bootargs: needs dtb (they are passed in the generated "
			       "DTB)");
	return check_initrd(vm, e);
}

/* ---- devices ---- */

static int check_dev_shape(const struct cfg_vm *vm, const struct cfg_dev *d,
			   const struct cfg_limits *l, struct cfg_error *e)
{
	if (!name_terminated(d->name))
		return cfg_err(e, vm->name, "device: invalid name");
	if (d->size == 0 || !IS_ALIGNED(d->size, SZ_4K) || !IS_ALIGNED(d->base, SZ_4K))
		return cfg_err(e, vm->name, "%s.reg: base and size must be non-zero multiples of "
			       "4 KiB (0x%llx, 0x%llx)", d->name, X(d->base), X(d->size));
	if (!range_ok(d->base, d->size))
		return cfg_err(e, vm->name, "%s.reg: range wraps around", d->name);
	if (!in_ipa_space(d->base, d->size))
		return cfg_err(e, vm->name, "%s.reg: [0x%llx, 0x%llx) beyond the %u-bit guest-physical "
			       "space (devices are mapped IPA == PA)", d->name, X(d->base),
			       X(d->base + d->size), (unsigned)LIM_IPA_BITS);
	if (overlaps(d->base, d->size, l->uart_base, l->uart_size))
		return cfg_err(e, vm->name, "%s.reg: overlaps the hypervisor UART at 0x%llx",
			       d->name, X(l->uart_base));
	if (overlaps(d->base, d->size, l->gic_base, l->gic_size))
		return cfg_err(e, vm->name, "%s.reg: overlaps the GIC [0x%llx, 0x%llx)", d->name,
			       X(l->gic_base), X(l->gic_base + l->gic_size));
	if (overlaps(d->base, d->size, l->ram_base, l->ram_size) ||
	    overlaps(d->base, d->size, l->hv_base, l->hv_size))
		return cfg_err(e, vm->name, "%s.reg: overlaps RAM or the hypervisor", d->name);
	if (d->nr_irqs > CFG_MAX_IRQS)
		return cfg_err(e, vm->name, "%s.interrupts: too many", d->name);
	if (d->compatible && (d->compatible_len < 2 || d->compatible_len > CFG_COMPAT_MAX ||
			      d->compatible[d->compatible_len - 1] != '\0'))
		return cfg_err(e, vm->name, "%s.compatible: invalid string list", d->name);
	return 0;
}

static int check_dev_vs_mem(const struct cfg_vm *vm, const struct cfg_dev *d,
			    struct cfg_error *e)
{
	u32 n;

	for (n = 0; n < vm->nr_mem; n++)
		if (overlaps(d->base, d->size, vm->mem[n].ipa, vm->mem[n].size))
			return cfg_err(e, vm->name, "%s.reg: overlaps memory@%llx (IPA)", d->name,
				       X(vm->mem[n].ipa));
	return 0;
}

/* Earlier devices of this VM and of earlier VMs. */
static int check_dev_unique(const struct scenario *s, u32 i, u32 k, struct cfg_error *e)
{
	const struct cfg_dev *d = &s->vms[i].devs[k];
	u32 j, n;

	for (j = 0; j <= i; j++) {
		const struct cfg_vm *o = &s->vms[j];

		for (n = 0; n < (j == i ? k : o->nr_devs); n++)
			if (overlaps(d->base, d->size, o->devs[n].base, o->devs[n].size))
				return cfg_err(e, s->vms[i].name,
					       "%s.reg: [0x%llx, 0x%llx) overlaps vm '%s' %s", d->name,
					       X(d->base), X(d->base + d->size), o->name,
					       o->devs[n].name);
	}
	return 0;
}

/* Was INTID irq assigned before position (i, k, q)? Reports the earlier owner. */
static int check_irq_unique(const struct scenario *s, u32 i, u32 k, u32 q, struct cfg_error *e)
{
	u32 irq = s->vms[i].devs[k].irqs[q], j, n, r;

	for (j = 0; j <= i; j++) {
		const struct cfg_vm *o = &s->vms[j];
		u32 nd = j == i ? k + 1 : o->nr_devs;

		for (n = 0; n < nd; n++) {
			const struct cfg_dev *od = &o->devs[n];
			u32 nq = (j == i && n == k) ? q : od->nr_irqs;

			for (r = 0; r < nq; r++)
				if (od->irqs[r] == irq)
					return cfg_err(e, s->vms[i].name,
						       "%s.interrupts: INTID %u already assigned "
						       "to vm '%s' %s", s->vms[i].devs[k].name, irq,
						       o->name, od->name);
		}
	}
	return 0;
}

static int check_irqs(const struct scenario *s, u32 i, u32 k, const struct cfg_limits *l,
		      struct cfg_error *e)
{
	const struct cfg_dev *d = &s->vms[i].devs[k];
	u32 q;
	int err;

	for (q = 0; q < d->nr_irqs; q++) {
		u32 irq = d->irqs[q];

		if (irq < INTID_SPI_MIN || irq > INTID_SPI_MAX)
			return cfg_err(e, s->vms[i].name,
				       "%s.interrupts: INTID %u is not an SPI (32..1019)", d->name,
				       irq);
		if (irq > LIM_VGIC_MAX_INTID)
			return cfg_err(e, s->vms[i].name,
				       "%s.interrupts: INTID %u above the vGIC's limit %u", d->name,
				       irq, (unsigned)LIM_VGIC_MAX_INTID);
		if (l->uart_intid != 0 && irq == l->uart_intid)
			return cfg_err(e, s->vms[i].name,
				       "%s.interrupts: INTID %u is the hypervisor UART's", d->name,
				       irq);
		err = check_irq_unique(s, i, k, q, e);
		if (err)
			return err;
	}
	return 0;
}

static int check_dev(const struct scenario *s, u32 i, u32 k, const struct cfg_limits *l,
		     struct cfg_error *e)
{
	const struct cfg_vm *vm = &s->vms[i];
	int err = check_dev_shape(vm, &vm->devs[k], l, e);

	if (!err)
		err = check_dev_vs_mem(vm, &vm->devs[k], e);
	if (!err)
		err = check_dev_unique(s, i, k, e);
	return err ? err : check_irqs(s, i, k, l, e);
}

/* ---- what creating the VM takes from the hypervisor (rtv_limits.h) ---- */

/* SPIs the VM's vGIC must own: every device interrupt (each assigned once), the console's,
 * one INTx line per PCI function (at most: functions may share one), one per virtio
 * device and one doorbell per shared region it maps, the watchdog's WS0. */
static u32 vm_owned_spis(const struct cfg_vm *vm)
{
	u32 n = (vm->console ? 1u : 0u) + (vm->has_wdog ? 1u : 0u) + vm->nr_pci + vm->nr_virtio +
		vm->nr_shm;

	for (u32 k = 0; k < vm->nr_devs && k < CFG_MAX_DEVS; k++)
		n += vm->devs[k].nr_irqs;
	return n;
}

int config_vm_capacity(const struct cfg_vm *vm, u32 uart_intid, struct cfg_error *e)
{
	u32 spis = vm_owned_spis(vm);

	if (vm->console && uart_intid != 0 &&
	    (uart_intid < INTID_SPI_MIN || uart_intid > LIM_VGIC_MAX_INTID))
		return cfg_err(e, vm->name, "console: the UART's INTID %u is not an SPI the vGIC "
			       "holds (32..%u)", uart_intid, (unsigned)LIM_VGIC_MAX_INTID);
	if (spis > LIM_VGIC_OWNED_SPIS)
		return cfg_err(e, vm->name, "interrupts: %u owned SPIs (devices%s%s%s%s), the vGIC holds %u",
			       spis, vm->nr_pci ? ", PCI INTx" : "", vm->nr_virtio ? ", virtio" : "",
			       vm->nr_shm ? ", doorbells" : "", vm->console ? " and console" : "",
			       (unsigned)LIM_VGIC_OWNED_SPIS);
	return 0;
}

/*
 * RAM the VMs 0..i take in all (memory regions and virtio disks), against RAM outside the
 * hypervisor. Necessary, not
 * sufficient: placement (fixed regions splitting free RAM, 2 MiB alignment, the
 * firmware DTB) can still leave no room for an allocated region; the hypervisor then
 * leaves that VM stopped and starts the others.
 */
static int check_ram_total(const struct scenario *s, u32 i, const struct cfg_limits *l,
			   struct cfg_error *e)
{
	u64 avail = l->ram_size - overlap_size(l->hv_base, l->hv_size, l->ram_base, l->ram_size);
	u64 need = 0;

	for (u32 j = 0; j <= i; j++) {
		u64 disks = config_virtio_disk_bytes(&s->vms[j]);

		for (u32 k = 0; k < s->vms[j].nr_mem; k++)
			need = s->vms[j].mem[k].size > ~(u64)0 - need ? ~(u64)0 :
			       need + s->vms[j].mem[k].size;
		need = disks > ~(u64)0 - need ? ~(u64)0 : need + disks;
	}
	if (need > avail)
		return cfg_err(e, s->vms[i].name, "memory: the VMs so far need 0x%llx bytes of RAM, "
			       "0x%llx are left beside the hypervisor", X(need), X(avail));
	return 0;
}

/* ---- VM as a whole ---- */

static int check_vm_name(const struct scenario *s, u32 i, const struct cfg_limits *l,
			 struct cfg_error *e)
{
	u32 j;

	(void)l;
	if (!cfg_name_ok(s->vms[i].name))
		return cfg_err(e, NULL, "vm #%u: invalid VM name", i);
	for (j = 0; j < i; j++)
		if (strcmp(s->vms[j].name, s->vms[i].name) == 0)
			return cfg_err(e, s->vms[i].name, "duplicate VM name (VMs #%u and #%u)", j, i);
	return 0;
}

/* A paravirtual page (the SCMI shared memory, the stolen-time records) is the VM's:
 * none of its memory or devices may be there. */
static int check_pv_page(const struct cfg_vm *vm, bool on, u64 ipa, const char *what,
			 struct cfg_error *e)
{
	for (u32 n = 0; on && n < vm->nr_mem; n++)
		if (overlaps(ipa, CFG_PV_SIZE, vm->mem[n].ipa, vm->mem[n].size))
			return cfg_err(e, vm->name, "%s at 0x%llx overlaps memory@%llx", what,
				       X(ipa), X(vm->mem[n].ipa));
	for (u32 n = 0; on && n < vm->nr_devs; n++)
		if (overlaps(ipa, CFG_PV_SIZE, vm->devs[n].base, vm->devs[n].size))
			return cfg_err(e, vm->name, "%s at 0x%llx overlaps %s", what, X(ipa),
				       vm->devs[n].name);
	return 0;
}

static int check_pv_pages(const struct cfg_vm *vm, struct cfg_error *e)
{
	int err = check_pv_page(vm, vm->scmi, CFG_PV_IPA, "scmi: its shared memory", e);

	return err ? err : check_pv_page(vm, vm->pv_time, CFG_PVTIME_IPA,
					 "pv-time: its stolen-time records", e);
}

static int check_capacity(const struct scenario *s, u32 i, const struct cfg_limits *l,
			  struct cfg_error *e)
{
	return config_vm_capacity(&s->vms[i], l->uart_intid, e);
}

/* A check of VM i among the scenario's VMs. */
typedef int vm_check(const struct scenario *s, u32 i, const struct cfg_limits *l,
		     struct cfg_error *e);

/*
 * One rule of a VM, exactly one of: alone (the VM by itself), among (the VM among the
 * others), or item (each of its items, the count a u32 at offset nr of struct cfg_vm).
 */
struct vm_rule {
	int (*alone)(const struct cfg_vm *vm, struct cfg_error *e);
	vm_check *among;
	item_check *item;
	size_t nr;
};

#define ALONE(fn) { .alone = fn }
#define AMONG(fn) { .among = fn }
#define EACH(fn, count) { .item = fn, .nr = offsetof(struct cfg_vm, count) }

/* In this order: a later rule may rely on what an earlier one established. */
static const struct vm_rule vm_rules[] = {
	AMONG(check_vm_name), ALONE(check_counts), AMONG(check_cpus), AMONG(check_vm_pool),
	EACH(check_mem, nr_mem), AMONG(check_ram_total), ALONE(check_images_entry),
	ALONE(check_guest_dt), EACH(check_dev, nr_devs), EACH(config_check_pci, nr_pci),
	EACH(config_check_virtio, nr_virtio), AMONG(config_check_gdb), ALONE(check_pv_pages),
	AMONG(config_check_wdog), AMONG(config_check_exitless), AMONG(config_check_gicv4),
	EACH(config_check_vm_shm, nr_shm),
	AMONG(check_capacity),
};

static int apply_rule(const struct vm_rule *r, const struct scenario *s, u32 i,
		      const struct cfg_limits *l, struct cfg_error *e)
{
	const struct cfg_vm *vm = &s->vms[i];

	if (r->alone)
		return r->alone(vm, e);
	if (r->among)
		return r->among(s, i, l, e);
	return check_each(s, i, *(const u32 *)((const u8 *)vm + r->nr), l, e, r->item);
}

static int check_vm(const struct scenario *s, u32 i, const struct cfg_limits *l,
		    struct cfg_error *e)
{
	int err = 0;

	for (u32 k = 0; !err && k < ARRAY_SIZE(vm_rules); k++)
		err = apply_rule(&vm_rules[k], s, i, l, e);
	return err;
}

int config_check(const struct scenario *s, const struct cfg_limits *lim, struct cfg_error *err)
{
	static struct cfg_error dummy; /* used when the caller passes no err */
	int r;

	if (!err)
		err = &dummy;
	err->msg[0] = '\0';
	if (!s || !lim)
		return cfg_err(err, NULL, "no scenario or limits");
	r = check_limits(lim, err);
	if (r)
		return r;
	if (s->nr_vms == 0)
		return cfg_err(err, NULL, "no VMs (add a node under /vms)");
	if (s->nr_vms > CFG_MAX_VMS)
		return cfg_err(err, NULL, "too many VMs (max %u)", (unsigned)CFG_MAX_VMS);
	if (s->nr_pools > CFG_MAX_POOLS)
		return cfg_err(err, NULL, "too many pools");
	r = check_pools(s, lim, err);
	for (u32 i = 0; !r && i < s->nr_vms; i++)
		r = check_vm(s, i, lim, err);
	r = r ? r : config_check_shm(s, lim, err);
	return r ? r : config_check_failover(s, err);
}
