/*
 * What the VM may know about the CPU: print the ID registers a hypervisor
 * should sanitise, and try the PMU, which a VM without one must not reach.
 *   intruder: id pfr0=0x<v> dfr0=0x<v> mmfr0=0x<v>
 *   intruder: pmu refused esr=0x<esr>   (or: intruder: pmu LEAK pmcr=0x<v>)
 */
#include "guest/console.h"
#include "guest/fault.h"
#include "guest/sysreg.h"
#include "intruder.h"

static uint64_t read_pmcr(void)
{
	uint64_t v;

	__asm__ volatile("mrs %0, pmcr_el0" : "=r"(v));
	return v;
}

void probe_sysregs(void)
{
	struct fault_info fi;
	uint64_t pfr0, dfr0, mmfr0, pmcr;

	__asm__ volatile("mrs %0, id_aa64pfr0_el1" : "=r"(pfr0));
	__asm__ volatile("mrs %0, id_aa64dfr0_el1" : "=r"(dfr0));
	__asm__ volatile("mrs %0, id_aa64mmfr0_el1" : "=r"(mmfr0));
	printf("intruder: id pfr0=0x%llx dfr0=0x%llx mmfr0=0x%llx\n", (unsigned long long)pfr0,
	       (unsigned long long)dfr0, (unsigned long long)mmfr0);
	fault_expect_begin(FAULT_RESUME_NEXT);
	pmcr = read_pmcr();
	if (fault_expect_end(&fi))
		printf("intruder: pmu refused esr=0x%llx\n", (unsigned long long)fi.esr);
	else
		printf("intruder: pmu LEAK pmcr=0x%llx\n", (unsigned long long)pmcr);
}
