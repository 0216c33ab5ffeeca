/*
 * A Linux 6.1 printk ring buffer read from outside (printk_rb.h). The kernel's rules,
 * as this reader applies them (kernel/printk/printk_ringbuffer.[ch], v6.1):
 * - descriptor id i lives in descs[i & (count - 1)] and infos[same]; ids are 62 bits and
 *   wrap; the ring holds the ids tail_id .. head_id.
 * - state_var = state (top 2 bits: 0 reserved, 1 committed, 2 finalized, 3 reusable) |
 *   the id the slot currently holds (low 62 bits); a slot holding another id is stale.
 * - text_blk_lpos {begin, next} are logical positions in the data ring: index =
 *   lpos & (size - 1), wrap count = lpos >> size_bits. An odd begin is a record without
 *   data. A block that would cross the end starts over at data[0] (then the text is
 *   data[0 .. index(next)]). Each block starts with its descriptor's id.
 */
#include <err.h>
#include <lib.h>
#include <printk_rb.h>

#define SV_STATE_SHIFT 62
#define SV_ID_MASK ((1ULL << SV_STATE_SHIFT) - 1)
#define ST_COMMITTED 1
#define ST_FINALIZED 2
#define NO_LPOS 0x3ULL
#define BLK_ID_SIZE 8

static u64 le64(const u8 *p)
{
	u64 v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static u32 le32(const u8 *p)
{
	return (u32)le64((const u8[8]){ p[0], p[1], p[2], p[3] });
}

static u64 id_of(u64 v)
{
	return v & SV_ID_MASK;
}

/* Read, with msg naming what could not be read. */
static int rd(const struct prb_mem *m, u64 va, void *buf, size_t n, const char *what,
	      char *msg, size_t len)
{
	int r = m->read(m->ctx, va, buf, n);

	if (r)
		snprintf(msg, len, "%s at VA %016lx: not readable (%s)", what, (unsigned long)va,
			 err_name(r));
	return r ? ERR_RANGE : 0;
}

static bool va_ok(u64 va)
{
	return va != 0 && IS_ALIGNED(va, 8);
}

static int ring_sane(const struct prb_ring *rb, char *msg, size_t len)
{
	if (rb->count_bits < 1 || rb->count_bits > PRB_MAX_COUNT_BITS ||
	    rb->size_bits < 4 || rb->size_bits > PRB_MAX_SIZE_BITS) {
		snprintf(msg, len, "not a printk ring buffer (count_bits %u, size_bits %u)",
			 rb->count_bits, rb->size_bits);
		return ERR_INVAL;
	}
	if (!va_ok(rb->descs) || !va_ok(rb->infos) || !va_ok(rb->data)) {
		snprintf(msg, len, "not a printk ring buffer (descs %lx, infos %lx, data %lx)",
			 (unsigned long)rb->descs, (unsigned long)rb->infos,
			 (unsigned long)rb->data);
		return ERR_INVAL;
	}
	if (prb_nr_ids(rb) > (1ULL << rb->count_bits)) {
		snprintf(msg, len, "corrupted ring: tail id %lx, head id %lx are %lu apart "
			 "(more than its %lu descriptors)", (unsigned long)rb->tail_id,
			 (unsigned long)rb->head_id, (unsigned long)prb_nr_ids(rb),
			 (unsigned long)(1ULL << rb->count_bits));
		return ERR_INVAL;
	}
	return 0;
}

int prb_open(const struct prb_mem *m, u64 rb_va, struct prb_ring *rb, char *msg, size_t len)
{
	u8 b[PRB_RB_SIZE];
	int r = rd(m, rb_va, b, sizeof(b), "struct printk_ringbuffer", msg, len);

	if (r)
		return r;
	rb->count_bits = le32(b + 0);
	rb->descs = le64(b + 8);
	rb->infos = le64(b + 16);
	rb->head_id = id_of(le64(b + 24));
	rb->tail_id = id_of(le64(b + 32));
	rb->size_bits = le32(b + 48);
	rb->data = le64(b + 56);
	return ring_sane(rb, msg, len);
}

u64 prb_nr_ids(const struct prb_ring *rb)
{
	return id_of(rb->head_id - rb->tail_id) + 1;
}

static u64 slot(const struct prb_ring *rb, u64 id)
{
	return id & ((1ULL << rb->count_bits) - 1);
}

/* The descriptor of id: 0 with its state and positions, ERR_NOENT if the slot is stale. */
static int read_desc(const struct prb_mem *m, const struct prb_ring *rb, u64 id, u32 *state,
		     u64 lpos[2], char *msg, size_t len)
{
	u8 d[PRB_DESC_SIZE];
	int r = rd(m, rb->descs + slot(rb, id) * PRB_DESC_SIZE, d, sizeof(d), "a descriptor",
		   msg, len);

	if (r)
		return r;
	*state = (u32)(le64(d) >> SV_STATE_SHIFT);
	lpos[0] = le64(d + 8);
	lpos[1] = le64(d + 16);
	if (id_of(le64(d)) != id)
		return ERR_NOENT;
	return *state == ST_COMMITTED || *state == ST_FINALIZED ? 0 : ERR_NOENT;
}

/*
 * Where the text of a block {begin, next} is: its data offset (after the block's id)
 * and size. 0, ERR_NOENT (no data), or ERR_INVAL for positions no writer makes.
 */
static int blk_place(const struct prb_ring *rb, const u64 lpos[2], u64 *off, u64 *size)
{
	u64 mask = (1ULL << rb->size_bits) - 1;
	u64 begin = lpos[0], next = lpos[1], wraps = next >> rb->size_bits;

	if (begin & 1) /* data-less: FAILED_LPOS or NO_LPOS */
		return begin == NO_LPOS && next == NO_LPOS ? ERR_NOENT : ERR_INVAL;
	if (begin >> rb->size_bits == wraps && begin < next) {
		*off = begin & mask;
		*size = next - begin;
	} else if ((begin >> rb->size_bits) + 1 == wraps) {
		*off = 0; /* the block did not fit before the end: it starts at data[0] */
		*size = next & mask;
	} else {
		return ERR_INVAL;
	}
	return *size >= BLK_ID_SIZE && *off + *size <= mask + 1 ? 0 : ERR_INVAL;
}

/* Replace what would disturb a terminal (escape sequences, CR) with '?'. */
static void sanitize(char *s, u32 n)
{
	for (u32 i = 0; i < n; i++)
		if ((s[i] < ' ' && s[i] != '\n') || s[i] == 0x7f)
			s[i] = '?';
	s[n] = '\0';
}

/* The text of a block placed at off (ring-relative, size bytes), which must be id's. */
static int read_text(const struct prb_mem *m, const struct prb_ring *rb, u64 id, u64 off,
		     u64 size, struct prb_record *r, char *text, size_t cap, char *msg,
		     size_t len)
{
	u8 idb[BLK_ID_SIZE];
	int e = rd(m, rb->data + off, idb, sizeof(idb), "a data block", msg, len);

	if (e)
		return e;
	if (le64(idb) != id) {
		snprintf(msg, len, "record %lx: its data block belongs to id %lx",
			 (unsigned long)id, (unsigned long)le64(idb));
		return ERR_INVAL;
	}
	if (r->text_len > size - BLK_ID_SIZE) {
		snprintf(msg, len, "record %lx: text_len %u does not fit its %lu-byte block",
			 (unsigned long)id, r->text_len, (unsigned long)size);
		return ERR_INVAL;
	}
	if (r->text_len > cap - 1)
		r->text_len = (u32)cap - 1;
	e = rd(m, rb->data + off + BLK_ID_SIZE, text, r->text_len, "a record's text", msg, len);
	if (!e)
		sanitize(text, r->text_len);
	return e;
}

int prb_record(const struct prb_mem *m, const struct prb_ring *rb, u64 id,
	       struct prb_record *r, char *text, size_t cap, char *msg, size_t len)
{
	u8 info[PRB_INFO_SIZE];
	u64 lpos[2], off = 0, size = 0;
	u32 state;
	int e = read_desc(m, rb, id, &state, lpos, msg, len);

	if (e)
		return e;
	e = rd(m, rb->infos + slot(rb, id) * PRB_INFO_SIZE, info, sizeof(info), "a record's info",
	       msg, len);
	if (e)
		return e;
	r->id = id;
	r->seq = le64(info);
	r->ts_nsec = le64(info + 8);
	r->text_len = (u32)info[16] | (u32)info[17] << 8;
	r->finalized = state == ST_FINALIZED;
	text[0] = '\0';
	e = blk_place(rb, lpos, &off, &size);
	if (e == ERR_NOENT) { /* a record without text */
		r->text_len = 0;
		return 0;
	}
	if (e) {
		snprintf(msg, len, "record %lx: data position %lx..%lx outside the %lu-byte ring",
			 (unsigned long)id, (unsigned long)lpos[0], (unsigned long)lpos[1],
			 (unsigned long)(1ULL << rb->size_bits));
		return e;
	}
	return read_text(m, rb, id, off, size, r, text, cap, msg, len);
}

/* The oldest id of the last n records that have a descriptor in order. */
static int first_of_last(const struct prb_mem *m, const struct prb_ring *rb, u32 n, u64 *first,
			 char *msg, size_t len)
{
	u64 k, id = rb->head_id, lpos[2];
	u32 state, found = 0;
	int e;

	*first = id_of(rb->head_id + 1); /* none */
	for (k = prb_nr_ids(rb); k > 0 && found < n; k--, id = id_of(id - 1)) {
		e = read_desc(m, rb, id, &state, lpos, msg, len);
		if (e == ERR_RANGE)
			return e;
		if (!e) {
			found++;
			*first = id;
		}
	}
	return 0;
}

int prb_dump(const struct prb_mem *m, const struct prb_ring *rb, u32 n, prb_emit_fn *emit,
	     void *ctx, char *msg, size_t len)
{
	static char text[PRB_TEXT_MAX + 1]; /* the shell runs one command at a time */
	struct prb_record r;
	char why[128];
	u64 id, end = id_of(rb->head_id + 1);
	int e, shown = 0;

	e = first_of_last(m, rb, n, &id, msg, len);
	if (e)
		return e;
	for (; id != end; id = id_of(id + 1)) {
		memset(&r, 0, sizeof(r));
		r.id = id;
		e = prb_record(m, rb, id, &r, text, sizeof(text), why, sizeof(why));
		if (e == ERR_NOENT) {
			e = 0;
			continue;
		}
		if (e == ERR_RANGE) {
			rtv_strlcpy(msg, why, len);
			return e;
		}
		emit(ctx, &r, text, e ? why : NULL);
		shown++;
	}
	return shown;
}
