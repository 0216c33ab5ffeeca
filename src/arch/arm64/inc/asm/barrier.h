/*
 * Interface header (asm/): ordering and waiting primitives core may use.
 * arm64: DMB ISH orders accesses between the pCPUs of the inner-shareable domain
 * (Arm ARM B2.3.12 "Memory barriers"); WFI waits for an interrupt (D1.16.2).
 */
#ifndef RTV_ASM_BARRIER_H
#define RTV_ASM_BARRIER_H

/* Full barrier between pCPUs: earlier loads/stores before later ones. */
static inline void smp_mb(void)
{
	__asm__ volatile("dmb ish" : : : "memory");
}

/* Sleep until an interrupt is pending for this pCPU (interrupts stay masked at EL2). */
static inline void cpu_wait_irq(void)
{
	__asm__ volatile("wfi" : : : "memory");
}

#endif
