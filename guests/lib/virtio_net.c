/*
 * virtio-net driver for bare-metal guests (guest/virtio_net.h). virtio 1.2 section 5.1:
 * device ID 1, receiveq 0, transmitq 1, the MAC in the configuration space (5.1.4), each
 * buffer a struct virtio_net_hdr (12 bytes with VERSION_1, 5.1.6) followed by the frame.
 * Every buffer is one descriptor: descriptor i of a queue always points at buffer i.
 */
#include "guest/string.h"
#include "guest/virtio.h"
#include "guest/virtio_net.h"

#define VNET_DEVICE_ID 1U
#define VNET_F_MAC 5U
#define VNET_RXQ 0U
#define VNET_TXQ 1U
#define VNET_HDR 12U
#define VNET_BUF 1536U            /* header + frame, rounded up */

static struct virtq rxq, txq;
static uint8_t rx_buf[VQ_NUM][VNET_BUF] __attribute__((aligned(16)));
static uint8_t tx_buf[VQ_NUM][VNET_BUF] __attribute__((aligned(16)));
static uintptr_t vnet_base;
static struct vnet_stats stats;

static void rx_post(uint16_t id)
{
	rxq.desc[id] = (struct virtq_desc){ (uintptr_t)rx_buf[id], VNET_BUF,
					    VIRTIO_DESC_F_WRITE, 0 };
	virtq_offer(&rxq, id);
}

int vnet_init(uintptr_t base, uint8_t mac[6])
{
	if (virtio_begin(base, VNET_DEVICE_ID, 1U << VNET_F_MAC))
		return -1;
	if (virtio_queue_init(&rxq, base, VNET_RXQ) || virtio_queue_init(&txq, base, VNET_TXQ))
		return -1;
	for (unsigned i = 0; i < 6; i++)
		mac[i] = virtio_config8(base, i);
	vnet_base = base;
	for (uint16_t i = 0; i < VQ_NUM; i++)
		rx_post(i);
	virtio_ready(base);
	virtq_notify(&rxq);
	return 0;
}

unsigned vnet_recv(uint8_t *buf, unsigned max)
{
	uint16_t id;
	uint32_t len;
	unsigned got = 0;

	while (!got && virtq_take(&rxq, &id, &len)) {
		if (id >= VQ_NUM) {       /* a device that misbehaves: skip the entry */
			stats.rx_bad++;
			continue;
		}
		if (len < VNET_HDR + 14U || len > VNET_BUF || len - VNET_HDR > max) {
			stats.rx_bad++;
		} else {
			got = len - VNET_HDR;
			memcpy(buf, rx_buf[id] + VNET_HDR, got);
			stats.rx++;
		}
		rx_post(id);
		virtq_notify(&rxq);
	}
	return got;
}

/* Transmit buffers the device has finished with become free again. */
static void tx_reclaim(void)
{
	uint16_t id;
	uint32_t len;

	while (virtq_take(&txq, &id, &len))
		;
}

int vnet_tx_room(void)
{
	tx_reclaim();
	return virtq_in_flight(&txq) < VQ_NUM;
}

int vnet_send(const uint8_t *frame, unsigned len)
{
	uint16_t id;

	if (len < 14U || len > VNET_FRAME_MAX)
		return -1;
	if (!vnet_tx_room()) {
		stats.tx_full++;
		return -1;
	}
	id = txq.next_avail % VQ_NUM; /* the buffer used longest ago (in-order completion) */
	memset(tx_buf[id], 0, VNET_HDR);
	memcpy(tx_buf[id] + VNET_HDR, frame, len);
	txq.desc[id] = (struct virtq_desc){ (uintptr_t)tx_buf[id], VNET_HDR + len, 0, 0 };
	virtq_offer(&txq, id);
	virtq_notify(&txq);
	stats.tx++;
	return 0;
}

uint32_t vnet_irq_ack(void)
{
	return vnet_base ? virtio_ack(vnet_base) : 0;
}

uint32_t vnet_status(void)
{
	return virtio_status(vnet_base);
}

const struct vnet_stats *vnet_stats(void)
{
	return &stats;
}
