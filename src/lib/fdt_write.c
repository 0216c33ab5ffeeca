/*
 * Flattened-devicetree writer (format: devicetree specification, chapter 5).
 *
 * While writing, the buffer holds
 *   [header | reservation map | structure block ->   free   <- strings]
 * A property's name offset is first stored as the distance of its string from
 * the end of the buffer (strings are only ever prepended, so that distance
 * never changes); fdtw_finish() rewrites it as an offset into the final
 * strings block, which it moves right after the structure block.
 * Invariant: off + str_len <= size, so room() never underflows.
 */
#include <fdt.h> /* FDT_MAGIC, fdt_be32 */
#include <fdt_write.h>
#include <lib.h>

#define TOK_BEGIN_NODE 0x1U
#define TOK_END_NODE 0x2U
#define TOK_PROP 0x3U
#define TOK_END 0x9U

#define HDR_SIZE 40U     /* version 17 header */
#define RSVMAP_OFF 40U   /* 8-byte aligned, right after the header */
#define RSVMAP_SIZE 16U  /* the terminating (0, 0) entry only */
#define STRUCT_OFF (RSVMAP_OFF + RSVMAP_SIZE)
#define VERSION 17U
#define LAST_COMP_VERSION 16U
#define MAX_TOTAL 0x7ffffff0U /* the size is returned as an int */

static void put32(u8 *p, u32 v)
{
	p[0] = (u8)(v >> 24);
	p[1] = (u8)(v >> 16);
	p[2] = (u8)(v >> 8);
	p[3] = (u8)v;
}

static u32 pad4(u64 n)
{
	return (u32)ALIGN_UP(n, 4U);
}

static int fail(struct fdt_writer *w, int e)
{
	if (!w->err)
		w->err = e;
	return w->err;
}

/* 0 if w can take more calls, else the (now sticky) error. */
static int usable(struct fdt_writer *w)
{
	if (!w)
		return ERR_INVAL;
	if (!w->err && (w->finished || !w->buf))
		return fail(w, ERR_BUSY);
	return w->err;
}

static u32 room(const struct fdt_writer *w)
{
	return w->size - w->str_len - w->off;
}

int fdtw_init(struct fdt_writer *w, void *buf, size_t size)
{
	if (!w)
		return ERR_INVAL;
	memset(w, 0, sizeof(*w));
	if (!buf)
		return fail(w, ERR_INVAL);
	w->buf = buf;
	w->size = size > MAX_TOTAL ? MAX_TOTAL : (u32)size;
	if (w->size < STRUCT_OFF) {
		w->size = 0;
		return fail(w, ERR_FULL);
	}
	memset(w->buf, 0, STRUCT_OFF); /* header (filled at finish) and reservation map */
	w->off = STRUCT_OFF;
	return 0;
}

/* Append one token word; the caller checked the room. */
static void emit32(struct fdt_writer *w, u32 v)
{
	put32(w->buf + w->off, v);
	w->off += 4;
}

/* Append len bytes and zero padding up to 4; the caller checked the room. */
static void emit_padded(struct fdt_writer *w, const void *data, u32 len)
{
	u32 total = pad4(len);

	if (len)
		memcpy(w->buf + w->off, data, len);
	memset(w->buf + w->off + len, 0, total - len);
	w->off += total;
}

int fdtw_begin_node(struct fdt_writer *w, const char *name)
{
	size_t n;
	int r = usable(w);

	if (r)
		return r;
	if (!name)
		return fail(w, ERR_INVAL);
	if (w->depth == 0 && w->root_done)
		return fail(w, ERR_BUSY); /* one root only */
	n = strnlen(name, room(w));
	if (n >= room(w) || 4U + (u64)pad4(n + 1) > room(w))
		return fail(w, ERR_FULL);
	emit32(w, TOK_BEGIN_NODE);
	emit_padded(w, name, (u32)n + 1U);
	w->depth++;
	w->root_done = true;
	w->had_child = false;
	return 0;
}

int fdtw_end_node(struct fdt_writer *w)
{
	int r = usable(w);

	if (r)
		return r;
	if (w->depth == 0)
		return fail(w, ERR_BUSY);
	if (room(w) < 4)
		return fail(w, ERR_FULL);
	emit32(w, TOK_END_NODE);
	w->depth--;
	w->had_child = true;
	return 0;
}

/*
 * Distance from the end of the buffer of a stored string equal to name
 * (a whole string or the tail of a longer one); 0 if there is none.
 */
static u32 find_string(const struct fdt_writer *w, const char *name, u32 nlen)
{
	u32 pos = w->size - w->str_len;

	while (pos < w->size) {
		const char *s = (const char *)w->buf + pos;
		u32 l = (u32)strnlen(s, w->size - pos);

		if (l == w->size - pos)
			break; /* cannot happen: every stored string is terminated */
		if (nlen <= l && memcmp(s + (l - nlen), name, nlen) == 0)
			return w->size - (pos + l - nlen);
		pos += l + 1;
	}
	return 0;
}

/*
 * Write a property header for len bytes of data and reserve (zeroed) room
 * for them; *data is where the caller puts them.
 */
static int prop_begin(struct fdt_writer *w, const char *name, u32 len, u8 **data)
{
	u32 nlen, dist;
	u64 need;
	int r = usable(w);

	if (r)
		return r;
	if (!name || !name[0])
		return fail(w, ERR_INVAL);
	if (w->depth == 0 || w->had_child)
		return fail(w, ERR_BUSY);
	nlen = (u32)strnlen(name, room(w));
	if (nlen >= room(w))
		return fail(w, ERR_FULL);
	dist = find_string(w, name, nlen);
	need = 12U + (u64)pad4(len) + (dist ? 0U : nlen + 1U);
	if (need > room(w))
		return fail(w, ERR_FULL);
	if (!dist) {
		w->str_len += nlen + 1U;
		memcpy(w->buf + w->size - w->str_len, name, nlen + 1U);
		dist = w->str_len;
	}
	emit32(w, TOK_PROP);
	emit32(w, len);
	emit32(w, dist); /* made an offset by fdtw_finish() */
	*data = w->buf + w->off;
	memset(*data, 0, pad4(len));
	w->off += pad4(len);
	return 0;
}

int fdtw_prop(struct fdt_writer *w, const char *name, const void *data, u32 len)
{
	u8 *d;
	int r;

	if (w && !data && len)
		return fail(w, ERR_INVAL);
	r = prop_begin(w, name, len, &d);
	if (r == 0 && len)
		memcpy(d, data, len);
	return r;
}

int fdtw_prop_empty(struct fdt_writer *w, const char *name)
{
	return fdtw_prop(w, name, NULL, 0);
}

int fdtw_prop_u32(struct fdt_writer *w, const char *name, u32 v)
{
	u8 *d;
	int r = prop_begin(w, name, 4, &d);

	if (r == 0)
		put32(d, v);
	return r;
}

int fdtw_prop_u64(struct fdt_writer *w, const char *name, u64 v)
{
	u8 *d;
	int r = prop_begin(w, name, 8, &d);

	if (r == 0) {
		put32(d, (u32)(v >> 32));
		put32(d + 4, (u32)v);
	}
	return r;
}

int fdtw_prop_cells(struct fdt_writer *w, const char *name, const u32 *cells, u32 n)
{
	u8 *d;
	u32 i;
	int r;

	if (w && ((!cells && n) || n > MAX_TOTAL / 4U))
		return fail(w, ERR_INVAL);
	r = prop_begin(w, name, n * 4U, &d);
	for (i = 0; r == 0 && i < n; i++)
		put32(d + i * 4U, cells[i]);
	return r;
}

int fdtw_prop_string(struct fdt_writer *w, const char *name, const char *s)
{
	return fdtw_prop_stringlist(w, name, &s, 1);
}

/* Total bytes of n strings with their NULs; more than MAX_TOTAL means "too long". */
static u64 stringlist_len(const char *const *strs, u32 n)
{
	u64 total = 0;
	u32 i;

	for (i = 0; i < n && total <= MAX_TOTAL; i++)
		total += strnlen(strs[i], MAX_TOTAL) + 1U;
	return total;
}

int fdtw_prop_stringlist(struct fdt_writer *w, const char *name, const char *const *strs,
			 u32 n)
{
	u64 total;
	u8 *d;
	u32 i;
	int r = usable(w);

	if (r)
		return r;
	if (!strs || n == 0)
		return fail(w, ERR_INVAL);
	for (i = 0; i < n; i++)
		if (!strs[i])
			return fail(w, ERR_INVAL);
	total = stringlist_len(strs, n);
	if (total > room(w))
		return fail(w, ERR_FULL);
	r = prop_begin(w, name, (u32)total, &d);
	for (i = 0; r == 0 && i < n; i++) {
		u32 l = (u32)strlen(strs[i]) + 1U;

		memcpy(d, strs[i], l);
		d += l;
	}
	return r;
}

/* Turn the provisional name distances of the structure block into offsets. */
static int fix_name_offsets(struct fdt_writer *w)
{
	u32 off = STRUCT_OFF;

	while (off < w->off) {
		u32 tag = fdt_be32(w->buf + off);

		if (tag == TOK_BEGIN_NODE) {
			off += 4U + pad4(strlen((const char *)w->buf + off + 4) + 1U);
		} else if (tag == TOK_PROP) {
			u32 dist = fdt_be32(w->buf + off + 8);

			put32(w->buf + off + 8, w->str_len - dist);
			off += 12U + pad4(fdt_be32(w->buf + off + 4));
		} else if (tag == TOK_END_NODE || tag == TOK_END) {
			off += 4U;
		} else {
			return fail(w, ERR_BUSY); /* corrupted by the caller */
		}
	}
	return 0;
}

static void write_header(struct fdt_writer *w)
{
	u8 *h = w->buf;

	put32(h + 0, FDT_MAGIC);
	put32(h + 4, w->off + w->str_len);  /* totalsize */
	put32(h + 8, STRUCT_OFF);           /* off_dt_struct */
	put32(h + 12, w->off);              /* off_dt_strings */
	put32(h + 16, RSVMAP_OFF);          /* off_mem_rsvmap */
	put32(h + 20, VERSION);
	put32(h + 24, LAST_COMP_VERSION);
	put32(h + 28, 0);                   /* boot_cpuid_phys */
	put32(h + 32, w->str_len);          /* size_dt_strings */
	put32(h + 36, w->off - STRUCT_OFF); /* size_dt_struct */
}

int fdtw_finish(struct fdt_writer *w)
{
	int r = usable(w);

	if (r)
		return r;
	if (w->depth != 0 || !w->root_done)
		return fail(w, ERR_BUSY);
	if (room(w) < 4)
		return fail(w, ERR_FULL);
	emit32(w, TOK_END);
	if (fix_name_offsets(w) < 0)
		return w->err;
	memmove(w->buf + w->off, w->buf + w->size - w->str_len, w->str_len);
	write_header(w);
	w->finished = true;
	return (int)(w->off + w->str_len);
}
