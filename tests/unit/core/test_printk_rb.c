/*
 * Host tests for the Linux printk ring buffer reader (src/core/debug/printk_rb.c): a
 * synthetic ring is built in a buffer the way Linux 6.1's writer lays it out (ids from
 * DESC0_ID, blocks that do not fit before the end start over at data[0], old records
 * made reusable as the data ring wraps), then read back; corrupted rings must give
 * errors, never a fault (ASan) or a hang.
 */
#include <stdint.h>
#include <stdlib.h>

#include "harness.h"
#include <err.h>
#include <printk_rb.h>

#define BASE 0xffff800010000000ULL /* guest VA of mem[] */
#define MEM_SIZE 0x4000
#define RB_OFF 0x0
#define DESCS_OFF 0x100
#define INFOS_OFF 0x1000
#define DATA_OFF 0x2000
#define ID_MASK ((1ULL << 62) - 1)

static uint8_t mem[MEM_SIZE];
static unsigned reads;

static int fake_read(void *ctx, u64 va, void *buf, size_t len)
{
	(void)ctx;
	reads++;
	if (va < BASE || va - BASE > MEM_SIZE || len > MEM_SIZE - (va - BASE))
		return ERR_RANGE;
	memcpy(buf, mem + (va - BASE), len);
	return 0;
}

static const struct prb_mem M = { fake_read, NULL };

static void put64(size_t off, u64 v)
{
	for (int i = 0; i < 8; i++)
		mem[off + (size_t)i] = (uint8_t)(v >> (8 * i));
}

static u64 get64(size_t off)
{
	u64 v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | mem[off + (size_t)i];
	return v;
}

/* ---- a writer like Linux 6.1's (single CPU, no concurrency) ---- */

struct model {
	u32 cbits, sbits;
	u64 head, tail, head_lpos;
	u64 begin[64], next[64]; /* per slot */
};
static struct model w;

static void desc_put(u64 id, u64 state, u64 begin, u64 next)
{
	size_t d = DESCS_OFF + (size_t)(id & ((1ULL << w.cbits) - 1)) * PRB_DESC_SIZE;

	put64(d, state << 62 | (id & ID_MASK));
	put64(d + 8, begin);
	put64(d + 16, next);
}

static void rb_sync(void)
{
	put64(RB_OFF + 0, w.cbits);
	put64(RB_OFF + 8, BASE + DESCS_OFF);
	put64(RB_OFF + 16, BASE + INFOS_OFF);
	put64(RB_OFF + 24, w.head);
	put64(RB_OFF + 32, w.tail);
	put64(RB_OFF + 48, w.sbits);
	put64(RB_OFF + 56, BASE + DATA_OFF);
}

static void ring_init(u32 cbits, u32 sbits)
{
	u64 count = 1ULL << cbits;

	memset(mem, 0, sizeof(mem));
	memset(&w, 0, sizeof(w));
	w.cbits = cbits;
	w.sbits = sbits;
	w.head = w.tail = (0 - (count + 1)) & ID_MASK; /* DESC0_ID */
	desc_put(w.head, 3, 1, 1);                      /* reusable, FAILED_LPOS */
	rb_sync();
}

static u64 next_lpos(u64 begin, u64 size)
{
	u64 next = begin + size;

	if (begin >> w.sbits == next >> w.sbits)
		return next;
	return (next & ~((1ULL << w.sbits) - 1)) + size; /* starts over at data[0] */
}

/* Old records whose blocks the new one [.., next) overwrites become reusable. */
static void push_tails(u64 id, u64 next)
{
	u64 count = 1ULL << w.cbits, t;

	for (t = w.tail; t != id; t = (t + 1) & ID_MASK) {
		size_t d = DESCS_OFF + (size_t)(t & (count - 1)) * PRB_DESC_SIZE;
		bool over = ((id - t) & ID_MASK) >= count;

		if (get64(d) >> 62 != 3 && !over && w.begin[t & (count - 1)] + (1ULL << w.sbits) >= next)
			break;
		desc_put(t, 3, w.begin[t & (count - 1)], w.next[t & (count - 1)]);
		w.tail = (t + 1) & ID_MASK;
	}
}

static u64 add_state(const char *text, u64 ts, u64 state)
{
	u64 id = (w.head + 1) & ID_MASK, count = 1ULL << w.cbits, mask = (1ULL << w.sbits) - 1;
	size_t len = strlen(text), info = INFOS_OFF + (size_t)(id & (count - 1)) * PRB_INFO_SIZE;
	u64 size = (8 + len + 7) & ~7ULL, begin = w.head_lpos, next = next_lpos(begin, size);
	size_t at = DATA_OFF + (size_t)(next - size == (next & ~mask) ? 0 : begin & mask);

	push_tails(id, next);
	put64(at, id);
	memcpy(mem + at + 8, text, len);
	memset(mem + info, 0, PRB_INFO_SIZE);
	put64(info, id); /* seq: any number will do here */
	put64(info + 8, ts);
	mem[info + 16] = (uint8_t)len;
	mem[info + 17] = (uint8_t)(len >> 8);
	w.begin[id & (count - 1)] = begin;
	w.next[id & (count - 1)] = next;
	desc_put(id, state, begin, next);
	w.head = id;
	w.head_lpos = next;
	rb_sync();
	return id;
}

static u64 add(const char *text, u64 ts)
{
	return add_state(text, ts, 2);
}

/* ---- reading it back ---- */

static char out[16384];
static int emitted;

static void emit(void *ctx, const struct prb_record *r, const char *text, const char *err)
{
	size_t n = strlen(out);

	(void)ctx;
	emitted++;
	if (err)
		snprintf(out + n, sizeof(out) - n, "<%s>\n", err);
	else
		snprintf(out + n, sizeof(out) - n, "[%llu.%06llu] %s\n",
			 (unsigned long long)(r->ts_nsec / 1000000000),
			 (unsigned long long)(r->ts_nsec % 1000000000 / 1000), text);
}

static int dump(u32 n, char *msg)
{
	struct prb_ring rb;
	int r;

	out[0] = '\0';
	emitted = 0;
	msg[0] = '\0';
	r = prb_open(&M, BASE + RB_OFF, &rb, msg, 128);
	return r ? r : prb_dump(&M, &rb, n, emit, NULL, msg, 128);
}

TEST(test_empty_ring)
{
	char msg[128];

	ring_init(4, 8);
	CHECK_EQ(dump(10, msg), 0);
	CHECK_EQ(emitted, 0);
}

TEST(test_records_in_order)
{
	char msg[128];

	ring_init(4, 9);
	add("Booting Linux on physical CPU 0x0", 0);
	add("Linux version 6.1.0", 1500);
	add("Kernel panic - not syncing: VFS", 2123456789);
	CHECK_EQ(dump(10, msg), 3);
	CHECK(strcmp(out, "[0.000000] Booting Linux on physical CPU 0x0\n"
		     "[0.000001] Linux version 6.1.0\n"
		     "[2.123456] Kernel panic - not syncing: VFS\n") == 0);
	CHECK_EQ(dump(1, msg), 1);
	CHECK(strcmp(out, "[2.123456] Kernel panic - not syncing: VFS\n") == 0);
}

/* 40 records through 16 descriptors and 256 bytes of text: both rings wrap. */
TEST(test_wrapped_rings_keep_the_newest)
{
	char msg[128], line[64];
	int i, n;

	ring_init(4, 8);
	for (i = 0; i < 40; i++) {
		snprintf(line, sizeof(line), "record %02d", i);
		add(line, (u64)i * 1000);
	}
	n = dump(100, msg);
	CHECK(n > 3 && n <= 16);
	CHECK_STR_CONTAINS(out, "] record 39\n");
	for (i = 40 - n; i < 40; i++) { /* exactly the newest n, in order, none corrupted */
		snprintf(line, sizeof(line), "] record %02d\n", i);
		CHECK_STR_CONTAINS(out, line);
	}
	CHECK(!strchr(out, '<'));
	CHECK_EQ(dump(2, msg), 2);
	CHECK(strcmp(out, "[0.000038] record 38\n[0.000039] record 39\n") == 0);
}

/* A block that does not fit before the end of the data ring starts over at data[0]. */
TEST(test_block_that_wraps_to_the_start)
{
	char msg[128];
	u64 id;

	ring_init(4, 6); /* 64 bytes of text */
	add("0123456789abcdef0123456789", 1); /* 40 bytes: 0..40 */
	id = add("wrapping text!", 2);        /* 24 bytes: would cross 64, so at 0 */
	CHECK_EQ(w.next[id & 15], 64 + 24);
	CHECK_EQ(get64(DATA_OFF), id);
	CHECK_EQ(dump(10, msg), 1); /* the first one was overwritten: reusable */
	CHECK(strcmp(out, "[0.000000] wrapping text!\n") == 0);
}

/* Ids near the 62-bit wrap read the same as any others. */
TEST(test_ids_wrap_at_62_bits)
{
	char msg[128];

	ring_init(4, 9);
	w.head = w.tail = ID_MASK - 2;
	desc_put(w.head, 3, 1, 1);
	rb_sync();
	for (int i = 0; i < 5; i++)
		add("x", (u64)i);
	CHECK_EQ(w.head, 2); /* wrapped */
	CHECK_EQ(dump(10, msg), 5);
	CHECK_EQ(dump(2, msg), 2);
}

TEST(test_reserved_skipped_committed_shown)
{
	char msg[128];
	u64 id;

	ring_init(4, 9);
	add("done", 1);
	add_state("still open", 2, 1);   /* committed: shown */
	add_state("being written", 3, 0); /* reserved: not yet */
	CHECK_EQ(dump(10, msg), 2);
	CHECK(strcmp(out, "[0.000000] done\n[0.000000] still open\n") == 0);
	/* a finalized slot that still holds the id of 16 records ago: stale, skipped */
	id = add("new", 4);
	put64(DESCS_OFF + (size_t)(id & 15) * PRB_DESC_SIZE, 2ULL << 62 | ((id - 16) & ID_MASK));
	CHECK_EQ(dump(10, msg), 2);
}

TEST(test_control_characters_are_replaced)
{
	char msg[128];

	ring_init(4, 9);
	add("a\033[2Jb\rc\nd", 1);
	CHECK_EQ(dump(10, msg), 1);
	CHECK(strcmp(out, "[0.000000] a?[2Jb?c\nd\n") == 0);
}

TEST(test_bad_ring_headers_refused)
{
	char msg[128];

	ring_init(4, 9);
	add("x", 1);
	put64(RB_OFF, 60); /* count_bits */
	CHECK_EQ(dump(10, msg), ERR_INVAL);
	CHECK_STR_CONTAINS(msg, "not a printk ring buffer (count_bits 60");
	ring_init(4, 9);
	put64(RB_OFF + 48, 0); /* size_bits */
	CHECK_EQ(dump(10, msg), ERR_INVAL);
	ring_init(4, 9);
	put64(RB_OFF + 56, 0); /* data */
	CHECK_EQ(dump(10, msg), ERR_INVAL);
	CHECK_STR_CONTAINS(msg, "data 0");
	ring_init(4, 9);
	put64(RB_OFF + 32, w.head - 16); /* tail 17 ids behind head */
	CHECK_EQ(dump(10, msg), ERR_INVAL);
	CHECK_STR_CONTAINS(msg, "corrupted ring");
	ring_init(4, 9);
	put64(RB_OFF + 8, BASE + MEM_SIZE); /* descriptors outside readable memory */
	add("x", 1);
	put64(RB_OFF + 8, BASE + MEM_SIZE);
	CHECK_EQ(dump(10, msg), ERR_RANGE);
	CHECK_STR_CONTAINS(msg, "a descriptor at VA");
	CHECK_EQ(prb_open(&M, 0x1000, &(struct prb_ring){ 0 }, msg, sizeof(msg)), ERR_RANGE);
}

TEST(test_corrupted_records_reported_one_by_one)
{
	char msg[128];
	u64 a, b, c, d;
	size_t da;

	ring_init(4, 9);
	a = add("first", 1);
	b = add("second", 2);
	c = add("third", 3);
	d = add("fourth", 4);
	/* a: block positions no writer makes (two wraps apart) */
	desc_put(a, 2, 0, 3 << 9);
	/* b: text_len beyond its block */
	mem[INFOS_OFF + (b & 15) * PRB_INFO_SIZE + 16] = 0xff;
	mem[INFOS_OFF + (b & 15) * PRB_INFO_SIZE + 17] = 0xff;
	/* c: its block names another id */
	da = DATA_OFF + (size_t)(w.begin[c & 15] & 511);
	put64(da, 12345);
	CHECK_EQ(dump(10, msg), 4);
	CHECK_STR_CONTAINS(out, "outside the 512-byte ring>");
	CHECK_STR_CONTAINS(out, "text_len 65535 does not fit");
	CHECK_STR_CONTAINS(out, "belongs to id 3039>");
	CHECK_STR_CONTAINS(out, "] fourth\n");
	(void)d;
}

/* Random memory: any answer, but never a fault (ASan), and a bounded number of reads. */
TEST(test_random_memory_never_faults)
{
	char msg[128];

	srand(14);
	for (int round = 0; round < 3000; round++) {
		int r;

		ring_init(1 + (u32)(rand() % 5), 4 + (u32)(rand() % 9));
		for (int i = rand() % 30; i > 0; i--)
			add("some text that is long enough", (u64)i);
		for (int i = rand() % 40; i >= 0; i--) /* flip random bytes, headers included */
			mem[rand() % (DATA_OFF + 0x200)] = (uint8_t)rand();
		if (round % 7 == 0)
			put64(RB_OFF + 0, (u64)(rand() % 23));
		reads = 0;
		r = dump((u32)rand() % 50, msg);
		CHECK(r >= 0 || r == ERR_INVAL || r == ERR_RANGE);
		CHECK(reads < 4 * (1U << PRB_MAX_COUNT_BITS) + 16);
	}
}

int main(void)
{
	RUN(test_empty_ring);
	RUN(test_records_in_order);
	RUN(test_wrapped_rings_keep_the_newest);
	RUN(test_block_that_wraps_to_the_start);
	RUN(test_ids_wrap_at_62_bits);
	RUN(test_reserved_skipped_committed_shown);
	RUN(test_control_characters_are_replaced);
	RUN(test_bad_ring_headers_refused);
	RUN(test_corrupted_records_reported_one_by_one);
	RUN(test_random_memory_never_faults);
	HARNESS_END("test_printk_rb");
}
