/* Calls to the platform firmware's PSCI (Arm DEN 0022) by SMC or HVC. */
#include <arch/fw_psci.h>
#include <psci.h>

static u64 fw_call(enum psci_conduit c, u64 fn, u64 a1, u64 a2, u64 a3)
{
	register u64 x0 __asm__("x0") = fn;
	register u64 x1 __asm__("x1") = a1;
	register u64 x2 __asm__("x2") = a2;
	register u64 x3 __asm__("x3") = a3;

	if (c == PSCI_CONDUIT_SMC)
		__asm__ volatile("smc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : "memory");
	else
		__asm__ volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : "memory");
	return x0;
}

s64 fw_psci_cpu_on(enum psci_conduit c, u64 mpidr, u64 entry, u64 ctx)
{
	return (s64)fw_call(c, PSCI_CPU_ON_64, mpidr, entry, ctx);
}
