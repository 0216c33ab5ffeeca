/*
 * Read-only flattened-devicetree reader.
 *
 * fdt_open() validates the header and walks the whole structure block once
 * (token framing, balanced nodes, property lengths, string offsets, depth).
 * The accessors rely on that, but still bounds-check every read, so a bogus
 * node handle can at worst yield "not found", never an out-of-bounds access.
 * Nothing here recurses: tree walks are loops with a depth counter.
 */
#include <fdt.h>
#include <lib.h>

#define FDT_BEGIN_NODE 0x1U
#define FDT_END_NODE 0x2U
#define FDT_PROP 0x3U
#define FDT_NOP 0x4U
#define FDT_END 0x9U

#define FDT_HDR_V16 36U /* up to size_dt_strings */
#define FDT_HDR_V17 40U /* adds size_dt_struct */
#define FDT_LAST_VERSION 17U
#define FDT_MAX_DEPTH 16
#define FDT_MAX_TOTAL 0x7ffffff0U /* node handles are ints */

/* Header field offsets */
#define H_MAGIC 0U
#define H_TOTALSIZE 4U
#define H_OFF_STRUCT 8U
#define H_OFF_STRINGS 12U
#define H_OFF_RSVMAP 16U
#define H_VERSION 20U
#define H_LAST_COMP 24U
#define H_SIZE_STRINGS 32U
#define H_SIZE_STRUCT 36U

u32 fdt_be32(const void *p)
{
	const u8 *b = p;

	return ((u32)b[0] << 24) | ((u32)b[1] << 16) | ((u32)b[2] << 8) | (u32)b[3];
}

u64 fdt_be64(const void *p)
{
	const u8 *b = p;

	return ((u64)fdt_be32(b) << 32) | (u64)fdt_be32(b + 4);
}

u64 fdt_cells(const void *p, int cells)
{
	if (cells == 1)
		return fdt_be32(p);
	if (cells == 2)
		return fdt_be64(p);
	return 0;
}

u32 fdt_blob_size(const void *blob)
{
	const u8 *b = blob;

	if (!b || fdt_be32(b + H_MAGIC) != FDT_MAGIC)
		return 0;
	return fdt_be32(b + H_TOTALSIZE);
}

/* Length of the string at p, at most max; max means "no NUL within bounds". */
static u32 fdt_strnlen(const u8 *p, u32 max)
{
	u32 n = 0;

	while (n < max && p[n] != 0)
		n++;
	return n;
}

static const u8 *fdt_sblock(const struct fdt *f)
{
	return f->blob + f->off_struct;
}

/*
 * Decode the token at structure offset off: its tag and the offset of the
 * token after it. Every length is checked against the structure block.
 */
static int fdt_token(const struct fdt *f, u32 off, u32 *tag, u32 *next)
{
	const u8 *s = fdt_sblock(f);
	u32 size = f->size_struct;

	if ((off & 3U) != 0 || off > size || size - off < 4)
		return ERR_TRUNC;
	*tag = fdt_be32(s + off);
	if (*tag == FDT_BEGIN_NODE) {
		u32 n = fdt_strnlen(s + off + 4, size - off - 4);

		if (n == size - off - 4)
			return ERR_TRUNC;
		*next = ALIGN_UP(off + 4 + n + 1, 4U);
	} else if (*tag == FDT_PROP) {
		u32 len;

		if (size - off < 12)
			return ERR_TRUNC;
		len = fdt_be32(s + off + 4);
		if (len > size - off - 12)
			return ERR_TRUNC;
		*next = ALIGN_UP(off + 12 + len, 4U);
	} else if (*tag == FDT_END_NODE || *tag == FDT_NOP || *tag == FDT_END) {
		*next = off + 4;
	} else {
		return ERR_FORMAT;
	}
	return *next <= size ? 0 : ERR_TRUNC;
}

/* A property's name offset must point at a NUL-terminated string in the strings block. */
static int fdt_check_propname(const struct fdt *f, u32 off)
{
	u32 nameoff = fdt_be32(fdt_sblock(f) + off + 8);
	const u8 *strs = f->blob + f->off_strings;

	if (nameoff >= f->size_strings)
		return ERR_FORMAT;
	if (fdt_strnlen(strs + nameoff, f->size_strings - nameoff) == f->size_strings - nameoff)
		return ERR_FORMAT;
	return 0;
}

struct fdt_walk {
	int depth;
	bool root_done;
	bool had_child; /* current node already has a child: no more properties */
};

/* One step of the structure check. Returns 1 at FDT_END, 0 to go on, or an error. */
static int fdt_check_token(const struct fdt *f, struct fdt_walk *w, u32 tag, u32 off)
{
	switch (tag) {
	case FDT_NOP:
		return 0;
	case FDT_BEGIN_NODE:
		if (w->root_done || w->depth >= FDT_MAX_DEPTH)
			return ERR_FORMAT;
		w->depth++;
		w->had_child = false;
		return 0;
	case FDT_END_NODE:
		if (w->depth == 0)
			return ERR_FORMAT;
		w->depth--;
		w->had_child = true;
		w->root_done = w->depth == 0;
		return 0;
	case FDT_PROP:
		if (w->depth == 0 || w->had_child)
			return ERR_FORMAT;
		return fdt_check_propname(f, off);
	default: /* FDT_END */
		return (w->root_done && w->depth == 0) ? 1 : ERR_FORMAT;
	}
}

static int fdt_check_struct(const struct fdt *f)
{
	struct fdt_walk w = { 0, false, false };
	u32 off = 0, tag, next;

	for (;;) {
		int r = fdt_token(f, off, &tag, &next);

		if (r < 0)
			return r;
		r = fdt_check_token(f, &w, tag, off);
		if (r < 0)
			return r;
		if (r == 1)
			return 0;
		off = next; /* strictly increasing: the loop ends */
	}
}

/* The memory reservation map: 16-byte entries ending with a zero entry. */
static int fdt_check_rsvmap(const u8 *b, u32 total, u32 hdr)
{
	u32 off = fdt_be32(b + H_OFF_RSVMAP);

	if (off < hdr || (off & 7U) != 0)
		return ERR_FORMAT;
	for (; off <= total && total - off >= 16; off += 16) {
		if (fdt_be64(b + off) == 0 && fdt_be64(b + off + 8) == 0)
			return 0;
	}
	return ERR_TRUNC;
}

/* A block [off, off+size) must lie after the header and within totalsize. */
static bool fdt_block_ok(u32 off, u32 size, u32 hdr, u32 total)
{
	return off >= hdr && off <= total && size <= total - off;
}

static int fdt_check_version(const u8 *b, u32 *hdr)
{
	u32 version = fdt_be32(b + H_VERSION);
	u32 last_comp = fdt_be32(b + H_LAST_COMP);

	if (version < 16 || last_comp > FDT_LAST_VERSION || last_comp > version)
		return ERR_FORMAT;
	*hdr = version >= 17 ? FDT_HDR_V17 : FDT_HDR_V16;
	return 0;
}

static int fdt_check_header(struct fdt *f, const u8 *b, size_t max_size)
{
	u32 total, hdr;
	int r;

	if (max_size < FDT_HDR_V17 || fdt_be32(b + H_MAGIC) != FDT_MAGIC)
		return max_size < FDT_HDR_V17 ? ERR_TRUNC : ERR_FORMAT;
	r = fdt_check_version(b, &hdr);
	if (r < 0)
		return r;
	total = fdt_be32(b + H_TOTALSIZE);
	if (total < hdr || total > max_size || total > FDT_MAX_TOTAL)
		return ERR_TRUNC;
	f->blob = b;
	f->totalsize = total;
	f->off_struct = fdt_be32(b + H_OFF_STRUCT);
	f->off_strings = fdt_be32(b + H_OFF_STRINGS);
	f->size_strings = fdt_be32(b + H_SIZE_STRINGS);
	if (hdr == FDT_HDR_V17)
		f->size_struct = fdt_be32(b + H_SIZE_STRUCT);
	else /* v16 has no size_dt_struct: bound it by the blob */
		f->size_struct = f->off_struct <= total ? ((total - f->off_struct) & ~3U) : 0;
	if ((f->off_struct & 3U) != 0 || (f->size_struct & 3U) != 0)
		return ERR_FORMAT;
	if (!fdt_block_ok(f->off_struct, f->size_struct, hdr, total) ||
	    !fdt_block_ok(f->off_strings, f->size_strings, hdr, total))
		return ERR_TRUNC;
	return fdt_check_rsvmap(b, total, hdr);
}

int fdt_open(struct fdt *f, const void *blob, size_t max_size)
{
	struct fdt tmp;
	int r;

	if (!f || !blob)
		return ERR_FORMAT;
	memset(f, 0, sizeof(*f));
	r = fdt_check_header(&tmp, blob, max_size);
	if (r < 0)
		return r;
	r = fdt_check_struct(&tmp);
	if (r < 0)
		return r;
	*f = tmp;
	return 0;
}

/* ---- accessors ---- */

/* Tag at off, or 0 if off is not a valid token. */
static u32 fdt_tag_at(const struct fdt *f, int off, u32 *next)
{
	u32 tag;

	if (off < 0 || fdt_token(f, (u32)off, &tag, next) < 0)
		return 0;
	return tag;
}

static bool fdt_is_node(const struct fdt *f, int node)
{
	u32 next;

	return f && f->blob && fdt_tag_at(f, node, &next) == FDT_BEGIN_NODE;
}

/* First token at or after off that is not a NOP (or a negative error). */
static int fdt_skip_nops(const struct fdt *f, u32 off)
{
	u32 tag, next;

	while (fdt_token(f, off, &tag, &next) == 0) {
		if (tag != FDT_NOP)
			return (int)off;
		off = next;
	}
	return ERR_FORMAT;
}

/* Offset of the first token after node's BEGIN_NODE, its properties and NOPs. */
static int fdt_after_props(const struct fdt *f, int node)
{
	u32 tag, next;
	u32 off;

	if (fdt_tag_at(f, node, &next) != FDT_BEGIN_NODE)
		return ERR_NOENT;
	off = next;
	while (fdt_token(f, off, &tag, &next) == 0) {
		if (tag != FDT_PROP && tag != FDT_NOP)
			return (int)off;
		off = next;
	}
	return ERR_FORMAT;
}

/* Offset just after node's matching END_NODE. */
static int fdt_node_end(const struct fdt *f, int node)
{
	u32 tag, next, off;
	int depth = 0;

	if (node < 0)
		return ERR_NOENT;
	off = (u32)node;
	while (fdt_token(f, off, &tag, &next) == 0) {
		if (tag == FDT_BEGIN_NODE)
			depth++;
		else if (tag == FDT_END_NODE && --depth == 0)
			return (int)next;
		else if (tag == FDT_END)
			break;
		off = next;
	}
	return ERR_FORMAT;
}

/* off as a node handle if a node begins there (off may be an error), else ERR_NOENT. */
static int fdt_node_at(const struct fdt *f, int off)
{
	return fdt_is_node(f, off) ? off : ERR_NOENT;
}

int fdt_root(const struct fdt *f)
{
	if (!f || !f->blob)
		return ERR_NOENT;
	return fdt_node_at(f, fdt_skip_nops(f, 0));
}

int fdt_first_child(const struct fdt *f, int node)
{
	if (!fdt_is_node(f, node))
		return ERR_NOENT;
	return fdt_node_at(f, fdt_after_props(f, node));
}

int fdt_next_sibling(const struct fdt *f, int node)
{
	int end = fdt_is_node(f, node) ? fdt_node_end(f, node) : ERR_NOENT;

	if (end < 0)
		return ERR_NOENT;
	return fdt_node_at(f, fdt_skip_nops(f, (u32)end));
}

const char *fdt_name(const struct fdt *f, int node)
{
	if (!fdt_is_node(f, node))
		return NULL;
	/* fdt_token() checked the NUL terminator within the structure block */
	return (const char *)(fdt_sblock(f) + node + 4);
}

/* Child of parent whose full name is exactly name[0..len). */
static int fdt_subnode_n(const struct fdt *f, int parent, const char *name, size_t len)
{
	int child;

	for (child = fdt_first_child(f, parent); child >= 0; child = fdt_next_sibling(f, child)) {
		const char *n = fdt_name(f, child);

		if (n && strlen(n) == len && memcmp(n, name, len) == 0)
			return child;
	}
	return ERR_NOENT;
}

int fdt_subnode(const struct fdt *f, int parent, const char *name)
{
	if (!name)
		return ERR_NOENT;
	return fdt_subnode_n(f, parent, name, strlen(name));
}

int fdt_path(const struct fdt *f, const char *path)
{
	int node = fdt_root(f);

	if (!path || path[0] != '/')
		return ERR_NOENT;
	while (node >= 0 && *path) {
		size_t len = 0;

		while (*path == '/')
			path++;
		while (path[len] && path[len] != '/')
			len++;
		if (len == 0)
			break;
		node = fdt_subnode_n(f, node, path, len);
		path += len;
	}
	return node;
}

/* Name of the property token at off (validated by fdt_open, re-checked here). */
static const char *fdt_propname(const struct fdt *f, u32 off)
{
	u32 nameoff = fdt_be32(fdt_sblock(f) + off + 8);
	const u8 *strs = f->blob + f->off_strings;

	if (nameoff >= f->size_strings ||
	    fdt_strnlen(strs + nameoff, f->size_strings - nameoff) == f->size_strings - nameoff)
		return NULL;
	return (const char *)(strs + nameoff);
}

const void *fdt_prop(const struct fdt *f, int node, const char *name, int *len)
{
	u32 tag, next, off;

	if (len)
		*len = ERR_NOENT;
	if (!name || fdt_tag_at(f, node, &next) != FDT_BEGIN_NODE)
		return NULL;
	for (off = next; fdt_token(f, off, &tag, &next) == 0; off = next) {
		const char *pn;

		if (tag == FDT_NOP)
			continue;
		if (tag != FDT_PROP)
			break;
		pn = fdt_propname(f, off);
		if (pn && strcmp(pn, name) == 0) {
			if (len)
				*len = (int)fdt_be32(fdt_sblock(f) + off + 4);
			return fdt_sblock(f) + off + 12;
		}
	}
	return NULL;
}

bool fdt_has_prop(const struct fdt *f, int node, const char *name)
{
	return fdt_prop(f, node, name, NULL) != NULL;
}

int fdt_prop_count(const struct fdt *f, int node)
{
	u32 tag, next, off;
	int n = 0;

	if (fdt_tag_at(f, node, &next) != FDT_BEGIN_NODE)
		return ERR_NOENT;
	for (off = next; fdt_token(f, off, &tag, &next) == 0; off = next) {
		if (tag == FDT_PROP)
			n++;
		else if (tag != FDT_NOP)
			break;
	}
	return n;
}

const char *fdt_prop_name_at(const struct fdt *f, int node, int idx)
{
	u32 tag, next, off;
	int n = 0;

	if (idx < 0 || fdt_tag_at(f, node, &next) != FDT_BEGIN_NODE)
		return NULL;
	for (off = next; fdt_token(f, off, &tag, &next) == 0; off = next) {
		if (tag == FDT_PROP && n++ == idx)
			return fdt_propname(f, off);
		if (tag != FDT_PROP && tag != FDT_NOP)
			break;
	}
	return NULL;
}

/* ---- property values ---- */

bool fdt_stringlist_has(const void *list, int len, const char *str)
{
	const u8 *p = list;
	size_t want;
	u32 pos = 0;

	if (!p || len <= 0 || !str)
		return false;
	want = strlen(str);
	while (pos < (u32)len) {
		u32 n = fdt_strnlen(p + pos, (u32)len - pos);

		if (n == want && n < (u32)len - pos && memcmp(p + pos, str, n) == 0)
			return true;
		pos += n + 1;
	}
	return false;
}

bool fdt_stringlist_valid(const void *list, int len)
{
	const u8 *p = list;
	int i;

	if (!p || len < 2 || p[0] == '\0' || p[len - 1] != '\0')
		return false;
	for (i = 0; i < len - 1; i++) {
		if (p[i] == '\0' ? p[i + 1] == '\0' : (p[i] <= ' ' || p[i] > '~'))
			return false;
	}
	return true;
}

const char *fdt_string(const void *val, int len)
{
	const u8 *p = val;

	if (!p || len <= 0 || fdt_strnlen(p, (u32)len) != (u32)len - 1)
		return NULL;
	return (const char *)p;
}

const char *fdt_prop_string(const struct fdt *f, int node, const char *name)
{
	int len;
	const char *p = fdt_prop(f, node, name, &len);

	if (!p || len <= 0 || p[len - 1] != '\0')
		return NULL;
	return p;
}

const void *fdt_prop_entry(const struct fdt *f, int node, const char *name, int idx, int cells)
{
	int len;
	const u8 *p = fdt_prop(f, node, name, &len);

	if (!p || cells <= 0 || cells > 4 || len % (cells * 4) != 0 || idx < 0 ||
	    idx >= len / (cells * 4))
		return NULL;
	return p + idx * cells * 4;
}

bool fdt_node_name_is(const char *name, const char *base)
{
	size_t n = base ? strlen(base) : 0;

	return name && base && strncmp(name, base, n) == 0 && (name[n] == '\0' || name[n] == '@');
}

bool fdt_is_compatible(const struct fdt *f, int node, const char *compat)
{
	int len;
	const void *p = fdt_prop(f, node, "compatible", &len);

	return fdt_stringlist_has(p, len, compat);
}

int fdt_find_compatible(const struct fdt *f, int after, const char *compat)
{
	u32 tag, next, off;

	if (!f || !f->blob)
		return ERR_NOENT;
	if (after < 0) {
		off = 0;
	} else {
		if (fdt_tag_at(f, after, &next) != FDT_BEGIN_NODE)
			return ERR_NOENT;
		off = next;
	}
	for (; fdt_token(f, off, &tag, &next) == 0 && tag != FDT_END; off = next) {
		if (tag == FDT_BEGIN_NODE && fdt_is_compatible(f, (int)off, compat))
			return (int)off;
	}
	return ERR_NOENT;
}

int fdt_parent(const struct fdt *f, int node)
{
	int stack[FDT_MAX_DEPTH];
	int depth = 0;
	u32 tag, next, off;

	if (!fdt_is_node(f, node))
		return ERR_NOENT;
	for (off = 0; fdt_token(f, off, &tag, &next) == 0 && tag != FDT_END; off = next) {
		if (tag == FDT_BEGIN_NODE) {
			if ((int)off == node)
				return depth > 0 ? stack[depth - 1] : ERR_NOENT;
			if (depth >= FDT_MAX_DEPTH)
				return ERR_FORMAT;
			stack[depth++] = (int)off;
		} else if (tag == FDT_END_NODE && depth > 0) {
			depth--;
		}
	}
	return ERR_NOENT;
}

static int fdt_cells_prop(const struct fdt *f, int node, const char *name, int dflt)
{
	int len;
	const void *p = fdt_prop(f, node, name, &len);
	u32 v;

	if (!p)
		return fdt_is_node(f, node) ? dflt : ERR_NOENT;
	if (len != 4)
		return ERR_FORMAT;
	v = fdt_be32(p);
	return v <= 4 ? (int)v : ERR_FORMAT;
}

int fdt_address_cells(const struct fdt *f, int node)
{
	return fdt_cells_prop(f, node, "#address-cells", 2);
}

int fdt_size_cells(const struct fdt *f, int node)
{
	return fdt_cells_prop(f, node, "#size-cells", 1);
}

int fdt_reg(const struct fdt *f, int parent, int node, int idx, u64 *addr, u64 *size)
{
	int ac = fdt_address_cells(f, parent);
	int sc = fdt_size_cells(f, parent);
	int len, entry;
	const u8 *p;

	if (ac < 1 || ac > 2 || sc < 0 || sc > 2)
		return ERR_FORMAT;
	p = fdt_prop(f, node, "reg", &len);
	if (!p)
		return ERR_NOENT;
	entry = (ac + sc) * 4;
	if (len % entry != 0)
		return ERR_FORMAT;
	if (idx < 0 || idx >= len / entry)
		return ERR_NOENT;
	p += idx * entry;
	if (addr)
		*addr = fdt_cells(p, ac);
	if (size)
		*size = fdt_cells(p + ac * 4, sc);
	return 0;
}
