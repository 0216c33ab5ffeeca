/*
 * Firmware conduit, chosen the way start-up code without a devicetree
 * chooses it: SMC when EL3 is implemented (firmware lives there), else HVC.
 * Then the PSCI version over that conduit (PSCI, Arm DEN 0022, 5.1.1).
 */
#include "guest/console.h"
#include "guest/cpu.h"
#include "rtprobe.h"

#define PSCI_VERSION_FID 0x84000000U

void probe_firmware(void)
{
	bool smc = cpu_boot_highest_el() == 3;
	uint64_t v = smc ? rtprobe_smc(PSCI_VERSION_FID) : rtprobe_hvc(PSCI_VERSION_FID);

	printf("rtprobe: conduit %s\n", smc ? "smc" : "hvc");
	printf("rtprobe: psci %llu.%llu\n", (unsigned long long)(v >> 16) & 0xffff,
	       (unsigned long long)v & 0xffff);
}
