/*
 * Trap handlers return a status; the single policy point (fault.c) decides
 * what an unhandled or forbidden guest action does to the VM.
 */
#ifndef RTV_TRAP_H
#define RTV_TRAP_H

#include <types.h>

enum trap_status {
	TRAP_HANDLED = 0,  /* emulated; resume the guest */
	TRAP_UNHANDLED,    /* the hypervisor does not implement it */
	TRAP_FORBIDDEN,    /* the guest is not allowed to do it */
	TRAP_RETRY,        /* MMIO write: a bounded part done; resume the guest at the same
			    * instruction, which traps again for the next part (never reaches
			    * guest_fault) */
};

enum fault_kind {
	FAULT_READ,
	FAULT_WRITE,
	FAULT_EXEC,
	FAULT_SYSREG,
	FAULT_INSN,        /* undefined/unsupported instruction or call */
	FAULT_SERROR,
};

struct vcpu;

struct fault_info {
	enum fault_kind kind;
	u64 addr;          /* IPA for aborts, encoded sysreg otherwise */
	u64 far;           /* the guest's virtual address of an abort */
	u64 esr;           /* the architecture's syndrome (arm64: ESR_EL2), for reports */
};

void guest_fault(struct vcpu *v, enum trap_status st, const struct fault_info *fi);
const char *fault_kind_name(enum fault_kind k);

#endif
