/*
 * Execution control of a VM a debugger is attached to (debug.h, gdb_stub.c), with the
 * EL2 debug controls and without the guest's help. Arm ARM (DDI 0487) chapter D2
 * "AArch64 Self-hosted Debug":
 * - MDCR_EL2.TDE routes the debug exceptions of EL1 and EL0 to EL2 (D2 "Routing debug
 *   exceptions"; D19 MDCR_EL2). Debug exceptions whose target EL is higher than the
 *   current one are enabled whatever MDSCR_EL1.KDE and PSTATE.D say (D2 "Enabling
 *   debug exceptions from the current Exception level"), so the guest's own masks do
 *   not hide them. Breakpoints and watchpoints also need MDSCR_EL1.MDE (D2
 *   "Breakpoint exceptions", "Watchpoint exceptions"); the OS lock, when set, disables
 *   them and software step (D2 "The OS Lock"): it is cleared (OSLAR_EL1) whenever the
 *   registers are programmed. The guest never sees either: MDCR_EL2.TDA/TDOSA trap its
 *   accesses to every debug register (sysreg_emul.c: its MDSCR_EL1 is kept in a copy).
 * - A BRK instruction at EL1 with TDE set is taken to EL2, EC 0x3C (D2 "Breakpoint
 *   Instruction exceptions"); its comment field tells the stub's breakpoints (BRK_IMM)
 *   from the guest's own, which are given back to the guest as its EL1 exception.
 * - Hardware breakpoints DBGBVR<n>/DBGBCR<n> (EC 0x30) and watchpoints DBGWVR<n>/
 *   DBGWCR<n> (EC 0x34, FAR_EL2 = the data address) (D2 "Breakpoint exceptions",
 *   "Watchpoint exceptions"; D19 DBGBCR<n>_EL1, DBGWCR<n>_EL1).
 * - Software step (D2 "Software Step exceptions"): MDSCR_EL1.SS = 1 and an exception
 *   return with SPSR_EL2.SS = 1 runs one instruction, then EC 0x32. The step masks
 *   PSTATE.I/F (a pending interrupt would otherwise be the "one instruction").
 * The registers are programmed per pCPU before each guest entry of a debugged vCPU,
 * and cleared before the entry of any other, so no other VM ever meets them.
 */
#include <arch/sysregs.h>
#include <arch/traps.h>
#include <cpu.h>
#include <debug.h>
#include <err.h>
#include <vm.h>

#define MDCR_TDE BIT(8)
#define MDSCR_SS BIT(0)
#define MDSCR_MDE BIT(15)
#define SPSR_SS BIT(21)
#define SPSR_IF (BIT(7) | BIT(6))
#define SPSR_NZCV 0xf0000000ULL
#define BRK_IMM 0x7d6     /* comment field of the stub's BRK */
#define BRK_INSN (0xd4200000U | (BRK_IMM << 5))
/* DBGBCR: E, PMC = 0b11 (EL1 and EL0), BAS = 0b1111 (an A64 instruction), unlinked
 * address match (BT = 0). DBGWCR: E, PAC = 0b11, LSC [4:3], BAS [12:5], MASK [28:24]. */
#define BCR_EXEC ((0xfU << 5) | (3U << 1) | 1U)
#define WCR_BASE ((3U << 1) | 1U)

#define EC_BKPT_LOW 0x30
#define EC_SSTEP_LOW 0x32
#define EC_WATCH_LOW 0x34
#define EC_BRK64 0x3c

struct dbg_pcpu {
	const struct vcpu *v; /* whose settings the registers hold; NULL: must be written */
	u32 gen;
	bool on;              /* something is programmed (or TDE set) */
};
static struct dbg_pcpu loaded[MAX_CPUS];

#define SET_BP(n)                                    \
	case n:                                      \
		write_sysreg(dbgbvr##n##_el1, bvr);  \
		write_sysreg(dbgbcr##n##_el1, bcr);  \
		break
#define SET_WP(n)                                    \
	case n:                                      \
		write_sysreg(dbgwvr##n##_el1, wvr);  \
		write_sysreg(dbgwcr##n##_el1, wcr);  \
		break

static void write_bp(u32 n, u64 bvr, u64 bcr)
{
	switch (n) {
	SET_BP(0); SET_BP(1); SET_BP(2); SET_BP(3);
	default: break;
	}
}

static void write_wp(u32 n, u64 wvr, u64 wcr)
{
	switch (n) {
	SET_WP(0); SET_WP(1); SET_WP(2); SET_WP(3);
	default: break;
	}
}

STATIC_ASSERT(LIM_DEBUG_HW_BPS <= 4 && LIM_DEBUG_HW_WPS <= 4, "write_bp/write_wp cover them");

static u32 log2_of(u32 x)
{
	u32 l = 0;

	while ((1U << l) < x)
		l++;
	return l;
}

/* A region the watchpoint registers express: within one doubleword (BAS), or a
 * naturally aligned power of two of at least 8 bytes (MASK). */
int arch_debug_wp_check(u64 addr, u32 len)
{
	if (!len || len > 0x80000000U)
		return ERR_INVAL;
	if ((addr & 7) + len <= 8)
		return 0;
	return (len & (len - 1)) || (addr & (len - 1)) ? ERR_INVAL : 0;
}

static void wp_regs(const struct debug_wp *w, u64 *wvr, u64 *wcr)
{
	u64 lsc = (u64)w->kind << 3;

	if ((w->addr & 7) + w->len <= 8) {
		*wvr = w->addr & ~7ULL;
		*wcr = WCR_BASE | lsc | ((((1ULL << w->len) - 1) << (w->addr & 7)) << 5);
	} else {
		*wvr = w->addr;
		*wcr = WCR_BASE | lsc | (0xffULL << 5) | ((u64)log2_of(w->len) << 24);
	}
}

static void program(const struct vcpu *v, const struct vm_debug *d)
{
	u64 wvr, wcr;

	for (u32 i = 0; i < LIM_DEBUG_HW_BPS; i++)
		write_bp(i, i < d->nr_bp ? d->bp[i] & ~3ULL : 0, i < d->nr_bp ? BCR_EXEC : 0);
	for (u32 i = 0; i < LIM_DEBUG_HW_WPS; i++) {
		wvr = wcr = 0;
		if (i < d->nr_wp)
			wp_regs(&d->wp[i], &wvr, &wcr);
		write_wp(i, wvr, wcr);
	}
	write_sysreg(oslar_el1, 0);
	write_sysreg(mdscr_el1, v->arch.el1.mdscr | MDSCR_MDE |
		     (d->step_vcpu == (s32)v->id ? MDSCR_SS : 0));
	write_sysreg(mdcr_el2, read_sysreg(mdcr_el2) | MDCR_TDE);
	isb();
}

static void clear(const struct vcpu *v)
{
	for (u32 i = 0; i < LIM_DEBUG_HW_BPS; i++)
		write_bp(i, 0, 0);
	for (u32 i = 0; i < LIM_DEBUG_HW_WPS; i++)
		write_wp(i, 0, 0);
	write_sysreg(mdscr_el1, v->arch.el1.mdscr);
	write_sysreg(mdcr_el2, read_sysreg(mdcr_el2) & ~MDCR_TDE);
	isb();
}

/* Before each guest entry (vcpu_run): this pCPU's debug registers for v. */
void arch_debug_enter(struct vcpu *v)
{
	const struct vm_debug *d = v->vm->dbg;
	struct dbg_pcpu *p = &loaded[cpu()->id];

	if (!d) {
		if (p->on) {
			clear(v);
			p->on = false;
			cpu()->arch_hold = false;
		}
		return;
	}
	if (p->on && p->v == v && p->gen == d->gen)
		return;
	program(v, d);
	*p = (struct dbg_pcpu){ .v = v, .gen = d->gen, .on = true };
	/* While a debugger's registers are programmed here, every exit goes round the loop
	 * (cpu.h go_round), which comes back here first. A debugger's attach pauses the VM
	 * and its resume (vm_resume) marks the pCPUs, so the first entry after it programs. */
	cpu()->arch_hold = true;
}

/* MDSCR_EL1 or MDCR_EL2 were rewritten (vCPU load, the guest's MDSCR write). */
void arch_debug_forget(void)
{
	loaded[cpu()->id].v = NULL; /* programmed ones are reprogrammed or cleared; a pCPU
				     * with nothing programmed stays clean (TDE is off after a
				     * load, MDSCR_EL1 the guest's copy) */
}

/* ---- exits ---- */

static enum trap_status stop(struct vcpu *v, enum debug_stop_kind kind, u64 addr)
{
	if (v->vm->dbg)
		debug_guest_stop(v, kind, addr);
	/* else a late exception of a debugger that left: run the instruction again */
	return TRAP_HANDLED;
}

enum trap_status exit_hw_breakpoint(struct vcpu *v, u64 esr)
{
	(void)esr;
	return stop(v, DEBUG_STOP_HWBP, v->arch.regs.pc);
}

enum trap_status exit_soft_step(struct vcpu *v, u64 esr)
{
	(void)esr;
	return stop(v, DEBUG_STOP_STEP, v->arch.regs.pc);
}

enum trap_status exit_watchpoint(struct vcpu *v, u64 esr)
{
	(void)esr;
	/* The watched address is in FAR_EL2 (Arm ARM D2, "Watchpoint exceptions"); the
	 * exit path reads FAR only for aborts, so read it here, before anything can trap. */
	v->arch.exit_far = read_sysreg(far_el2);
	return stop(v, DEBUG_STOP_WATCH, v->arch.exit_far);
}

/* BRK: the stub's (its comment) stops the VM; the guest's own goes to its EL1. */
enum trap_status exit_brk(struct vcpu *v, u64 esr)
{
	if ((esr & 0xffff) == BRK_IMM)
		return stop(v, DEBUG_STOP_BRK, v->arch.regs.pc);
	vcpu_inject_sync(v, esr, 0);
	return TRAP_HANDLED;
}

/* ---- registers and stepping ---- */

u32 arch_debug_brk_insn(void)
{
	return BRK_INSN;
}

static bool on_sp_el1(const struct vcpu *v)
{
	return (v->arch.regs.pstate & 0xf) == 0x5; /* EL1h */
}

int arch_gdb_get_reg(const struct vcpu *v, u32 n, u64 *val)
{
	const struct vcpu_regs *r = &v->arch.regs;

	if (n < 31)
		*val = r->x[n];
	else if (n == 31)
		*val = on_sp_el1(v) ? v->arch.el1.sp_el1 : v->arch.el1.sp_el0;
	else if (n == 32)
		*val = r->pc;
	else if (n == 33)
		*val = r->pstate & 0xffffffffULL;
	else
		return ERR_INVAL;
	return 0;
}

/* x0-x30, pc and the flags of cpsr; never sp (its register is still loaded) nor the
 * mode and masks (an exception return to EL2 would run guest code in the hypervisor). */
int arch_gdb_set_reg(struct vcpu *v, u32 n, u64 val)
{
	struct vcpu_regs *r = &v->arch.regs;

	if (n < 31)
		r->x[n] = val;
	else if (n == 32)
		r->pc = val;
	else if (n == 33 && !((val ^ r->pstate) & 0xffffffffULL & ~SPSR_NZCV))
		r->pstate = (r->pstate & ~SPSR_NZCV) | (val & SPSR_NZCV);
	else
		return n < 34 ? ERR_PERM : ERR_INVAL;
	return 0;
}

/* Instructions that set PSTATE.I/F themselves: after a step over one, its result stays.
 * MSR DAIFSet/DAIFClr, MSR DAIF, Xt, ERET, SVC (C6 "A64 Base Instruction Descriptions"). */
static bool writes_daif(u32 insn)
{
	return (insn & 0xfffff0dfU) == 0xd50340dfU || (insn & 0xffffffe0U) == 0xd51b4220U ||
	       insn == 0xd69f03e0U || (insn & 0xffe0001fU) == 0xd4000001U;
}

void arch_debug_step_begin(struct vcpu *v)
{
	u64 ipa, pa;
	u32 insn = 0;

	if (arch_debug_walk(v, v->arch.regs.pc, false, &ipa, &pa) ||
	    debug_read_ipa(v->vm, ipa, &insn, sizeof(insn)))
		insn = 0;
	v->arch.step_insn = insn;
	v->arch.step_pstate = v->arch.regs.pstate;
	v->arch.regs.pstate |= SPSR_SS | SPSR_IF;
}

void arch_debug_step_end(struct vcpu *v)
{
	u64 p = v->arch.regs.pstate & ~SPSR_SS;

	if (!writes_daif(v->arch.step_insn))
		p = (p & ~SPSR_IF) | (v->arch.step_pstate & SPSR_IF);
	v->arch.regs.pstate = p;
}
