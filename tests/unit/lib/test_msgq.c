/* Host tests for the lock-free console queue (src/core/msgq.c). */
#include <pthread.h>
#include <stdint.h>

#include "harness.h"
#include <msgq.h>

static struct msgq q;

static void reset(void)
{
	memset(&q, 0, sizeof(q));
}

TEST(test_order_and_fields)
{
	struct msgq_msg m;

	reset();
	CHECK(msgq_empty(&q));
	CHECK(!msgq_get(&q, &m));
	CHECK_EQ(msgq_put(&q, 3, 1, "abc", 3), 0);
	CHECK_EQ(msgq_put(&q, 7, 2, "", 0), 0);
	CHECK_EQ(msgq_put(&q, 0xff, 0, "hello\n", 6), 0);
	CHECK(!msgq_empty(&q));
	CHECK(msgq_get(&q, &m));
	CHECK(m.src == 3 && m.kind == 1 && m.len == 3 && !memcmp(m.data, "abc", 3));
	CHECK(msgq_get(&q, &m));
	CHECK(m.src == 7 && m.kind == 2 && m.len == 0);
	CHECK(msgq_get(&q, &m));
	CHECK(m.src == 0xff && m.len == 6 && !memcmp(m.data, "hello\n", 6));
	CHECK(!msgq_get(&q, &m));
	CHECK(msgq_empty(&q));
}

/* A full queue refuses without waiting and without disturbing what is queued. */
TEST(test_full_refuses)
{
	struct msgq_msg m;
	char rec[MSGQ_PAYLOAD_MAX];
	u32 n = 0, small;

	reset();
	memset(rec, 'x', sizeof(rec));
	while (msgq_put(&q, 1, 0, rec, sizeof(rec)) == 0)
		n++;
	CHECK_EQ(n, MSGQ_SIZE / (MSGQ_PAYLOAD_MAX + 8));
	/* the bytes left at the end take 16-byte records until they are gone too */
	small = (MSGQ_SIZE - n * (MSGQ_PAYLOAD_MAX + 8)) / 16;
	for (u32 i = 0; i < small; i++)
		CHECK_EQ(msgq_put(&q, 1, 0, "y", 1), 0);
	CHECK(msgq_put(&q, 1, 0, "y", 1) != 0);
	CHECK_EQ(msgq_record_size(1), 16);
	CHECK(msgq_get(&q, &m));
	CHECK_EQ(m.len, MSGQ_PAYLOAD_MAX);
	CHECK_EQ(msgq_put(&q, 2, 0, rec, 100), 0); /* room again after one get */
	for (u32 i = 1; i < n; i++)
		CHECK(msgq_get(&q, &m) && m.len == MSGQ_PAYLOAD_MAX && m.data[0] == 'x');
	for (u32 i = 0; i < small; i++)
		CHECK(msgq_get(&q, &m) && m.len == 1 && m.data[0] == 'y');
	CHECK(msgq_get(&q, &m) && m.src == 2 && m.len == 100);
	CHECK(!msgq_get(&q, &m));
}

TEST(test_oversize_truncated)
{
	static char big[MSGQ_PAYLOAD_MAX + 100];
	struct msgq_msg m;

	reset();
	memset(big, 'b', sizeof(big));
	CHECK_EQ(msgq_put(&q, 0, 0, big, sizeof(big)), 0);
	CHECK(msgq_get(&q, &m));
	CHECK_EQ(m.len, MSGQ_PAYLOAD_MAX);
}

/* Records of every length wrap around the end of the buffer many times intact. */
TEST(test_wraparound)
{
	struct msgq_msg m;
	char rec[MSGQ_PAYLOAD_MAX];
	bool ok = true;

	reset();
	for (u32 i = 0; i < 20000 && ok; i++) {
		u32 len = (i * 37u) % (MSGQ_PAYLOAD_MAX + 1);

		for (u32 k = 0; k < len; k++)
			rec[k] = (char)(i + k);
		ok = msgq_put(&q, (u8)i, (u8)(i >> 8), rec, len) == 0 && msgq_get(&q, &m) &&
		     m.len == len && m.src == (u8)i && m.kind == (u8)(i >> 8) &&
		     !memcmp(m.data, rec, len);
	}
	CHECK(ok);
	CHECK(q.head > 4 * MSGQ_SIZE);
}

/* Several producers at once, one consumer: nothing torn, each producer's order kept. */
#define PRODUCERS 4
#define PER_PRODUCER 100000u

static void *producer(void *arg)
{
	u8 id = (u8)(uintptr_t)arg;
	u32 seq[2];

	for (u32 i = 0; i < PER_PRODUCER; i++) {
		seq[0] = i;
		seq[1] = ~i;
		while (msgq_put(&q, id, 0, seq, sizeof(seq)))
			; /* the test's producers retry; the hypervisor's drop and count */
	}
	return NULL;
}

TEST(test_concurrent_producers)
{
	pthread_t t[PRODUCERS];
	u32 next[PRODUCERS] = { 0 }, got = 0, bad = 0;
	struct msgq_msg m;

	reset();
	for (uintptr_t i = 0; i < PRODUCERS; i++)
		pthread_create(&t[i], NULL, producer, (void *)i);
	while (got < PRODUCERS * PER_PRODUCER) {
		u32 seq[2];

		if (!msgq_get(&q, &m))
			continue;
		memcpy(seq, m.data, sizeof(seq));
		if (m.src >= PRODUCERS || m.len != sizeof(seq) || seq[0] != next[m.src] ||
		    seq[1] != ~seq[0])
			bad++;
		else
			next[m.src]++;
		got++;
	}
	for (u32 i = 0; i < PRODUCERS; i++)
		pthread_join(t[i], NULL);
	CHECK_EQ(bad, 0);
	CHECK(msgq_empty(&q));
}

int main(void)
{
	RUN(test_order_and_fields);
	RUN(test_full_refuses);
	RUN(test_oversize_truncated);
	RUN(test_wraparound);
	RUN(test_concurrent_producers);
	HARNESS_END("test_msgq");
}
