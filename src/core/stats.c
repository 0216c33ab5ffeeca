#include <stats.h>

const char *const stat_names[STAT_NR] = {
	[STAT_IRQ_TIMER] = "irq-timer", [STAT_IRQ_DEV] = "irq-dev", [STAT_IRQ_HYP] = "irq-hyp",
	[STAT_DABT] = "dabt", [STAT_IABT] = "iabt", [STAT_SYSREG] = "sysreg",
	[STAT_HVC] = "hvc", [STAT_SMC] = "smc", [STAT_WFX] = "wfx", [STAT_OTHER] = "other",
	[STAT_TICK] = "tick", [STAT_SCHED] = "sched",
};
