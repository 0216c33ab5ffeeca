/*
 * Scenario rules for the virtio-mmio devices of a VM (virtio@ nodes; docs/config.md,
 * docs/virtio.md).
 *
 * A virtio device is emulated: its register page is an IPA of the VM that no host
 * memory backs, and its interrupt is a virtual SPI of the VM's vGIC that no physical
 * interrupt backs. So it only has to fit the VM's own guest-physical map and interrupt
 * space: a page outside the VM's RAM, devices, GIC, UART, paravirtual pages, PCI
 * windows and other virtio pages; an SPI the vGIC holds that no other interrupt of the
 * VM uses. Other VMs may use the same IPA and INTID.
 */
#include <config_err.h>
#include <config_virtio.h>
#include <config_wdog.h>
#include <lib.h>

#define INTID_SPI_MIN 32U
#define IPA_LIMIT (1ULL << LIM_IPA_BITS)
#define X(v) ((unsigned long long)(v))

/* Both ranges non-empty and not wrapping. */
static bool overlaps(u64 b1, u64 s1, u64 b2, u64 s2)
{
	return b1 < b2 + s2 && b2 < b1 + s1;
}

static bool name_ok(const char *n)
{
	return n[0] != '\0' && strnlen(n, CFG_NAME_LEN) < CFG_NAME_LEN;
}

static int shape_ok(const struct cfg_vm *vm, const struct cfg_virtio *d, struct cfg_error *e)
{
	if (!name_ok(d->name))
		return cfg_err(e, vm->name, "virtio: invalid name");
	if (d->type > CFG_VIRTIO_NET)
		return cfg_err(e, vm->name, "%s.type: invalid value", d->name);
	if (d->size != CFG_VIRTIO_PAGE || !IS_ALIGNED(d->base, SZ_4K))
		return cfg_err(e, vm->name, "%s.reg: one 4 KiB register page, 4 KiB aligned "
			       "(0x%llx, 0x%llx)", d->name, X(d->base), X(d->size));
	if (d->base >= IPA_LIMIT || IPA_LIMIT - d->base < d->size)
		return cfg_err(e, vm->name, "%s.reg: 0x%llx beyond the %u-bit guest-physical space",
			       d->name, X(d->base), (unsigned)LIM_IPA_BITS);
	return 0;
}

/* What else of the VM occupies guest-physical space at [b, b + s)? NULL: nothing. */
static const char *window_user(const struct cfg_vm *vm, u64 b, u64 s, const struct cfg_limits *l)
{
	for (u32 n = 0; n < vm->nr_mem && n < CFG_MAX_MEM; n++)
		if (overlaps(b, s, vm->mem[n].ipa, vm->mem[n].size))
			return "its memory";
	for (u32 n = 0; n < vm->nr_devs && n < CFG_MAX_DEVS; n++)
		if (overlaps(b, s, vm->devs[n].base, vm->devs[n].size))
			return vm->devs[n].name;
	if (overlaps(b, s, l->gic_base, l->gic_size))
		return "the GIC";
	if (overlaps(b, s, l->uart_base, l->uart_size))
		return "the UART";
	if ((vm->scmi && overlaps(b, s, CFG_PV_IPA, CFG_PV_SIZE)) ||
	    (vm->pv_time && overlaps(b, s, CFG_PVTIME_IPA, CFG_PV_SIZE)))
		return "a paravirtual page";
	if (vm->nr_pci && pci_host_covers(l->pci, b, s))
		return "the PCI host bridge";
	if (config_wdog_overlaps(vm, b, s))
		return "the watchdog's frames";
	return NULL;
}

static int window_ok(const struct cfg_vm *vm, u32 k, const struct cfg_limits *l,
		      struct cfg_error *e)
{
	const struct cfg_virtio *d = &vm->virtio[k];
	const char *what = window_user(vm, d->base, d->size, l);

	if (what)
		return cfg_err(e, vm->name, "%s.reg: page 0x%llx overlaps %s", d->name, X(d->base),
			       what);
	for (u32 n = 0; n < k; n++)
		if (vm->virtio[n].base == d->base)
			return cfg_err(e, vm->name, "%s.reg: page 0x%llx is %s's too", d->name,
				       X(d->base), vm->virtio[n].name);
	return 0;
}

/* Which other interrupt of the VM is INTID irq? NULL: none. */
static const char *irq_user(const struct cfg_vm *vm, u32 irq, const struct cfg_limits *l)
{
	if (l->uart_intid != 0 && irq == l->uart_intid)
		return "the UART";
	for (u32 n = 0; n < vm->nr_devs && n < CFG_MAX_DEVS; n++)
		for (u32 q = 0; q < vm->devs[n].nr_irqs && q < CFG_MAX_IRQS; q++)
			if (vm->devs[n].irqs[q] == irq)
				return vm->devs[n].name;
	if (vm->nr_pci && pci_host_is_line(l->pci, irq))
		return "a PCI INTx line";
	return NULL;
}

static int irq_ok(const struct cfg_vm *vm, u32 k, const struct cfg_limits *l,
		   struct cfg_error *e)
{
	const struct cfg_virtio *d = &vm->virtio[k];
	const char *who;

	if (d->irq < INTID_SPI_MIN || d->irq > LIM_VGIC_MAX_INTID)
		return cfg_err(e, vm->name, "%s.interrupts: INTID %u is not an SPI of the vGIC "
			       "(32..%u)", d->name, d->irq, (unsigned)LIM_VGIC_MAX_INTID);
	who = irq_user(vm, d->irq, l);
	for (u32 n = 0; !who && n < k; n++)
		if (vm->virtio[n].irq == d->irq)
			who = vm->virtio[n].name;
	if (who)
		return cfg_err(e, vm->name, "%s.interrupts: INTID %u is %s's too", d->name, d->irq,
			       who);
	return 0;
}

/* A blk device's disk: a whole number of sectors, its image no larger; the disk
 * properties are a blk device's only. */
static int disk_ok(const struct cfg_vm *vm, const struct cfg_virtio *d, struct cfg_error *e)
{
	if (d->type != CFG_VIRTIO_BLK) {
		if (d->has_disk_size || d->data || d->read_only)
			return cfg_err(e, vm->name, "%s: disk-size, data and read-only are for "
				       "type \"blk\" only", d->name);
		return 0;
	}
	if (!d->has_disk_size || d->disk_size == 0 || d->disk_size % CFG_VIRTIO_SECTOR ||
	    d->disk_size > CFG_VIRTIO_DISK_MAX)
		return cfg_err(e, vm->name, "%s.disk-size: 0x%llx is not a multiple of 512 bytes "
			       "from 512 to 0x%llx", d->name, X(d->disk_size),
			       X(CFG_VIRTIO_DISK_MAX));
	if (d->data && d->data_size > d->disk_size)
		return cfg_err(e, vm->name, "%s.data: 0x%llx bytes, larger than the disk (0x%llx)",
			       d->name, X(d->data_size), X(d->disk_size));
	return 0;
}

/* Ports of network `name` in VMs 0..i (device k of VM i excluded and after), and how many
 * distinct networks VMs 0..i name up to there. */
static u32 ports_on(const struct scenario *s, u32 i, u32 k, const char *name)
{
	u32 n = 0;

	for (u32 j = 0; j <= i; j++)
		for (u32 m = 0; m < (j == i ? k : s->vms[j].nr_virtio) && m < CFG_MAX_VIRTIO; m++)
			n += s->vms[j].virtio[m].type == CFG_VIRTIO_NET &&
			     strcmp(s->vms[j].virtio[m].network, name) == 0;
	return n;
}

static u32 networks_before(const struct scenario *s, u32 i, u32 k)
{
	u32 n = 0;

	for (u32 j = 0; j <= i; j++)
		for (u32 m = 0; m < (j == i ? k : s->vms[j].nr_virtio) && m < CFG_MAX_VIRTIO; m++)
			n += s->vms[j].virtio[m].type == CFG_VIRTIO_NET &&
			     ports_on(s, j, m, s->vms[j].virtio[m].network) == 0;
	return n;
}

/* A net device names a network (a name as VMs have), within the capacities. */
static int net_ok(const struct scenario *s, u32 i, u32 k, struct cfg_error *e)
{
	const struct cfg_vm *vm = &s->vms[i];
	const struct cfg_virtio *d = &vm->virtio[k];
	u32 ports;

	if (d->type != CFG_VIRTIO_NET)
		return d->network[0] ? cfg_err(e, vm->name, "%s.network: for type \"net\" only",
					       d->name) : 0;
	if (!cfg_name_ok(d->network))
		return cfg_err(e, vm->name, "%s.network: missing or invalid name (1 to %u "
			       "characters of a-z 0-9 _ -)", d->name, (unsigned)(CFG_NAME_LEN - 1));
	ports = ports_on(s, i, k, d->network);
	if (ports >= CFG_MAX_NET_PORTS)
		return cfg_err(e, vm->name, "%s.network: '%s' has %u ports already (max %u)", d->name,
			       d->network, ports, (unsigned)CFG_MAX_NET_PORTS);
	if (!ports && networks_before(s, i, k) >= CFG_MAX_NETWORKS)
		return cfg_err(e, vm->name, "%s.network: more than %u networks", d->name,
			       (unsigned)CFG_MAX_NETWORKS);
	return 0;
}

/* Typed input goes to one console per VM. */
static int one_console(const struct cfg_vm *vm, u32 k, struct cfg_error *e)
{
	const struct cfg_virtio *d = &vm->virtio[k];

	for (u32 n = 0; d->type == CFG_VIRTIO_CONSOLE && n < k; n++)
		if (vm->virtio[n].type == CFG_VIRTIO_CONSOLE)
			return cfg_err(e, vm->name, "%s.type: a VM has at most one virtio console "
				       "(%s is one)", d->name, vm->virtio[n].name);
	return 0;
}

u64 config_virtio_disk_bytes(const struct cfg_vm *vm)
{
	u64 n = 0;

	for (u32 k = 0; k < vm->nr_virtio && k < CFG_MAX_VIRTIO; k++)
		if (vm->virtio[k].type == CFG_VIRTIO_BLK && vm->virtio[k].disk_size <= CFG_VIRTIO_DISK_MAX)
			n += vm->virtio[k].disk_size;
	return n;
}

int config_check_virtio(const struct scenario *s, u32 i, u32 k, const struct cfg_limits *l,
			struct cfg_error *e)
{
	const struct cfg_vm *vm = &s->vms[i];
	int err = shape_ok(vm, &vm->virtio[k], e);

	if (!err)
		err = disk_ok(vm, &vm->virtio[k], e);
	if (!err)
		err = net_ok(s, i, k, e);
	if (!err)
		err = window_ok(vm, k, l, e);
	if (!err)
		err = irq_ok(vm, k, l, e);
	return err ? err : one_console(vm, k, e);
}
