/*
 * Single-access probes under the library's expect-fault mechanism. A probe
 * is "refused" if it raised an abort (instruction/data abort or SError);
 * anything else, including an exec probe that ran into an undefined
 * instruction (the fetch worked), is a LEAK.
 */
#include <stdbool.h>
#include "guest/console.h"
#include "guest/exception.h"
#include "guest/fault.h"
#include "guest/mmio.h"
#include "intruder.h"

typedef uint64_t (*probe_fn_t)(void);

/* Print the verdict line; true if refused. */
static bool probe_verdict(const char *name, const struct fault_info *f, unsigned faults,
			  uint64_t value)
{
	if (faults && esr_is_abort(f->esr)) {
		printf("intruder: %s refused esr=0x%lx\n", name, f->esr);
		return true;
	}
	printf("intruder: %s LEAK value=0x%lx\n", name, faults ? f->esr : value);
	return false;
}

void probe_read(const char *name, uintptr_t addr)
{
	struct fault_info f;
	uint32_t v;

	printf("intruder: probe %s read 0x%08lx\n", name, addr);
	fault_expect_begin(FAULT_RESUME_NEXT);
	v = mmio_read32(addr);
	probe_verdict(name, &f, fault_expect_end(&f), v);
}

void probe_write(const char *name, uintptr_t addr, uint32_t value)
{
	struct fault_info f;
	unsigned faults;
	uint32_t back = 0;

	printf("intruder: probe %s write 0x%08lx\n", name, addr);
	fault_expect_begin(FAULT_RESUME_NEXT);
	mmio_write32(addr, value);
	faults = fault_expect_end(&f);
	if (!faults) {
		/* Report what is there now (the written value if it stuck). */
		fault_expect_begin(FAULT_RESUME_NEXT);
		back = mmio_read32(addr);
		if (fault_expect_end(0))
			back = value;
	}
	probe_verdict(name, &f, faults, back);
}

void probe_exec(const char *name, uintptr_t addr)
{
	probe_fn_t fn = (probe_fn_t)addr;
	struct fault_info f;
	uint64_t ret;

	printf("intruder: probe %s exec 0x%08lx\n", name, addr);
	fault_expect_begin(FAULT_RESUME_LR);
	ret = fn();
	probe_verdict(name, &f, fault_expect_end(&f), ret);
}
