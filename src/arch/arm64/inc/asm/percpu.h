/*
 * Interface header (asm/): where this pCPU's struct cpu is. arm64: TPIDR_EL2 holds
 * its address (set at boot, boot.S), so cpu() is one MRS (Arm ARM D19.2 TPIDR_EL2).
 */
#ifndef RTV_ASM_PERCPU_H
#define RTV_ASM_PERCPU_H

#include <types.h>

/*
 * Not volatile: TPIDR_EL2 is written once per pCPU, in boot.S before any C runs, and code
 * at EL2 never moves between pCPUs, so the value is the same wherever a function reads it
 * and the compiler may read it once per function (a guest cannot reach EL2 registers).
 */
static inline void *arch_cpu_local(void)
{
	u64 v;

	__asm__("mrs %0, tpidr_el2" : "=r"(v));
	return (void *)(uintptr_t)v;
}

#endif
