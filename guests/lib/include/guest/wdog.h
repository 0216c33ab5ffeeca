/*
 * The SBSA generic watchdog rtvisor gives a VM with `watchdog-irq` (docs/failover.md;
 * Arm DEN 0029, "Generic Watchdog", architecture version 0): control frame (WCS, WOR,
 * WCV, W_IIDR) and refresh frame (WRR) at fixed IPAs. WS0 comes when WOR ticks pass
 * without a refresh, WS1 (the VM's reset) after WOR more.
 */
#ifndef GUEST_WDOG_H
#define GUEST_WDOG_H

#include <stdbool.h>
#include <stdint.h>

#define WDOG_CTRL_BASE 0x090e0000UL
#define WDOG_REFRESH_BASE 0x090f0000UL
#define WDOG_WCS_EN 0x1u
#define WDOG_WCS_WS0 0x2u
#define WDOG_WCS_WS1 0x4u

uint32_t wdog_status(void);           /* WCS: EN, WS0, WS1 */
bool wdog_reset_by_ws1(void);         /* read before the first refresh: WS1 caused this boot */
void wdog_start(uint32_t offset);     /* WOR = offset (counter ticks), EN = 1, refreshed */
void wdog_feed(void);                 /* a write to WRR: WCV = now + WOR, WS0 = WS1 = 0 */
void wdog_stop(void);                 /* EN = 0 */
uint64_t wdog_compare(void);          /* WCV */
uint32_t wdog_iidr(void);             /* W_IIDR */

#endif
