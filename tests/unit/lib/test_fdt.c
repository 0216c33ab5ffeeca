/*
 * FDT reader: real QEMU DTBs, hand-built blobs (tiny writer below) with every
 * kind of malformation, truncation at every length, and seeded random byte
 * corruption. Runs under ASan/UBSan: any out-of-bounds read fails the run.
 */
#include <config.h>
#include <fdt.h>
#include <platform_info.h>

#include "dt_helpers.h"
#include "harness.h"

#define QEMU_DTB "tests/unit/data/qemu-virt-gicv3.dtb"

/* ---- tiny FDT writer ---- */

struct fdtw {
	unsigned char st[4096];
	unsigned stlen;
	char strs[512];
	unsigned strslen;
};

static void put32(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static void fw_tok(struct fdtw *w, unsigned v)
{
	put32(w->st + w->stlen, v);
	w->stlen += 4;
}

static void fw_bytes(struct fdtw *w, const void *d, unsigned n)
{
	memcpy(w->st + w->stlen, d, n);
	w->stlen += n;
	while (w->stlen % 4)
		w->st[w->stlen++] = 0;
}

static void fw_begin(struct fdtw *w, const char *name)
{
	fw_tok(w, 1);
	fw_bytes(w, name, (unsigned)strlen(name) + 1);
}

static void fw_end(struct fdtw *w)
{
	fw_tok(w, 2);
}

static unsigned fw_str(struct fdtw *w, const char *s)
{
	unsigned off = 0;

	while (off < w->strslen) {
		if (strcmp(w->strs + off, s) == 0)
			return off;
		off += (unsigned)strlen(w->strs + off) + 1;
	}
	memcpy(w->strs + w->strslen, s, strlen(s) + 1);
	w->strslen += (unsigned)strlen(s) + 1;
	return off;
}

static void fw_prop(struct fdtw *w, const char *name, const void *d, unsigned n)
{
	fw_tok(w, 3);
	fw_tok(w, n);
	fw_tok(w, fw_str(w, name));
	fw_bytes(w, d, n);
}

static void fw_prop_u32(struct fdtw *w, const char *name, unsigned v)
{
	unsigned char b[4];

	put32(b, v);
	fw_prop(w, name, b, 4);
}

/* Assemble header + empty reservation map + structure + strings. */
static size_t fw_blob(const struct fdtw *w, unsigned char *out)
{
	unsigned off_st = 40 + 16, off_strs = off_st + w->stlen;
	unsigned total = off_strs + w->strslen;

	memset(out, 0, total);
	put32(out + 0, FDT_MAGIC);
	put32(out + 4, total);
	put32(out + 8, off_st);
	put32(out + 12, off_strs);
	put32(out + 16, 40);
	put32(out + 20, 17);
	put32(out + 24, 16);
	put32(out + 32, w->strslen);
	put32(out + 36, w->stlen);
	memcpy(out + off_st, w->st, w->stlen);
	memcpy(out + off_strs, w->strs, w->strslen);
	return total;
}

/* The small valid tree most tests start from. */
static void fw_small_tree(struct fdtw *w)
{
	static const unsigned char reg[] = { 0, 0, 0, 0, 0, 0, 0x10, 0, 0, 0, 1, 0 };

	memset(w, 0, sizeof(*w));
	fw_begin(w, "");
	fw_prop(w, "compatible", "test,small", 11);
	fw_prop_u32(w, "#address-cells", 2);
	fw_prop_u32(w, "#size-cells", 1);
	fw_begin(w, "a@1000");
	fw_prop(w, "reg", reg, sizeof(reg));
	fw_prop(w, "compatible", "x,a\0x,b", 8);
	fw_end(w);
	fw_tok(w, 4); /* NOP between nodes */
	fw_begin(w, "b");
	fw_begin(w, "c");
	fw_prop(w, "empty", "", 0);
	fw_begin(w, "d");
	fw_prop(w, "compatible", "x,b", 4);
	fw_end(w);
	fw_end(w);
	fw_end(w);
	fw_end(w);
	fw_tok(w, 9);
}

static size_t small_blob(unsigned char *out)
{
	struct fdtw w;

	fw_small_tree(&w);
	return fw_blob(&w, out);
}

/* ---- exercising every accessor on whatever fdt_open accepted ---- */

static unsigned long touch(const void *p, int len)
{
	const unsigned char *b = p;
	unsigned long sum = 0;
	int i;

	for (i = 0; i < len; i++)
		sum += b[i];
	return sum;
}

static void visit(const struct fdt *f, int node, unsigned long *sum)
{
	int i, n = fdt_prop_count(f, node), len, parent = fdt_parent(f, node);
	const char *name = fdt_name(f, node);
	u64 a, s;

	CHECK(name != NULL);
	if (name)
		*sum += strlen(name);
	for (i = 0; i < n; i++) {
		const char *pn = fdt_prop_name_at(f, node, i);
		const void *p = fdt_prop(f, node, pn, &len);

		CHECK(pn != NULL && p != NULL && len >= 0);
		if (p)
			*sum += touch(p, len) + strlen(pn);
	}
	for (i = 0; i < 3; i++)
		if (parent >= 0 && fdt_reg(f, parent, node, i, &a, &s) == 0)
			*sum += (unsigned long)(a + s);
	*sum += (unsigned long)fdt_address_cells(f, node) + (unsigned long)fdt_size_cells(f, node);
	*sum += fdt_is_compatible(f, node, "x,b") + fdt_has_prop(f, node, "reg");
}

/* Depth-first walk with an explicit stack; returns the number of nodes. */
static int walk(const struct fdt *f, unsigned long *sum)
{
	int stack[64], sp = 0, count = 0, n = fdt_root(f);

	while (n >= 0 && count < 100000) {
		int c;

		visit(f, n, sum);
		count++;
		c = fdt_first_child(f, n);
		if (c >= 0 && sp < 64) {
			stack[sp++] = n;
			n = c;
			continue;
		}
		for (;;) {
			int s = fdt_next_sibling(f, n);

			if (s >= 0) {
				n = s;
				break;
			}
			if (sp == 0) {
				n = -1;
				break;
			}
			n = stack[--sp];
		}
	}
	CHECK(count < 100000);
	return count;
}

static volatile unsigned long g_sum; /* keeps the reads from being optimised away */

/* If fdt_open accepts the blob, use every accessor on it. Returns 1 if it opened. */
static int exercise(const void *blob, size_t len)
{
	static struct scenario sc;
	struct platform_info pi;
	struct cfg_error e;
	char err[128];
	struct fdt f;
	unsigned long sum = 0;
	int n, guard = 0;

	if (fdt_open(&f, blob, len) != 0)
		return 0;
	walk(&f, &sum);
	for (n = fdt_find_compatible(&f, -1, "x,b"); n >= 0 && guard < 1000; guard++)
		n = fdt_find_compatible(&f, n, "x,b");
	sum += (unsigned long)fdt_path(&f, "/b/c/d") + (unsigned long)fdt_path(&f, "/cpus/cpu@0");
	sum += (unsigned long)fdt_subnode(&f, fdt_root(&f), "a@1000");
	platform_discover(blob, len, &pi, err, sizeof(err));
	config_parse(blob, len, &sc, &e);
	g_sum += sum;
	return 1;
}

/* ---- tests ---- */

TEST(be_and_cells)
{
	static const unsigned char b[] = { 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0 };

	CHECK_EQ(fdt_be32(b), 0x12345678U);
	CHECK_EQ(fdt_be64(b), 0x123456789abcdef0ULL);
	CHECK_EQ(fdt_cells(b, 1), 0x12345678U);
	CHECK_EQ(fdt_cells(b, 2), 0x123456789abcdef0ULL);
	CHECK_EQ(fdt_cells(b, 0), 0);
}

TEST(qemu_dtb)
{
	size_t len = 0;
	unsigned char *blob = dt_read_file(QEMU_DTB, &len);
	struct fdt f;
	int root, cpus, cpu, mem, gic, n = 0;
	u64 a = 0, s = 0;
	unsigned long sum = 0;

	CHECK(blob != NULL);
	if (!blob)
		return;
	CHECK_EQ(fdt_blob_size(blob), len);
	CHECK_EQ(fdt_open(&f, blob, len), 0);
	root = fdt_root(&f);
	CHECK(root >= 0);
	CHECK_EQ(strlen(fdt_name(&f, root)), 0);
	cpus = fdt_path(&f, "/cpus");
	CHECK(cpus >= 0);
	CHECK_EQ(fdt_address_cells(&f, cpus), 1);
	CHECK_EQ(fdt_size_cells(&f, cpus), 0);
	for (cpu = fdt_first_child(&f, cpus); cpu >= 0; cpu = fdt_next_sibling(&f, cpu))
		if (strncmp(fdt_name(&f, cpu), "cpu@", 4) == 0)
			n++;
	CHECK_EQ(n, 4);
	cpu = fdt_subnode(&f, cpus, "cpu@2");
	CHECK(cpu >= 0);
	CHECK_EQ(fdt_reg(&f, cpus, cpu, 0, &a, NULL), 0);
	CHECK_EQ(a, 2);
	CHECK_EQ(fdt_parent(&f, cpu), cpus);
	CHECK_EQ(fdt_parent(&f, cpus), root);
	CHECK_EQ(fdt_parent(&f, root), ERR_NOENT);
	CHECK_EQ(fdt_subnode(&f, cpus, "cpu"), ERR_NOENT); /* exact names only */
	mem = fdt_path(&f, "/memory@40000000");
	CHECK_EQ(fdt_reg(&f, root, mem, 0, &a, &s), 0);
	CHECK_EQ(a, 0x40000000);
	CHECK_EQ(s, 0x80000000);
	CHECK_EQ(fdt_reg(&f, root, mem, 1, &a, &s), ERR_NOENT);
	gic = fdt_find_compatible(&f, -1, "arm,gic-v3");
	CHECK(gic >= 0);
	CHECK(strcmp(fdt_name(&f, gic), "intc@8000000") == 0);
	CHECK_EQ(fdt_reg(&f, root, gic, 1, &a, &s), 0);
	CHECK_EQ(a, 0x080a0000);
	CHECK(fdt_is_compatible(&f, fdt_path(&f, "/pl011@9000000"), "arm,primecell"));
	CHECK(!fdt_is_compatible(&f, fdt_path(&f, "/pl011@9000000"), "arm,prime"));
	CHECK(fdt_has_prop(&f, fdt_path(&f, "/chosen"), "stdout-path"));
	CHECK(walk(&f, &sum) > 20);
	free(blob);
}

TEST(small_tree_navigation)
{
	unsigned char blob[1024];
	size_t len = small_blob(blob);
	struct fdt f;
	int root, a, b, c, d, l;
	const char *p;

	CHECK_EQ(fdt_open(&f, blob, len), 0);
	root = fdt_root(&f);
	a = fdt_first_child(&f, root);
	CHECK(strcmp(fdt_name(&f, a), "a@1000") == 0);
	b = fdt_next_sibling(&f, a); /* across the NOP */
	CHECK(strcmp(fdt_name(&f, b), "b") == 0);
	CHECK_EQ(fdt_next_sibling(&f, b), ERR_NOENT);
	CHECK_EQ(fdt_next_sibling(&f, root), ERR_NOENT);
	c = fdt_path(&f, "/b/c");
	d = fdt_path(&f, "/b/c/d/");
	CHECK(c >= 0 && d >= 0);
	CHECK_EQ(fdt_path(&f, "/"), root);
	CHECK_EQ(fdt_path(&f, "b/c"), ERR_NOENT);
	CHECK_EQ(fdt_path(&f, "/b/x"), ERR_NOENT);
	CHECK_EQ(fdt_path(&f, "/a"), ERR_NOENT);
	CHECK_EQ(fdt_first_child(&f, d), ERR_NOENT);
	p = fdt_prop(&f, c, "empty", &l);
	CHECK(p != NULL);
	CHECK_EQ(l, 0);
	CHECK(fdt_prop(&f, c, "nope", &l) == NULL);
	CHECK_EQ(l, ERR_NOENT);
	CHECK_EQ(fdt_find_compatible(&f, -1, "x,b"), a);
	CHECK_EQ(fdt_find_compatible(&f, a, "x,b"), d);
	CHECK_EQ(fdt_find_compatible(&f, d, "x,b"), ERR_NOENT);
	CHECK_EQ(fdt_find_compatible(&f, -1, "x"), ERR_NOENT);
	CHECK_EQ(fdt_prop_count(&f, root), 3);
	CHECK(strcmp(fdt_prop_name_at(&f, root, 2), "#size-cells") == 0);
	CHECK(fdt_prop_name_at(&f, root, 3) == NULL);
	CHECK_EQ(fdt_address_cells(&f, c), 2); /* defaults */
	CHECK_EQ(fdt_size_cells(&f, c), 1);
}

/* Value helpers: strings, string lists, fixed-size entries, node base names. */
TEST(property_values)
{
	size_t len = 0;
	unsigned char *blob = dt_read_file(QEMU_DTB, &len);
	struct fdt f;
	int uart, timer;

	CHECK(fdt_string("abc", 4) != NULL);
	CHECK(fdt_string("", 1) != NULL);
	CHECK(fdt_string("abc", 3) == NULL);     /* no NUL */
	CHECK(fdt_string("a\0b", 4) == NULL);    /* two strings */
	CHECK(fdt_string("abc", 0) == NULL);
	CHECK(fdt_stringlist_valid("a,b\0c", 6));
	CHECK(!fdt_stringlist_valid("a b", 4));  /* space */
	CHECK(!fdt_stringlist_valid("a\0\0b", 5)); /* empty string */
	CHECK(!fdt_stringlist_valid("", 1));
	CHECK(!fdt_stringlist_valid("ab", 2));   /* no NUL */
	CHECK(fdt_stringlist_has("x\0yz", 5, "yz"));
	CHECK(!fdt_stringlist_has("x\0yz", 5, "y"));
	CHECK(!fdt_stringlist_has("x\0yz", 4, "yz")); /* last string unterminated */
	CHECK(fdt_node_name_is("memory@40000000", "memory"));
	CHECK(fdt_node_name_is("memory", "memory"));
	CHECK(!fdt_node_name_is("memory2", "memory"));
	CHECK(!fdt_node_name_is(NULL, "memory"));
	CHECK(blob != NULL);
	if (!blob)
		return;
	CHECK_EQ(fdt_open(&f, blob, len), 0);
	uart = fdt_path(&f, "/pl011@9000000");
	CHECK(strcmp(fdt_prop_string(&f, uart, "compatible"), "arm,pl011") == 0); /* first */
	CHECK(fdt_prop_string(&f, uart, "interrupts") == NULL); /* <0 1 4>: no final NUL */
	CHECK(fdt_prop_string(&f, uart, "nope") == NULL);
	timer = fdt_find_compatible(&f, -1, "arm,armv8-timer");
	CHECK(fdt_prop_entry(&f, timer, "interrupts", 3, 3) != NULL); /* 4 PPI triplets */
	CHECK_EQ(fdt_be32((const u8 *)fdt_prop_entry(&f, timer, "interrupts", 1, 3) + 4), 14);
	CHECK(fdt_prop_entry(&f, timer, "interrupts", 4, 3) == NULL);
	CHECK(fdt_prop_entry(&f, timer, "interrupts", -1, 3) == NULL);
	CHECK(fdt_prop_entry(&f, timer, "interrupts", 0, 5) == NULL); /* 48 bytes: not fives */
	CHECK(fdt_prop_entry(&f, timer, "interrupts", 0, 0) == NULL);
	free(blob);
}

TEST(reg_with_parent_cells)
{
	unsigned char blob[1024];
	size_t len = small_blob(blob);
	struct fdt f;
	u64 a = 0, s = 0;
	int a_node;

	CHECK_EQ(fdt_open(&f, blob, len), 0);
	a_node = fdt_path(&f, "/a@1000");
	CHECK_EQ(fdt_reg(&f, fdt_root(&f), a_node, 0, &a, &s), 0);
	CHECK_EQ(a, 0x1000);
	CHECK_EQ(s, 0x100);
	CHECK_EQ(fdt_reg(&f, fdt_root(&f), a_node, 1, &a, &s), ERR_NOENT);
	CHECK_EQ(fdt_reg(&f, fdt_root(&f), fdt_path(&f, "/b"), 0, &a, &s), ERR_NOENT);
	/* with the wrong parent the cell sizes (2+1 default) still give 12 bytes */
	CHECK_EQ(fdt_reg(&f, fdt_path(&f, "/b"), a_node, 0, &a, &s), 0);
}

/* Handles that are not node offsets: misaligned or out of range give "none";
 * aligned ones inside the block may alias data, but every read stays in bounds. */
TEST(bogus_handles)
{
	unsigned char blob[1024];
	size_t len = small_blob(blob);
	struct fdt f;
	int i, l;
	unsigned long sum = 0;

	CHECK_EQ(fdt_open(&f, blob, len), 0);
	for (i = -8; i < (int)f.size_struct + 64; i++) {
		const char *n = fdt_name(&f, i);
		const void *p = fdt_prop(&f, i, "compatible", &l);

		if (i < 0 || i % 4 != 0 || i >= (int)f.size_struct) {
			CHECK(n == NULL && p == NULL);
			CHECK(fdt_first_child(&f, i) < 0);
			CHECK(fdt_next_sibling(&f, i) < 0);
			CHECK(fdt_parent(&f, i) < 0);
			CHECK(fdt_prop_count(&f, i) < 0);
		}
		if (n)
			sum += strlen(n);
		if (p)
			sum += touch(p, l);
		sum += (unsigned long)fdt_first_child(&f, i) + (unsigned long)fdt_next_sibling(&f, i);
	}
	CHECK(fdt_prop(&f, 1 << 30, "x", NULL) == NULL);
	CHECK(fdt_name(&f, (int)0x7ffffffc) == NULL);
	g_sum += sum;
}

TEST(header_errors)
{
	unsigned char blob[1024], m[1024];
	size_t len = small_blob(blob);
	struct fdt f;

	CHECK_EQ(fdt_open(&f, NULL, len), ERR_FORMAT);
	memcpy(m, blob, len);
	m[0] ^= 1;
	CHECK_EQ(fdt_open(&f, m, len), ERR_FORMAT);
	CHECK_EQ(fdt_blob_size(m), 0);
#define MUT(off, val, want)                             \
	do {                                            \
		memcpy(m, blob, len);                   \
		put32(m + (off), (val));                \
		CHECK_EQ(fdt_open(&f, m, len), (want)); \
	} while (0)
	MUT(20, 15, ERR_FORMAT);          /* version */
	MUT(24, 18, ERR_FORMAT);          /* last_comp_version */
	MUT(4, (unsigned)len + 4, ERR_TRUNC); /* totalsize > buffer */
	MUT(4, 20, ERR_TRUNC);             /* totalsize < header */
	MUT(4, 0xfffffff0U, ERR_TRUNC);
	MUT(8, 58, ERR_FORMAT);             /* struct offset misaligned */
	MUT(8, 0xfffffff0U, ERR_TRUNC);    /* struct offset beyond */
	MUT(8, 8, ERR_TRUNC);              /* struct block inside the header */
	MUT(36, 0xfffffffcU, ERR_TRUNC);   /* struct size */
	MUT(36, 6, ERR_FORMAT);             /* struct size not a multiple of 4 */
	MUT(12, (unsigned)len, ERR_TRUNC); /* strings offset at end, size > 0 */
	MUT(32, 0xffffffffU, ERR_TRUNC);   /* strings size */
	MUT(16, 44, ERR_FORMAT);            /* rsvmap misaligned */
	MUT(16, 4, ERR_FORMAT);             /* rsvmap inside header */
	MUT(36, 8, ERR_TRUNC);             /* struct cut short */
	/* header must fit the buffer */
	CHECK_EQ(fdt_open(&f, blob, 39), ERR_TRUNC);
	/* unterminated memory reservation map */
	memcpy(m, blob, len);
	m[40 + 3] = 1;
	CHECK(fdt_open(&f, m, len) < 0);
#undef MUT
}

TEST(version16_header)
{
	unsigned char blob[1024];
	size_t len = small_blob(blob);
	struct fdt f;

	put32(blob + 20, 16);
	put32(blob + 36, 0xdeadbeefU); /* size_dt_struct does not exist in v16 */
	CHECK_EQ(fdt_open(&f, blob, len), 0);
	CHECK(fdt_path(&f, "/b/c/d") >= 0);
}

/* Build a blob from a token script and expect fdt_open to refuse it. */
static int open_tokens(void (*build)(struct fdtw *w))
{
	static unsigned char blob[8192];
	struct fdtw w;
	struct fdt f;
	size_t len;

	memset(&w, 0, sizeof(w));
	build(&w);
	len = fw_blob(&w, blob);
	return fdt_open(&f, blob, len);
}

static void b_ok(struct fdtw *w)
{
	fw_begin(w, "");
	fw_end(w);
	fw_tok(w, 9);
}

static void b_no_end_token(struct fdtw *w)
{
	fw_begin(w, "");
	fw_end(w);
}

static void b_unbalanced(struct fdtw *w)
{
	fw_begin(w, "");
	fw_begin(w, "x");
	fw_end(w);
	fw_tok(w, 9);
}

static void b_extra_end(struct fdtw *w)
{
	fw_begin(w, "");
	fw_end(w);
	fw_end(w);
	fw_tok(w, 9);
}

static void b_two_roots(struct fdtw *w)
{
	fw_begin(w, "");
	fw_end(w);
	fw_begin(w, "");
	fw_end(w);
	fw_tok(w, 9);
}

static void b_prop_outside(struct fdtw *w)
{
	fw_prop_u32(w, "x", 1);
	fw_begin(w, "");
	fw_end(w);
	fw_tok(w, 9);
}

static void b_prop_after_child(struct fdtw *w)
{
	fw_begin(w, "");
	fw_begin(w, "c");
	fw_end(w);
	fw_prop_u32(w, "late", 1);
	fw_end(w);
	fw_tok(w, 9);
}

static void b_bad_token(struct fdtw *w)
{
	fw_begin(w, "");
	fw_tok(w, 7);
	fw_end(w);
	fw_tok(w, 9);
}

static void b_bad_nameoff(struct fdtw *w)
{
	fw_begin(w, "");
	fw_prop_u32(w, "x", 1);
	put32(w->st + w->stlen - 4 - 4, 0x1000); /* nameoff beyond the strings block */
	fw_end(w);
	fw_tok(w, 9);
}

static void b_unterminated_propname(struct fdtw *w)
{
	fw_begin(w, "");
	fw_prop_u32(w, "xy", 1);
	w->strslen--; /* drop the NUL of the last (only) string */
	fw_end(w);
	fw_tok(w, 9);
}

static void b_huge_proplen(struct fdtw *w)
{
	fw_begin(w, "");
	fw_prop_u32(w, "x", 1);
	put32(w->st + w->stlen - 12, 0xfffffff0U);
	fw_end(w);
	fw_tok(w, 9);
}

static void b_proplen_past_end(struct fdtw *w)
{
	fw_begin(w, "");
	fw_prop_u32(w, "x", 1);
	put32(w->st + w->stlen - 12, 16); /* data runs over END_NODE, END, and off the block */
	fw_end(w);
	fw_tok(w, 9);
}

static void b_unterminated_name(struct fdtw *w)
{
	fw_begin(w, "");
	fw_tok(w, 1);
	memcpy(w->st + w->stlen, "abcd", 4); /* no NUL before the block ends */
	w->stlen += 4;
}

static void nest(struct fdtw *w, int depth)
{
	int i;

	fw_begin(w, "");
	for (i = 1; i < depth; i++)
		fw_begin(w, "n");
	for (i = 0; i < depth; i++)
		fw_end(w);
	fw_tok(w, 9);
}

static void b_depth16(struct fdtw *w)
{
	nest(w, 16);
}

static void b_depth17(struct fdtw *w)
{
	nest(w, 17);
}

static void b_empty(struct fdtw *w)
{
	fw_tok(w, 9);
}

static void b_nops(struct fdtw *w)
{
	fw_tok(w, 4);
	fw_begin(w, "");
	fw_tok(w, 4);
	fw_prop(w, "p", "v", 2);
	fw_tok(w, 4);
	fw_end(w);
	fw_tok(w, 4);
	fw_tok(w, 9);
}

TEST(structure_errors)
{
	CHECK_EQ(open_tokens(b_ok), 0);
	CHECK_EQ(open_tokens(b_nops), 0);
	CHECK_EQ(open_tokens(b_depth16), 0);
	CHECK(open_tokens(b_depth17) < 0);
	CHECK(open_tokens(b_no_end_token) < 0);
	CHECK(open_tokens(b_unbalanced) < 0);
	CHECK(open_tokens(b_extra_end) < 0);
	CHECK(open_tokens(b_two_roots) < 0);
	CHECK(open_tokens(b_prop_outside) < 0);
	CHECK(open_tokens(b_prop_after_child) < 0);
	CHECK(open_tokens(b_bad_token) < 0);
	CHECK(open_tokens(b_bad_nameoff) < 0);
	CHECK(open_tokens(b_unterminated_propname) < 0);
	CHECK(open_tokens(b_huge_proplen) < 0);
	CHECK(open_tokens(b_proplen_past_end) < 0);
	CHECK(open_tokens(b_unterminated_name) < 0);
	CHECK(open_tokens(b_empty) < 0);
}

TEST(nops_are_skipped)
{
	static unsigned char blob[1024];
	struct fdtw w;
	struct fdt f;
	int l;

	memset(&w, 0, sizeof(w));
	b_nops(&w);
	CHECK_EQ(fdt_open(&f, blob, fw_blob(&w, blob)), 0);
	CHECK_EQ(fdt_root(&f), 4);
	CHECK(fdt_prop(&f, fdt_root(&f), "p", &l) != NULL);
	CHECK_EQ(l, 2);
}

/* Truncate a valid blob at every length: exact-size heap copies, so ASan sees overruns. */
TEST(truncation_every_length)
{
	unsigned char blob[1024];
	size_t len = small_blob(blob), cut;

	for (cut = 0; cut < len; cut++) {
		unsigned char *m = malloc(cut ? cut : 1);
		struct fdt f;

		memcpy(m, blob, cut);
		CHECK(fdt_open(&f, m, cut) < 0);
		if (cut >= 40) { /* header claims exactly what is there */
			put32(m + 4, (unsigned)cut);
			if (fdt_open(&f, m, cut) == 0)
				exercise(m, cut);
		}
		free(m);
	}
}

static void fuzz_blob(const unsigned char *orig, size_t len, size_t span, int iters, int *opened)
{
	unsigned char *m = malloc(len);
	int it;

	for (it = 0; it < iters; it++) {
		int flips = 1 + (int)(dt_rand() % 4), k;

		memcpy(m, orig, len);
		for (k = 0; k < flips; k++) {
			size_t pos = dt_rand() % span;

			if (dt_rand() % 2)
				m[pos] ^= (unsigned char)(1U << (dt_rand() % 8));
			else
				m[pos] = (unsigned char)dt_rand();
		}
		*opened += exercise(m, len);
	}
	free(m);
}

TEST(random_corruption_small)
{
	unsigned char blob[1024];
	size_t len = small_blob(blob);
	int opened = 0;

	dt_rng_state = 0x1234567887654321ULL;
	fuzz_blob(blob, len, len, 30000, &opened);
	CHECK(opened > 0);
}

TEST(random_corruption_qemu)
{
	size_t len = 0;
	unsigned char *blob = dt_read_file(QEMU_DTB, &len);
	struct fdt f;
	int opened = 0;

	CHECK(blob != NULL);
	if (!blob)
		return;
	CHECK_EQ(fdt_open(&f, blob, len), 0);
	dt_rng_state = 0xfeedfacecafebeefULL;
	/* corrupt only the meaningful part (header, struct, strings), not the padding */
	fuzz_blob(blob, len, f.off_strings + f.size_strings, 2000, &opened);
	CHECK(opened > 0);
	free(blob);
}

int main(void)
{
	RUN(be_and_cells);
	RUN(qemu_dtb);
	RUN(small_tree_navigation);
	RUN(property_values);
	RUN(reg_with_parent_cells);
	RUN(bogus_handles);
	RUN(header_errors);
	RUN(version16_header);
	RUN(structure_errors);
	RUN(nops_are_skipped);
	RUN(truncation_every_length);
	RUN(random_corruption_small);
	RUN(random_corruption_qemu);
	HARNESS_END("test_fdt");
}
