/*
 * The one place that decides what a guest's unhandled or forbidden action
 * does: per the VM's fault-policy, inject an abort/undefined exception into
 * the guest, or stop the VM. Either way the hypervisor reports it (VM name,
 * vCPU, access, address, PC) and every other VM keeps running.
 */
#include <printk.h>
#include <trap.h>
#include <vm.h>

#define REPORT_BURST 16

static const char *const kind_names[] = {
	[FAULT_READ] = "read", [FAULT_WRITE] = "write", [FAULT_EXEC] = "exec",
	[FAULT_SYSREG] = "sysreg", [FAULT_INSN] = "instruction", [FAULT_SERROR] = "serror",
};

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
		       v->vm->cfg->name, v->id, what, kind_names[fi->kind], fi->addr, v->regs.pc,
		       fi->esr, action);
	else
		printk("rtvisor: vm '%s' vcpu %u: %s %s (iss 0x%lx, pc 0x%lx, esr 0x%lx): %s\n",
		       v->vm->cfg->name, v->id, what, kind_names[fi->kind], fi->addr, v->regs.pc,
		       fi->esr, action);
}

static bool should_report(struct vm *vm)
{
	u64 n = vm->faults++;

	return n < REPORT_BURST || n % 1024 == 0;
}

void guest_fault(struct vcpu *v, enum trap_status st, const struct fault_info *fi)
{
	struct vm *vm = v->vm;

	if (vm->cfg->fault_policy == FAULT_POLICY_INJECT && fi->kind != FAULT_SERROR) {
		if (should_report(vm))
			report(v, st, fi, is_abort(fi->kind) ? "abort injected" : "undef injected");
		if (is_abort(fi->kind))
			vcpu_inject_abort(v, fi->kind != FAULT_EXEC, v->exit_far);
		else
			vcpu_inject_undef(v);
		return;
	}
	report(v, st, fi, "VM stopped");
	vm_stop(vm, "guest fault");
}
