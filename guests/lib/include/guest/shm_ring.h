/*
 * Single-producer / single-consumer byte ring in memory shared between two VMs
 * (docs/shmem.md "Channel protocol"). Pure logic, no hypervisor call: the producer's
 * functions say when to ring the doorbell, the caller rings (guest/shm.h). The same
 * file builds for the bare-metal guests and for the host unit tests.
 *
 * Layout at the channel's base: a 192-byte header (three 64-byte cache lines: what
 * the producer sets once, what the producer writes, what the consumer writes), then
 * `size` bytes of data (a power of two). head and tail are free-running byte counts
 * (mod 2^32); the fill level is head - tail.
 */
#ifndef GUEST_SHM_RING_H
#define GUEST_SHM_RING_H

#include <stdbool.h>
#include <stdint.h>

#define SHM_RING_MAGIC 0x52565452u /* "RTVR" little-endian */
#define SHM_RING_VERSION 1u
#define SHM_RING_LINE 64u
#define SHM_RING_HDR_SIZE (3u * SHM_RING_LINE)

/* Header flags (line 0, set by the producer at creation). */
#define SHM_RING_F_DROP_NEW 1u /* a full ring drops the new bytes (the only policy so far) */

struct shm_ring_hdr {
	/* line 0: written once by the producer before magic (release) */
	uint32_t magic;
	uint16_t version;
	uint16_t hdr_size;
	uint32_t size;        /* data bytes, a power of two */
	uint32_t threshold;   /* ring when the fill level reaches it (1..size) */
	uint32_t timeout_us;  /* ring when unread data is older than this (0: never) */
	uint32_t flags;
	uint8_t pad0[SHM_RING_LINE - 24];
	/* line 1: the producer's */
	uint32_t head;        /* bytes written, free-running */
	uint32_t overrun;     /* bytes dropped because the ring was full, free-running */
	uint32_t rung;        /* the last `armed` the producer answered with a doorbell */
	uint32_t doorbells;   /* doorbells rung (statistics) */
	uint32_t prod_starts; /* producer attaches (a restart shows as +1) */
	uint8_t pad1[SHM_RING_LINE - 20];
	/* line 2: the consumer's */
	uint32_t tail;        /* bytes read, free-running */
	uint32_t armed;       /* != rung: the consumer waits for a doorbell */
	uint32_t overrun_seen; /* the overrun count the consumer has reported */
	uint32_t cons_starts; /* consumer attaches */
	uint8_t pad2[SHM_RING_LINE - 16];
};

_Static_assert(sizeof(struct shm_ring_hdr) == SHM_RING_HDR_SIZE, "three cache lines");

/* A side's local handle (in its own memory, not shared). */
struct shm_ring {
	struct shm_ring_hdr *h;
	uint8_t *data;
	uint32_t size;         /* copied at attach: the peer cannot change what we index with */
	uint32_t threshold;
	uint64_t timeout_us;
	/* producer only: since when unread data waits without a doorbell */
	bool waiting;
	uint64_t waiting_since_us;
};

/* Bytes a channel of `size` data bytes takes (header included). */
static inline uint32_t shm_ring_footprint(uint32_t size)
{
	return SHM_RING_HDR_SIZE + size;
}

/*
 * Producer: attach to the channel at base (span bytes available). A channel without a
 * valid header (zeroed memory at first boot) is created with size/threshold/timeout;
 * an existing one is taken over as it is (head, overrun and the data survive the
 * producer's restart). 0, or -1 if the parameters or the found header are unusable.
 */
int shm_ring_producer_attach(struct shm_ring *r, void *base, uint32_t span, uint32_t size,
			     uint32_t threshold, uint32_t timeout_us);
/* Consumer: attach to an existing channel; -1 while it has no valid header (retry). */
int shm_ring_consumer_attach(struct shm_ring *r, void *base, uint32_t span);

/* Producer: copy up to len bytes; what does not fit is counted in overrun. Returns the
 * bytes written. now_us: the caller's clock, for the timeout. */
uint32_t shm_ring_write(struct shm_ring *r, const void *buf, uint32_t len, uint64_t now_us);
/* Producer: bytes it can write now without an overrun (a producer that may wait writes
 * no more than this). */
uint32_t shm_ring_space(const struct shm_ring *r);
/* Producer: after writes (and periodically, for the timeout): should it ring now? If
 * true, the doorbell is accounted as rung: the caller must ring the peer. */
bool shm_ring_want_doorbell(struct shm_ring *r, uint64_t now_us);

/* Consumer: bytes ready to read. */
uint32_t shm_ring_available(const struct shm_ring *r);
/* Consumer: copy up to len bytes out; returns how many. */
uint32_t shm_ring_read(struct shm_ring *r, void *buf, uint32_t len);
/* Consumer: ask for a doorbell at the next threshold crossing or timeout. Returns the
 * bytes available after arming: non-zero means read again before waiting. */
uint32_t shm_ring_arm(struct shm_ring *r);
/* Both: bytes the producer dropped so far; the consumer's new ones since it last asked. */
uint32_t shm_ring_overrun(const struct shm_ring *r);
uint32_t shm_ring_overrun_new(struct shm_ring *r);

#endif
