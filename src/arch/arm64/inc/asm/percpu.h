/*
 * Interface header (asm/): where this pCPU's struct cpu is. arm64: TPIDR_EL2 holds
 * its address (set at boot, boot.S), so cpu() is one MRS (Arm ARM D19.2 TPIDR_EL2).
 */
#ifndef RTV_ASM_PERCPU_H
#define RTV_ASM_PERCPU_H

#include <types.h>

static inline void *arch_cpu_local(void)
{
	u64 v;

	__asm__ volatile("mrs %0, tpidr_el2" : "=r"(v));
	return (void *)(uintptr_t)v;
}

#endif
