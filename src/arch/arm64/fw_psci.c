/*
 * Starting the other pCPUs through the platform firmware's PSCI CPU_ON (Arm DEN
 * 0022 5.1.4), by SMC or HVC as the firmware DT says; they enter at
 * secondary_entry (boot.S) with their index as the context argument.
 */
#include <cpu.h>
#include <err.h>
#include <platform_info.h>
#include <psci.h>

extern char secondary_entry[];

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

static int psci_err(s64 r)
{
	switch (r) {
	case PSCI_RET_SUCCESS: return 0;
	case PSCI_RET_INVALID_PARAMS: return ERR_INVAL;
	case PSCI_RET_DENIED: return ERR_PERM;
	case PSCI_RET_ALREADY_ON:
	case PSCI_RET_ON_PENDING: return ERR_BUSY;
	default: return ERR_NOSYS;
	}
}

int arch_cpu_start(u32 id)
{
	return psci_err((s64)fw_call(plat.psci, PSCI_CPU_ON_64, cpus[id].mpidr,
				     (u64)(uintptr_t)secondary_entry, id));
}
