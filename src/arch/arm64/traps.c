/*
 * Guest exits: synchronous exceptions are dispatched on ESR_EL2.EC through a
 * table of handlers that return a trap status; anything not TRAP_HANDLED goes
 * to the one policy point, guest_fault(). IRQ exits go to the interrupt code.
 */
#include <arch/exc_entry.h>
#include <arch/sysregs.h>
#include <arch/traps.h>
#include <cpu.h>
#include <hypercall.h>
#include <irq.h>
#include <printk.h>
#include <trap.h>
#include <vcpu.h>
#include <virq.h>
#include <vm.h>

typedef enum trap_status (*exit_fn)(struct vcpu *v, u64 esr, struct fault_info *fi);

static void count(enum stat_cause c)
{
	cpu()->stats.count[c]++;
}

static enum trap_status exit_wfx(struct vcpu *v, u64 esr, struct fault_info *fi)
{
	(void)fi;
	count(STAT_WFX);
	vcpu_skip_insn(v);
	if (esr & 1)                            /* WFE (TI == 1): let others run first */
		cpu()->sched.need_resched = true;
	else                                    /* WFI: block until an interrupt is pending */
		virq_wait(v);
	return TRAP_HANDLED;
}

static enum trap_status exit_hvc(struct vcpu *v, u64 esr, struct fault_info *fi)
{
	(void)esr;
	count(STAT_HVC);
	fi->kind = FAULT_INSN;
	return hypercall(v);
}

static enum trap_status exit_smc(struct vcpu *v, u64 esr, struct fault_info *fi)
{
	enum trap_status st;

	(void)esr;
	count(STAT_SMC);
	fi->kind = FAULT_INSN;
	st = hypercall(v);
	if (st == TRAP_HANDLED)
		vcpu_skip_insn(v); /* a trapped SMC returns to the SMC itself (D1.10.1) */
	return st;
}

/* FAR_EL2 and HPFAR_EL2 mean something only for an abort (Arm ARM D19.2 FAR_EL2,
 * HPFAR_EL2): read them here, not on every exit. Nothing between the exit and this handler
 * takes an exception to EL2, so they still hold the values of this exit. */
static void read_fault_addr(struct vcpu *v, struct fault_info *fi)
{
	v->arch.exit_far = read_sysreg(far_el2);
	v->arch.exit_hpfar = read_sysreg(hpfar_el2);
	fi->addr = (v->arch.exit_hpfar >> 4) << 12 | (v->arch.exit_far & 0xfff);
	fi->far = v->arch.exit_far;
}

static enum trap_status exit_dabt(struct vcpu *v, u64 esr, struct fault_info *fi)
{
	count(STAT_DABT);
	read_fault_addr(v, fi);
	fi->kind = (esr & DABT_WNR) ? FAULT_WRITE : FAULT_READ;
	return mmio_abort(v, esr, fi->addr);
}

static enum trap_status exit_iabt(struct vcpu *v, u64 esr, struct fault_info *fi)
{
	(void)esr;
	count(STAT_IABT);
	read_fault_addr(v, fi);
	fi->kind = FAULT_EXEC;
	return TRAP_FORBIDDEN;
}

static enum trap_status exit_sysreg(struct vcpu *v, u64 esr, struct fault_info *fi)
{
	count(STAT_SYSREG);
	fi->kind = FAULT_SYSREG;
	fi->addr = ESR_ISS(esr);
	return sysreg_trap(v, esr);
}

static enum trap_status exit_unknown(struct vcpu *v, u64 esr, struct fault_info *fi)
{
	(void)v;
	(void)esr;
	count(STAT_OTHER);
	fi->kind = FAULT_INSN;
	return TRAP_UNHANDLED;
}

static const exit_fn sync_handlers[EC_NR] = {
	[EC_WFX] = exit_wfx,
	[EC_HVC64] = exit_hvc,
	[EC_SMC64] = exit_smc,
	[EC_SYSREG] = exit_sysreg,
	[EC_IABT_LOW] = exit_iabt,
	[EC_DABT_LOW] = exit_dabt,
};

static void handle_sync(struct vcpu *v)
{
	u64 esr = read_sysreg(esr_el2);
	exit_fn fn = sync_handlers[ESR_EC(esr)];
	struct fault_info fi = { .kind = FAULT_INSN, .addr = 0, .esr = esr };
	enum trap_status st;

	v->arch.exit_esr = esr;
	if (exc_from_aarch32(v->arch.regs.pstate))
		st = TRAP_FORBIDDEN; /* AArch32 EL0 is not supported: nothing is emulated for it */
	else
		st = (fn ? fn : exit_unknown)(v, esr, &fi);
	if (st != TRAP_HANDLED)
		guest_fault(v, st, &fi);
}

static void handle_serror(struct vcpu *v)
{
	struct fault_info fi = { .kind = FAULT_SERROR, .esr = read_sysreg(esr_el2) };

	guest_fault(v, TRAP_FORBIDDEN, &fi);
}

void vcpu_handle_exit(struct vcpu *v, u64 exit)
{
	switch (exit) {
	case EXIT_SYNC:
		handle_sync(v);
		break;
	case EXIT_IRQ:
	case EXIT_FIQ:
		irq_handle_pending(true);
		break;
	default:
		handle_serror(v);
		break;
	}
}
