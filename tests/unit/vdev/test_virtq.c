/*
 * The split-virtqueue walker (src/vdev/virtq.c) against rings in a fake guest RAM: two
 * adjacent regions (to cross a region boundary) and a hole above them. Well-formed
 * chains (direct, indirect, across regions) and every kind of broken ring the walker
 * must refuse: loops, indices out of range, buffers outside RAM or wrapping, huge
 * lengths, bad indirect tables. Last, a bounded fuzzer: random and adversarial rings,
 * each pop must end, and every chain it accepts must lie in RAM.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <err.h>
#include <virtq.h>

#include "harness.h"

#define RAM0 0x40000000ULL
#define RAM_SZ 0x10000ULL       /* two regions of 64 KiB each, back to back */
#define RAM1 (RAM0 + RAM_SZ)
#define DESC (RAM0 + 0x0000)
#define AVAIL (RAM0 + 0x1000)
#define USED (RAM0 + 0x2000)
#define IND (RAM0 + 0x3000)
#define BUF (RAM0 + 0x4000)

static u8 ram0[RAM_SZ] __attribute__((aligned(16)));
static u8 ram1[RAM_SZ] __attribute__((aligned(16)));
static u64 maps;                /* map() calls, to bound the walker's work */

static u8 *fake_map(void *ctx, u64 gpa, u64 *avail)
{
	(void)ctx;
	maps++;
	if (gpa >= RAM0 && gpa < RAM0 + RAM_SZ) {
		*avail = RAM0 + RAM_SZ - gpa;
		return ram0 + (gpa - RAM0);
	}
	if (gpa >= RAM1 && gpa < RAM1 + RAM_SZ) {
		*avail = RAM1 + RAM_SZ - gpa;
		return ram1 + (gpa - RAM1);
	}
	*avail = 0;
	return NULL;
}

static const struct vq_mem mem = { .ctx = NULL, .map = fake_map };

static u8 *at(u64 gpa)
{
	u64 a;

	return fake_map(NULL, gpa, &a);
}

static void put_desc(u64 table, u32 i, u64 addr, u32 len, u16 flags, u16 next)
{
	u8 *p = at(table + 16ULL * i);

	memcpy(p, &addr, 8);
	memcpy(p + 8, &len, 4);
	memcpy(p + 12, &flags, 2);
	memcpy(p + 14, &next, 2);
}

static void put16(u64 gpa, u16 v)
{
	memcpy(at(gpa), &v, 2);
}

static u16 get16(u64 gpa)
{
	u16 v;

	memcpy(&v, at(gpa), 2);
	return v;
}

static u32 get32(u64 gpa)
{
	u32 v;

	memcpy(&v, at(gpa), 4);
	return v;
}

/* Make heads[0..n) available (avail.idx = n). */
static void offer(const u16 *heads, u32 n)
{
	for (u32 k = 0; k < n; k++)
		put16(AVAIL + 4 + 2 * k, heads[k]);
	put16(AVAIL + 2, (u16)n);
}

static struct virtq fresh(u32 num)
{
	struct virtq q;
	const char *why = NULL;

	memset(ram0, 0, sizeof(ram0));
	memset(ram1, 0, sizeof(ram1));
	vq_clear(&q);
	q.num = num;
	q.desc_gpa = DESC;
	q.avail_gpa = AVAIL;
	q.used_gpa = USED;
	q.indirect = true;
	CHECK_EQ(vq_setup(&q, &mem, &why), 0);
	return q;
}

/* Pop one chain that must be refused; returns the reason. */
static const char *refused(struct virtq *q)
{
	static struct vq_chain c;
	const char *why = "";

	CHECK_EQ(vq_pop(q, &mem, &c, &why), ERR_INVAL);
	return why;
}

TEST(setup_checks_size_alignment_and_ram)
{
	struct virtq q = fresh(8);
	const char *why = NULL;

	q.num = 6;
	CHECK_EQ(vq_setup(&q, &mem, &why), ERR_INVAL);
	CHECK(!q.ready);
	q.num = VQ_MAX_SIZE * 2;
	CHECK_EQ(vq_setup(&q, &mem, &why), ERR_INVAL);
	q.num = 0;
	CHECK_EQ(vq_setup(&q, &mem, &why), ERR_INVAL);
	q.num = 8;
	q.desc_gpa = DESC + 8;
	CHECK_EQ(vq_setup(&q, &mem, &why), ERR_INVAL);
	CHECK_STR_CONTAINS(why, "misaligned");
	q.desc_gpa = RAM1 + RAM_SZ - 64; /* 8 descriptors need 128 bytes: past the end */
	CHECK_EQ(vq_setup(&q, &mem, &why), ERR_INVAL);
	CHECK_STR_CONTAINS(why, "outside");
	q.desc_gpa = 0x1000;
	CHECK_EQ(vq_setup(&q, &mem, &why), ERR_INVAL);
	q.desc_gpa = DESC;
	q.used_gpa = 0xfffffffffffffff0ULL;
	CHECK_EQ(vq_setup(&q, &mem, &why), ERR_INVAL);
	q.used_gpa = USED;
	CHECK_EQ(vq_setup(&q, &mem, &why), 0);
	CHECK(q.ready);
	CHECK_EQ(vq_pending(&q), 0);
}

TEST(pop_read_write_push)
{
	struct virtq q = fresh(8);
	static struct vq_chain c;
	const char *why = NULL;
	const u16 heads[1] = { 3 };
	char out[16] = { 0 };

	memcpy(at(BUF), "hello, virtio", 14);
	put_desc(DESC, 3, BUF, 14, VQ_DESC_F_NEXT, 5);
	put_desc(DESC, 5, BUF + 0x100, 32, VQ_DESC_F_WRITE, 0);
	offer(heads, 1);
	CHECK_EQ(vq_pending(&q), 1);
	CHECK_EQ(vq_pop(&q, &mem, &c, &why), 0);
	CHECK_EQ(c.head, 3);
	CHECK_EQ(c.nr, 2);
	CHECK_EQ(c.out_bytes, 14);
	CHECK_EQ(c.in_bytes, 32);
	CHECK_EQ(vq_read(&mem, &c, 7, out, sizeof(out)), 7);
	CHECK(memcmp(out, "virtio", 7) == 0);
	CHECK_EQ(vq_write(&mem, &c, 30, "xyz", 3), 2); /* only 2 writable bytes left there */
	CHECK(memcmp(at(BUF + 0x100 + 30), "xy", 2) == 0);
	vq_push(&q, c.head, 2);
	CHECK_EQ(get16(USED + 2), 1);
	CHECK_EQ(get32(USED + 4), 3);
	CHECK_EQ(get32(USED + 8), 2);
	CHECK_EQ(vq_pop(&q, &mem, &c, &why), ERR_NOENT);
	CHECK(vq_wants_irq(&q));
	put16(AVAIL, VQ_AVAIL_F_NO_INTERRUPT);
	CHECK(!vq_wants_irq(&q));
}

/* vq_copy: readable segments (one crossing from the first RAM region into the second)
 * straight into writable segments of other sizes; vq_sum over the same bytes from an odd
 * offset, against a byte-by-byte reference. */
TEST(copy_and_sum_across_segments)
{
	static struct vq_chain src, dst;
	u8 ref[40];
	u64 sum = 0;

	for (u32 i = 0; i < 40; i++)
		ref[i] = (u8)(i * 37 + 11);
	memcpy(at(RAM1 - 5), ref, 5);           /* segment 0: 5 bytes in ram0, 20 in ram1 */
	memcpy(at(RAM1), ref + 5, 20);
	memcpy(at(BUF + 0x800), ref + 25, 15);  /* segment 1 */
	src = (struct vq_chain){ .nr = 3, .out_bytes = 40, .in_bytes = 8 };
	src.seg[0] = (struct vq_seg){ RAM1 - 5, 25, false };
	src.seg[1] = (struct vq_seg){ BUF + 0x800, 15, false };
	src.seg[2] = (struct vq_seg){ BUF + 0x900, 8, true };  /* writable: not a source */
	dst = (struct vq_chain){ .nr = 3, .out_bytes = 4, .in_bytes = 40 };
	dst.seg[0] = (struct vq_seg){ BUF + 0xa00, 4, false }; /* readable: not a target */
	dst.seg[1] = (struct vq_seg){ BUF + 0xb00, 7, true };
	dst.seg[2] = (struct vq_seg){ BUF + 0xc00, 33, true };
	memset(at(BUF + 0xb00), 0, 7);
	memset(at(BUF + 0xc00), 0, 33);
	CHECK_EQ(vq_copy(&mem, &src, 2, &mem, &dst, 1, 100), 38); /* the source's end */
	CHECK(memcmp(at(BUF + 0xb01), ref + 2, 6) == 0);
	CHECK(memcmp(at(BUF + 0xc00), ref + 8, 32) == 0);
	CHECK_EQ(vq_copy(&mem, &src, 0, &mem, &dst, 39, 5), 1);   /* the target's end */
	for (u32 i = 3; i < 40; i++)
		sum += (u64)ref[i] << ((i - 3) & 1 ? 0 : 8);
	CHECK_EQ(vq_sum(&mem, &src, 3, 37), sum);
	CHECK_EQ(vq_sum(&mem, &src, 3, 1000), sum);
	CHECK_EQ(vq_sum(&mem, &src, 40, 10), 0);
}

TEST(indices_wrap_at_16_bits)
{
	struct virtq q = fresh(4);
	static struct vq_chain c;
	const char *why = NULL;

	put_desc(DESC, 0, BUF, 4, 0, 0);
	q.last_avail = 0xfffe;
	q.used_idx = 0xfffe;
	put16(AVAIL + 4 + 2 * (0xfffe % 4), 0);
	put16(AVAIL + 4 + 2 * (0xffff % 4), 0);
	put16(AVAIL + 2, 0x0000); /* two ahead, across the wrap */
	CHECK_EQ(vq_pending(&q), 2);
	CHECK_EQ(vq_pop(&q, &mem, &c, &why), 0);
	vq_push(&q, c.head, 0);
	CHECK_EQ(vq_pop(&q, &mem, &c, &why), 0);
	vq_push(&q, c.head, 0);
	CHECK_EQ(get16(USED + 2), 0);
	CHECK_EQ(vq_pop(&q, &mem, &c, &why), ERR_NOENT);
}

TEST(bad_avail_index_and_head)
{
	struct virtq q = fresh(8);
	const u16 bad_head[1] = { 8 };

	put_desc(DESC, 0, BUF, 4, 0, 0);
	put16(AVAIL + 2, 9); /* nine ahead of a queue of eight */
	CHECK_STR_CONTAINS(refused(&q), "ahead");
	offer(bad_head, 1);
	CHECK_STR_CONTAINS(refused(&q), "out of range");
	CHECK_EQ(q.last_avail, 0); /* nothing taken */
}

TEST(loops_and_next_out_of_range)
{
	struct virtq q = fresh(8);
	const u16 heads[1] = { 0 };

	put_desc(DESC, 0, BUF, 4, VQ_DESC_F_NEXT, 1);
	put_desc(DESC, 1, BUF, 4, VQ_DESC_F_NEXT, 0);
	offer(heads, 1);
	maps = 0;
	CHECK_STR_CONTAINS(refused(&q), "loop");
	CHECK(maps <= 8 * 2); /* at most num descriptors walked */
	put_desc(DESC, 0, BUF, 4, VQ_DESC_F_NEXT, 0); /* a self-loop */
	CHECK_STR_CONTAINS(refused(&q), "loop");
	put_desc(DESC, 0, BUF, 4, VQ_DESC_F_NEXT, 0xffff);
	CHECK_STR_CONTAINS(refused(&q), "out of range");
}

TEST(buffers_outside_ram)
{
	struct virtq q = fresh(8);
	const u16 heads[1] = { 0 };
	static struct vq_chain c;
	const char *why = NULL;

	offer(heads, 1);
	put_desc(DESC, 0, 0x1000, 4, 0, 0);
	CHECK_STR_CONTAINS(refused(&q), "outside");
	put_desc(DESC, 0, RAM1 + RAM_SZ - 2, 4, 0, 0); /* runs past the end of RAM */
	CHECK_STR_CONTAINS(refused(&q), "outside");
	put_desc(DESC, 0, BUF, 0xffffffffU, VQ_DESC_F_WRITE, 0); /* huge */
	CHECK_STR_CONTAINS(refused(&q), "outside");
	put_desc(DESC, 0, 0xfffffffffffffff0ULL, 0x20, 0, 0); /* wraps */
	CHECK_STR_CONTAINS(refused(&q), "outside");
	/* across the boundary of the two regions: accepted and copied piecewise */
	put_desc(DESC, 0, RAM1 - 3, 6, 0, 0);
	memcpy(at(RAM1 - 3), "abc", 3);
	memcpy(at(RAM1), "def", 3);
	CHECK_EQ(vq_pop(&q, &mem, &c, &why), 0);
	{
		char b[7] = { 0 };

		CHECK_EQ(vq_read(&mem, &c, 0, b, 6), 6);
		CHECK(strcmp(b, "abcdef") == 0);
	}
}

TEST(readable_after_writable)
{
	struct virtq q = fresh(8);
	const u16 heads[1] = { 0 };

	put_desc(DESC, 0, BUF, 4, VQ_DESC_F_WRITE | VQ_DESC_F_NEXT, 1);
	put_desc(DESC, 1, BUF, 4, 0, 0);
	offer(heads, 1);
	CHECK_STR_CONTAINS(refused(&q), "readable buffer after");
	put_desc(DESC, 0, BUF, 0, VQ_DESC_F_WRITE | VQ_DESC_F_NEXT, 1); /* an empty one too */
	CHECK_STR_CONTAINS(refused(&q), "readable buffer after");
}

TEST(too_many_buffers)
{
	struct virtq q = fresh(128);
	const u16 heads[1] = { 0 };

	for (u32 i = 0; i < 100; i++)
		put_desc(DESC, i, BUF, 1, i + 1 < 100 ? VQ_DESC_F_NEXT : 0, (u16)(i + 1));
	offer(heads, 1);
	CHECK_STR_CONTAINS(refused(&q), "too many");
}

TEST(indirect_tables)
{
	struct virtq q = fresh(8);
	static struct vq_chain c;
	const char *why = NULL;
	const u16 heads[2] = { 2, 2 };

	offer(heads, 1);
	put_desc(IND, 0, BUF, 8, VQ_DESC_F_NEXT, 1);
	put_desc(IND, 1, BUF + 8, 8, VQ_DESC_F_WRITE, 0);
	put_desc(DESC, 2, IND, 32, VQ_DESC_F_INDIRECT, 0);
	CHECK_EQ(vq_pop(&q, &mem, &c, &why), 0);
	CHECK_EQ(c.nr, 2);
	CHECK_EQ(c.in_bytes, 8);
	offer(heads, 2); /* the same head again: avail.idx 2 */
	put_desc(IND, 1, BUF + 8, 8, VQ_DESC_F_NEXT, 0); /* loop back to entry 0 */
	CHECK_STR_CONTAINS(refused(&q), "loop in an indirect");
	put_desc(IND, 1, BUF + 8, 8, VQ_DESC_F_NEXT, 2); /* past the table's 2 entries */
	CHECK_STR_CONTAINS(refused(&q), "out of range");
	put_desc(IND, 1, IND, 32, VQ_DESC_F_INDIRECT, 0);
	CHECK_STR_CONTAINS(refused(&q), "nested");
	put_desc(DESC, 2, IND, 24, VQ_DESC_F_INDIRECT, 0);
	CHECK_STR_CONTAINS(refused(&q), "bad length");
	put_desc(DESC, 2, IND, 16 * (VQ_MAX_INDIRECT + 1), VQ_DESC_F_INDIRECT, 0);
	CHECK_STR_CONTAINS(refused(&q), "bad length");
	put_desc(DESC, 2, 0x2000, 32, VQ_DESC_F_INDIRECT, 0);
	CHECK_STR_CONTAINS(refused(&q), "outside");
	put_desc(DESC, 2, IND, 32, VQ_DESC_F_INDIRECT | VQ_DESC_F_NEXT, 3);
	CHECK_STR_CONTAINS(refused(&q), "NEXT");
	put_desc(DESC, 2, IND, 32, VQ_DESC_F_INDIRECT, 0);
	q.indirect = false;
	CHECK_STR_CONTAINS(refused(&q), "not allowed");
}

/* ---- the fuzzer ---- */

static u64 rng = 0x9e3779b97f4a7c15ULL;

static u64 rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* An address: mostly inside RAM, sometimes near its edges or anywhere. */
static u64 rnd_addr(void)
{
	switch (rnd() % 6) {
	case 0: return rnd();
	case 1: return RAM1 + RAM_SZ - rnd() % 64;
	case 2: return RAM0 - rnd() % 64;
	case 3: return IND + 16 * (rnd() % 8);
	default: return RAM0 + rnd() % (2 * RAM_SZ);
	}
}

static u32 rnd_len(void)
{
	switch (rnd() % 5) {
	case 0: return (u32)rnd();
	case 1: return 16 * (u32)(rnd() % 10);
	default: return (u32)(rnd() % 512);
	}
}

static void rnd_desc(u64 table, u32 i, u32 n)
{
	u16 next = rnd() % 4 ? (u16)(rnd() % (n + 2)) : (u16)rnd();

	put_desc(table, i, rnd_addr(), rnd_len(), (u16)(rnd() % 8), next);
}

/* Every accepted chain is inside RAM and bounded. */
static bool chain_sane(const struct vq_chain *c)
{
	u64 in = 0, out = 0;
	bool seen_write = false;

	if (c->nr > VQ_MAX_SEGS)
		return false;
	for (u32 k = 0; k < c->nr; k++) {
		const struct vq_seg *s = &c->seg[k];

		if (!vq_range_ok(&mem, s->gpa, s->len) || (seen_write && !s->write))
			return false;
		seen_write |= s->write;
		*(s->write ? &in : &out) += s->len;
	}
	return in == c->in_bytes && out == c->out_bytes;
}

TEST(fuzz_random_rings)
{
	static struct vq_chain c;
	u32 accepted = 0, refusals = 0;

	for (u32 it = 0; it < 20000; it++) {
		u32 num = 1U << (rnd() % 9);
		struct virtq q = fresh(num);
		const char *why = NULL;
		int r;

		for (u32 i = 0; i < num; i++)
			rnd_desc(DESC, i, num);
		for (u32 i = 0; i < 8; i++)
			rnd_desc(IND, i, 8);
		for (u32 i = 0; i < num; i++)
			put16(AVAIL + 4 + 2 * i, rnd() % 3 ? (u16)(rnd() % num) : (u16)rnd());
		put16(AVAIL + 2, rnd() % 4 ? (u16)(rnd() % (num + 1)) : (u16)rnd());
		for (u32 k = 0; k < 4; k++) {
			maps = 0;
			r = vq_pop(&q, &mem, &c, &why);
			/* bounded: at most num + VQ_MAX_INDIRECT descriptors, a few maps each */
			CHECK(maps <= 4 * (num + VQ_MAX_INDIRECT) + 8);
			if (r == ERR_INVAL) {
				refusals++;
				break;
			}
			if (r == ERR_NOENT)
				break;
			CHECK_EQ(r, 0);
			CHECK(chain_sane(&c));
			CHECK(c.head < num);
			accepted++;
			vq_push(&q, c.head, (u32)(c.in_bytes & 0xffff));
		}
	}
	printf("  fuzz: %u chains accepted, %u rings refused\n", accepted, refusals);
	CHECK(accepted > 100 && refusals > 100); /* both paths exercised */
}

int main(void)
{
	RUN(setup_checks_size_alignment_and_ram);
	RUN(pop_read_write_push);
	RUN(copy_and_sum_across_segments);
	RUN(indices_wrap_at_16_bits);
	RUN(bad_avail_index_and_head);
	RUN(loops_and_next_out_of_range);
	RUN(buffers_outside_ram);
	RUN(readable_after_writable);
	RUN(too_many_buffers);
	RUN(indirect_tables);
	RUN(fuzz_random_rings);
	HARNESS_END("test_virtq");
}
