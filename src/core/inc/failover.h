/*
 * Failover groups at run time (core/failover.c, docs/failover.md): the roles of each
 * group's two VMs, the switch (fence the primary, then promote the backup) and its count
 * and duration. Runs on the housekeeping pCPU (a watchdog's WS1, the shell) and on a
 * primary's own pCPU (its fault policy's stop).
 */
#ifndef RTV_FAILOVER_H
#define RTV_FAILOVER_H

#include <types.h>

struct cfg_failover;
struct cfg_pci;
struct scenario;
struct vm;

/* Boot, before the VMs are created: the groups, for the units that ask at creation. */
void failover_load(const struct scenario *s);
/* The group that moves vm's PCI function c (both VMs list it), or NULL. */
const struct cfg_failover *failover_pci_group(const struct vm *vm, const struct cfg_pci *c);
/* Is vm group g's primary as the scenario names it (the owner of what moves at boot)? */
bool failover_boot_primary(const struct cfg_failover *g, const struct vm *vm);

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
