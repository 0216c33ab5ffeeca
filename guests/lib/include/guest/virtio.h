/*
 * A small virtio-mmio driver core (virtio 1.2, OASIS: 4.2 the MMIO transport, 2.7 split
 * virtqueues, 3.1.1 driver initialisation) for the bare-metal guests. MMU and caches are
 * off: the rings live in the guest's RAM and are accessed byte-exact with barriers.
 *
 * Queues complete in order on rtvisor's backends (docs/virtio.md); the driver still
 * takes the descriptor id from the used ring, it only relies on having at most
 * VQ_NUM buffers in flight.
 */
#ifndef GUEST_VIRTIO_H
#define GUEST_VIRTIO_H

#include <stdint.h>

#define VQ_NUM 16U              /* descriptors per queue (a power of two) */

#define VIRTIO_DESC_F_NEXT 1U
#define VIRTIO_DESC_F_WRITE 2U

#define VIRTIO_STATUS_ACK 1U
#define VIRTIO_STATUS_DRIVER 2U
#define VIRTIO_STATUS_DRIVER_OK 4U
#define VIRTIO_STATUS_FEATURES_OK 8U
#define VIRTIO_STATUS_NEEDS_RESET 0x40U

#define VIRTIO_F_VERSION_1 32U

struct virtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};

struct virtq_used_elem {
	uint32_t id, len;
};

struct virtq {
	struct virtq_desc desc[VQ_NUM] __attribute__((aligned(16)));
	struct {
		uint16_t flags, idx, ring[VQ_NUM], used_event;
	} avail __attribute__((aligned(2)));
	struct {
		uint16_t flags, idx;
		struct virtq_used_elem ring[VQ_NUM];
		uint16_t avail_event;
	} used __attribute__((aligned(4)));
	uintptr_t base;          /* the device's register page */
	uint32_t index;          /* queue number */
	uint16_t next_avail;     /* the driver's copy of avail.idx */
	uint16_t last_used;      /* used entries consumed so far */
};

/* Reset the device at base, check magic/version/device ID, negotiate VERSION_1 plus the
 * device-specific features in `want` (bits 0..31). 0, or -1 (no such device, or a
 * feature was refused). */
int virtio_begin(uintptr_t base, uint32_t device_id, uint32_t want);
/* Set queue `index` up with q's rings (the device must offer at least VQ_NUM). 0 or -1. */
int virtio_queue_init(struct virtq *q, uintptr_t base, uint32_t index);
/* DRIVER_OK. */
void virtio_ready(uintptr_t base);
/* Offer descriptor `id` (a whole chain) to the device; no notification. */
void virtq_offer(struct virtq *q, uint16_t id);
/* Tell the device the queue has new buffers. */
void virtq_notify(struct virtq *q);
/* The next used buffer: 1 with *id and *len, or 0 if none. */
int virtq_take(struct virtq *q, uint16_t *id, uint32_t *len);
/* Buffers offered and not yet used. */
uint16_t virtq_in_flight(const struct virtq *q);
/* Read and acknowledge InterruptStatus (4.2.2); returns the bits. */
uint32_t virtio_ack(uintptr_t base);
/* Device status register. */
uint32_t virtio_status(uintptr_t base);
/* One byte of the configuration space (at 0x100). */
uint8_t virtio_config8(uintptr_t base, uint32_t off);

#endif
