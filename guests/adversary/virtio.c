/*
 * virtio class (issue 13, docs/virtio.md): random operations on the VM's three
 * virtio-mmio devices of configs/adversary.dts (console 0x0a000000, blk 0x0a001000, net
 * 0x0a002000 on a network of its own): register accesses of every size at every offset
 * (registers and configuration space, reads leak-checked), status and feature sequences,
 * queue set-ups with sizes and ring addresses in or out of its RAM, and random rings
 * (descriptors, indirect tables, avail indices, heads) followed by a notify of a random
 * queue. Buffers point into vio_data (its own scratch) or outside its RAM, never at its
 * code or stack, so what the devices write lands in scratch. The console is never given
 * a transmit ring (its bytes would mix with the report lines). A broken ring only makes
 * the device need a reset: nothing here may fault but 8-byte or unaligned register
 * accesses (aborts, counted).
 */
#include "adversary.h"

#define VIO_BASE 0x0a000000UL
#define VIO_DEVS 3U
#define VIO_PAGE 0x1000UL
#define VIO_CONSOLE 0U
#define REG_STATUS 0x070U
#define REG_DRV_FEATURES 0x020U
#define REG_DRV_FEATURES_SEL 0x024U
#define REG_QUEUE_SEL 0x030U
#define REG_QUEUE_NUM 0x038U
#define REG_QUEUE_READY 0x044U
#define REG_QUEUE_NOTIFY 0x050U
#define REG_INT_ACK 0x064U
#define REG_QUEUE_ADDR 0x080U /* desc, driver, device: +0x10 each, low/high */
#define RING_BYTES 0x4000U

static uint8_t vio_ring[RING_BYTES] __attribute__((aligned(4096)));
static uint8_t vio_data[0x4000] __attribute__((aligned(4096)));

static uintptr_t dev_base(unsigned d)
{
	return VIO_BASE + d * VIO_PAGE;
}

/* A buffer address: its scratch mostly, else below 1 GiB or just past its RAM (never
 * its RAM: a device may write there). */
static uint64_t buf_addr(void)
{
	if (rng_below(4))
		return (uintptr_t)vio_data + rng_below(sizeof(vio_data));
	if (rng_below(2))
		return rng() & 0x3fffffffULL;
	return ADV_RAM_BASE + ADV_RAM_SIZE + rng_below(0x10000);
}

static bool in_scratch(uint64_t a)
{
	return a >= (uintptr_t)vio_data && a < (uintptr_t)vio_data + sizeof(vio_data);
}

/* A length: within the scratch for a scratch address (a device writes what it is given),
 * anything (up to 4 GiB) elsewhere. */
static uint32_t buf_len(uint64_t addr)
{
	uint32_t room = (uint32_t)((uintptr_t)vio_data + sizeof(vio_data) - addr);

	if (!in_scratch(addr))
		return rng_below(2) ? (uint32_t)rng() : (uint32_t)rng_below(0x2000);
	if (rng_below(2) && room >= 512)
		return 512U * (uint32_t)rng_below(room / 512 + 1);
	return (uint32_t)rng_below((uint64_t)room + 1);
}

static void reg_w(unsigned d, uint32_t off, uint32_t v)
{
	(void)access_write(dev_base(d) + off, 2, v);
}

static void op_reg(unsigned d)
{
	unsigned sz = rng_size_log2();
	uint64_t off = rng_below(2) ? rng_below(0x100) : rng_below(VIO_PAGE), v;
	uintptr_t a = dev_base(d) + (off & ~(uint64_t)((1U << sz) - 1));

	if (rng_below(2)) {
		if (!access_read(a, sz, &v))
			leak_check(ADV_VIRTIO, a, v, 1U << sz);
		return;
	}
	if ((a & 0xfff) == REG_QUEUE_NOTIFY && d == VIO_CONSOLE)
		return; /* rings are the ring op's: keep the console's transmit queue quiet */
	(void)access_write(a, sz, rng_value());
}

static void op_status(unsigned d)
{
	static const uint32_t seq[] = { 0, 1, 3, 0xb, 0xf, 0x80, 0x40 };

	if (rng_below(2)) {
		reg_w(d, REG_DRV_FEATURES_SEL, (uint32_t)rng_below(3));
		reg_w(d, REG_DRV_FEATURES, rng_below(2) ? (uint32_t)rng_value() : 1U);
	}
	reg_w(d, REG_STATUS, rng_below(4) ? seq[rng_below(ARRAY_LEN(seq))] : (uint32_t)rng_value());
	if (rng_below(2))
		reg_w(d, REG_INT_ACK, (uint32_t)rng_below(4));
}

/* A ring area: inside vio_ring (aligned or not), or anywhere. */
static uint64_t ring_addr(void)
{
	if (rng_below(6))
		return (uintptr_t)vio_ring + (rng_below(RING_BYTES / 2) & ~(uint64_t)(rng_below(4) ? 15 : 0));
	return rng_value();
}

static void op_queue(unsigned d)
{
	uint32_t q = (uint32_t)rng_below(d == VIO_CONSOLE ? 1 : 3); /* console: receiveq only */

	reg_w(d, REG_QUEUE_READY, 0);
	reg_w(d, REG_QUEUE_SEL, q);
	reg_w(d, REG_QUEUE_NUM, rng_below(4) ? 1U << rng_below(9) : (uint32_t)rng_value());
	for (uint32_t k = 0; k < 3; k++) {
		uint64_t a = ring_addr();

		reg_w(d, REG_QUEUE_ADDR + 0x10 * k, (uint32_t)a);
		reg_w(d, REG_QUEUE_ADDR + 0x10 * k + 4, (uint32_t)(a >> 32));
	}
	reg_w(d, REG_QUEUE_READY, 1);
	if (rng_below(2))
		reg_w(d, REG_STATUS, 0xf);
}

/* Random descriptors and avail entries over the whole of vio_ring, then a notify. */
static void op_ring(unsigned d)
{
	uint64_t *w = (uint64_t *)(void *)vio_ring;
	unsigned n = 1 + (unsigned)rng_below(16);

	for (unsigned i = 0; i < n; i++) {
		unsigned at = (unsigned)rng_below(RING_BYTES / 16);
		uint64_t addr = buf_addr();
		uint32_t len = buf_len(addr);
		uint16_t flags = (uint16_t)rng_below(8), next = (uint16_t)(rng_below(4) ? rng_below(32) : rng());

		if (rng_below(3)) {
			w[2 * at] = addr;
			w[2 * at + 1] = len | (uint64_t)flags << 32 | (uint64_t)next << 48;
		} else {
			((uint16_t *)(void *)vio_ring)[rng_below(RING_BYTES / 2)] =
				(uint16_t)(rng_below(2) ? rng_below(300) : rng());
		}
	}
	if (d == VIO_CONSOLE)
		return;
	reg_w(d, REG_QUEUE_NOTIFY, rng_below(8) ? (uint32_t)rng_below(3) : (uint32_t)rng_value());
}

void op_virtio(void)
{
	unsigned d = (unsigned)rng_below(VIO_DEVS);

	switch (rng_below(5)) {
	case 0: op_reg(d); break;
	case 1: op_status(d); break;
	case 2: op_queue(d); break;
	default: op_ring(d); break;
	}
}

bool adv_virtio_window(uint64_t a)
{
	return a >= VIO_BASE && a < VIO_BASE + VIO_DEVS * VIO_PAGE;
}
