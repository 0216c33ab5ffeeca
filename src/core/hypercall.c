/* HVC/SMC dispatch: SMCCC discovery, PSCI, and rtvisor's own calls. */
#include <console.h>
#include <hypercall.h>
#include <vm.h>

static void ret(struct vcpu *v, u64 x0)
{
	vcpu_set_reg(v, 0, x0);
}

static void vm_info(struct vcpu *v)
{
	ret(v, 0);
	vcpu_set_reg(v, 1, v->vm->id);
	vcpu_set_reg(v, 2, v->id);
	vcpu_set_reg(v, 3, v->vm->nr_vcpus);
}

enum trap_status hypercall(struct vcpu *v)
{
	u32 fn = (u32)vcpu_reg(v, 0);

	if (psci_call(v, fn))
		return TRAP_HANDLED;
	switch (fn) {
	case SMCCC_VERSION:
		ret(v, 0x10001); /* SMCCC 1.1 */
		break;
	case RTV_HC_VERSION:
		ret(v, RTV_VERSION_MAJOR << 16 | RTV_VERSION_MINOR);
		break;
	case RTV_HC_VM_INFO:
		vm_info(v);
		break;
	case RTV_HC_CONSOLE_PUTC:
		console_vm_putc(v->vm->id, (char)vcpu_reg(v, 1));
		ret(v, 0);
		break;
	default:
		ret(v, SMCCC_NOT_SUPPORTED); /* SMCCC: unknown function IDs return -1 */
		break;
	}
	return TRAP_HANDLED;
}
