/*
 * Stolen time for the spin guest (VMs with `pv-time`, docs/power.md): the calls of Arm
 * DEN 0057A as Linux's arch/arm64/kernel/paravirt.c makes them (SMCCC_ARCH_FEATURES,
 * HV_PV_TIME_FEATURES, HV_PV_TIME_ST), the vCPU's stolen-time structure as it reads it,
 * and calls that must be refused with NOT_SUPPORTED (-1).
 * This guest runs with its MMU off (Device accesses); that is only right on QEMU, which
 * models no caches: the specification asks for a normal write-back mapping.
 */
#include "guest/console.h"
#include "guest/mmio.h"
#include "guest/psci.h"
#include "guest/timer.h"
#include "spin.h"

#define SMCCC_ARCH_FEATURES 0x80000001U
#define HV_PV_TIME_FEATURES 0xc5000020U
#define HV_PV_TIME_ST 0xc5000021U

static long long call(uint32_t fn, uint64_t a1)
{
	return (long long)(int64_t)psci_call(fn, a1, 0, 0);
}

static uint64_t now_ns(void)
{
	uint64_t t = timer_now(), f = timer_freq();

	return t / f * 1000000000ULL + t % f * 1000000000ULL / f;
}

/* "spin: pvt arch=.. feat=.. feat_st=.. st=0x.. rev=.. attr=.. stolen=<ns> now=<ns>" */
void pvtime_show(void)
{
	long long arch = call(SMCCC_ARCH_FEATURES, HV_PV_TIME_FEATURES);
	long long feat = call(HV_PV_TIME_FEATURES, HV_PV_TIME_FEATURES);
	long long feat_st = call(HV_PV_TIME_FEATURES, HV_PV_TIME_ST);
	long long st = call(HV_PV_TIME_ST, 0);

	printf("spin: pvt arch=%lld feat=%lld feat_st=%lld st=%llx", arch, feat, feat_st,
	       (unsigned long long)st);
	if (st > 0)
		printf(" rev=%u attr=%u stolen=%llu", mmio_read32((uintptr_t)st),
		       mmio_read32((uintptr_t)st + 4),
		       (unsigned long long)mmio_read64((uintptr_t)st + 8));
	printf(" now=%llu\n", (unsigned long long)now_ns());
}

/* Calls a guest may get wrong: each prints "spin: pvt bad <name>=<x0>". */
void pvtime_malformed(void)
{
	printf("spin: pvt bad unknown_fn=%lld\n", call(HV_PV_TIME_FEATURES, 0xc5000022U));
	printf("spin: pvt bad fn_hi=%lld\n", call(HV_PV_TIME_FEATURES, 0x1c5000021ULL));
	printf("spin: pvt bad fn_smc32=%lld\n", call(HV_PV_TIME_FEATURES, 0x85000021U));
	printf("spin: pvt bad st_smc32=%lld\n", call(0x85000021U, 0));
	printf("spin: pvt bad arch_hi=%lld\n", call(SMCCC_ARCH_FEATURES, 0x1c5000020ULL));
	printf("spin: pvt bad next_fn=%lld\n", call(0xc5000022U, 0));
	printf("spin: pvt malformed done\n");
}
