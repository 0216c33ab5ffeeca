/*
 * Failover groups at run time (core/failover.c, docs/failover.md): the roles of each
 * group's two VMs, the switch (fence the primary, then promote the backup) and its count
 * and duration. Runs on the housekeeping pCPU (a watchdog's WS1, the shell) and on a
 * primary's own pCPU (its fault policy's stop).
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
/* vm's fault policy is stopping it: true if a group took it (vm is a primary and its
 * backup runs: fenced, reset if the group has rebirth, the backup promoted); false if
 * it is simply stopped. Called on vm's own pCPU. */
bool failover_on_fault(struct vm *vm);
/* vm touched ipa: true if it lies in a region a group took from it (vm is a backup, the
 * fenced primary or one not yet promoted); msg (len bytes) then says which and why. */
bool failover_refused(const struct vm *vm, u64 ipa, char *msg, size_t len);

#endif
