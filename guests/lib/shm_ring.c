/*
 * SPSC byte ring over shared memory (guest/shm_ring.h; protocol and ordering:
 * docs/shmem.md). The ordering rules, for Armv8 (Arm ARM B2.3, the memory model):
 *   - data, then head: the producer's data stores are ordered before its head store by
 *     a store-release (STLR); the consumer's load-acquire (LDAR) of head orders its
 *     data loads after it, so it never reads bytes before they are written;
 *   - data, then tail: the consumer's data loads are ordered before its store-release of
 *     tail; the producer load-acquires tail before it writes into the space freed, so it
 *     never overwrites bytes still being read;
 *   - arming against a wake-up lost: the consumer stores armed, then re-reads head; the
 *     producer stores head, then reads armed. Each is a store followed by a load of the
 *     other location, which release/acquire does not order: a full barrier (DMB ISH)
 *     sits between, so at least one side sees the other's store (either the producer
 *     sees the arm and rings, or the consumer sees the data and reads on).
 * Only one side writes each field (line 1: the producer, line 2: the consumer).
 */
#include "guest/shm_ring.h"

#define LOAD_ACQ(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define LOAD(p) __atomic_load_n((p), __ATOMIC_RELAXED)
#define STORE_REL(p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define STORE(p, v) __atomic_store_n((p), (v), __ATOMIC_RELAXED)
#define FULL_BARRIER() __atomic_thread_fence(__ATOMIC_SEQ_CST) /* DMB ISH */

static bool pow2(uint32_t v)
{
	return v && !(v & (v - 1));
}

static bool params_ok(uint32_t span, uint32_t size, uint32_t threshold)
{
	return pow2(size) && size <= span - SHM_RING_HDR_SIZE && threshold >= 1 &&
	       threshold <= size && span >= SHM_RING_HDR_SIZE;
}

/* A header written by some producer: magic, version and a shape that fits span. */
static bool header_ok(const struct shm_ring_hdr *h, uint32_t span)
{
	return LOAD_ACQ(&h->magic) == SHM_RING_MAGIC && LOAD(&h->version) == SHM_RING_VERSION &&
	       LOAD(&h->hdr_size) == SHM_RING_HDR_SIZE &&
	       params_ok(span, LOAD(&h->size), LOAD(&h->threshold));
}

static void handle_init(struct shm_ring *r, void *base)
{
	r->h = base;
	r->data = (uint8_t *)base + SHM_RING_HDR_SIZE;
	r->size = LOAD(&r->h->size);
	r->threshold = LOAD(&r->h->threshold);
	r->timeout_us = LOAD(&r->h->timeout_us);
	r->waiting = false;
	r->waiting_since_us = 0;
}

/* First producer on zeroed memory: the shape, then magic last (release). */
static void header_create(struct shm_ring_hdr *h, uint32_t size, uint32_t threshold,
			  uint32_t timeout_us)
{
	STORE(&h->version, (uint16_t)SHM_RING_VERSION);
	STORE(&h->hdr_size, (uint16_t)SHM_RING_HDR_SIZE);
	STORE(&h->size, size);
	STORE(&h->threshold, threshold);
	STORE(&h->timeout_us, timeout_us);
	STORE(&h->flags, SHM_RING_F_DROP_NEW);
	STORE_REL(&h->magic, SHM_RING_MAGIC);
}

int shm_ring_producer_attach(struct shm_ring *r, void *base, uint32_t span, uint32_t size,
			     uint32_t threshold, uint32_t timeout_us)
{
	struct shm_ring_hdr *h = base;

	if (!r || !base || !params_ok(span, size, threshold))
		return -1;
	if (LOAD_ACQ(&h->magic) != SHM_RING_MAGIC)
		header_create(h, size, threshold, timeout_us);
	else if (!header_ok(h, span))
		return -1;
	handle_init(r, base);
	STORE(&h->prod_starts, LOAD(&h->prod_starts) + 1);
	return 0;
}

int shm_ring_consumer_attach(struct shm_ring *r, void *base, uint32_t span)
{
	struct shm_ring_hdr *h = base;

	if (!r || !base || span < SHM_RING_HDR_SIZE || !header_ok(h, span))
		return -1;
	handle_init(r, base);
	STORE(&h->cons_starts, LOAD(&h->cons_starts) + 1);
	return 0;
}

/* Copy n bytes at free-running offset pos, wrapping at the end of the data area. */
static void copy_in(struct shm_ring *r, uint32_t pos, const uint8_t *src, uint32_t n)
{
	uint32_t off = pos & (r->size - 1);
	uint32_t first = n < r->size - off ? n : r->size - off;

	for (uint32_t i = 0; i < first; i++)
		r->data[off + i] = src[i];
	for (uint32_t i = first; i < n; i++)
		r->data[i - first] = src[i];
}

static void copy_out(const struct shm_ring *r, uint32_t pos, uint8_t *dst, uint32_t n)
{
	uint32_t off = pos & (r->size - 1);
	uint32_t first = n < r->size - off ? n : r->size - off;

	for (uint32_t i = 0; i < first; i++)
		dst[i] = r->data[off + i];
	for (uint32_t i = first; i < n; i++)
		dst[i] = r->data[i - first];
}

uint32_t shm_ring_space(const struct shm_ring *r)
{
	uint32_t used = LOAD(&r->h->head) - LOAD_ACQ(&r->h->tail);

	return used <= r->size ? r->size - used : 0; /* a corrupt tail gives no room */
}

uint32_t shm_ring_write(struct shm_ring *r, const void *buf, uint32_t len, uint64_t now_us)
{
	uint32_t head = LOAD(&r->h->head), room = shm_ring_space(r), n;

	n = len < room ? len : room;
	copy_in(r, head, buf, n);
	STORE_REL(&r->h->head, head + n);
	if (n < len)
		STORE(&r->h->overrun, LOAD(&r->h->overrun) + (len - n));
	if (n && !r->waiting) {
		r->waiting = true;
		r->waiting_since_us = now_us;
	}
	return n;
}

bool shm_ring_want_doorbell(struct shm_ring *r, uint64_t now_us)
{
	uint32_t armed, fill;
	bool late;

	FULL_BARRIER(); /* head (or overrun) stored before armed is read: see above */
	armed = LOAD_ACQ(&r->h->armed);
	fill = LOAD(&r->h->head) - LOAD(&r->h->tail);
	if (fill == 0)
		r->waiting = false;
	if (armed == LOAD(&r->h->rung) || fill == 0)
		return false;
	late = r->timeout_us && r->waiting && now_us - r->waiting_since_us >= r->timeout_us;
	if (fill < r->threshold && !late)
		return false;
	STORE(&r->h->rung, armed);
	STORE(&r->h->doorbells, LOAD(&r->h->doorbells) + 1);
	r->waiting = false;
	return true;
}

uint32_t shm_ring_available(const struct shm_ring *r)
{
	uint32_t fill = LOAD_ACQ(&r->h->head) - LOAD(&r->h->tail);

	return fill <= r->size ? fill : 0; /* a corrupt head gives nothing to read */
}

uint32_t shm_ring_read(struct shm_ring *r, void *buf, uint32_t len)
{
	uint32_t tail = LOAD(&r->h->tail), n = shm_ring_available(r);

	n = len < n ? len : n;
	copy_out(r, tail, buf, n);
	STORE_REL(&r->h->tail, tail + n);
	return n;
}

uint32_t shm_ring_arm(struct shm_ring *r)
{
	STORE_REL(&r->h->armed, LOAD(&r->h->rung) + 1);
	FULL_BARRIER(); /* armed stored before head is re-read: see above */
	return shm_ring_available(r);
}

uint32_t shm_ring_overrun(const struct shm_ring *r)
{
	return LOAD_ACQ(&r->h->overrun);
}

uint32_t shm_ring_overrun_new(struct shm_ring *r)
{
	uint32_t now = LOAD_ACQ(&r->h->overrun), seen = LOAD(&r->h->overrun_seen);

	STORE(&r->h->overrun_seen, now);
	return now - seen;
}
