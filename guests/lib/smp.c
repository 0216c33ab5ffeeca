/*
 * Secondary CPU start through PSCI CPU_ON.
 */
#include "guest/config.h"
#include "guest/cpu.h"
#include "guest/psci.h"
#include "guest/smp.h"
#include "internal.h"

static volatile smp_entry_t smp_entries[GUEST_MAX_CPUS];

int32_t smp_cpu_on(unsigned cpu, uint64_t mpidr, smp_entry_t fn)
{
	if (cpu == 0 || cpu >= GUEST_MAX_CPUS || !fn)
		return PSCI_RET_INVALID_PARAMS;
	smp_entries[cpu] = fn;
	dsb(sy);
	return psci_cpu_on(mpidr, (uintptr_t)secondary_entry, cpu);
}

void smp_secondary_main(unsigned cpu)
{
	smp_entry_t fn = smp_entries[cpu];

	if (fn)
		fn(cpu);
	irq_mask();
	psci_cpu_off();
	cpu_halt();
}
