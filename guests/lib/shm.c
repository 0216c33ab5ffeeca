/*
 * rtvisor's shared-memory calls (guest/shm.h): SMCCC fast calls by HVC, x0 = function,
 * x1.. = arguments; results in x0.. (SMCCC v1.1: x4-x17 may be clobbered).
 */
#include "guest/shm.h"

struct hvc_res {
	uint64_t x0, x1;
};

static struct hvc_res hvc2(uint64_t fid, uint64_t a1, uint64_t a2)
{
	register uint64_t x0 __asm__("x0") = fid;
	register uint64_t x1 __asm__("x1") = a1;
	register uint64_t x2 __asm__("x2") = a2;
	register uint64_t x3 __asm__("x3") = 0;

	__asm__ volatile("hvc #0"
			 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
			 :
			 : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13",
			   "x14", "x15", "x16", "x17", "memory");
	return (struct hvc_res){ x0, x1 };
}

int64_t shm_doorbell(uint64_t region, uint64_t peer)
{
	return (int64_t)hvc2(RTV_HC_SHM_DOORBELL, region, peer).x0;
}

uint32_t shm_vm_id(void)
{
	return (uint32_t)hvc2(RTV_HC_VM_INFO, 0, 0).x1;
}
