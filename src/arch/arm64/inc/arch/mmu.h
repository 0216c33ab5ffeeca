/* The arm64 MMU's values other arch files program (mmu.c). */
#ifndef RTV_ARCH_MMU_H
#define RTV_ARCH_MMU_H

#include <types.h>

u64 mmu_vtcr(void);   /* VTCR_EL2 for every VM's stage 2 (set by the first vm_arch_init) */

#endif
