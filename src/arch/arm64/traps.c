/*
 * Guest exits: synchronous exceptions are dispatched on ESR_EL2.EC through a
 * table of handlers that return a trap status; anything not TRAP_HANDLED goes
 * to the one policy point, guest_fault(). IRQ exits go to the interrupt code. Most of
 * them are handled on the vector's stack before the loop sees them (the fast path:
 * entry.S, vcpu_fast_sync/irq in vcpu_arch.c).
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

typedef enum trap_status (*exit_fn)(struct vcpu *v, u64 esr);

static void count_on(struct cpu *pc, enum stat_cause c)
{
	pc->stats.count[c]++;
}

static void count(enum stat_cause c)
{
	count_on(cpu(), c);
}

static enum trap_status exit_wfx(struct vcpu *v, u64 esr)
{
	count(STAT_WFX);
	vcpu_skip_insn(v);
	if (esr & 1)                            /* WFE (TI == 1): let others run first */
		cpu()->need_resched = true;
	else                                    /* WFI: block until an interrupt is pending */
		virq_wait(v);
	return TRAP_HANDLED;
}

static enum trap_status exit_hvc(struct vcpu *v, u64 esr)
{
	(void)esr;
	count(STAT_HVC);
	return hypercall(v);
}

static enum trap_status exit_smc(struct vcpu *v, u64 esr)
{
	enum trap_status st;

	(void)esr;
	count(STAT_SMC);
	st = hypercall(v);
	if (st == TRAP_HANDLED)
		vcpu_skip_insn(v); /* a trapped SMC returns to the SMC itself (D1.10.1) */
	return st;
}

/* FAR_EL2 and HPFAR_EL2 mean something only for an abort (Arm ARM D19.2 FAR_EL2,
 * HPFAR_EL2): read them here, not on every exit. Nothing between the exit and this handler
 * takes an exception to EL2, so they still hold the values of this exit. */
static u64 read_fault_ipa(struct vcpu *v)
{
	v->arch.exit_far = read_sysreg(far_el2);
	v->arch.exit_hpfar = read_sysreg(hpfar_el2);
	return (v->arch.exit_hpfar >> 4) << 12 | (v->arch.exit_far & 0xfff);
}

static enum trap_status exit_dabt(struct vcpu *v, u64 esr)
{
	count(STAT_DABT);
	return mmio_abort(v, esr, read_fault_ipa(v));
}

static enum trap_status exit_iabt(struct vcpu *v, u64 esr)
{
	(void)esr;
	count(STAT_IABT);
	(void)read_fault_ipa(v); /* for the report (fault_of) */
	return TRAP_FORBIDDEN;
}

/* Inlined into the fast path's dispatch too (vcpu_sync_exit_fast), so that a handler of
 * the register table returns straight to vcpu_fast_sync(). */
static inline __attribute__((always_inline)) enum trap_status
sysreg_exit(struct cpu *pc, struct vcpu *v, u64 esr)
{
	count_on(pc, STAT_SYSREG);
	return sysreg_trap(v, esr);
}

static enum trap_status exit_sysreg(struct vcpu *v, u64 esr)
{
	return sysreg_exit(cpu(), v, esr);
}

static enum trap_status exit_unknown(struct vcpu *v, u64 esr)
{
	(void)v;
	(void)esr;
	count(STAT_OTHER);
	return TRAP_UNHANDLED;
}

static const exit_fn sync_handlers[EC_NR] = {
	[EC_WFX] = exit_wfx,
	[EC_HVC64] = exit_hvc,
	[EC_SMC64] = exit_smc,
	[EC_SYSREG] = exit_sysreg,
	[EC_IABT_LOW] = exit_iabt,
	[EC_DABT_LOW] = exit_dabt,
	[0x30] = exit_hw_breakpoint, /* Breakpoint from a lower EL (debug_ctl.c) */
	[0x32] = exit_soft_step,     /* Software Step from a lower EL */
	[0x34] = exit_watchpoint,    /* Watchpoint from a lower EL */
	[0x3c] = exit_brk,           /* BRK (AArch64) */
};

/*
 * What guest_fault() reports about a synchronous exit that was not handled, built only
 * then (not on every exit): the kind and address follow from the syndrome, and for an
 * abort from the FAR/HPFAR its handler read. An AArch32 exit was never handled: an
 * instruction fault.
 */
static void fault_of(const struct vcpu *v, u64 esr, bool aarch32, struct fault_info *fi)
{
	bool abort = !aarch32 && (ESR_EC(esr) == EC_DABT_LOW || ESR_EC(esr) == EC_IABT_LOW);

	*fi = (struct fault_info){ .kind = FAULT_INSN, .esr = esr };
	if (abort) {
		fi->addr = (v->arch.exit_hpfar >> 4) << 12 | (v->arch.exit_far & 0xfff);
		fi->far = v->arch.exit_far;
		fi->kind = ESR_EC(esr) == EC_IABT_LOW ? FAULT_EXEC
			   : (esr & DABT_WNR)        ? FAULT_WRITE
						     : FAULT_READ;
	} else if (!aarch32 && ESR_EC(esr) == EC_SYSREG) {
		fi->kind = FAULT_SYSREG;
		fi->addr = ESR_ISS(esr);
	}
}

/* The exit's handler; v->arch.exit_esr is the syndrome of record for what follows. Also
 * the fast path's (vcpu_fast_sync, vcpu_arch.c). */
enum trap_status vcpu_sync_exit(struct vcpu *v, u64 esr)
{
	exit_fn fn = sync_handlers[ESR_EC(esr)];

	v->arch.exit_esr = esr;
	if (exc_from_aarch32(v->arch.regs.pstate))
		return TRAP_FORBIDDEN; /* AArch32 EL0 is not supported: nothing is emulated for it */
	return (fn ? fn : exit_unknown)(v, esr);
}

/* The same for the exits of the fast path (esr_fast_exit; pc: this pCPU, the caller has it
 * at hand), without the table: HVC, SMC and
 * MSR/MRS have AArch64-only classes; a data abort may come from AArch32 EL0. The syndrome
 * of record is stored by the caller only if the exit goes on to the loop (nothing a
 * handled exit does reads it: guest_fault() does, for an exit that was not handled). */
enum trap_status vcpu_sync_exit_fast(struct cpu *pc, struct vcpu *v, u64 esr)
{
	switch (ESR_EC(esr)) {
	case EC_HVC64:
		return exit_hvc(v, esr);
	case EC_SMC64:
		return exit_smc(v, esr);
	case EC_SYSREG:
		return sysreg_exit(pc, v, esr);
	default:
		if (exc_from_aarch32(v->arch.regs.pstate))
			return TRAP_FORBIDDEN;
		return exit_dabt(v, esr);
	}
}

/* A handler refused the exit: the one policy point decides (the full frame is stored). */
static void sync_failed(struct vcpu *v, u64 esr, enum trap_status st)
{
	struct fault_info fi;

	fault_of(v, esr, exc_from_aarch32(v->arch.regs.pstate), &fi);
	guest_fault(v, st, &fi);
}

static void handle_sync(struct vcpu *v)
{
	u64 esr = read_sysreg(esr_el2);
	enum trap_status st = vcpu_sync_exit(v, esr);

	if (st != TRAP_HANDLED)
		sync_failed(v, esr, st);
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
	case EXIT_SYNC_FULL: /* entry.S takes it; the same as EXIT_SYNC if it ever came here */
		handle_sync(v);
		break;
	case EXIT_SYNC_DONE:
		if (v->arch.fast_status != TRAP_HANDLED)
			sync_failed(v, v->arch.exit_esr, (enum trap_status)v->arch.fast_status);
		break;
	case EXIT_IRQ_DONE:
		break;
	case EXIT_IRQ:
		irq_handle_pending(true);
		break;
	case EXIT_FIQ: /* Group 0 of an exit-less pCPU; its Group 1 is the guest's */
		irq_handle_group0(true);
		break;
	default:
		handle_serror(v);
		break;
	}
}
