/*
 * Expect-fault: let a guest perform an access that may be refused (abort
 * injected by a hypervisor) and continue.
 *
 *	fault_expect_begin(FAULT_RESUME_NEXT);
 *	v = mmio_read32(addr);
 *	if (fault_expect_end(&info)) ... refused, info.esr/far/elr ...
 *
 * While armed on a CPU, every synchronous exception on that CPU (not taken
 * by the guest's own hook) is recorded and execution resumes at ELR+4
 * (FAULT_RESUME_NEXT: skip the faulting instruction) or at the link register
 * x30 (FAULT_RESUME_LR: for a call to a bad address, as if it had returned).
 * An SError while armed is recorded and execution resumes unchanged.
 */
#ifndef GUEST_FAULT_H
#define GUEST_FAULT_H

#include <stdbool.h>
#include <stdint.h>
#include "guest/exception.h"

enum fault_resume {
	FAULT_RESUME_NEXT,
	FAULT_RESUME_LR,
};

struct fault_info {
	unsigned count; /* exceptions caught since begin */
	uint64_t esr;	/* of the last one */
	uint64_t far;
	uint64_t elr;
};

void fault_expect_begin(enum fault_resume resume);

/* Disarm; copy the record to *last (may be NULL); return the count. */
unsigned fault_expect_end(struct fault_info *last);

/* Library-internal: called from the exception code; true if consumed. */
bool fault_try_handle(struct exc_frame *frame, uint64_t esr, uint64_t far, bool async);

#endif
