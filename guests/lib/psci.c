/*
 * PSCI calls. Conduit: HVC, or SMC when the guest owns EL2 (entered at EL2,
 * so an HVC would trap to itself).
 */
#include "guest/cpu.h"
#include "guest/psci.h"
#include "internal.h"

uint64_t psci_call(uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
	if (cpu_boot_el() == 2)
		return smccc_smc(fid, a1, a2, a3);
	return smccc_hvc(fid, a1, a2, a3);
}

static int32_t psci_ret(uint64_t x0)
{
	return (int32_t)(uint32_t)x0;
}

uint32_t psci_version(void)
{
	return (uint32_t)psci_call(PSCI_VERSION, 0, 0, 0);
}

int32_t psci_features(uint32_t fid)
{
	return psci_ret(psci_call(PSCI_FEATURES, fid, 0, 0));
}

int32_t psci_cpu_on(uint64_t mpidr, uintptr_t entry, uint64_t context_id)
{
	return psci_ret(psci_call(PSCI_CPU_ON, mpidr, entry, context_id));
}

int32_t psci_cpu_off(void)
{
	return psci_ret(psci_call(PSCI_CPU_OFF, 0, 0, 0));
}

int32_t psci_affinity_info(uint64_t mpidr, uint32_t lowest_level)
{
	return psci_ret(psci_call(PSCI_AFFINITY_INFO, mpidr, lowest_level, 0));
}

int32_t psci_system_off(void)
{
	return psci_ret(psci_call(PSCI_SYSTEM_OFF, 0, 0, 0));
}

int32_t psci_system_reset(void)
{
	return psci_ret(psci_call(PSCI_SYSTEM_RESET, 0, 0, 0));
}
