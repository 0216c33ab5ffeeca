/*
 * The one place that decides what a guest's unhandled or forbidden action
 * does: per the VM's fault-policy, inject an abort/undefined exception into
 * the guest, or stop the VM. Either way the hypervisor reports it (VM name,
 * vCPU, access, address, PC) and every other VM keeps running.
 *
 * A guest that loops on a refused access must not flood the console: each
 * VM's first FAULT_REPORT_BURST faults are reported in full, later ones are
 * counted and named in one summary line at most every FAULT_SUMMARY_MS
 * (printed by the next fault after that time). `vm info` and `stats` always
 * show the counts.
 */
#include <debug.h>
#include <failover.h>
#include <printk.h>
#include <sched.h>
#include <trap.h>
#include <vm.h>

#define FAULT_REPORT_BURST 16
#define FAULT_SUMMARY_MS 1000

static const char *const kind_names[] = {
	[FAULT_READ] = "read", [FAULT_WRITE] = "write", [FAULT_EXEC] = "exec",
	[FAULT_SYSREG] = "sysreg", [FAULT_INSN] = "instruction", [FAULT_SERROR] = "serror",
};

const char *fault_kind_name(enum fault_kind k)
{
	return (u32)k < ARRAY_SIZE(kind_names) ? kind_names[k] : "?";
}

static bool is_abort(enum fault_kind k)
{
	return k == FAULT_READ || k == FAULT_WRITE || k == FAULT_EXEC;
}

static void report(const struct vcpu *v, enum trap_status st, const struct fault_info *fi,
		   const char *action)
{
	const char *what = st == TRAP_UNHANDLED ? "unhandled" : "forbidden";

	if (is_abort(fi->kind))
		printk("rtvisor: vm '%s' vcpu %u: %s %s at IPA 0x%lx (pc 0x%lx, esr 0x%lx): %s\n",
		       v->vm->cfg->name, v->id, what, kind_names[fi->kind], fi->addr, vcpu_pc(v),
		       fi->esr, action);
	else
		printk("rtvisor: vm '%s' vcpu %u: %s %s (iss 0x%lx, pc 0x%lx, esr 0x%lx): %s\n",
		       v->vm->cfg->name, v->id, what, kind_names[fi->kind], fi->addr, vcpu_pc(v),
		       fi->esr, action);
}

/* One summary line when FAULT_SUMMARY_MS have passed since the last (one vCPU wins). */
static void maybe_summarise(struct vm *vm)
{
	struct vm_faults *f = &vm->faults;
	u64 now = sched_now(), last = __atomic_load_n(&f->summary_at, __ATOMIC_RELAXED), n;

	if (now - last < sched_us_to_ticks(FAULT_SUMMARY_MS * 1000ULL) ||
	    !__atomic_compare_exchange_n(&f->summary_at, &last, now, false, __ATOMIC_RELAXED,
					 __ATOMIC_RELAXED))
		return;
	n = __atomic_exchange_n(&f->unreported, 0, __ATOMIC_RELAXED);
	if (n)
		printk("rtvisor: vm '%s': %lu more faults not reported (%lu in all)\n",
		       vm->cfg->name, n, __atomic_load_n(&f->total, __ATOMIC_RELAXED));
}

/* Count a fault; true if it is to be reported in full. */
static bool should_report(struct vm *vm)
{
	struct vm_faults *f = &vm->faults;
	u64 n = __atomic_fetch_add(&f->total, 1, __ATOMIC_RELAXED);

	if (n < FAULT_REPORT_BURST) {
		__atomic_fetch_add(&f->reported, 1, __ATOMIC_RELAXED);
		if (n == FAULT_REPORT_BURST - 1) {
			__atomic_store_n(&f->summary_at, sched_now(), __ATOMIC_RELAXED);
			printk("rtvisor: vm '%s': %u faults reported; further ones are summarised "
			       "every %u ms\n", vm->cfg->name, FAULT_REPORT_BURST, FAULT_SUMMARY_MS);
		}
		return true;
	}
	__atomic_fetch_add(&f->unreported, 1, __ATOMIC_RELAXED);
	maybe_summarise(vm);
	return false;
}

/* An access to what a failover group took from the VM (or has not given it yet): one line
 * naming the VM, the address and the group. */
static void report_fenced(const struct vcpu *v, const struct fault_info *fi, const char *why,
			  const char *action)
{
	printk("rtvisor: vm '%s' vcpu %u: %s at IPA 0x%lx refused: %s (pc 0x%lx): %s\n",
	       v->vm->cfg->name, v->id, kind_names[fi->kind], fi->addr, why, vcpu_pc(v), action);
}

static void report_any(const struct vcpu *v, enum trap_status st, const struct fault_info *fi,
		       const char *fenced, const char *action)
{
	if (fenced)
		report_fenced(v, fi, fenced, action);
	else
		report(v, st, fi, action);
}

void guest_fault(struct vcpu *v, enum trap_status st, const struct fault_info *fi)
{
	struct vm *vm = v->vm;
	char why[112];
	const char *fenced = is_abort(fi->kind) && failover_refused(vm, fi->addr, why,
								    sizeof(why)) ? why : NULL;

	if (vm->state != VM_RUNNING && vm->state != VM_PAUSED) {
		/* leaving already (the exit-less backstop's fault, a fenced primary's store
		 * between the unmap and its stop): nothing to decide, a fenced one reported */
		if (fenced && should_report(vm))
			report_fenced(v, fi, fenced, "VM leaving");
		return;
	}
	if (vm->cfg->fault_policy == FAULT_POLICY_INJECT && fi->kind != FAULT_SERROR) {
		if (should_report(vm))
			report_any(v, st, fi, fenced,
				   is_abort(fi->kind) ? "abort injected" : "undef injected");
		crash_watch(v, fi);
		if (is_abort(fi->kind))
			vcpu_inject_abort(v, fi->kind != FAULT_EXEC, fi->far);
		else
			vcpu_inject_undef(v);
		return;
	}
	__atomic_fetch_add(&vm->faults.total, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&vm->faults.reported, 1, __ATOMIC_RELAXED);
	report_any(v, st, fi, fenced, "VM stopped");
	crash_capture(v, fi, "stopped by the fault policy");
	if (!failover_on_fault(vm)) /* a failover group's primary: fenced, backup promoted */
		vm_stop(vm, "guest fault");
}
