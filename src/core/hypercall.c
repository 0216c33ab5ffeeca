/* HVC/SMC dispatch: SMCCC discovery, PSCI, and rtvisor's own calls. */
#include <console.h>
#include <cpu.h>
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

/* EL2 entries of the calling vCPU's pCPU, by cause: lets a guest measure what it costs. */
static u64 exit_count(u64 cause)
{
	const struct cpu_stats *st = &cpu()->stats;
	u64 sum = 0;

	if (cause < STAT_NR)
		return st->count[cause];
	if (cause != RTV_HC_EXIT_ALL)
		return SMCCC_NOT_SUPPORTED;
	for (u32 i = 0; i < STAT_NR; i++)
		sum += st->count[i];
	return sum;
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
	case RTV_HC_EXIT_COUNT:
		ret(v, exit_count(vcpu_reg(v, 1)));
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
