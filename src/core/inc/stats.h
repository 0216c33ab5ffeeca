/* Per-pCPU EL2 entry counters, by cause (shown by the shell's `stats`). */
#ifndef RTV_STATS_H
#define RTV_STATS_H

#include <types.h>

enum stat_cause {
	STAT_IRQ_TIMER,   /* guest timer interrupt delivered */
	STAT_IRQ_DEV,     /* passthrough device interrupt (INTx line or MSI) */
	STAT_IRQ_HYP,     /* hypervisor's own interrupts (console, kick, maintenance) */
	STAT_DABT,        /* data abort (MMIO emulation or refused access) */
	STAT_IABT,
	STAT_SYSREG,
	STAT_HVC,
	STAT_SMC,
	STAT_WFX,
	STAT_OTHER,
	STAT_TICK,        /* hypervisor timer (scheduler tick) */
	STAT_SCHED,       /* scheduler switched the loaded vCPU */
	STAT_NR
};

struct cpu_stats {
	u64 count[STAT_NR];
};

extern const char *const stat_names[STAT_NR];

#endif
