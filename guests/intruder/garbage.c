/*
 * Garbage writes: every 4-byte offset of the first 64 KiB of the GIC
 * distributor, and PL011 registers 0x04..0x48 (not DR), with several
 * patterns. Refused writes may fault; each is skipped and counted.
 */
#include "guest/console.h"
#include "guest/fault.h"
#include "guest/gic.h"
#include "guest/mmio.h"
#include "guest/pl011.h"
#include "intruder.h"

#define GICD_GARBAGE_SIZE 0x10000UL
#define UART_GARBAGE_FIRST 0x04UL
#define UART_GARBAGE_LAST 0x48UL

static const uint32_t garbage_patterns[] = {
	0xffffffffU, 0xa5a5a5a5U, 0x5a5a5a5aU, 0x00000000U,
};

#define GARBAGE_PATTERNS (sizeof(garbage_patterns) / sizeof(garbage_patterns[0]))

/* Write every pattern to every word in [first, last]; returns faults. */
static unsigned garbage_range(uintptr_t first, uintptr_t last, unsigned *writes)
{
	fault_expect_begin(FAULT_RESUME_NEXT);
	for (unsigned p = 0; p < GARBAGE_PATTERNS; p++) {
		for (uintptr_t a = first; a <= last; a += 4) {
			mmio_write32(a, garbage_patterns[p]);
			(*writes)++;
		}
	}
	return fault_expect_end(0);
}

void garbage_gic(void)
{
	unsigned writes = 0, faults;

	printf("intruder: probe gic-garbage write 0x%08lx\n", GICD_BASE);
	faults = garbage_range(GICD_BASE, GICD_BASE + GICD_GARBAGE_SIZE - 4, &writes);
	printf("intruder: gic-garbage writes=%u faults=%u\n", writes, faults);
	printf("intruder: gic-garbage done\n");
}

void garbage_uart(void)
{
	unsigned writes = 0, faults;

	printf("intruder: probe uart-garbage write 0x%08lx\n", PL011_BASE + UART_GARBAGE_FIRST);
	faults = garbage_range(PL011_BASE + UART_GARBAGE_FIRST, PL011_BASE + UART_GARBAGE_LAST,
			       &writes);
	pl011_init();
	printf("intruder: uart-garbage writes=%u faults=%u\n", writes, faults);
	printf("intruder: uart-garbage done\n");
}
