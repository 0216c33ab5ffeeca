/*
 * PSCI over SMCCC: HVC conduit (SMC if the guest was entered at EL2).
 */
#ifndef GUEST_PSCI_H
#define GUEST_PSCI_H

#include <stdint.h>

#define PSCI_VERSION 0x84000000U
#define PSCI_CPU_OFF 0x84000002U
#define PSCI_CPU_ON 0xC4000003U
#define PSCI_AFFINITY_INFO 0xC4000004U
#define PSCI_SYSTEM_OFF 0x84000008U
#define PSCI_SYSTEM_RESET 0x84000009U
#define PSCI_FEATURES 0x8400000AU

#define PSCI_RET_SUCCESS 0
#define PSCI_RET_NOT_SUPPORTED (-1)
#define PSCI_RET_INVALID_PARAMS (-2)
#define PSCI_RET_DENIED (-3)
#define PSCI_RET_ALREADY_ON (-4)

#define PSCI_AFFINITY_ON 0
#define PSCI_AFFINITY_OFF 1
#define PSCI_AFFINITY_ON_PENDING 2

/* Raw SMCCC call: function id, three arguments, x0 result. */
uint64_t psci_call(uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3);

uint32_t psci_version(void); /* major << 16 | minor */
int32_t psci_features(uint32_t fid);
int32_t psci_cpu_on(uint64_t mpidr, uintptr_t entry, uint64_t context_id);
int32_t psci_cpu_off(void);
int32_t psci_affinity_info(uint64_t mpidr, uint32_t lowest_level);
int32_t psci_system_off(void);	 /* returns only on failure */
int32_t psci_system_reset(void); /* returns only on failure */

#endif
