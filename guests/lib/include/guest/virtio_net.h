/*
 * virtio-net driver for bare-metal guests (virtio 1.2 section 5.1): one device, the
 * receive queue kept full of VQ_NUM buffers, VQ_NUM transmit buffers. Negotiates
 * VERSION_1 and MAC only: frames of at most VNET_FRAME_MAX bytes, a 12-byte header each
 * way that says nothing (no checksum or segmentation offload). Polled: call
 * vnet_recv() until it returns 0 (after the device's interrupt, or periodically).
 */
#ifndef GUEST_VIRTIO_NET_H
#define GUEST_VIRTIO_NET_H

#include <stdint.h>

#define VNET_FRAME_MAX 1514U     /* Ethernet header and a 1500-byte payload */

struct vnet_stats {
	uint32_t rx, tx, tx_full, rx_bad;
};

/* Bring the device at base up; mac gets its address. 0, or -1 (no net device there, a
 * refused feature or queue). */
int vnet_init(uintptr_t base, uint8_t mac[6]);
/* Copy the next received frame to buf (max bytes): its length, or 0 if none waits. A
 * frame longer than max is dropped (counted in rx_bad). */
unsigned vnet_recv(uint8_t *buf, unsigned max);
/* Send one frame (14..VNET_FRAME_MAX bytes): 0, or -1 (all transmit buffers in flight,
 * or a bad length). */
int vnet_send(const uint8_t *frame, unsigned len);
/* Room for another vnet_send(). */
int vnet_tx_room(void);
/* The device's interrupt: acknowledge it (returns InterruptStatus). */
uint32_t vnet_irq_ack(void);
/* Device status (DEVICE_NEEDS_RESET would show here). */
uint32_t vnet_status(void);
const struct vnet_stats *vnet_stats(void);

#endif
