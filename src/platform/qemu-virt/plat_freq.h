/*
 * Frequency domains and operating points of the board (platform facts, docs/power.md).
 *
 * QEMU's virt machine has no DVFS hardware: this table declares one, shaped like a
 * Cortex-A72 class core (each level's voltage, and a power model: the power of a core
 * that is busy the whole time at that level, and of one that waits in WFI). Dynamic power
 * follows C_eff * V^2 * f with C_eff = 0.65 nF; idle power is the leakage at that
 * voltage. Levels are in ascending frequency. Every pCPU is its own frequency domain
 * (per-core DVFS); a board with clusters maps its pCPUs to fewer domains here.
 * The one hook that would program a real clock is plat_freq_program() (freq_clock.c).
 */
#ifndef RTV_PLAT_FREQ_H
#define RTV_PLAT_FREQ_H

#include <rtv_limits.h>

#define PLAT_NR_OPPS 5
/* X(kHz, microvolts, busy mW, idle mW) for each level */
#define PLAT_OPP_LIST(X)                 \
	X(600000, 800000, 250, 40)       \
	X(1000000, 850000, 470, 48)      \
	X(1400000, 900000, 737, 57)      \
	X(1800000, 1000000, 1170, 75)    \
	X(2000000, 1050000, 1433, 86)
#define PLAT_OPP_ROW(khz, uv, busy, idle) { khz, uv, busy, idle },
#define PLAT_OPP_KHZ(khz, uv, busy, idle) khz,
#define PLAT_FREQ_DOMAIN(pcpu) (pcpu)   /* per-core DVFS */
#define PLAT_NR_FREQ_DOMAINS LIM_PCPUS
#define PLAT_FREQ_LATENCY_NS 50000      /* what a level change takes (the guest's OPP table) */

#endif
