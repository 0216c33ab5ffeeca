/*
 * virtio-blk backend (virtio 1.2 section 5.2) over a disk in RAM: disk-size bytes the
 * hypervisor reserves when it creates the VM, filled once from the scenario's image
 * (`data`, the rest zeros). The disk is not touched by a VM reset, so what the guest
 * wrote survives its reboot. One request queue.
 *
 * A request (5.2.6): a 16-byte header the device reads (le32 type, le32 reserved, le64
 * sector), the data (device-readable for OUT, device-writable for IN and GET_ID) and one
 * status byte the device writes last. Types: IN, OUT, FLUSH (the disk is RAM: nothing to
 * do), GET_ID (20 bytes: the device's label); anything else UNSUPP. A request outside the
 * disk, not a whole number of sectors, or of more than VIRTIO_BLK_MAX_REQ data bytes ends
 * with IOERR, a write to a read-only disk too. A chain too short for a header or without
 * a status byte is a broken ring.
 *
 * Offered: SIZE_MAX (4096) and SEG_MAX (32), so a driver's request carries at most
 * 128 KiB; RO for `read-only`; FLUSH. Per exit the backend completes requests until it has
 * moved VIRTIO_BLK_BUDGET bytes or VIRTIO_BUDGET_CHAINS requests (virtio.h).
 */
#include <config.h>
#include <err.h>
#include <lib.h>
#include <mm.h>
#include <virtio.h>
#include <vm.h>

#define VBLK_F_SIZE_MAX 1U
#define VBLK_F_SEG_MAX 2U
#define VBLK_F_RO 5U
#define VBLK_F_FLUSH 9U

#define VBLK_T_IN 0U
#define VBLK_T_OUT 1U
#define VBLK_T_FLUSH 4U
#define VBLK_T_GET_ID 8U

#define VBLK_S_OK 0U
#define VBLK_S_IOERR 1U
#define VBLK_S_UNSUPP 2U

#define VBLK_HDR 16U
#define VBLK_ID_BYTES 20U
#define VBLK_SIZE_MAX 4096U
#define VBLK_SEG_MAX 32U
#define VBLK_CONFIG 36U   /* up to num_queues (5.2.4) */

STATIC_ASSERT(VBLK_SIZE_MAX * VBLK_SEG_MAX == VIRTIO_BLK_MAX_REQ, "request bound");
STATIC_ASSERT(VBLK_SEG_MAX + 2 <= VQ_MAX_SEGS, "header, data and status fit a chain");

struct vblk {
	u8 *disk;         /* through the hypervisor's map of RAM */
	u64 size;         /* bytes, a multiple of 512 */
	bool ro;
	u8 config[VBLK_CONFIG];
};

static struct vblk vblks[CFG_MAX_VMS][CFG_MAX_VIRTIO];

static struct vblk *vblk_of(const struct virtio_dev *d)
{
	return &vblks[d->vm->id][d->index];
}

static void put_le(u8 *p, u64 v, u32 n)
{
	for (u32 i = 0; i < n; i++)
		p[i] = (u8)(v >> (8 * i));
}

/* Configuration space (5.2.4): capacity in sectors, size_max, seg_max, num_queues. */
static void vblk_fill_config(struct vblk *b)
{
	memset(b->config, 0, sizeof(b->config));
	put_le(b->config + 0, b->size / CFG_VIRTIO_SECTOR, 8);
	put_le(b->config + 8, VBLK_SIZE_MAX, 4);
	put_le(b->config + 12, VBLK_SEG_MAX, 4);
	put_le(b->config + 34, 1, 2);
}

static int vblk_create(struct virtio_dev *d, char *msg, size_t len)
{
	const struct cfg_virtio *c = d->cfg;
	struct vblk *b = vblk_of(d);
	u64 pa;
	int r = mm_alloc(c->disk_size, &pa);

	if (r) {
		snprintf(msg, len, "virtio %s: no 0x%llx bytes of RAM for its disk (%s)", c->name,
			 (unsigned long long)c->disk_size, err_name(r));
		return r;
	}
	b->disk = (u8 *)(uintptr_t)pa;
	b->size = c->disk_size;
	b->ro = c->read_only;
	if (b->ro)
		d->dev_features |= BIT(VBLK_F_RO);
	memset(b->disk, 0, b->size);
	if (c->data)
		memcpy(b->disk, c->data, c->data_size);
	vblk_fill_config(b);
	return 0;
}

static void vblk_reset(struct virtio_dev *d)
{
	(void)d; /* the disk keeps its contents; nothing else is kept between requests */
}

static u32 vblk_config_read(struct virtio_dev *d, u32 off, u32 size)
{
	u32 v = 0;

	memcpy(&v, vblk_of(d)->config + off, size); /* the transport checked the range */
	return v;
}

/* Is [sector * 512, + len) inside the disk, whole sectors, at most one request's bound? */
static bool vblk_range_ok(const struct vblk *b, u64 sector, u64 len)
{
	return len % CFG_VIRTIO_SECTOR == 0 && len <= VIRTIO_BLK_MAX_REQ &&
	       sector <= b->size / CFG_VIRTIO_SECTOR &&
	       len <= b->size - sector * CFG_VIRTIO_SECTOR;
}

/* One request; the status, and in *written the data bytes written into its buffers. */
static u8 vblk_do(struct virtio_dev *d, const struct vq_chain *c, u32 type, u64 sector,
		  u64 *written)
{
	struct vblk *b = vblk_of(d);
	u64 in = c->in_bytes - 1, out = c->out_bytes - VBLK_HDR;
	char id[VBLK_ID_BYTES] = { 0 };

	switch (type) {
	case VBLK_T_IN:
		if (!vblk_range_ok(b, sector, in))
			return VBLK_S_IOERR;
		*written = vq_write(&d->mem, c, 0, b->disk + sector * CFG_VIRTIO_SECTOR, in);
		d->bytes_in += *written;
		return VBLK_S_OK;
	case VBLK_T_OUT:
		if (b->ro || !vblk_range_ok(b, sector, out))
			return VBLK_S_IOERR;
		d->bytes_out += vq_read(&d->mem, c, VBLK_HDR, b->disk + sector * CFG_VIRTIO_SECTOR,
					out);
		return VBLK_S_OK;
	case VBLK_T_FLUSH:
		return VBLK_S_OK;
	case VBLK_T_GET_ID:
		rtv_strlcpy(id, d->cfg->name, sizeof(id));
		*written = vq_write(&d->mem, c, 0, id, in < sizeof(id) ? in : sizeof(id));
		return VBLK_S_OK;
	default:
		return VBLK_S_UNSUPP;
	}
}

/* Serve one popped chain: the status byte goes last (5.2.6.1). */
static int vblk_request(struct virtio_dev *d, const struct vq_chain *c, const char **why)
{
	u8 hdr[VBLK_HDR], status;
	u32 type;
	u64 sector, written = 0;

	if (c->out_bytes < VBLK_HDR || c->in_bytes < 1) {
		*why = "block request without header or status byte";
		return ERR_INVAL;
	}
	(void)vq_read(&d->mem, c, 0, hdr, sizeof(hdr)); /* out_bytes >= 16: all of it */
	memcpy(&type, hdr, sizeof(type));
	memcpy(&sector, hdr + 8, sizeof(sector));
	status = vblk_do(d, c, type, sector, &written);
	(void)vq_write(&d->mem, c, c->in_bytes - 1, &status, 1); /* in_bytes >= 1 */
	vq_push(&d->vq[0], c->head, (u32)(written + 1));         /* written < 128 KiB */
	return 0;
}

static int vblk_notify(struct virtio_dev *d, u32 q, const char **why)
{
	struct virtq *vq = &d->vq[q];
	u64 moved_all = 0;
	u32 chains = 0;
	int r = 0;

	/* A chain counts its whole length, copied or refused: at most 128 KiB is copied. */
	while (chains < VIRTIO_BUDGET_CHAINS && moved_all < VIRTIO_BLK_BUDGET) {
		r = vq_pop(vq, &d->mem, &d->chain, why);
		if (!r)
			r = vblk_request(d, &d->chain, why);
		if (r)
			break;
		moved_all += d->chain.in_bytes + d->chain.out_bytes;
		chains++;
	}
	return virtio_batch_end(d, q, chains, r, vq_pending(vq));
}

const struct virtio_backend virtio_blk_backend = {
	.name = "blk",
	.device_id = VIRTIO_ID_BLK,
	.features = BIT(VBLK_F_SIZE_MAX) | BIT(VBLK_F_SEG_MAX) | BIT(VBLK_F_FLUSH),
	.nr_queues = 1,
	.config_size = VBLK_CONFIG,
	.create = vblk_create,
	.reset = vblk_reset,
	.config_read = vblk_config_read,
	.notify = vblk_notify,
};
