/*
 * Failover groups at run time (core/failover.c, docs/failover.md): the roles of each
 * group's two VMs, the switch (fence the primary, then promote the backup) and its count
 * and duration. Runs on the housekeeping pCPU (a watchdog's WS1, the shell).
 */
#ifndef RTV_FAILOVER_H
#define RTV_FAILOVER_H

#include <types.h>

struct scenario;
struct vm;

void failover_init(const struct scenario *s); /* boot, after the VMs are created */
/* vm's watchdog reached WS1: true if a group took it (vm is a primary whose group fails
 * over on WS1), false if the watchdog's own action applies. */
bool failover_on_ws1(struct vm *vm);

#endif
