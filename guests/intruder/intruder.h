/*
 * intruder guest: isolation probes (guests/README.md has the line formats).
 */
#ifndef INTRUDER_H
#define INTRUDER_H

#include <stdint.h>

/* Single accesses: print the probe line, access, print refused/LEAK. */
void probe_read(const char *name, uintptr_t addr);
void probe_write(const char *name, uintptr_t addr, uint32_t value);
void probe_exec(const char *name, uintptr_t addr);

/* Garbage writes over the GIC distributor / PL011 registers. */
void garbage_gic(void);
void garbage_uart(void);

/* ID registers as the VM sees them, and a PMU access. */
void probe_sysregs(void);

/* Print "intruder: alive <n>" once per second from the virtual timer. */
void alive_start(void);

#endif
