/* Lock-free multi-producer, single-consumer record queue (see msgq.h). */
#include <err.h>
#include <msgq.h>

#define HDR_SIZE 8u
#define REC_ALIGN 8u

STATIC_ASSERT((MSGQ_SIZE & (MSGQ_SIZE - 1)) == 0, "MSGQ_SIZE must be a power of two");
STATIC_ASSERT(MSGQ_PAYLOAD_MAX + HDR_SIZE <= MSGQ_SIZE / 4, "records must be small");

/* Tag of the record starting at pos: never 0, so a zeroed slot is never "published". */
static u32 tag_of(u64 pos)
{
	return (u32)(pos / REC_ALIGN) | 0x80000000u;
}

static u64 rec_size(u32 len)
{
	return HDR_SIZE + ALIGN_UP((u64)len, REC_ALIGN);
}

u32 msgq_record_size(u32 len)
{
	return (u32)rec_size(len > MSGQ_PAYLOAD_MAX ? MSGQ_PAYLOAD_MAX : len);
}

static u64 *hdr_at(struct msgq *q, u64 pos)
{
	return (u64 *)(void *)&q->buf[pos & (MSGQ_SIZE - 1)];
}

static void copy_in(struct msgq *q, u64 pos, const u8 *src, u32 len)
{
	for (u32 i = 0; i < len; i++)
		q->buf[(pos + i) & (MSGQ_SIZE - 1)] = src[i];
}

static void copy_out(struct msgq *q, u64 pos, char *dst, u32 len)
{
	for (u32 i = 0; i < len; i++)
		dst[i] = (char)q->buf[(pos + i) & (MSGQ_SIZE - 1)];
}

/* Reserve `need` bytes; false if they do not fit beside what is unread. */
static bool reserve(struct msgq *q, u64 need, u64 *pos)
{
	u64 h = __atomic_load_n(&q->head, __ATOMIC_RELAXED);

	do {
		u64 t = __atomic_load_n(&q->tail, __ATOMIC_ACQUIRE);

		if (h + need - t > MSGQ_SIZE)
			return false;
	} while (!__atomic_compare_exchange_n(&q->head, &h, h + need, true, __ATOMIC_ACQ_REL,
					      __ATOMIC_RELAXED));
	*pos = h;
	return true;
}

int msgq_put(struct msgq *q, u8 src, u8 kind, const void *data, u32 len)
{
	u64 pos, hdr;

	if (len > MSGQ_PAYLOAD_MAX)
		len = MSGQ_PAYLOAD_MAX;
	if (!reserve(q, rec_size(len), &pos))
		return ERR_FULL;
	copy_in(q, pos + HDR_SIZE, data, len);
	hdr = (u64)tag_of(pos) << 32 | (u64)len << 16 | (u64)src << 8 | kind;
	__atomic_store_n(hdr_at(q, pos), hdr, __ATOMIC_RELEASE);
	return 0;
}

bool msgq_get(struct msgq *q, struct msgq_msg *m)
{
	u64 t = q->tail;
	u64 hdr = __atomic_load_n(hdr_at(q, t), __ATOMIC_ACQUIRE);

	if ((u32)(hdr >> 32) != tag_of(t))
		return false;
	m->len = (u16)(hdr >> 16);
	m->src = (u8)(hdr >> 8);
	m->kind = (u8)hdr;
	if (m->len > MSGQ_PAYLOAD_MAX) /* never written so; a torn slot must not overrun */
		m->len = MSGQ_PAYLOAD_MAX;
	copy_out(q, t + HDR_SIZE, m->data, m->len);
	__atomic_store_n(&q->tail, t + rec_size(m->len), __ATOMIC_RELEASE);
	return true;
}

bool msgq_empty(struct msgq *q)
{
	u64 t = q->tail;

	return (u32)(__atomic_load_n(hdr_at(q, t), __ATOMIC_ACQUIRE) >> 32) != tag_of(t);
}
