/*
 * Split virtqueues (virtio 1.2, section 2.7), device side, as pure logic: the ring sits
 * in guest RAM, reached only through a struct vq_mem the caller provides (the hypervisor:
 * the VM's RAM regions; the host tests: an array). Nothing here touches a register, so
 * every malformed ring can be tested on the host (tests/unit/vdev/test_virtq.c).
 *
 * Nothing the guest wrote is trusted: the queue size and the three areas are checked at
 * set-up (vq_setup), each avail index against the queue size, each descriptor index
 * against the table it indexes, every buffer (address, length) against the VM's RAM, and
 * chains are bounded (at most the queue size direct descriptors, at most VQ_MAX_SEGS
 * buffers, one indirect table of at most VQ_MAX_INDIRECT entries, not nested). A broken
 * ring is refused with ERR_INVAL and a reason; the caller marks the device
 * DEVICE_NEEDS_RESET. The hypervisor is little-endian, as virtio 1.x rings are.
 */
#ifndef RTV_VIRTQ_H
#define RTV_VIRTQ_H

#include <types.h>

#define VQ_MAX_SIZE 256U      /* QueueNumMax: the largest queue a device offers */
#define VQ_MAX_SEGS 64U       /* buffers (descriptors with data) in one chain */
#define VQ_MAX_INDIRECT 128U  /* entries of an indirect table */

/* Descriptor flags (2.7.5). */
#define VQ_DESC_F_NEXT 1U
#define VQ_DESC_F_WRITE 2U
#define VQ_DESC_F_INDIRECT 4U
#define VQ_AVAIL_F_NO_INTERRUPT 1U

/* Guest memory: map() returns a host pointer to guest-physical gpa and, in *avail, how
 * many bytes from there are the VM's RAM contiguously (NULL and 0: gpa is not its RAM). */
struct vq_mem {
	void *ctx;
	u8 *(*map)(void *ctx, u64 gpa, u64 *avail);
};

struct vq_seg {
	u64 gpa;
	u32 len;
	bool write;    /* device-writable (the driver reads it back) */
};

/* One available buffer: its head index and its data segments, readable ones first. */
struct vq_chain {
	u16 head;
	u32 nr;
	u64 out_bytes;  /* device-readable bytes */
	u64 in_bytes;   /* device-writable bytes */
	struct vq_seg seg[VQ_MAX_SEGS];
};

struct virtq {
	u32 num;                    /* QueueNum as the driver wrote it */
	u64 desc_gpa, avail_gpa, used_gpa;
	bool ready;                 /* vq_setup() accepted it */
	bool indirect;              /* VIRTIO_F_INDIRECT_DESC negotiated */
	u8 *desc, *avail, *used;    /* host pointers to the three areas (while ready) */
	u16 last_avail;             /* next avail ring entry the device takes */
	u16 used_idx;               /* the device's used index (the guest's copy is not read) */
};

/* Check num and the areas (alignment, inside RAM) and make the queue ready with both
 * indices 0. 0, or ERR_INVAL with *why. */
int vq_setup(struct virtq *q, const struct vq_mem *m, const char **why);
/* Forget the queue (device reset, QueueReady = 0): keeps nothing of the guest's. */
void vq_clear(struct virtq *q);
/* Buffers the driver made available that the device has not taken: 0 if none or not
 * ready; an index more than num ahead counts as pending (vq_pop refuses it). */
u32 vq_pending(const struct virtq *q);
/* Take the next available chain: 0, ERR_NOENT (none), or ERR_INVAL with *why. */
int vq_pop(struct virtq *q, const struct vq_mem *m, struct vq_chain *c, const char **why);
/* Return chain head to the driver, len bytes written into it. */
void vq_push(struct virtq *q, u16 head, u32 len);
/* Does the driver want an interrupt for used buffers (VRING_AVAIL_F_NO_INTERRUPT clear)? */
bool vq_wants_irq(const struct virtq *q);
/* Copy up to len bytes from the chain's readable bytes at offset off into dst; the bytes
 * copied (fewer at the end of the readable part). */
u64 vq_read(const struct vq_mem *m, const struct vq_chain *c, u64 off, void *dst, u64 len);
/* Copy up to len bytes from src into the chain's writable bytes at offset off. */
u64 vq_write(const struct vq_mem *m, const struct vq_chain *c, u64 off, const void *src,
	     u64 len);
/* Copy up to len bytes from the readable bytes of chain sc at soff (in sm) straight into
 * the writable bytes of chain dc at doff (in dm): one copy, no buffer between. The bytes
 * copied. */
u64 vq_copy(const struct vq_mem *sm, const struct vq_chain *sc, u64 soff,
	    const struct vq_mem *dm, const struct vq_chain *dc, u64 doff, u64 len);
/* The RFC 1071 sum (unfolded, big-endian 16-bit words from the range's first byte) of up
 * to len readable bytes of chain c at offset off. */
u64 vq_sum(const struct vq_mem *m, const struct vq_chain *c, u64 off, u64 len);
/* Is [gpa, gpa + len) the VM's RAM (possibly across adjacent regions)? */
bool vq_range_ok(const struct vq_mem *m, u64 gpa, u64 len);

#endif
