/*
 * Stage-1 identity map for a one-CPU bare-metal guest (guests/lib/mmu.c): the first
 * 512 GiB of the address space in 1 GiB blocks, the block holding the guest's own RAM
 * (and anything else in it: shared regions placed next to RAM) Normal write-back
 * cacheable, Inner Shareable; every other block Device-nGnRE, never executable. Then
 * the MMU and the data and instruction caches on.
 *
 * Why: with the MMU off every data access is Device-nGnRnE (Arm ARM DDI 0487 D8.2.10,
 * "behavior when stage 1 address translation is disabled"): uncached, and not coherent
 * with a peer (Linux's rtv_tty) that maps the same shared region write-back.
 */
#ifndef GUEST_MMU_H
#define GUEST_MMU_H

#include <stdint.h>

/* Map and turn on. ram: any address inside the 1 GiB block that is to be Normal memory. */
void mmu_enable_identity(uintptr_t ram);
/* SCTLR_EL1.M and .C both set. */
int mmu_on(void);

#endif
