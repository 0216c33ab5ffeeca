/*
 * vbad: a hostile virtio driver. It drives the virtio-mmio console at 0x0a000000 and the
 * virtio-blk disk at 0x0a001000 of configs/virtio-hostile.dts (docs/virtio.md) with
 * broken rings, one case at a time: after each notify (or QueueReady) it reads Status
 * and prints
 *   vbad: <case> status=0x<hex> isr=0x<hex>
 * (DEVICE_NEEDS_RESET is 0x40), then resets the device (Status = 0). Last, a well-formed
 * transmit buffer on the console, which the hypervisor prints as a line of this VM:
 *   vbad-alive <n>
 * and "vbad: done". MMU and caches are off (guests/README.md): the rings are in its RAM.
 */
#include <stdint.h>

#include "guest/console.h"
#include "guest/cpu.h"
#include "guest/mmio.h"

#define CONS 0x0a000000UL
#define BLK 0x0a001000UL
#define REG_STATUS 0x070
#define REG_INT_STATUS 0x060
#define REG_DRV_FEATURES 0x020
#define REG_DRV_FEATURES_SEL 0x024
#define REG_QUEUE_SEL 0x030
#define REG_QUEUE_NUM 0x038
#define REG_QUEUE_READY 0x044
#define REG_QUEUE_NOTIFY 0x050
#define REG_QDESC 0x080
#define REG_QDRIVER 0x090
#define REG_QDEVICE 0x0a0
#define NUM 8U
#define F_NEXT 1U
#define F_WRITE 2U
#define F_INDIRECT 4U

struct desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};

static struct desc table[NUM] __attribute__((aligned(16)));
static struct desc ind[4] __attribute__((aligned(16)));
static uint16_t avail[2 + NUM] __attribute__((aligned(4)));
static uint32_t used[1 + 2 * NUM] __attribute__((aligned(8)));
static char buf[64] __attribute__((aligned(16)));

static void reg_w(uintptr_t dev, uint32_t off, uint32_t v) { mmio_write32(dev + off, v); }
static uint32_t reg_r(uintptr_t dev, uint32_t off) { return mmio_read32(dev + off); }

static void clear_ring(void)
{
	for (unsigned i = 0; i < NUM; i++)
		table[i] = (struct desc){ 0, 0, 0, 0 };
	for (unsigned i = 0; i < 2 + NUM; i++)
		avail[i] = 0;
	for (unsigned i = 0; i < 1 + 2 * NUM; i++)
		used[i] = 0;
}

static void set_addr(uintptr_t dev, uint32_t off, uint64_t a)
{
	reg_w(dev, off, (uint32_t)a);
	reg_w(dev, off + 4, (uint32_t)(a >> 32));
}

/* Reset, negotiate VERSION_1 and INDIRECT_DESC, set queue q up with the given descriptor
 * table address, DRIVER_OK. */
static void setup(uintptr_t dev, uint32_t q, uint64_t desc_at)
{
	reg_w(dev, REG_STATUS, 0);
	clear_ring();
	reg_w(dev, REG_STATUS, 1);
	reg_w(dev, REG_STATUS, 3);
	reg_w(dev, REG_DRV_FEATURES_SEL, 0);
	reg_w(dev, REG_DRV_FEATURES, 1U << 28);
	reg_w(dev, REG_DRV_FEATURES_SEL, 1);
	reg_w(dev, REG_DRV_FEATURES, 1);     /* bit 32: VERSION_1 */
	reg_w(dev, REG_STATUS, 0xb);
	reg_w(dev, REG_QUEUE_SEL, q);
	reg_w(dev, REG_QUEUE_NUM, NUM);
	set_addr(dev, REG_QDESC, desc_at);
	set_addr(dev, REG_QDRIVER, (uintptr_t)avail);
	set_addr(dev, REG_QDEVICE, (uintptr_t)used);
	reg_w(dev, REG_QUEUE_READY, 1);
	reg_w(dev, REG_STATUS, 0xf);
}

static void offer(uint16_t head, uint16_t idx)
{
	avail[2] = head;
	__asm__ volatile("dmb sy" ::: "memory");
	avail[1] = idx;
	__asm__ volatile("dmb sy" ::: "memory");
}

static void result(uintptr_t dev, const char *what)
{
	printf("vbad: %s status=0x%x isr=0x%x\n", what, reg_r(dev, REG_STATUS),
	       reg_r(dev, REG_INT_STATUS));
	reg_w(dev, REG_STATUS, 0);
}

static void kick(uintptr_t dev, uint32_t q, const char *what)
{
	reg_w(dev, REG_QUEUE_NOTIFY, q);
	result(dev, what);
}

static void console_cases(void)
{
	setup(CONS, 1, (uintptr_t)table);
	table[0] = (struct desc){ (uintptr_t)buf, 4, F_NEXT, 1 };
	table[1] = (struct desc){ (uintptr_t)buf, 4, F_NEXT, 0 };
	offer(0, 1);
	kick(CONS, 1, "loop");
	setup(CONS, 1, (uintptr_t)table);
	table[0] = (struct desc){ 0x10000000UL, 16, 0, 0 };
	offer(0, 1);
	kick(CONS, 1, "outside-ram");
	setup(CONS, 1, (uintptr_t)table);
	table[0] = (struct desc){ (uintptr_t)buf, 0xffffffffU, 0, 0 };
	offer(0, 1);
	kick(CONS, 1, "huge-length");
	setup(CONS, 1, (uintptr_t)table);
	table[0] = (struct desc){ (uintptr_t)buf, 4, 0, 0 };
	offer(200, 1);
	kick(CONS, 1, "head-out-of-range");
	setup(CONS, 1, (uintptr_t)table);
	table[0] = (struct desc){ (uintptr_t)buf, 4, F_NEXT, 9 };
	offer(0, 1);
	kick(CONS, 1, "next-out-of-range");
	setup(CONS, 1, (uintptr_t)table);
	offer(0, 100);
	kick(CONS, 1, "avail-ahead");
	setup(CONS, 1, (uintptr_t)table);
	ind[0] = (struct desc){ (uintptr_t)ind, 64, F_INDIRECT, 0 };
	table[0] = (struct desc){ (uintptr_t)ind, 64, F_INDIRECT, 0 };
	offer(0, 1);
	kick(CONS, 1, "nested-indirect");
	setup(CONS, 1, 0x1000);   /* the descriptor table outside RAM: refused at QueueReady */
	result(CONS, "ring-outside-ram");
}

static void blk_case(void)
{
	setup(BLK, 0, (uintptr_t)table);
	table[0] = (struct desc){ (uintptr_t)buf, 16, 0, 0 }; /* a header, no status byte */
	offer(0, 1);
	kick(BLK, 0, "blk-no-status");
}

/* A well-formed buffer after all that: the device works again after its reset. */
static void alive(void)
{
	const char msg[] = "vbad-alive 42\n";

	for (unsigned i = 0; i < sizeof(msg) - 1; i++)
		buf[i] = msg[i];
	setup(CONS, 1, (uintptr_t)table);
	table[0] = (struct desc){ (uintptr_t)buf, sizeof(msg) - 1, 0, 0 };
	offer(0, 1);
	reg_w(CONS, REG_QUEUE_NOTIFY, 1);
	printf("vbad: alive status=0x%x used=%u\n", reg_r(CONS, REG_STATUS),
	       (unsigned)(used[0] >> 16));
}

int main(void)
{
	printf("vbad: start magic=0x%x version=%u\n", reg_r(CONS, 0), reg_r(CONS, 4));
	console_cases();
	blk_case();
	alive();
	printf("vbad: done\n");
	for (;;)
		cpu_wfi();
}
