/*
 * FDT writer: round trip through the fdt.c reader, exact bounds (guard bytes
 * around the buffer, every size below the needed one refused), call-order
 * errors, and dtc's own reading of the output (dtc -I dtb -O dts).
 */
#include <fdt.h>
#include <fdt_write.h>
#include <lib.h>

#include "dt_helpers.h"
#include "harness.h"

#define GUARD 64
#define GUARD_BYTE 0xa5
#define BUF_MAX 4096

static unsigned char area[GUARD + BUF_MAX + GUARD];

static unsigned char *buf_with_guards(void)
{
	memset(area, GUARD_BYTE, sizeof(area));
	return area + GUARD;
}

/* Every byte outside [GUARD, GUARD + size) still holds the guard pattern. */
static int guards_intact(size_t size)
{
	size_t i;

	for (i = 0; i < sizeof(area); i++)
		if ((i < GUARD || i >= GUARD + size) && area[i] != GUARD_BYTE)
			return 0;
	return 1;
}

/* A small tree using every property kind; returns fdtw_finish()'s result. */
static int build_sample(void *buf, size_t size)
{
	static const char *const compat[] = { "vendor,board", "simple-bus" };
	static const u8 raw[5] = { 1, 2, 3, 4, 5 };
	const u32 cells[3] = { 0x11, 0x22222222, 0xffffffff };
	struct fdt_writer w;

	fdtw_init(&w, buf, size);
	fdtw_begin_node(&w, "");
	fdtw_prop_u32(&w, "#address-cells", 2);
	fdtw_prop_u32(&w, "#size-cells", 2);
	fdtw_prop_stringlist(&w, "compatible", compat, 2);
	fdtw_begin_node(&w, "soc");
	fdtw_prop_u32(&w, "#address-cells", 2);   /* name stored once */
	fdtw_prop_u32(&w, "#size-cells", 2);
	fdtw_prop_string(&w, "compatible", "simple-bus");
	fdtw_prop_empty(&w, "ranges");
	fdtw_begin_node(&w, "dev@1000");
	fdtw_prop_cells(&w, "reg", (const u32[]){ 0, 0x1000, 0, 0x100 }, 4);
	fdtw_prop_u64(&w, "big", 0x123456789abcdef0ULL);
	fdtw_prop_cells(&w, "cells", cells, 3);
	fdtw_prop(&w, "raw", raw, sizeof(raw));
	fdtw_prop_string(&w, "empty-string", "");
	fdtw_prop_string(&w, "size-cells", "tail"); /* may share "#size-cells"'s tail */
	fdtw_end_node(&w);
	fdtw_begin_node(&w, "leaf");
	fdtw_end_node(&w);
	fdtw_end_node(&w);
	fdtw_begin_node(&w, "chosen");
	fdtw_prop_string(&w, "bootargs", "console=ttyAMA0 earlycon");
	fdtw_end_node(&w);
	fdtw_end_node(&w);
	return fdtw_finish(&w);
}

TEST(round_trip)
{
	unsigned char *b = buf_with_guards();
	struct fdt f;
	int total = build_sample(b, BUF_MAX), soc, dev, len;
	const u8 *p;

	CHECK(total > 0);
	CHECK(guards_intact(BUF_MAX));
	CHECK_EQ(fdt_blob_size(b), total);
	CHECK_EQ(fdt_be32(b + 20), 17);   /* version */
	CHECK_EQ(fdt_be32(b + 24), 16);   /* last_comp_version */
	CHECK_EQ(fdt_open(&f, b, (size_t)total), 0);
	CHECK_EQ(fdt_address_cells(&f, fdt_root(&f)), 2);
	CHECK(fdt_is_compatible(&f, fdt_root(&f), "vendor,board"));
	CHECK(fdt_is_compatible(&f, fdt_root(&f), "simple-bus"));
	p = fdt_prop(&f, fdt_root(&f), "compatible", &len);
	CHECK(p && len == 24 && memcmp(p, "vendor,board\0simple-bus\0", 24) == 0);
	soc = fdt_path(&f, "/soc");
	CHECK(soc >= 0);
	CHECK(fdt_prop(&f, soc, "ranges", &len) != NULL && len == 0);
	CHECK_EQ(fdt_prop_count(&f, soc), 4);
	dev = fdt_path(&f, "/soc/dev@1000");
	CHECK(dev >= 0);
	CHECK_EQ(fdt_parent(&f, dev), soc);
	{
		u64 a = 0, s = 0;

		CHECK_EQ(fdt_reg(&f, soc, dev, 0, &a, &s), 0);
		CHECK_EQ(a, 0x1000);
		CHECK_EQ(s, 0x100);
	}
	p = fdt_prop(&f, dev, "big", &len);
	CHECK(p && len == 8 && fdt_be64(p) == 0x123456789abcdef0ULL);
	p = fdt_prop(&f, dev, "cells", &len);
	CHECK(p && len == 12 && fdt_be32(p) == 0x11 && fdt_be32(p + 8) == 0xffffffff);
	p = fdt_prop(&f, dev, "raw", &len);
	CHECK(p && len == 5 && p[4] == 5);
	p = fdt_prop(&f, dev, "empty-string", &len);
	CHECK(p && len == 1 && p[0] == 0);
	p = fdt_prop(&f, dev, "size-cells", &len);
	CHECK(p && strcmp((const char *)p, "tail") == 0);
	CHECK(fdt_path(&f, "/soc/leaf") >= 0);
	CHECK_EQ(fdt_first_child(&f, fdt_path(&f, "/soc/leaf")), ERR_NOENT);
	p = fdt_prop(&f, fdt_path(&f, "/chosen"), "bootargs", &len);
	CHECK(p && strcmp((const char *)p, "console=ttyAMA0 earlycon") == 0);
	/* each name stored once; "size-cells" and "cells" reuse the tail of "#size-cells" /
	 * "#address-cells": 15 + 12 + 11 + 7 + 4 (reg) + 4 (big) + 4 (raw) + 13 + 9 = 79 */
	CHECK_EQ(fdt_be32(b + 32), 79);
}

/* Output is a pure function of the calls. */
TEST(deterministic)
{
	static unsigned char a[BUF_MAX], b2[BUF_MAX];
	int n1, n2;

	memset(a, 0x00, sizeof(a));
	memset(b2, 0xff, sizeof(b2));
	n1 = build_sample(a, sizeof(a));
	n2 = build_sample(b2, sizeof(b2));
	CHECK(n1 > 0 && n1 == n2);
	CHECK(memcmp(a, b2, (size_t)n1) == 0);
}

/* Every buffer smaller than needed is refused, and nothing is written outside it. */
TEST(overflow_every_size)
{
	unsigned char *b = buf_with_guards();
	int total = build_sample(b, BUF_MAX), size;

	CHECK(total > 0);
	for (size = 0; size < total; size++) {
		b = buf_with_guards();
		if (build_sample(b, (size_t)size) != ERR_FULL) {
			printf("  size %d not refused\n", size);
			CHECK(0);
		}
		if (!guards_intact((size_t)size)) {
			printf("  size %d: write outside the buffer\n", size);
			CHECK(0);
			break;
		}
	}
	b = buf_with_guards();
	CHECK_EQ(build_sample(b, (size_t)total), total); /* exactly enough */
	CHECK(guards_intact((size_t)total));
}

TEST(big_property_overflow)
{
	static u8 big[BUF_MAX];
	unsigned char *b = buf_with_guards();
	struct fdt_writer w;

	CHECK_EQ(fdtw_init(&w, b, 256), 0);
	CHECK_EQ(fdtw_begin_node(&w, ""), 0);
	CHECK_EQ(fdtw_prop(&w, "big", big, sizeof(big)), ERR_FULL);
	CHECK_EQ(fdtw_prop_u32(&w, "x", 1), ERR_FULL); /* sticky */
	CHECK_EQ(fdtw_end_node(&w), ERR_FULL);
	CHECK_EQ(fdtw_finish(&w), ERR_FULL);
	CHECK(guards_intact(256));
	CHECK_EQ(fdtw_init(&w, b, 256), 0);
	CHECK_EQ(fdtw_begin_node(&w, ""), 0);
	CHECK_EQ(fdtw_prop_cells(&w, "c", (const u32 *)big, 0x40000000U), ERR_INVAL);
	CHECK(guards_intact(256));
}

TEST(order_errors)
{
	unsigned char *b = buf_with_guards();
	struct fdt_writer w;

	fdtw_init(&w, b, BUF_MAX);
	CHECK_EQ(fdtw_prop_u32(&w, "x", 1), ERR_BUSY); /* property outside the root */
	fdtw_init(&w, b, BUF_MAX);
	CHECK_EQ(fdtw_end_node(&w), ERR_BUSY);
	fdtw_init(&w, b, BUF_MAX);
	CHECK_EQ(fdtw_finish(&w), ERR_BUSY); /* no root */
	fdtw_init(&w, b, BUF_MAX);
	fdtw_begin_node(&w, "");
	fdtw_begin_node(&w, "a");
	fdtw_end_node(&w);
	CHECK_EQ(fdtw_prop_u32(&w, "late", 1), ERR_BUSY); /* property after a child */
	fdtw_init(&w, b, BUF_MAX);
	fdtw_begin_node(&w, "");
	fdtw_begin_node(&w, "a");
	CHECK_EQ(fdtw_finish(&w), ERR_BUSY); /* unclosed node */
	fdtw_init(&w, b, BUF_MAX);
	fdtw_begin_node(&w, "");
	fdtw_end_node(&w);
	CHECK_EQ(fdtw_begin_node(&w, "second-root"), ERR_BUSY);
	fdtw_init(&w, b, BUF_MAX);
	fdtw_begin_node(&w, "");
	CHECK_EQ(fdtw_prop(&w, "", NULL, 0), ERR_INVAL);
	fdtw_init(&w, b, BUF_MAX);
	fdtw_begin_node(&w, "");
	CHECK_EQ(fdtw_prop(&w, "p", NULL, 4), ERR_INVAL);
	fdtw_init(&w, b, BUF_MAX);
	fdtw_begin_node(&w, "");
	CHECK_EQ(fdtw_prop_string(&w, "s", NULL), ERR_INVAL);
	fdtw_init(&w, b, BUF_MAX);
	CHECK_EQ(fdtw_begin_node(&w, NULL), ERR_INVAL);
	CHECK_EQ(fdtw_init(NULL, b, BUF_MAX), ERR_INVAL);
	CHECK_EQ(fdtw_init(&w, NULL, BUF_MAX), ERR_INVAL);
	CHECK_EQ(fdtw_begin_node(&w, ""), ERR_INVAL);
	CHECK_EQ(fdtw_begin_node(NULL, ""), ERR_INVAL);
	/* a finished blob takes no more calls */
	fdtw_init(&w, b, BUF_MAX);
	fdtw_begin_node(&w, "");
	fdtw_end_node(&w);
	CHECK(fdtw_finish(&w) > 0);
	CHECK_EQ(fdtw_finish(&w), ERR_BUSY);
	CHECK(guards_intact(BUF_MAX));
}

TEST(minimal_tree)
{
	unsigned char *b = buf_with_guards();
	struct fdt_writer w;
	struct fdt f;
	int total;

	/* header 40 + map 16 + BEGIN_NODE "" 8 + END_NODE 4 + END 4 = 72 */
	CHECK_EQ(fdtw_init(&w, b, 71), 0);
	fdtw_begin_node(&w, "");
	fdtw_end_node(&w);
	CHECK_EQ(fdtw_finish(&w), ERR_FULL);
	CHECK_EQ(fdtw_init(&w, b, 72), 0);
	fdtw_begin_node(&w, "");
	fdtw_end_node(&w);
	total = fdtw_finish(&w);
	CHECK_EQ(total, 72);
	CHECK_EQ(fdt_open(&f, b, 72), 0);
	CHECK_EQ(fdt_prop_count(&f, fdt_root(&f)), 0);
	CHECK_EQ(fdt_be32(b + 32), 0); /* no strings */
	CHECK_EQ(fdtw_init(&w, b, 55), ERR_FULL);
	CHECK(guards_intact(72));
}


TEST(dtc_accepts)
{
	static char dts[8192];
	unsigned char *b = buf_with_guards();
	int total = build_sample(b, BUF_MAX);

	CHECK(total > 0);
	CHECK_EQ(dt_run_dtc(b, (size_t)total, "-q -O dts", dts, sizeof(dts)), 0);
	/* dtc 1.6 prints string lists as "a\0b", newer ones as "a", "b" */
	CHECK(strstr(dts, "compatible = \"vendor,board\", \"simple-bus\";") ||
	      strstr(dts, "compatible = \"vendor,board\\0simple-bus\";"));
	CHECK_STR_CONTAINS(dts, "dev@1000 {");
	CHECK_STR_CONTAINS(dts, "reg = <0x00 0x1000 0x00 0x100>;");
	CHECK_STR_CONTAINS(dts, "big = <0x12345678 0x9abcdef0>;");
	CHECK_STR_CONTAINS(dts, "raw = [01 02 03 04 05];");
	CHECK_STR_CONTAINS(dts, "ranges;");
	CHECK_STR_CONTAINS(dts, "bootargs = \"console=ttyAMA0 earlycon\";");
}

int main(void)
{
	RUN(round_trip);
	RUN(deterministic);
	RUN(overflow_every_size);
	RUN(big_property_overflow);
	RUN(order_errors);
	RUN(minimal_tree);
	RUN(dtc_accepts);
	HARNESS_END("test_fdt_write");
}
