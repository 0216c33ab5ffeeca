/*
 * The virtio-mmio transport, register layout version 2 (virtio 1.2 section 4.2.2), for
 * the virtio@ devices of a VM's scenario (docs/virtio.md). One 4 KiB register page per
 * device, trapped (nothing is mapped at its IPA); one emulated level-sensitive SPI, high
 * while InterruptStatus is non-zero (Linux's virtio_mmio reads InterruptStatus and
 * writes the same value to InterruptACK).
 *
 * Feature negotiation (3.1.1): the device offers VIRTIO_F_VERSION_1 (required by layout
 * 2), VIRTIO_F_INDIRECT_DESC and its backend's bits; FEATURES_OK stays clear on read-back
 * if the driver took a bit not offered or did not take VERSION_1. Without
 * VIRTIO_F_ACCESS_PLATFORM the rings carry guest-physical addresses: the queues read
 * them through the VM's RAM regions (vio_map; the EL2 map reaches all RAM).
 * Writing 0 to Status resets the device (4.2.2.1). A broken ring sets
 * DEVICE_NEEDS_RESET (2.1.2) and raises a configuration-change interrupt; the device
 * then ignores notifications until the driver resets it.
 */
#include <config.h>
#include <err.h>
#include <lib.h>
#include <printk.h>
#include <shell.h>
#include <vdev.h>
#include <virq.h>
#include <virtio.h>
#include <vm.h>

/* Registers (4.2.2, table "MMIO Device Register Layout"). */
#define REG_MAGIC 0x000
#define REG_VERSION 0x004
#define REG_DEVICE_ID 0x008
#define REG_VENDOR_ID 0x00c
#define REG_DEV_FEATURES 0x010
#define REG_DEV_FEATURES_SEL 0x014
#define REG_DRV_FEATURES 0x020
#define REG_DRV_FEATURES_SEL 0x024
#define REG_QUEUE_SEL 0x030
#define REG_QUEUE_NUM_MAX 0x034
#define REG_QUEUE_NUM 0x038
#define REG_QUEUE_READY 0x044
#define REG_QUEUE_NOTIFY 0x050
#define REG_INT_STATUS 0x060
#define REG_INT_ACK 0x064
#define REG_STATUS 0x070
#define REG_QUEUE_DESC_LO 0x080
#define REG_QUEUE_DESC_HI 0x084
#define REG_QUEUE_DRIVER_LO 0x090
#define REG_QUEUE_DRIVER_HI 0x094
#define REG_QUEUE_DEVICE_LO 0x0a0
#define REG_QUEUE_DEVICE_HI 0x0a4
#define REG_SHM_LEN_LO 0x0b0
#define REG_SHM_LEN_HI 0x0b4
#define REG_CONFIG_GEN 0x0fc
#define REG_CONFIG 0x100

#define VIRTIO_MAGIC 0x74726976U   /* "virt" */
#define VIRTIO_MMIO_VERSION 2U
#define VIRTIO_VENDOR 0x56545452U  /* "RTTV": rtvisor's, for drivers that print it */

static struct virtio_dev devs[CFG_MAX_VMS][CFG_MAX_VIRTIO];

static const struct virtio_backend *const backends[] = {
	[CFG_VIRTIO_CONSOLE] = &virtio_console_backend,
	[CFG_VIRTIO_BLK] = &virtio_blk_backend,
	[CFG_VIRTIO_NET] = &virtio_net_backend,
};

static const struct virtio_backend *backend_of(u32 type)
{
	return type < ARRAY_SIZE(backends) ? backends[type] : NULL;
}

/* ---- guest memory: the VM's RAM regions (its stage-2 RAM map) ---- */

static u8 *vio_map(void *ctx, u64 gpa, u64 *avail)
{
	const struct vm *vm = ctx;

	for (u32 i = 0; i < vm->cfg->nr_mem; i++) {
		const struct vm_mem *m = &vm->mem[i];

		if (gpa >= m->ipa && gpa - m->ipa < m->size) {
			*avail = m->size - (gpa - m->ipa);
			return (u8 *)(uintptr_t)(m->pa + (gpa - m->ipa));
		}
	}
	*avail = 0;
	return NULL;
}

/* ---- for backends ---- */

static u64 offered(const struct virtio_dev *d)
{
	return d->dev_features | BIT(VIRTIO_F_VERSION_1) | BIT(VIRTIO_F_INDIRECT_DESC);
}

static void update_irq(struct virtio_dev *d)
{
	virq_set_level(d->vm, d->cfg->irq, d->isr != 0);
}

void virtio_used(struct virtio_dev *d, u32 q)
{
	if (!vq_wants_irq(&d->vq[q]) || (d->isr & VIRTIO_ISR_USED))
		return;
	d->isr |= VIRTIO_ISR_USED;
	d->irqs++;
	update_irq(d);
}

int virtio_batch_end(struct virtio_dev *d, u32 q, u32 done, int r, bool more)
{
	if (done)
		virtio_used(d, q);
	if (r == ERR_INVAL)
		return r;
	return more ? ERR_AGAIN : 0;
}

void virtio_broken(struct virtio_dev *d, const char *why)
{
	d->refusals++;
	if (d->status & VIRTIO_STATUS_NEEDS_RESET)
		return;
	d->status |= VIRTIO_STATUS_NEEDS_RESET;
	d->isr |= VIRTIO_ISR_CONFIG;
	update_irq(d);
	if (d->reported)
		return;
	d->reported = true; /* once per VM start: a guest cannot flood the console */
	printk("rtvisor: vm '%s' virtio %s (%s): %s; device needs reset\n", d->vm->cfg->name,
	       d->cfg->name, d->be->name, why);
}

void virtio_config_changed(struct virtio_dev *d)
{
	d->config_gen++; /* a driver reading the space twice sees it moved (4.2.2) */
	if (!(d->status & VIRTIO_STATUS_DRIVER_OK) || d->stopped)
		return; /* it reads the space when it starts */
	d->isr |= VIRTIO_ISR_CONFIG;
	d->irqs++;
	update_irq(d);
}

bool virtio_queue_live(const struct virtio_dev *d, u32 q)
{
	return !d->stopped && q < d->be->nr_queues && d->vq[q].ready &&
	       (d->status & (VIRTIO_STATUS_DRIVER_OK | VIRTIO_STATUS_NEEDS_RESET)) ==
		       VIRTIO_STATUS_DRIVER_OK;
}

struct virtio_dev *virtio_find(const struct vm *vm, u32 device_id)
{
	for (u32 i = 0; i < vm->cfg->nr_virtio && i < CFG_MAX_VIRTIO; i++)
		if (devs[vm->id][i].be && devs[vm->id][i].be->device_id == device_id)
			return &devs[vm->id][i];
	return NULL;
}

/* ---- the register page ---- */

static void dev_reset(struct virtio_dev *d)
{
	for (u32 q = 0; q < VIRTIO_MAX_QUEUES; q++)
		vq_clear(&d->vq[q]);
	d->status = d->isr = 0;
	d->dev_features_sel = d->drv_features_sel = d->queue_sel = 0;
	d->drv_features = 0;
	d->be->reset(d);
	update_irq(d);
}

static struct virtq *sel_queue(struct virtio_dev *d)
{
	return d->queue_sel < d->be->nr_queues ? &d->vq[d->queue_sel] : NULL;
}

static u32 half(u64 v, u32 sel)
{
	return sel == 0 ? (u32)v : sel == 1 ? (u32)(v >> 32) : 0;
}

static u32 read_queue_reg(struct virtio_dev *d, u32 off)
{
	const struct virtq *q = sel_queue(d);

	if (!q)
		return 0;
	switch (off) {
	case REG_QUEUE_NUM_MAX: return VQ_MAX_SIZE;
	case REG_QUEUE_NUM: return q->num;
	case REG_QUEUE_READY: return q->ready;
	case REG_QUEUE_DESC_LO: return (u32)q->desc_gpa;
	case REG_QUEUE_DESC_HI: return (u32)(q->desc_gpa >> 32);
	case REG_QUEUE_DRIVER_LO: return (u32)q->avail_gpa;
	case REG_QUEUE_DRIVER_HI: return (u32)(q->avail_gpa >> 32);
	case REG_QUEUE_DEVICE_LO: return (u32)q->used_gpa;
	case REG_QUEUE_DEVICE_HI: return (u32)(q->used_gpa >> 32);
	default: return 0;
	}
}

static u32 vio_read(struct virtio_dev *d, u32 off)
{
	switch (off) {
	case REG_MAGIC: return VIRTIO_MAGIC;
	case REG_VERSION: return VIRTIO_MMIO_VERSION;
	case REG_DEVICE_ID: return d->be->device_id;
	case REG_VENDOR_ID: return VIRTIO_VENDOR;
	case REG_DEV_FEATURES: return half(offered(d), d->dev_features_sel);
	case REG_INT_STATUS: return d->isr;
	case REG_STATUS: return d->status;
	case REG_CONFIG_GEN: return d->config_gen;
	case REG_SHM_LEN_LO: /* no shared memory regions: length all ones (4.2.2) */
	case REG_SHM_LEN_HI: return 0xffffffffU;
	default: return read_queue_reg(d, off);
	}
}

/* Set one half of a 64-bit queue address; only while the queue is not ready. */
static void set_addr(u64 *a, u32 val, bool high)
{
	*a = high ? (*a & 0xffffffffULL) | (u64)val << 32 : (*a & ~0xffffffffULL) | val;
}

static void queue_ready(struct virtio_dev *d, struct virtq *q, u32 val)
{
	const char *why = NULL;

	if (!val) {
		vq_clear(q);
		return;
	}
	if (q->ready)
		return;
	q->indirect = (d->drv_features & BIT(VIRTIO_F_INDIRECT_DESC)) != 0;
	if (vq_setup(q, &d->mem, &why))
		virtio_broken(d, why);
}

static void write_queue_reg(struct virtio_dev *d, u32 off, u32 val)
{
	struct virtq *q = sel_queue(d);

	if (!q)
		return;
	if (off == REG_QUEUE_READY) {
		queue_ready(d, q, val);
		return;
	}
	if (q->ready)
		return; /* the driver must not change a live queue (4.2.3.2) */
	switch (off) {
	case REG_QUEUE_NUM: q->num = val; break;
	case REG_QUEUE_DESC_LO: case REG_QUEUE_DESC_HI:
		set_addr(&q->desc_gpa, val, off == REG_QUEUE_DESC_HI); break;
	case REG_QUEUE_DRIVER_LO: case REG_QUEUE_DRIVER_HI:
		set_addr(&q->avail_gpa, val, off == REG_QUEUE_DRIVER_HI); break;
	case REG_QUEUE_DEVICE_LO: case REG_QUEUE_DEVICE_HI:
		set_addr(&q->used_gpa, val, off == REG_QUEUE_DEVICE_HI); break;
	default: break;
	}
}

/* A new status (non-zero): the device owns NEEDS_RESET; FEATURES_OK only for a subset of
 * the offered features that includes VERSION_1 (3.1.1). */
static void set_status(struct virtio_dev *d, u32 val)
{
	u32 was = d->status;
	u64 f = d->drv_features;
	const char *why = NULL;

	val = (val & ~VIRTIO_STATUS_NEEDS_RESET) | (was & VIRTIO_STATUS_NEEDS_RESET);
	if ((val & VIRTIO_STATUS_FEATURES_OK) && !(was & VIRTIO_STATUS_FEATURES_OK) &&
	    ((f & ~offered(d)) || !(f & BIT(VIRTIO_F_VERSION_1))))
		val &= ~VIRTIO_STATUS_FEATURES_OK;
	d->status = val & 0xff;
	if ((val & VIRTIO_STATUS_DRIVER_OK) && !(was & VIRTIO_STATUS_DRIVER_OK) &&
	    d->be->driver_ok && d->be->driver_ok(d, &why) == ERR_INVAL)
		virtio_broken(d, why);
}

static enum trap_status queue_notify(struct virtio_dev *d, u32 q)
{
	const char *why = NULL;
	int r;

	d->notifies++;
	if (!virtio_queue_live(d, q))
		return TRAP_HANDLED;
	r = d->be->notify(d, q, &why);
	if (r == ERR_AGAIN)
		return TRAP_RETRY;
	if (r == ERR_INVAL)
		virtio_broken(d, why);
	return TRAP_HANDLED;
}

static enum trap_status vio_write(struct virtio_dev *d, u32 off, u32 val)
{
	switch (off) {
	case REG_DEV_FEATURES_SEL: d->dev_features_sel = val; break;
	case REG_DRV_FEATURES_SEL: d->drv_features_sel = val; break;
	case REG_DRV_FEATURES:
		if (d->drv_features_sel < 2 && !(d->status & VIRTIO_STATUS_FEATURES_OK))
			set_addr(&d->drv_features, val, d->drv_features_sel == 1);
		break;
	case REG_QUEUE_SEL: d->queue_sel = val; break;
	case REG_QUEUE_NOTIFY: return queue_notify(d, val);
	case REG_INT_ACK:
		d->isr &= ~val;
		update_irq(d);
		break;
	case REG_STATUS:
		if (val == 0)
			dev_reset(d);
		else
			set_status(d, val);
		break;
	default: write_queue_reg(d, off, val); break;
	}
	return TRAP_HANDLED;
}

/* Configuration space: 1, 2 or 4 bytes, naturally aligned (4.2.2.2), read-only here. */
static enum trap_status config_access(struct virtio_dev *d, struct mmio_access *a)
{
	u32 off = (u32)a->offset - REG_CONFIG;

	if (a->size > 4)
		return TRAP_FORBIDDEN;
	if (!a->write)
		a->val = off < d->be->config_size && a->size <= d->be->config_size - off ?
				 d->be->config_read(d, off, a->size) : 0;
	return TRAP_HANDLED;
}

static enum trap_status vio_mmio(struct vcpu *v, struct mmio_access *a, void *opaque)
{
	struct virtio_dev *d = opaque;
	enum trap_status st = TRAP_HANDLED;

	(void)v;
	if (a->offset < REG_CONFIG && a->size != 4)
		return TRAP_FORBIDDEN; /* registers are 32-bit (4.2.2) */
	spin_lock(d->lock);
	if (d->stopped)
		a->val = 0; /* a vCPU on its way out of a stopped VM: nothing changes */
	else if (a->offset >= REG_CONFIG)
		st = config_access(d, a);
	else if (a->write)
		st = vio_write(d, (u32)a->offset, (u32)a->val);
	else
		a->val = vio_read(d, (u32)a->offset);
	spin_unlock(d->lock);
	return st;
}

/* ---- the shell ---- */

static void show_queue(const struct virtq *q, u32 i)
{
	if (!q->ready) {
		printk("    q%u: off (num %u)\n", i, q->num);
		return;
	}
	printk("    q%u: num %u, avail taken %u, used %u, pending %u\n", i, q->num,
	       q->last_avail, q->used_idx, vq_pending(q));
}

static void show_dev(struct virtio_dev *d)
{
	struct virtq q[VIRTIO_MAX_QUEUES];
	u32 status;
	u64 feat, n[5];

	spin_lock(d->lock); /* a consistent copy; printed after (printk may render) */
	memcpy(q, d->vq, sizeof(q));
	status = d->status;
	feat = d->drv_features;
	n[0] = d->notifies, n[1] = d->irqs, n[2] = d->bytes_in, n[3] = d->bytes_out;
	n[4] = d->refusals;
	spin_unlock(d->lock);
	printk("  %s %s @0x%llx irq %u: status 0x%x%s, features 0x%llx, notifies %llu, "
	       "irqs %llu, bytes to guest %llu, from guest %llu, refused %llu\n", d->cfg->name,
	       d->be->name, (unsigned long long)d->cfg->base, d->cfg->irq, status,
	       status & VIRTIO_STATUS_NEEDS_RESET ? " (NEEDS_RESET)" : "",
	       (unsigned long long)feat, (unsigned long long)n[0], (unsigned long long)n[1],
	       (unsigned long long)n[2], (unsigned long long)n[3], (unsigned long long)n[4]);
	for (u32 i = 0; i < d->be->nr_queues; i++)
		show_queue(&q[i], i);
	if (d->be->show)
		d->be->show(d);
}

static void virtio_show(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	for (u32 v = 0; v < nr_vms; v++) {
		if (!vms[v].cfg->nr_virtio)
			continue;
		printk("vm '%s':\n", vms[v].cfg->name);
		for (u32 i = 0; i < vms[v].cfg->nr_virtio; i++)
			if (devs[v][i].be)
				show_dev(&devs[v][i]);
	}
}

SHELL_CMD(vdev) = { "vdev", NULL, 0, 0, "vdev", virtio_show };

/* ---- the unit ---- */

static u32 vio_windows(const struct cfg_vm *cfg)
{
	return cfg->nr_virtio;
}

static int vio_create_one(struct vm *vm, u32 i, char *msg, size_t len)
{
	struct virtio_dev *d = &devs[vm->id][i];
	const struct cfg_virtio *c = &vm->cfg->virtio[i];
	int r;

	memset(d, 0, sizeof(*d));
	d->vm = vm;
	d->cfg = c;
	d->be = backend_of(c->type);
	d->mem = (struct vq_mem){ .ctx = vm, .map = vio_map };
	if (!d->be) {
		snprintf(msg, len, "virtio %s: type %u has no backend yet", c->name, c->type);
		return ERR_NOSYS;
	}
	d->index = i;
	d->dev_features = d->be->features;
	d->lock = &d->own_lock;
	if (d->be->create) {
		r = d->be->create(d, msg, len);
		if (r)
			return r;
	}
	r = virq_assign(vm, c->irq, false);
	if (!r)
		r = mmio_register(&vm->mmio, c->base, c->size, vio_mmio, d);
	if (r)
		snprintf(msg, len, "virtio %s: cannot claim its page or interrupt %u (%s)", c->name,
			 c->irq, err_name(r));
	return r;
}

static int vio_create(struct vm *vm, char *msg, size_t len)
{
	int r = 0;

	for (u32 i = 0; !r && i < vm->cfg->nr_virtio; i++)
		r = vio_create_one(vm, i, msg, len);
	return r;
}

/* Every device of vm to its power-on state under its lock, then marked stopped or not. */
static void vio_reset_all(struct vm *vm, bool stopped)
{
	for (u32 i = 0; i < vm->cfg->nr_virtio; i++) {
		struct virtio_dev *d = &devs[vm->id][i];

		if (!d->be)
			continue;
		spin_lock(d->lock);
		d->stopped = stopped;
		dev_reset(d);
		if (!stopped)
			d->reported = false;
		spin_unlock(d->lock);
	}
}

/* Before every start: every device in its power-on state, reports allowed again. */
static void vio_reset(struct vm *vm)
{
	vio_reset_all(vm, false);
}

/* Stopped or a reset requested: forget the rings at once, so no pCPU (the console input
 * on the housekeeping pCPU) writes into the VM's RAM while its images are reloaded. */
static void vio_stop(struct vm *vm)
{
	vio_reset_all(vm, true);
}

/* A failover switch (core/failover.c): the link of vm's ports on the group's networks
 * goes up or down; each backend with a link decides whether its device is such a port. */
static void vio_links(struct vm *vm, const struct cfg_failover *g, bool up)
{
	for (u32 i = 0; i < vm->cfg->nr_virtio && i < CFG_MAX_VIRTIO; i++) {
		struct virtio_dev *d = &devs[vm->id][i];

		if (d->be && d->be->link_set)
			d->be->link_set(d, g->networks, g->networks_len, up);
	}
}

/* Fenced (or the backup at boot): unplugged, before anything moves. */
static void vio_fo_fence(struct vm *vm, const struct cfg_failover *g)
{
	vio_links(vm, g, false);
}

/* Promoted: plugged (STATUS and a configuration-change interrupt). */
static void vio_fo_promote(struct vm *vm, const struct cfg_failover *g)
{
	vio_links(vm, g, true);
}

VDEV_UNIT(virtio_mmio, VDEV_STAGE_DEVICE) = {
	.name = "virtio_mmio",
	.mmio_windows = vio_windows,
	.vm_create = vio_create,
	.vm_reset = vio_reset,
	.vm_stop = vio_stop,
	.fo_fence = vio_fo_fence,
	.fo_promote = vio_fo_promote,
};
