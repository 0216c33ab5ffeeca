/*
 * The shared-memory channel's ring logic (guests/lib/shm_ring.c, docs/shmem.md): creation
 * and attach, wrap-around (also of the free-running 32-bit indices), the threshold and the
 * timeout doorbells, overruns both sides see, restarts of either side, and a producer and a
 * consumer in two threads: every byte in order, no wake-up lost, at most one doorbell per
 * threshold's worth of bytes.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#include "guest/shm_ring.h"
#include "harness.h"

#define SPAN 4096u

static _Alignas(64) uint8_t region[SPAN];

static void fresh(void)
{
	memset(region, 0, sizeof(region));
}

TEST(create_and_attach)
{
	struct shm_ring p, c;
	struct shm_ring_hdr *h = (struct shm_ring_hdr *)region;

	fresh();
	CHECK_EQ(shm_ring_consumer_attach(&c, region, SPAN), -1); /* nothing there yet */
	CHECK_EQ(shm_ring_producer_attach(&p, region, SPAN, 1000, 10, 0), -1); /* not 2^n */
	CHECK_EQ(shm_ring_producer_attach(&p, region, SPAN, 1024, 0, 0), -1);
	CHECK_EQ(shm_ring_producer_attach(&p, region, SPAN, 1024, 1025, 0), -1);
	CHECK_EQ(shm_ring_producer_attach(&p, region, SPAN, 4096, 16, 0), -1); /* header too */
	CHECK_EQ(shm_ring_producer_attach(&p, region, 100, 64, 16, 0), -1);
	CHECK_EQ(h->magic, 0); /* refused: nothing written */
	CHECK_EQ(shm_ring_producer_attach(&p, region, SPAN, 2048, 16, 500), 0);
	CHECK_EQ(h->magic, SHM_RING_MAGIC);
	CHECK_EQ(h->version, SHM_RING_VERSION);
	CHECK_EQ(h->hdr_size, SHM_RING_HDR_SIZE);
	CHECK_EQ(h->size, 2048);
	CHECK_EQ(h->threshold, 16);
	CHECK_EQ(h->timeout_us, 500);
	CHECK_EQ(h->prod_starts, 1);
	CHECK_EQ(shm_ring_consumer_attach(&c, region, SPAN), 0);
	CHECK_EQ(c.size, 2048);
	CHECK_EQ(h->cons_starts, 1);
	CHECK_EQ(shm_ring_consumer_attach(&c, region, 1024), -1); /* the ring is larger */
	/* the indices sit on their own cache lines */
	CHECK_EQ(offsetof(struct shm_ring_hdr, head) % 64, 0);
	CHECK_EQ(offsetof(struct shm_ring_hdr, tail) % 64, 0);
	CHECK(offsetof(struct shm_ring_hdr, tail) - offsetof(struct shm_ring_hdr, head) >= 64);
	h->version = 2; /* a future format: neither side takes it */
	CHECK_EQ(shm_ring_consumer_attach(&c, region, SPAN), -1);
	CHECK_EQ(shm_ring_producer_attach(&p, region, SPAN, 2048, 16, 0), -1);
}

/* Chunks of every size through a 64-byte ring whose indices start just below 2^32. */
TEST(wrap_around)
{
	struct shm_ring p, c;
	struct shm_ring_hdr *h = (struct shm_ring_hdr *)region;
	uint8_t in[100], out[100];
	uint32_t sent = 0, got = 0, bad = 0;

	fresh();
	CHECK_EQ(shm_ring_producer_attach(&p, region, SPAN, 64, 8, 0), 0);
	CHECK_EQ(shm_ring_consumer_attach(&c, region, SPAN), 0);
	h->head = h->tail = 0xffffffe0u;
	for (uint32_t round = 0; round < 3000; round++) {
		uint32_t n = round % 67 + 1, w, r, want = (round * 7) % 71 + 1;

		for (uint32_t i = 0; i < n; i++)
			in[i] = (uint8_t)(sent + i);
		w = shm_ring_write(&p, in, n, 0);
		CHECK(w <= n);
		sent += w;
		CHECK(shm_ring_available(&c) <= 64);
		r = shm_ring_read(&c, out, want);
		for (uint32_t i = 0; i < r; i++)
			bad += out[i] != (uint8_t)(got + i);
		got += r;
	}
	CHECK(h->head < 0xffffffe0u); /* wrapped past 2^32 */
	CHECK_EQ(bad, 0);
	CHECK_EQ(sent - got, shm_ring_available(&c));
	CHECK_EQ(h->overrun, shm_ring_overrun(&c));
	CHECK(sent > 60000);
}

TEST(threshold)
{
	struct shm_ring p, c;
	uint8_t buf[64] = { 0 };

	fresh();
	CHECK_EQ(shm_ring_producer_attach(&p, region, SPAN, 256, 32, 0), 0);
	CHECK_EQ(shm_ring_consumer_attach(&c, region, SPAN), 0);
	CHECK_EQ(shm_ring_write(&p, buf, 40, 0), 40);
	CHECK(!shm_ring_want_doorbell(&p, 0)); /* not armed: the consumer is busy reading */
	CHECK_EQ(shm_ring_read(&c, buf, 64), 40);
	CHECK_EQ(shm_ring_arm(&c), 0);
	CHECK_EQ(shm_ring_write(&p, buf, 31, 0), 31);
	CHECK(!shm_ring_want_doorbell(&p, 0)); /* below the threshold */
	CHECK_EQ(shm_ring_write(&p, buf, 1, 0), 1);
	CHECK(shm_ring_want_doorbell(&p, 0)); /* crossed it */
	CHECK_EQ(shm_ring_write(&p, buf, 40, 0), 40);
	CHECK(!shm_ring_want_doorbell(&p, 0)); /* once until the consumer re-arms */
	CHECK_EQ(shm_ring_read(&c, buf, 64), 64);
	CHECK_EQ(shm_ring_arm(&c), 8); /* data left: read on before waiting */
	CHECK(!shm_ring_want_doorbell(&p, 0)); /* 8 < 32 */
	CHECK_EQ(shm_ring_read(&c, buf, 64), 8);
	CHECK_EQ(shm_ring_arm(&c), 0);
	CHECK_EQ(shm_ring_arm(&c), 0); /* arming twice asks for one doorbell */
	CHECK_EQ(shm_ring_write(&p, buf, 64, 0), 64);
	CHECK(shm_ring_want_doorbell(&p, 0));
	CHECK(!shm_ring_want_doorbell(&p, 0));
	CHECK_EQ(((struct shm_ring_hdr *)region)->doorbells, 2);
}

TEST(timeout)
{
	struct shm_ring p, c;
	uint8_t buf[8] = { 0 };

	fresh();
	CHECK_EQ(shm_ring_producer_attach(&p, region, SPAN, 256, 100, 1000), 0);
	CHECK_EQ(shm_ring_consumer_attach(&c, region, SPAN), 0);
	CHECK_EQ(shm_ring_arm(&c), 0);
	CHECK(!shm_ring_want_doorbell(&p, 5000)); /* nothing unread: no timeout running */
	CHECK_EQ(shm_ring_write(&p, buf, 3, 10000), 3);
	CHECK(!shm_ring_want_doorbell(&p, 10000));
	CHECK_EQ(shm_ring_write(&p, buf, 3, 10500), 3); /* the oldest byte's age counts */
	CHECK(!shm_ring_want_doorbell(&p, 10999));
	CHECK(shm_ring_want_doorbell(&p, 11000));
	CHECK(!shm_ring_want_doorbell(&p, 20000)); /* not re-armed */
	CHECK_EQ(shm_ring_read(&c, buf, 8), 6);
	CHECK_EQ(shm_ring_arm(&c), 0);
	CHECK(!shm_ring_want_doorbell(&p, 30000)); /* empty: the clock stopped */
	CHECK_EQ(shm_ring_write(&p, buf, 1, 40000), 1);
	CHECK(!shm_ring_want_doorbell(&p, 40999));
	CHECK(shm_ring_want_doorbell(&p, 41000));
	/* timeout 0: only the threshold rings */
	fresh();
	CHECK_EQ(shm_ring_producer_attach(&p, region, SPAN, 256, 100, 0), 0);
	CHECK_EQ(shm_ring_consumer_attach(&c, region, SPAN), 0);
	CHECK_EQ(shm_ring_arm(&c), 0);
	CHECK_EQ(shm_ring_write(&p, buf, 1, 0), 1);
	CHECK(!shm_ring_want_doorbell(&p, ~0ull));
}

TEST(overrun)
{
	struct shm_ring p, c;
	uint8_t buf[200];

	for (int i = 0; i < 200; i++)
		buf[i] = (uint8_t)i;
	fresh();
	CHECK_EQ(shm_ring_producer_attach(&p, region, SPAN, 128, 64, 0), 0);
	CHECK_EQ(shm_ring_consumer_attach(&c, region, SPAN), 0);
	CHECK_EQ(shm_ring_arm(&c), 0);
	CHECK_EQ(shm_ring_space(&p), 128);
	CHECK_EQ(shm_ring_write(&p, buf, 100, 0), 100);
	CHECK_EQ(shm_ring_space(&p), 28);
	CHECK_EQ(shm_ring_write(&p, buf + 100, 50, 0), 28); /* 22 dropped */
	CHECK_EQ(shm_ring_write(&p, buf, 10, 0), 0);       /* 10 more */
	CHECK_EQ(shm_ring_overrun(&p), 32);
	CHECK_EQ(shm_ring_overrun(&c), 32);
	CHECK(shm_ring_want_doorbell(&p, 0)); /* a full, armed ring rings */
	CHECK_EQ(shm_ring_overrun_new(&c), 32);
	CHECK_EQ(shm_ring_overrun_new(&c), 0);
	CHECK_EQ(shm_ring_read(&c, buf, 200), 128); /* what was kept is intact, in order */
	for (int i = 0; i < 128; i++)
		CHECK_EQ(buf[i], i);
	CHECK_EQ(shm_ring_write(&p, buf, 10, 0), 10); /* room again */
	CHECK_EQ(shm_ring_overrun(&c), 32);
}

/* Either side restarts: it attaches again and carries on where the ring is. */
TEST(restart)
{
	struct shm_ring p, c;
	struct shm_ring_hdr *h = (struct shm_ring_hdr *)region;
	uint8_t buf[16];

	fresh();
	CHECK_EQ(shm_ring_producer_attach(&p, region, SPAN, 256, 8, 0), 0);
	CHECK_EQ(shm_ring_consumer_attach(&c, region, SPAN), 0);
	CHECK_EQ(shm_ring_write(&p, "abcdefgh", 8, 0), 8);
	CHECK_EQ(shm_ring_read(&c, buf, 3), 3);
	/* the consumer reboots: its handle is gone, the ring is not */
	memset(&c, 0, sizeof(c));
	CHECK_EQ(shm_ring_consumer_attach(&c, region, SPAN), 0);
	CHECK_EQ(h->cons_starts, 2);
	CHECK_EQ(shm_ring_available(&c), 5);
	CHECK_EQ(shm_ring_read(&c, buf, 2), 2);
	CHECK(memcmp(buf, "de", 2) == 0);
	/* the producer reboots, asking for another shape: it takes the existing ring */
	memset(&p, 0, sizeof(p));
	CHECK_EQ(shm_ring_producer_attach(&p, region, SPAN, 1024, 4, 0), 0);
	CHECK_EQ(p.size, 256);
	CHECK_EQ(h->prod_starts, 2);
	CHECK_EQ(shm_ring_write(&p, "ij", 2, 0), 2);
	CHECK_EQ(shm_ring_read(&c, buf, 16), 5);
	CHECK(memcmp(buf, "fghij", 5) == 0);
}

/* ---- a producer and a consumer in two threads ---- */

#define TOTAL (4u << 20)
#define TSIZE 512u
#define TTHRESH 64u

static atomic_int bell, done;
static atomic_uint lost_wakeups;

static void *producer(void *arg)
{
	struct shm_ring *p = arg;
	uint8_t chunk[97];
	uint32_t sent = 0, seed = 12345;

	while (sent < TOTAL) {
		uint32_t n = (seed = seed * 1103515245u + 12345u) >> 16;
		uint32_t k, w = 0;

		n = n % sizeof(chunk) + 1;
		n = n < TOTAL - sent ? n : TOTAL - sent;
		for (k = 0; k < n; k++)
			chunk[k] = (uint8_t)((sent + k) * 131u >> 3);
		while (w < n) { /* a full ring: wait for room, drop nothing */
			uint32_t room = shm_ring_space(p);

			w += shm_ring_write(p, chunk + w, n - w < room ? n - w : room, 0);
			if (shm_ring_want_doorbell(p, 0))
				atomic_store(&bell, 1);
		}
		sent += n;
	}
	atomic_store(&done, 1);
	return NULL;
}

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Wait for the doorbell (or the producer's end). A wait of a second with at least a
 * threshold unread after arming is a lost wake-up. */
static void wait_bell(struct shm_ring *c)
{
	double t0 = now_s();

	while (!atomic_exchange(&bell, 0) && !atomic_load(&done)) {
		if (now_s() - t0 > 1.0 && shm_ring_available(c) >= TTHRESH) {
			atomic_fetch_add(&lost_wakeups, 1);
			return;
		}
	}
}

TEST(two_threads)
{
	static struct shm_ring p, c;
	pthread_t t;
	uint8_t buf[200];
	uint32_t got = 0, bad = 0, waits = 0;
	struct shm_ring_hdr *h = (struct shm_ring_hdr *)region;

	fresh();
	CHECK_EQ(shm_ring_producer_attach(&p, region, SPAN, TSIZE, TTHRESH, 0), 0);
	CHECK_EQ(shm_ring_consumer_attach(&c, region, SPAN), 0);
	CHECK_EQ(pthread_create(&t, NULL, producer, &p), 0);
	while (got < TOTAL && atomic_load(&lost_wakeups) == 0) {
		uint32_t n = shm_ring_read(&c, buf, sizeof(buf));

		for (uint32_t k = 0; k < n; k++)
			bad += buf[k] != (uint8_t)((got + k) * 131u >> 3);
		got += n;
		if (n || got == TOTAL || shm_ring_arm(&c))
			continue;
		waits++;
		wait_bell(&c);
	}
	pthread_join(t, NULL);
	CHECK_EQ(got, TOTAL);
	CHECK_EQ(bad, 0);
	CHECK_EQ(atomic_load(&lost_wakeups), 0);
	CHECK_EQ(h->overrun, 0);
	CHECK(h->doorbells <= TOTAL / TTHRESH); /* never one per byte */
	printf("  two threads: %u bytes, %u doorbells, %u waits\n", TOTAL, h->doorbells, waits);
}

int main(void)
{
	RUN(create_and_attach);
	RUN(wrap_around);
	RUN(threshold);
	RUN(timeout);
	RUN(overrun);
	RUN(restart);
	RUN(two_threads);
	HARNESS_END("test_shm_ring");
}
