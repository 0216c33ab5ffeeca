/*
 * CPU set-up probes: FP enable, debug state, PMU discovery.
 */
#include "guest/console.h"
#include "guest/cpu.h"
#include "guest/sysreg.h"
#include "rtprobe.h"

#define OSLAR_EL1 S2_0_C1_C0_4
#define OSLSR_EL1 S2_0_C1_C1_4
#define PMCR_EL0 S3_3_C9_C12_0

/* CPACR_EL1.FPEN = 0b11 (Arm ARM D19.2 CPACR_EL1), then use an FP register. */
static void probe_fp(void)
{
	uint64_t cpacr;

	cpu_fp_enable();
	cpacr = sysreg_read(cpacr_el1);
	printf("rtprobe: cpacr fpen=%llu fp %s\n", (unsigned long long)(cpacr >> 20) & 3,
	       rtprobe_fp_roundtrip(0x1234) == 0x1234 ? "ok" : "wrong");
}

/* Start-up clears MDSCR_EL1 and unlocks the OS lock (OSLAR_EL1 = 0). */
static void probe_debug(void)
{
	sysreg_write(mdscr_el1, 0);
	sysreg_write(OSLAR_EL1, 0);
	isb();
	printf("rtprobe: mdscr 0x%llx\n", (unsigned long long)sysreg_read(mdscr_el1));
	printf("rtprobe: oslsr 0x%llx\n", (unsigned long long)sysreg_read(OSLSR_EL1));
}

/* ID_AA64DFR0_EL1.PMUVer [11:8]: 0 none, 0xf IMPLEMENTATION DEFINED; else PMCR_EL0.N. */
static void probe_pmu(void)
{
	uint64_t ver = (sysreg_read(id_aa64dfr0_el1) >> 8) & 0xf;

	if (ver == 0 || ver == 0xf) {
		printf("rtprobe: pmu absent\n");
		return;
	}
	printf("rtprobe: pmu pmuver=%llu counters=%llu\n", (unsigned long long)ver,
	       (unsigned long long)(sysreg_read(PMCR_EL0) >> 11) & 0x1f);
}

void probe_cpu(void)
{
	probe_fp();
	probe_debug();
	probe_pmu();
}
