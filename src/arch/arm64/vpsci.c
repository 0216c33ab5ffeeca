/*
 * PSCI 1.0 for guests (Arm DEN 0022), per VM: CPU_ON/OFF/AFFINITY_INFO act
 * on the VM's own vCPUs (virtual MPIDR Aff0 = vCPU index), SYSTEM_OFF and
 * SYSTEM_RESET stop or restart this VM only. Reached by HVC or trapped SMC.
 */
#include <arch/sysregs.h>
#include <cpu.h>
#include <hypercall.h>
#include <virq.h>
#include <vm.h>

/*
 * target_cpu in MPIDR format (DEN 0022 5.1.4): Aff3 [39:32], Aff2-0 [23:0], all other bits
 * zero. A VM's vCPUs differ in Aff0 only, so every bit but Aff0 must be zero: the whole
 * 64-bit value is checked before it selects a vCPU.
 */
static struct vcpu *target_vcpu(struct vm *vm, u64 mpidr)
{
	if (mpidr >= vm->nr_vcpus)
		return NULL;
	return &vm->vcpus[mpidr];
}

static s64 cpu_on(struct vcpu *v, u64 mpidr, u64 entry, u64 ctx)
{
	struct vm *vm = v->vm;
	struct vcpu *t = target_vcpu(vm, mpidr);
	s64 r = PSCI_RET_SUCCESS;

	if (!t)
		return PSCI_RET_INVALID_PARAMS;
	spin_lock(&vm->lock);
	if (t->state != VCPU_OFF) {
		r = PSCI_RET_ALREADY_ON;
	} else {
		vcpu_reset(t, entry, ctx);
		dmb(ish);
		t->state = VCPU_RUNNABLE;
	}
	spin_unlock(&vm->lock);
	if (r == PSCI_RET_SUCCESS)
		sched_set_need_resched(t->pcpu);
	return r;
}

static s64 affinity_info(struct vcpu *v, u64 mpidr, u64 level)
{
	struct vcpu *t = target_vcpu(v->vm, mpidr);

	if (!t || level != 0)
		return PSCI_RET_INVALID_PARAMS;
	return t->state == VCPU_OFF ? 1 : 0;
}

static s64 features(u32 fn)
{
	switch (fn) {
	case PSCI_VERSION:
	case PSCI_CPU_SUSPEND_64:
	case PSCI_CPU_OFF:
	case PSCI_CPU_ON_64:
	case PSCI_AFFINITY_INFO_64:
	case PSCI_MIGRATE_INFO_TYPE:
	case PSCI_SYSTEM_OFF:
	case PSCI_SYSTEM_RESET:
	case PSCI_FEATURES:
	case SMCCC_VERSION:
		return 0;
	default:
		return PSCI_RET_NOT_SUPPORTED;
	}
}

static bool is_psci(u32 fn)
{
	return (fn >= 0x84000000U && fn <= 0x8400001fU) || (fn >= 0xc4000000U && fn <= 0xc400001fU);
}

bool psci_call(struct vcpu *v, u32 fn)
{
	u64 a1 = vcpu_reg(v, 1), a2 = vcpu_reg(v, 2), a3 = vcpu_reg(v, 3);
	s64 r;

	if (!is_psci(fn))
		return false;
	switch (fn) {
	case PSCI_VERSION: r = 0x10000; break;
	case PSCI_FEATURES: /* an SMC32 call: its argument is W1 (DEN 0028 SMC32 convention) */
		r = a1 >> 32 ? PSCI_RET_NOT_SUPPORTED : features((u32)a1);
		break;
	case PSCI_CPU_ON_64: r = cpu_on(v, a1, a2, a3); break;
	case PSCI_AFFINITY_INFO_64: r = affinity_info(v, a1, a2); break;
	case PSCI_MIGRATE_INFO_TYPE: r = 2; break; /* no trusted OS to migrate */
	case PSCI_CPU_SUSPEND_64:
		r = PSCI_RET_SUCCESS;
		virq_wait(v); /* power-down treated as standby: resume here */
		break;
	case PSCI_CPU_OFF:
		v->state = VCPU_OFF;
		sched_mark_resched(v->pcpu); /* the fast path tests only the mark (cpu.h) */
		r = PSCI_RET_SUCCESS;
		break;
	case PSCI_SYSTEM_OFF:
		vm_stop(v->vm, "powered off (PSCI SYSTEM_OFF)");
		r = PSCI_RET_SUCCESS;
		break;
	case PSCI_SYSTEM_RESET:
		vm_request_reset(v->vm);
		r = PSCI_RET_SUCCESS;
		break;
	default: r = PSCI_RET_NOT_SUPPORTED; break;
	}
	vcpu_set_reg(v, 0, (u64)r);
	return true;
}
