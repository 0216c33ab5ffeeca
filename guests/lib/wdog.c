/*
 * SBSA generic watchdog driver for bare-metal guests (guest/wdog.h). Every register is
 * one 32-bit access (WCV as two halves), as architecture version 0 allows.
 */
#include "guest/mmio.h"
#include "guest/wdog.h"

#define WCS 0x000u
#define WOR 0x008u
#define WCV_LO 0x010u
#define WCV_HI 0x014u
#define WRR 0x000u
#define W_IIDR 0xfccu

uint32_t wdog_status(void)
{
	return mmio_read32(WDOG_CTRL_BASE + WCS);
}

bool wdog_reset_by_ws1(void)
{
	return (wdog_status() & WDOG_WCS_WS1) != 0;
}

void wdog_start(uint32_t offset)
{
	mmio_write32(WDOG_CTRL_BASE + WOR, offset);
	mmio_write32(WDOG_CTRL_BASE + WCS, WDOG_WCS_EN);
}

void wdog_feed(void)
{
	mmio_write32(WDOG_REFRESH_BASE + WRR, 0);
}

void wdog_stop(void)
{
	mmio_write32(WDOG_CTRL_BASE + WCS, 0);
}

uint64_t wdog_compare(void)
{
	uint32_t hi, lo;

	do {
		hi = mmio_read32(WDOG_CTRL_BASE + WCV_HI);
		lo = mmio_read32(WDOG_CTRL_BASE + WCV_LO);
	} while (hi != mmio_read32(WDOG_CTRL_BASE + WCV_HI));
	return (uint64_t)hi << 32 | lo;
}

uint32_t wdog_iidr(void)
{
	return mmio_read32(WDOG_CTRL_BASE + W_IIDR);
}
