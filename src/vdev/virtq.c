/*
 * Split virtqueues, device side (virtq.h; virtio 1.2 section 2.7). Pure: guest memory
 * only through struct vq_mem. Layout (2.7.4, 2.7.6, 2.7.8), little-endian:
 *   descriptor table: num x { le64 addr; le32 len; le16 flags; le16 next; }, 16-aligned
 *   available ring:   le16 flags; le16 idx; le16 ring[num]; (le16 used_event), 2-aligned
 *   used ring:        le16 flags; le16 idx; { le32 id; le32 len; } ring[num];
 *                     (le16 avail_event), 4-aligned
 * The device reads avail.idx, then (acquire) the entries it covers; it writes a used
 * entry, then (release) used.idx (2.7.13, 2.7.8).
 */
#include <err.h>
#include <lib.h>
#include <virtq.h>

#define DESC_SIZE 16U

struct vq_desc {
	u64 addr;
	u32 len;
	u16 flags;
	u16 next;
};

/* Bytes of the three areas for a queue of num entries (without the event fields: they
 * are not used, VIRTIO_F_EVENT_IDX is never offered). */
static u64 desc_bytes(u32 num) { return (u64)num * DESC_SIZE; }
static u64 avail_bytes(u32 num) { return 4 + 2 * (u64)num; }
static u64 used_bytes(u32 num) { return 4 + 8 * (u64)num; }

static u16 ld16(const u8 *p)
{
	return __atomic_load_n((const u16 *)(const void *)p, __ATOMIC_RELAXED);
}

static void st32(u8 *p, u32 v)
{
	__atomic_store_n((u32 *)(void *)p, v, __ATOMIC_RELAXED);
}

static void st16(u8 *p, u16 v)
{
	__atomic_store_n((u16 *)(void *)p, v, __ATOMIC_RELAXED);
}

bool vq_range_ok(const struct vq_mem *m, u64 gpa, u64 len)
{
	while (len) {
		u64 avail = 0;

		if (!m->map(m->ctx, gpa, &avail) || !avail)
			return false;
		if (avail >= len)
			return true;
		if (gpa + avail < gpa)
			return false;
		gpa += avail;
		len -= avail;
	}
	return true;
}

/* A host pointer to [gpa, gpa + len) if it is in one piece of RAM, else NULL. */
static u8 *map_whole(const struct vq_mem *m, u64 gpa, u64 len)
{
	u64 avail = 0;
	u8 *p = m->map(m->ctx, gpa, &avail);

	return p && avail >= len ? p : NULL;
}

static int refuse(const char **why, const char *reason)
{
	*why = reason;
	return ERR_INVAL;
}

int vq_setup(struct virtq *q, const struct vq_mem *m, const char **why)
{
	u32 num = q->num;

	q->ready = false;
	if (num == 0 || num > VQ_MAX_SIZE || (num & (num - 1)))
		return refuse(why, "queue size not a power of two up to the maximum");
	if ((q->desc_gpa & 15) || (q->avail_gpa & 1) || (q->used_gpa & 3))
		return refuse(why, "ring area misaligned");
	q->desc = map_whole(m, q->desc_gpa, desc_bytes(num));
	q->avail = map_whole(m, q->avail_gpa, avail_bytes(num));
	q->used = map_whole(m, q->used_gpa, used_bytes(num));
	if (!q->desc || !q->avail || !q->used)
		return refuse(why, "ring area outside the VM's RAM");
	q->last_avail = 0;
	q->used_idx = 0;
	q->ready = true;
	return 0;
}

void vq_clear(struct virtq *q)
{
	memset(q, 0, sizeof(*q));
}

static u16 avail_idx(const struct virtq *q)
{
	u16 idx = ld16(q->avail + 2);

	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	return idx;
}

u32 vq_pending(const struct virtq *q)
{
	return q->ready ? (u16)(avail_idx(q) - q->last_avail) : 0;
}

bool vq_wants_irq(const struct virtq *q)
{
	return q->ready && !(ld16(q->avail) & VQ_AVAIL_F_NO_INTERRUPT);
}

static struct vq_desc read_desc(const u8 *table, u32 i)
{
	struct vq_desc d;

	memcpy(&d, table + (u64)i * DESC_SIZE, sizeof(d));
	return d;
}

/* Add one data descriptor to the chain: in RAM, readable ones before writable ones. */
static int add_seg(const struct vq_mem *m, struct vq_chain *c, const struct vq_desc *d,
		   const char **why)
{
	bool write = (d->flags & VQ_DESC_F_WRITE) != 0;

	if (c->nr >= VQ_MAX_SEGS)
		return refuse(why, "chain has too many buffers");
	if (!write && c->nr && c->seg[c->nr - 1].write)
		return refuse(why, "readable buffer after a writable one");
	if (!vq_range_ok(m, d->addr, d->len))
		return refuse(why, "buffer outside the VM's RAM");
	c->seg[c->nr++] = (struct vq_seg){ .gpa = d->addr, .len = d->len, .write = write };
	if (write)
		c->in_bytes += d->len;
	else
		c->out_bytes += d->len;
	return 0;
}

/* The chain's data in an indirect table (2.7.5.3): entries linked by NEXT within it. */
static int walk_indirect(const struct vq_mem *m, struct vq_chain *c, const struct vq_desc *d,
			 const char **why)
{
	u32 n = d->len / DESC_SIZE, i = 0, steps = 0;
	const u8 *t;

	if (d->flags & VQ_DESC_F_NEXT)
		return refuse(why, "indirect descriptor with NEXT");
	if (d->len == 0 || d->len % DESC_SIZE || n > VQ_MAX_INDIRECT)
		return refuse(why, "indirect table of a bad length");
	t = map_whole(m, d->addr, d->len);
	if (!t || (d->addr & 15))
		return refuse(why, "indirect table outside the VM's RAM or misaligned");
	for (;;) {
		struct vq_desc e = read_desc(t, i);
		int err;

		if (++steps > n)
			return refuse(why, "loop in an indirect table");
		if (e.flags & VQ_DESC_F_INDIRECT)
			return refuse(why, "nested indirect table");
		err = add_seg(m, c, &e, why);
		if (err)
			return err;
		if (!(e.flags & VQ_DESC_F_NEXT))
			return 0;
		if (e.next >= n)
			return refuse(why, "indirect descriptor index out of range");
		i = e.next;
	}
}

/* Walk the chain from head through the descriptor table: at most num descriptors. */
static int walk_chain(const struct virtq *q, const struct vq_mem *m, struct vq_chain *c,
		      u32 head, const char **why)
{
	u32 i = head, steps = 0;

	for (;;) {
		struct vq_desc d = read_desc(q->desc, i);
		int err;

		if (++steps > q->num)
			return refuse(why, "loop in a descriptor chain");
		if (d.flags & VQ_DESC_F_INDIRECT) {
			if (!q->indirect || c->nr)
				return refuse(why, "indirect descriptor not allowed here");
			return walk_indirect(m, c, &d, why);
		}
		err = add_seg(m, c, &d, why);
		if (err || !(d.flags & VQ_DESC_F_NEXT))
			return err;
		if (d.next >= q->num)
			return refuse(why, "descriptor index out of range");
		i = d.next;
	}
}

int vq_pop(struct virtq *q, const struct vq_mem *m, struct vq_chain *c, const char **why)
{
	u32 pending = vq_pending(q), head;
	int err;

	if (!pending)
		return ERR_NOENT;
	if (pending > q->num)
		return refuse(why, "available index runs ahead of the queue size");
	head = ld16(q->avail + 4 + 2 * (u64)(q->last_avail % q->num));
	if (head >= q->num)
		return refuse(why, "available ring names a descriptor out of range");
	c->head = (u16)head;
	c->nr = 0;
	c->out_bytes = c->in_bytes = 0;
	err = walk_chain(q, m, c, head, why);
	if (!err)
		q->last_avail++;
	return err;
}

void vq_push(struct virtq *q, u16 head, u32 len)
{
	u8 *e = q->used + 4 + 8 * (u64)(q->used_idx % q->num);

	st32(e, head);
	st32(e + 4, len);
	q->used_idx++;
	__atomic_thread_fence(__ATOMIC_RELEASE);
	st16(q->used + 2, q->used_idx);
	__atomic_thread_fence(__ATOMIC_SEQ_CST); /* idx visible before the flags are read */
}

/* Copy between [gpa, gpa + len) of guest RAM and buf, piece by piece of RAM. */
static u64 copy_guest(const struct vq_mem *m, u64 gpa, u8 *buf, u64 len, bool to_guest)
{
	u64 done = 0;

	while (done < len) {
		u64 avail = 0, n;
		u8 *p = m->map(m->ctx, gpa + done, &avail);

		if (!p || !avail)
			break;
		n = len - done < avail ? len - done : avail;
		if (to_guest)
			memcpy(p, buf + done, n);
		else
			memcpy(buf + done, p, n);
		done += n;
	}
	return done;
}

static u64 copy_chain(const struct vq_mem *m, const struct vq_chain *c, u64 off, u8 *buf,
		      u64 len, bool to_guest)
{
	u64 done = 0;

	for (u32 k = 0; k < c->nr && k < VQ_MAX_SEGS && done < len; k++) {
		const struct vq_seg *s = &c->seg[k];
		u64 n;

		if (s->write != to_guest)
			continue;
		if (off >= s->len) {
			off -= s->len;
			continue;
		}
		n = s->len - off < len - done ? s->len - off : len - done;
		u64 got = copy_guest(m, s->gpa + off, buf + done, n, to_guest);

		done += got;
		off = 0;
		if (got < n)
			break; /* not RAM (vq_pop checked it: cannot happen for a popped chain) */
	}
	return done;
}

/* One readable piece of chain c at offset off: a host pointer and its length (at most
 * len, within one segment and one contiguous piece of RAM); NULL at the end. */
static const u8 *chain_piece(const struct vq_mem *m, const struct vq_chain *c, u64 off,
			     u64 len, u64 *n)
{
	for (u32 k = 0; k < c->nr && k < VQ_MAX_SEGS; k++) {
		const struct vq_seg *s = &c->seg[k];
		u64 avail = 0;
		const u8 *p;

		if (s->write)
			continue;
		if (off >= s->len) {
			off -= s->len;
			continue;
		}
		p = m->map(m->ctx, s->gpa + off, &avail);
		if (!p || !avail)
			return NULL;
		*n = s->len - off;
		*n = *n < avail ? *n : avail;
		*n = *n < len ? *n : len;
		return p;
	}
	return NULL;
}

u64 vq_copy(const struct vq_mem *sm, const struct vq_chain *sc, u64 soff,
	    const struct vq_mem *dm, const struct vq_chain *dc, u64 doff, u64 len)
{
	u64 done = 0;

	while (done < len) {
		u64 n = 0, got;
		const u8 *p = chain_piece(sm, sc, soff + done, len - done, &n);

		if (!p)
			break;
		got = vq_write(dm, dc, doff + done, p, n);
		done += got;
		if (got < n)
			break;
	}
	return done;
}

u64 vq_sum(const struct vq_mem *m, const struct vq_chain *c, u64 off, u64 len)
{
	u64 sum = 0, done = 0;

	while (done < len) {
		u64 n = 0;
		const u8 *p = chain_piece(m, c, off + done, len - done, &n);

		if (!p)
			break;
		for (u64 i = 0; i < n; i++) /* byte i of the range: high byte when even */
			sum += (u64)p[i] << (((done + i) & 1) ? 0 : 8);
		done += n;
	}
	return sum;
}

u64 vq_read(const struct vq_mem *m, const struct vq_chain *c, u64 off, void *dst, u64 len)
{
	return copy_chain(m, c, off, dst, len, false);
}

u64 vq_write(const struct vq_mem *m, const struct vq_chain *c, u64 off, const void *src,
	     u64 len)
{
	return copy_chain(m, c, off, (u8 *)(uintptr_t)src, len, true);
}
