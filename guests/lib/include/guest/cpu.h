/*
 * Per-CPU basics: CPU index (TPIDR_EL1, set at entry), MPIDR, exception
 * level, interrupt masking, halting.
 */
#ifndef GUEST_CPU_H
#define GUEST_CPU_H

#include <stdbool.h>
#include <stdint.h>
#include "guest/sysreg.h"

#define MPIDR_AFF_MASK 0xff00ffffffULL

/* Index of the calling CPU: 0 for the boot CPU, PSCI context id otherwise. */
static inline unsigned cpu_id(void)
{
	return (unsigned)sysreg_read(tpidr_el1);
}

static inline uint64_t cpu_mpidr(void)
{
	return sysreg_read(mpidr_el1) & MPIDR_AFF_MASK;
}

static inline unsigned cpu_current_el(void)
{
	return (unsigned)((sysreg_read(CurrentEL) >> 2) & 3);
}

static inline void irq_unmask(void)
{
	__asm__ volatile("msr daifclr, #2" : : : "memory");
}

static inline void irq_mask(void)
{
	__asm__ volatile("msr daifset, #2" : : : "memory");
}

/* Mask IRQs, returning the previous DAIF for irq_restore(). */
static inline uint64_t irq_save(void)
{
	uint64_t flags = sysreg_read(daif);

	irq_mask();
	return flags;
}

static inline void irq_restore(uint64_t flags)
{
	sysreg_write(daif, flags);
}

/*
 * Let EL1 and EL0 use FP/SIMD: CPACR_EL1.FPEN = 0b11 (Arm ARM D19.2, CPACR_EL1); at
 * reset it traps them. The library itself never uses these registers (it is built
 * with -mgeneral-regs-only), so only a guest that wants them calls this.
 */
#define CPACR_EL1_FPEN (3ULL << 20)

static inline void cpu_fp_enable(void)
{
	sysreg_write(cpacr_el1, sysreg_read(cpacr_el1) | CPACR_EL1_FPEN);
	isb();
}

static inline void cpu_wfi(void)
{
	__asm__ volatile("dsb sy\n\twfi" : : : "memory");
}

/* EL the boot CPU was entered at (2 means the library dropped to EL1). */
unsigned cpu_boot_el(void);

/*
 * What the boot CPU's start-up found before installing vectors: the highest
 * implemented EL (ID_AA64PFR0_EL1), whether it ran there and so programmed
 * CNTFRQ_EL0, and VBAR_EL1 at that moment (cpu_early.S).
 */
unsigned cpu_boot_highest_el(void);
bool cpu_boot_cntfrq_written(void);
uint64_t cpu_boot_early_vbar(void);

/* Mask interrupts and sleep forever. */
void cpu_halt(void) __attribute__((noreturn));

#endif
