/*
 * AArch64 vCPU state: reset values, loading/saving the EL1 context on the
 * owning pCPU, register access by index, and exception injection into EL1
 * (exception entry as described in Arm ARM D1.10 "Exception entry").
 */
#include <arch/its.h>
#include <arch/esr_decode.h>
#include <arch/exc_entry.h>
#include <arch/exitless.h>
#include <arch/sysregs.h>
#include <arch/traps.h>
#include <arch/vgic.h>
#include <arch/vtimer.h>
#include <asm/barrier.h>
#include <cpu.h>
#include <irq.h>
#include <lib.h>
#include <sched.h>
#include <stats.h>
#include <vcpu.h>
#include <vm.h>

#define SCTLR_EL1_RES1 0x30d00800ULL
#define MPIDR_RES1 BIT(31)

void vcpu_reset(struct vcpu *v, u64 entry, u64 x0)
{
	memset(&v->arch.regs, 0, sizeof(v->arch.regs));
	memset(&v->arch.el1, 0, sizeof(v->arch.el1));
	v->arch.regs.pc = entry;
	v->arch.regs.x[0] = x0;
	v->arch.regs.pstate = PSR_INIT_EL1;
	v->arch.el1.sctlr = SCTLR_EL1_RES1;
	v->arch.el1.vmpidr = MPIDR_RES1 | v->id;
	vgic_vcpu_reset(v);
	v->needs_load = true;
}

static void el1_restore(const struct el1_ctx *c)
{
	write_sysreg(sctlr_el1, c->sctlr);
	write_sysreg(ttbr0_el1, c->ttbr0);
	write_sysreg(ttbr1_el1, c->ttbr1);
	write_sysreg(tcr_el1, c->tcr);
	write_sysreg(mair_el1, c->mair);
	write_sysreg(amair_el1, c->amair);
	write_sysreg(vbar_el1, c->vbar);
	write_sysreg(contextidr_el1, c->contextidr);
	write_sysreg(tpidr_el0, c->tpidr_el0);
	write_sysreg(tpidrro_el0, c->tpidrro_el0);
	write_sysreg(tpidr_el1, c->tpidr_el1);
	write_sysreg(sp_el0, c->sp_el0);
	write_sysreg(sp_el1, c->sp_el1);
	write_sysreg(elr_el1, c->elr_el1);
	write_sysreg(spsr_el1, c->spsr_el1);
	write_sysreg(esr_el1, c->esr);
	write_sysreg(far_el1, c->far);
	write_sysreg(afsr0_el1, c->afsr0);
	write_sysreg(afsr1_el1, c->afsr1);
	write_sysreg(par_el1, c->par);
	write_sysreg(cpacr_el1, c->cpacr);
	write_sysreg(cntkctl_el1, c->cntkctl);
	write_sysreg(csselr_el1, c->csselr);
	write_sysreg(mdscr_el1, c->mdscr);
	write_sysreg(cntv_cval_el0, c->cntv_cval);
	write_sysreg(cntv_ctl_el0, c->cntv_ctl);
	write_sysreg(vmpidr_el2, c->vmpidr);
}

static void el1_save(struct el1_ctx *c)
{
	c->sctlr = read_sysreg(sctlr_el1);
	c->ttbr0 = read_sysreg(ttbr0_el1);
	c->ttbr1 = read_sysreg(ttbr1_el1);
	c->tcr = read_sysreg(tcr_el1);
	c->mair = read_sysreg(mair_el1);
	c->amair = read_sysreg(amair_el1);
	c->vbar = read_sysreg(vbar_el1);
	c->contextidr = read_sysreg(contextidr_el1);
	c->tpidr_el0 = read_sysreg(tpidr_el0);
	c->tpidrro_el0 = read_sysreg(tpidrro_el0);
	c->tpidr_el1 = read_sysreg(tpidr_el1);
	c->sp_el0 = read_sysreg(sp_el0);
	c->sp_el1 = read_sysreg(sp_el1);
	c->elr_el1 = read_sysreg(elr_el1);
	c->spsr_el1 = read_sysreg(spsr_el1);
	c->esr = read_sysreg(esr_el1);
	c->far = read_sysreg(far_el1);
	c->afsr0 = read_sysreg(afsr0_el1);
	c->afsr1 = read_sysreg(afsr1_el1);
	c->par = read_sysreg(par_el1);
	c->cpacr = read_sysreg(cpacr_el1);
	c->cntkctl = read_sysreg(cntkctl_el1);
	c->csselr = read_sysreg(csselr_el1);
	/* mdscr: the copy is the value of record (every guest access traps, sysreg_emul.c);
	 * the register may hold a debugger's bits (debug_ctl.c) */
	c->cntv_ctl = read_sysreg(cntv_ctl_el0);
	c->cntv_cval = read_sysreg(cntv_cval_el0);
	c->vmpidr = read_sysreg(vmpidr_el2);
}

/* Make v the vCPU whose state is live in this pCPU's registers. */
void vcpu_load(struct vcpu *v)
{
	el1_restore(&v->arch.el1);
	fpsimd_restore(&v->arch.fp);
	vm_arch_load(v->vm);
	if (v->vm->arch.exitless)
		exitless_load(v);
	vtimer_restore(v->arch.timer_hw_active);
	vgic_hw_restore(v);
	arch_debug_forget();
	isb();
	v->sched.timer_deadline = 0;
	v->needs_load = false;
}

/* Physical counter value at which v's virtual timer fires, to wake it while not loaded. */
static u64 timer_deadline(const struct vcpu *v)
{
	const struct el1_ctx *c = &v->arch.el1;

	return (c->cntv_ctl & 3) == 1 ? c->cntv_cval + v->vm->arch.cntvoff : 0; /* ENABLE, !IMASK */
}

/* Take v's state out of this pCPU's registers. A struct reset elsewhere (needs_load) wins. */
void vcpu_put(struct vcpu *v)
{
	if (!v->needs_load) {
		el1_save(&v->arch.el1);
		fpsimd_save(&v->arch.fp);
		vgic_hw_save(v);
		v->sched.timer_deadline = timer_deadline(v);
	}
	if (v->vm->arch.exitless)
		exitless_put(v, !v->needs_load);
	/* gicv4: the vPE off this redistributor; a vLPI still pending (PendingLast) stays in
	 * its VPT for the next residency (a waiting vCPU's was put by virq_wait already) */
	(void)its_v4_put(v);
	v->arch.timer_hw_active = vtimer_save();
	write_sysreg(cntv_ctl_el0, 0);
	isb();
}

/* Copy v's live state (loaded on this pCPU) to memory; v stays loaded. Reads only. */
void vcpu_save_state(struct vcpu *v)
{
	if (v->needs_load)
		return; /* memory is already the newer copy */
	el1_save(&v->arch.el1);
	fpsimd_save(&v->arch.fp);
	vgic_hw_save(v);
}

/* One guest entry: list registers filled, run until an exit, the exit handled. */
void vcpu_run(struct vcpu *v)
{
	u64 exit;

	if (__builtin_expect(v->vm->arch.exitless, 0)) { /* no list registers, no debugger */
		exit = exitless_run(v);
	} else {
		vgic_flush(v);
		arch_debug_enter(v);
		exit = __vcpu_run(&v->arch.regs);
		if (v->arch.vgic.lrs_used) /* no call when no list register is in use */
			vgic_sync(v);
	}
	vcpu_handle_exit(v, exit);
}

/*
 * The fast path (entry.S): the guest's x19-x29 are still in the registers, not in the
 * frame. Whether the loop would enter v again at once after this exit, with nothing for
 * vcpu_run() to do before the entry either: no pending interrupt to flush into a list
 * register (vgic_flush), and none of what keeps an exit off the fast path (cpu.h
 * go_round: a request to the loop, which every writer of a vCPU's or VM's state, load,
 * migration or hold makes after its change; the housekeeper; exit-less mode; a
 * debugger's registers). A gicv4 vPE that is not resident while its vCPU stays loaded
 * (EnableLPIs changed: vgic_lpi.c; the vCPU waited: virq_wait) has its pCPU marked
 * the same way, so vgic_flush makes it resident before the guest runs again.
 */
static inline __attribute__((always_inline)) bool fast_resume(const struct cpu *c,
								const struct vcpu *v)
{
	return !v->arch.vgic.nr_pending && !c->go_round;
}

/*
 * A WFI (ESR_EL2 EC 0x01, ISS TI = 0b00: Arm ARM D19.2.37; trapped by HCR_EL2.TWI) that
 * may wait on the fast path: from AArch64, of the vCPU alone on a bind pCPU (sched_alone,
 * as the loop found it when it entered v: the loop would have nothing else to run), not a
 * gicv4 VM's (whose vPE leaves residency while it waits: virq_wait, its_v4.c). The caller
 * checked go_round, which any change since would have set (cpu_sched.alone).
 */
static inline __attribute__((always_inline)) bool wfi_here(const struct cpu *c,
							   const struct vcpu *v, u64 esr)
{
	return ESR_EC(esr) == EC_WFX && !(ESR_ISS(esr) & 3) &&
	       !exc_from_aarch32(v->arch.regs.pstate) && !v->arch.vpe.on && c->sched.alone == v;
}

/*
 * The WFI block of the loop (exit_wfx, virq_wait, cpu_idle, vgic_flush) without the way
 * round it: a bind pCPU with one vCPU has nothing else to do while it waits. v stays
 * runnable and is marked wfi_fast, then, unless an interrupt would wake it already, the
 * pCPU waits for an interrupt with the time counted as idle (util_idle_*, what the load
 * and the CPU-frequency code read), handles what woke it (irq_handle_first: the kick of an
 * injector, the virtual timer, ...), and injects what is pending (vgic_flush) and resumes
 * the guest. An injector on another pCPU marks the interrupt pending, fences and reads
 * wfi_fast (sched_wake): either it sees the mark and kicks (the WFI wakes on the
 * interrupt even if it came first), or the check here, after the mark and a fence, sees
 * the interrupt. Anything for the loop (a stop, reset, pool move, failover, debugger:
 * go_round, marked and kicked by its writer) sends the exit on to the loop, the WFI
 * completed. Bounded: one wait, as cpu_idle's.
 */
static __attribute__((noinline)) u64 fast_wfi(struct cpu *c, struct vcpu *v, u64 esr)
{
	c->stats.count[STAT_WFX]++;
	v->arch.regs.pc += 4; /* past the WFI */
	v->wfi_fast = true;
	smp_mb(); /* the mark before the pending check (sched_wake: the reverse) */
	if (!vgic_has_pending(v)) {
		util_idle_enter(c);
		cpu_wait_irq();
		util_idle_exit(c);
	}
	v->wfi_fast = false;
	irq_handle_first();
	if (!c->go_round) {
		vgic_flush(v);
		if (fast_resume(c, v))
			return 0;
	}
	v->arch.exit_esr = esr;
	v->arch.fast_status = TRAP_HANDLED;
	return EXIT_SYNC_DONE;
}

/*
 * A synchronous exit on the fast path: the ones whose emulation touches no guest register
 * in x19-x29 (esr_fast_exit: HVC/SMC, MSR/MRS and MMIO accesses through x0-x18 or x30)
 * are handled here, in vcpu_run()'s order (retire the completed list registers, then
 * the handler). 0: enter the guest again; else the loop takes over with the full frame
 * (EXIT_SYNC: not handled yet; EXIT_SYNC_DONE: handled, its status in fast_status).
 * While only x0-x18, x30, pc and pstate are in the frame (the vector's call), entry.S's x18
 * holds the frame (frame_partial). An MSR/MRS or MMIO access through x19-x29 then gets
 * EXIT_SYNC_FULL: entry.S stores x19-x29 too, sets x18 to 0 (the frame complete) and calls
 * again, so only those exits pay for it, and the other exits pay nothing for the test: no
 * argument to pass, and x18 is read on that branch only. (One function for both calls:
 * with a copy for each, LTO no longer inlines the handlers, docs/benchmarks.md.) The pCPU of an exit-less vCPU
 * (and only it: config_exitless.c) keeps exitless_run()'s path for every exit, and the
 * housekeeping pCPU, which never resumes without going round its loop (may_resume), keeps
 * the loop's path without paying for this one first; so does a pCPU whose loop has
 * something to do anyway (go_round).
 */
/* entry.S's x18 (the hypervisor is built with -ffixed-x18, so no C code changes it): the
 * guest frame while x19-x29 are not stored in it, 0 once they are (fast_full). */
static inline bool frame_partial(void)
{
	u64 x18;

	__asm__ volatile("mov %0, x18" : "=r"(x18));
	return x18 != 0;
}

u64 vcpu_fast_sync(void)
{
	struct cpu *c = cpu();
	struct vcpu *v = c->sched.current;
	u64 esr = read_sysreg(esr_el2); /* the second call: nothing ran in between that could
					 * take an exception to EL2, so still this exit's */
	enum trap_status st;

	if (c->go_round)
		return EXIT_SYNC;
	if (v->arch.vgic.lrs_used) /* first: the syndrome is decoded after the call */
		vgic_sync(v);
	if (!esr_fast_exit(esr) && frame_partial()) {
		if (wfi_here(c, v, esr))
			return fast_wfi(c, v, esr);
		return esr_fast_class(esr) ? EXIT_SYNC_FULL : EXIT_SYNC;
	}
	st = vcpu_sync_exit_fast(c, v, esr);
	if (st == TRAP_HANDLED && fast_resume(c, v))
		return 0;
	v->arch.exit_esr = esr;
	v->arch.fast_status = (u32)st;
	return EXIT_SYNC_DONE;
}

/* An IRQ exit on the fast path, handled as vcpu_run() and vcpu_handle_exit() would. */
u64 vcpu_fast_irq(void)
{
	struct cpu *c = cpu();
	struct vcpu *v = c->sched.current;

	if (c->go_round) /* exit-less: never taken at EL2 with IMO = 0 */
		return EXIT_IRQ;
	if (v->arch.vgic.lrs_used)
		vgic_sync(v);
	irq_handle_pending(true);
	return fast_resume(c, v) ? 0 : EXIT_IRQ_DONE;
}

u64 vcpu_pc(const struct vcpu *v)
{
	return v->arch.regs.pc;
}

u64 vcpu_reg(const struct vcpu *v, u32 idx)
{
	return idx < 31 ? v->arch.regs.x[idx] : 0;
}

void vcpu_set_reg(struct vcpu *v, u32 idx, u64 val)
{
	if (idx < 31)
		v->arch.regs.x[idx] = val;
}

void vcpu_skip_insn(struct vcpu *v)
{
	v->arch.regs.pc += 4;
}

/* Enter the guest's EL1 synchronous vector with ESR/FAR as given (vCPU loaded). */
void vcpu_inject_sync(struct vcpu *v, u64 esr, u64 far)
{
	u64 vbar = read_sysreg(vbar_el1);
	u64 offset = exc_sync_vector_offset(v->arch.regs.pstate);

	write_sysreg(elr_el1, v->arch.regs.pc);
	write_sysreg(spsr_el1, v->arch.regs.pstate);
	write_sysreg(esr_el1, esr);
	write_sysreg(far_el1, far);
	v->arch.regs.pstate = PSR_INIT_EL1;
	v->arch.regs.pc = vbar + offset;
}

static bool from_el0(const struct vcpu *v)
{
	return (v->arch.regs.pstate & 0xf) == 0;
}

/* Synchronous external abort (FSC 0x10) on the access that just trapped. */
void vcpu_inject_abort(struct vcpu *v, bool data, u64 far)
{
	u64 ec = data ? (from_el0(v) ? 0x24 : 0x25) : (from_el0(v) ? 0x20 : 0x21);
	u64 iss = 0x10 | (data ? (v->arch.exit_esr & DABT_WNR) : 0);

	vcpu_inject_sync(v, ec << ESR_EC_SHIFT | ESR_IL | iss, far);
}

void vcpu_inject_undef(struct vcpu *v)
{
	vcpu_inject_sync(v, ESR_IL, 0);
}

/* The VM stopped or is resetting: silence this vCPU's hardware state on its pCPU. */
void vcpu_park(struct vcpu *v)
{
	vtimer_silence();
	if (v->vm->arch.exitless)
		exitless_park(v);
	for (u32 i = 0; i < VGIC_MAX_LRS; i++)
		v->arch.vgic.lr_intid[i] = 0;
	v->arch.vgic.lrs_used = 0;
	v->needs_load = true;
}
