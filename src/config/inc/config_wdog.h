/*
 * The scenario rules of a VM's SBSA generic watchdog (config_wdog.c, docs/config.md
 * "watchdog-irq"), part of config_check(). Not for other callers.
 */
#ifndef RTV_CONFIG_WDOG_H
#define RTV_CONFIG_WDOG_H

#include <config.h>

/* VM i's watchdog: its WS0 SPI and its two frames fit the VM's own map. */
int config_check_wdog(const struct scenario *s, u32 i, const struct cfg_limits *l,
		      struct cfg_error *e);

/* Does [base, base + size) overlap the watchdog frames of vm (none: false)? */
bool config_wdog_overlaps(const struct cfg_vm *vm, u64 base, u64 size);

#endif
