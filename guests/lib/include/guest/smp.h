/*
 * Secondary CPUs: PSCI CPU_ON to the library's secondary entry, context id =
 * CPU index (1..GUEST_MAX_CPUS-1), which selects the stack. The new CPU runs
 * fn(cpu) at EL1 with IRQs masked; when fn returns it calls PSCI CPU_OFF.
 */
#ifndef GUEST_SMP_H
#define GUEST_SMP_H

#include <stdint.h>
#include "guest/config.h"

typedef void (*smp_entry_t)(unsigned cpu);

/* Returns the PSCI CPU_ON result (0 on success). */
int32_t smp_cpu_on(unsigned cpu, uint64_t mpidr, smp_entry_t fn);

#endif
