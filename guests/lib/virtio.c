/*
 * virtio-mmio driver core for bare-metal guests (guest/virtio.h). Register offsets:
 * virtio 1.2 section 4.2.2; the initialisation order: 3.1.1.
 */
#include "guest/mmio.h"
#include "guest/virtio.h"

#define REG_MAGIC 0x000
#define REG_VERSION 0x004
#define REG_DEVICE_ID 0x008
#define REG_DEV_FEATURES 0x010
#define REG_DEV_FEATURES_SEL 0x014
#define REG_DRV_FEATURES 0x020
#define REG_DRV_FEATURES_SEL 0x024
#define REG_QUEUE_SEL 0x030
#define REG_QUEUE_NUM_MAX 0x034
#define REG_QUEUE_NUM 0x038
#define REG_QUEUE_READY 0x044
#define REG_QUEUE_NOTIFY 0x050
#define REG_INT_STATUS 0x060
#define REG_INT_ACK 0x064
#define REG_STATUS 0x070
#define REG_QDESC 0x080
#define REG_QDRIVER 0x090
#define REG_QDEVICE 0x0a0
#define REG_CONFIG 0x100
#define VIRTIO_MAGIC 0x74726976U /* "virt" */

static void mb(void)
{
	__asm__ volatile("dmb sy" ::: "memory");
}

static void reg_w(uintptr_t base, uint32_t off, uint32_t v)
{
	mmio_write32(base + off, v);
}

static uint32_t reg_r(uintptr_t base, uint32_t off)
{
	return mmio_read32(base + off);
}

static void reg_w64(uintptr_t base, uint32_t off, uint64_t v)
{
	reg_w(base, off, (uint32_t)v);
	reg_w(base, off + 4, (uint32_t)(v >> 32));
}

int virtio_begin(uintptr_t base, uint32_t device_id, uint32_t want)
{
	uint32_t offered;

	if (reg_r(base, REG_MAGIC) != VIRTIO_MAGIC || reg_r(base, REG_VERSION) != 2 ||
	    reg_r(base, REG_DEVICE_ID) != device_id)
		return -1;
	reg_w(base, REG_STATUS, 0);
	reg_w(base, REG_STATUS, VIRTIO_STATUS_ACK);
	reg_w(base, REG_STATUS, VIRTIO_STATUS_ACK | VIRTIO_STATUS_DRIVER);
	reg_w(base, REG_DEV_FEATURES_SEL, 0);
	offered = reg_r(base, REG_DEV_FEATURES);
	reg_w(base, REG_DRV_FEATURES_SEL, 0);
	reg_w(base, REG_DRV_FEATURES, offered & want);
	reg_w(base, REG_DRV_FEATURES_SEL, 1);
	reg_w(base, REG_DRV_FEATURES, 1U << (VIRTIO_F_VERSION_1 - 32));
	reg_w(base, REG_STATUS, VIRTIO_STATUS_ACK | VIRTIO_STATUS_DRIVER |
	      VIRTIO_STATUS_FEATURES_OK);
	if (!(reg_r(base, REG_STATUS) & VIRTIO_STATUS_FEATURES_OK) || (offered & want) != want)
		return -1;
	return 0;
}

int virtio_queue_init(struct virtq *q, uintptr_t base, uint32_t index)
{
	uint8_t *p = (uint8_t *)q;

	for (unsigned i = 0; i < sizeof(*q); i++)
		p[i] = 0;
	q->base = base;
	q->index = index;
	reg_w(base, REG_QUEUE_SEL, index);
	if (reg_r(base, REG_QUEUE_NUM_MAX) < VQ_NUM)
		return -1;
	reg_w(base, REG_QUEUE_NUM, VQ_NUM);
	reg_w64(base, REG_QDESC, (uintptr_t)q->desc);
	reg_w64(base, REG_QDRIVER, (uintptr_t)&q->avail);
	reg_w64(base, REG_QDEVICE, (uintptr_t)&q->used);
	reg_w(base, REG_QUEUE_READY, 1);
	return reg_r(base, REG_QUEUE_READY) == 1 ? 0 : -1;
}

void virtio_ready(uintptr_t base)
{
	reg_w(base, REG_STATUS, reg_r(base, REG_STATUS) | VIRTIO_STATUS_DRIVER_OK);
}

/* 2.7.13: the ring entry first, a barrier, then the index the device reads. */
void virtq_offer(struct virtq *q, uint16_t id)
{
	q->avail.ring[q->next_avail % VQ_NUM] = id;
	q->next_avail++;
	mb();
	*(volatile uint16_t *)&q->avail.idx = q->next_avail;
}

void virtq_notify(struct virtq *q)
{
	mb();
	reg_w(q->base, REG_QUEUE_NOTIFY, q->index);
}

int virtq_take(struct virtq *q, uint16_t *id, uint32_t *len)
{
	const volatile struct virtq_used_elem *e;

	if (*(volatile uint16_t *)&q->used.idx == q->last_used)
		return 0;
	mb(); /* the entry is read after the index that published it */
	e = &q->used.ring[q->last_used % VQ_NUM];
	*id = (uint16_t)e->id;
	*len = e->len;
	q->last_used++;
	return 1;
}

uint16_t virtq_in_flight(const struct virtq *q)
{
	return (uint16_t)(q->next_avail - q->last_used);
}

uint32_t virtio_ack(uintptr_t base)
{
	uint32_t isr = reg_r(base, REG_INT_STATUS);

	if (isr)
		reg_w(base, REG_INT_ACK, isr);
	return isr;
}

uint32_t virtio_status(uintptr_t base)
{
	return reg_r(base, REG_STATUS);
}

uint8_t virtio_config8(uintptr_t base, uint32_t off)
{
	return mmio_read8(base + REG_CONFIG + off);
}
