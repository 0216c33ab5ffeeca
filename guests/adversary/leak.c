/*
 * Leak checks. A value read from a register, a hypercall result or memory
 * is a LEAK if any 4 consecutive bytes of it equal the other VM's pattern
 * word or "rtvi" (of "rtvisor", in the hypervisor image). Accesses of 1 or
 * 2 bytes cannot be told apart from chance and are not checked.
 */
#include "guest/console.h"
#include "guest/exception.h"
#include "adversary.h"

#define ADV_MAX_REPORTS 16

static const char *const class_names[ADV_CLASSES] = {
	"gic", "uart", "sysreg", "call", "ipa", "timer", "pv", "pci", "virtio", "shm", "its",
};

bool leak_looks(uint64_t v, unsigned bytes)
{
	for (unsigned i = 0; i + 4 <= bytes; i++) {
		uint32_t w = (uint32_t)(v >> (8 * i));

		if (w == ADV_PATTERN_WORD || w == ADV_RTVI_LE || w == ADV_RTVI_BE)
			return true;
	}
	return false;
}

void leak_check(enum adv_class c, uint64_t where, uint64_t v, unsigned bytes)
{
	if (!leak_looks(v, bytes))
		return;
	if (adv.leaks++ < ADV_MAX_REPORTS)
		printf("adversary: LEAK op=%llu class=%s at=0x%llx value=0x%llx\n",
		       (unsigned long long)adv.ops, class_names[c], (unsigned long long)where,
		       (unsigned long long)v);
}

void unrefused(enum adv_class c, uint64_t ipa, bool write)
{
	if (adv.unrefused++ < ADV_MAX_REPORTS)
		printf("adversary: UNREFUSED op=%llu class=%s %s ipa=0x%llx\n",
		       (unsigned long long)adv.ops, class_names[c], write ? "write" : "read",
		       (unsigned long long)ipa);
}

void adv_fault_account(unsigned count, uint64_t esr)
{
	if (!count)
		return;
	adv.faults += count;
	if (esr_is_abort(esr))
		adv.aborts += count;
	else
		adv.undefs += count;
}
