#ifndef RTV_FW_PSCI_H
#define RTV_FW_PSCI_H

#include <platform_info.h>
#include <types.h>

s64 fw_psci_cpu_on(enum psci_conduit c, u64 mpidr, u64 entry, u64 ctx);

#endif
