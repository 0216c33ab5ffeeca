/*
 * Device and memory classes:
 *  gic  - reads/writes of 1/2/4/8 bytes to the vGIC distributor (64 KiB) and
 *         redistributor region (two 128 KiB frames: its own and one past it),
 *         half of them at offsets of real registers.
 *  uart - the same over the emulated PL011 page; DR is never written (its
 *         bytes would go to the console).
 *  ipa  - loads/stores at random IPAs below 2^44, biased towards the edges of
 *         its own RAM, the other VM's RAM and the hypervisor. Outside its own
 *         RAM and emulated devices every access must be refused (abort).
 */
#include "adversary.h"

static const uint16_t gicd_regs[] = {
	0x0000, 0x0004, 0x0008, 0x0010, 0x0040, 0x0048, 0x0050, 0x0058, 0x0080, 0x0100,
	0x0180, 0x0200, 0x0280, 0x0300, 0x0380, 0x0400, 0x0800, 0x0c00, 0x0d00, 0x0e00,
	0x0f00, 0x0f10, 0x0f20, 0x6000, 0x6100, 0x7fd8, 0xffd0, 0xffe0, 0xffe8, 0xfffc,
};

/* RD frame, then SGI frame (+0x10000) registers. */
static const uint32_t gicr_regs[] = {
	0x0000, 0x0004, 0x0008, 0x000c, 0x0010, 0x0014, 0x0040, 0x0048, 0x0070, 0x0078,
	0x00a0, 0x00b0, 0x00c0, 0xffe8, 0x10080, 0x10100, 0x10180, 0x10200, 0x10280,
	0x10300, 0x10380, 0x10400, 0x10c00, 0x10c04, 0x10d00, 0x10e00,
};

static const uint16_t uart_regs[] = {
	0x000, 0x004, 0x018, 0x020, 0x024, 0x028, 0x02c, 0x030, 0x034, 0x038, 0x03c,
	0x040, 0x044, 0x048, 0xfe0, 0xfe8, 0xff0, 0xffc,
};

#define GICD_SIZE 0x10000UL
#define GICR_SPAN 0x40000UL
#define UART_SIZE 0x1000UL

static uint64_t align_down(uint64_t a, unsigned size_log2)
{
	return a & ~(((uint64_t)1 << size_log2) - 1);
}

/* Read or write at base + offset; every value read is leak-checked. */
static void device_access(enum adv_class c, uintptr_t addr, unsigned size_log2, bool write)
{
	uint64_t v;

	if (write) {
		access_write(addr, size_log2, rng_value());
		return;
	}
	if (!access_read(addr, size_log2, &v))
		leak_check(c, addr, v, 1U << size_log2);
}

void op_gic(void)
{
	unsigned sz = rng_size_log2();
	bool redist = rng_below(2), known = rng_below(2);
	uint64_t off;

	if (redist)
		off = known ? gicr_regs[rng_below(ARRAY_LEN(gicr_regs))] + 4 * rng_below(4) +
				      0x20000 * rng_below(2)
			    : rng_below(GICR_SPAN);
	else
		off = known ? gicd_regs[rng_below(ARRAY_LEN(gicd_regs))] + 4 * rng_below(8)
			    : rng_below(GICD_SIZE);
	off = align_down(off, sz);
	device_access(ADV_GIC, (redist ? ADV_GICR_BASE : ADV_GICD_BASE) + off, sz, rng_below(2));
}

void op_uart(void)
{
	unsigned sz = rng_size_log2();
	bool write = rng_below(2);
	uint64_t off = rng_below(2) ? uart_regs[rng_below(ARRAY_LEN(uart_regs))]
				    : rng_below(UART_SIZE);

	off = align_down(off, sz);
	if (write && off < 4)
		off = 4; /* DR */
	device_access(ADV_UART, ADV_PL011_BASE + off, sz, write);
}

/* --- random IPAs --- */

static uint8_t adv_scratch[4096] __attribute__((aligned(16)));
extern char __image_end[];

static bool in_own_ram(uint64_t a)
{
	return a >= ADV_RAM_BASE && a < ADV_RAM_BASE + ADV_RAM_SIZE;
}

/* The emulated GIC and UART windows belong to the gic/uart classes, the SCMI page to
 * the pv class, the ECAM window and its function's BAR to the pci class, the virtio
 * pages to the virtio class, the shared regions to the shm class. */
static bool in_own_devices(uint64_t a)
{
	return (a >= 0x08000000UL && a < 0x09000000UL) ||
	       (a >= ADV_PL011_BASE && a < ADV_PL011_BASE + UART_SIZE) ||
	       (a >= 0x090c0000UL && a < 0x090c1000UL) || adv_pci_window(a) ||
	       adv_virtio_window(a) || adv_shm_window(a) || adv_its_window(a);
}

/* The stolen-time page may be read (the pv class leak-checks it); writes are refused. */
static bool pv_readable(uint64_t a, bool write)
{
	return !write && a >= 0x090d0000UL && a < 0x090d1000UL;
}

static uint64_t near(uint64_t base, uint64_t span)
{
	return base - span + rng_below(2 * span);
}

static uint64_t random_ipa(void)
{
	switch (rng_below(6)) {
	case 0: return rng() & (((uint64_t)1 << ADV_IPA_BITS) - 1);
	case 1: return rng() & 0xffffffffU;
	case 2: return near(rng_below(2) ? ADV_RAM_BASE : ADV_RAM_BASE + ADV_RAM_SIZE, 0x10000);
	case 3: return 0x40000000UL + rng_below(0x02000000UL); /* other VM's IPA, hypervisor */
	case 4: return 0x50000000UL + rng_below(0x01000000UL); /* other VM's RAM (PA) */
	default: return ((uint64_t)1 << (32 + rng_below(ADV_IPA_BITS - 32))) + rng_below(0x1000);
	}
}

void op_ipa(void)
{
	unsigned sz = rng_size_log2();
	bool write = rng_below(2);
	uint64_t a = align_down(random_ipa(), sz), v;

	if (in_own_devices(a) || pv_readable(a, write))
		return;
	if (in_own_ram(a)) {
		if (write) {
			/* its own RAM: only the scratch buffer, never its code or stack */
			access_write((uintptr_t)adv_scratch + align_down(a % sizeof(adv_scratch), sz),
				     sz, rng_value());
			return;
		}
		if (a < (uintptr_t)__image_end)
			return; /* its own image holds the leak markers as constants */
		if (!access_read(a, sz, &v))
			leak_check(ADV_IPA, a, v, 1U << sz);
		return;
	}
	if (write) {
		if (!access_write(a, sz, rng_value()))
			unrefused(ADV_IPA, a, true);
	} else if (!access_read(a, sz, &v)) {
		leak_check(ADV_IPA, a, v, 1U << sz);
		unrefused(ADV_IPA, a, false);
	}
}
