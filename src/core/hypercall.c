/*
 * HVC/SMC dispatch: SMCCC discovery, PSCI, and rtvisor's own calls. Every argument is
 * checked at its full 64-bit width before it is narrowed to the type it selects
 * (issue 19: 0x100000005 is not weight 5).
 */
#include <console.h>
#include <cpu.h>
#include <err.h>
#include <freq.h>
#include <printk.h>
#include <sched.h>
#include <hypercall.h>
#include <version.h>
#include <vm.h>

struct hc_service {
	u32 fn;
	hc_handler *handler;
};

static struct hc_service services[LIM_HC_SERVICES];
static u32 nr_services;

static void ret(struct vcpu *v, u64 x0)
{
	vcpu_set_reg(v, 0, x0);
}

static hc_handler *service_of(u32 fn)
{
	for (u32 i = 0; i < nr_services; i++)
		if (services[i].fn == fn)
			return services[i].handler;
	return NULL;
}

/* IDs that core answers itself: a unit may not take them over. */
static bool core_owns(u32 fn)
{
	return fn == SMCCC_VERSION || fn == SMCCC_ARCH_FEATURES ||
	       (fn & 0xff000000U) == 0x84000000U || (fn & 0xff000000U) == 0xc4000000U ||
	       (fn >= RTV_HC_BASE && fn <= RTV_HC_VCPU_PIN);
}

int hypercall_register(u32 fn, hc_handler *fn_handler)
{
	if (!fn_handler)
		return ERR_INVAL;
	if (core_owns(fn) || service_of(fn))
		return ERR_EXIST;
	if (nr_services == LIM_HC_SERVICES)
		return ERR_FULL;
	services[nr_services++] = (struct hc_service){ fn, fn_handler };
	return 0;
}

/*
 * SMCCC_ARCH_FEATURES (DEN 0028 7.3): 0 for the discovery calls and the registered
 * services, NOT_SUPPORTED for everything else, the CPU workaround calls included (so a
 * guest sees what it saw before this call existed). The queried ID is W1 (SMC32 call):
 * an x1 with bits [63:32] set names no function.
 */
static u64 arch_features(u64 fn)
{
	if (fn >> 32)
		return SMCCC_NOT_SUPPORTED;
	if (fn == SMCCC_VERSION || fn == SMCCC_ARCH_FEATURES || service_of((u32)fn))
		return 0;
	return SMCCC_NOT_SUPPORTED;
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

static u64 hc_result(int r, const char *msg, const struct vcpu *v)
{
	if (r)
		printk("rtvisor: vm '%s': management call refused: %s\n", v->vm->cfg->name, msg);
	return r ? RTV_HC_INVALID : 0;
}

static u64 hc_vm_weight(const struct vcpu *v, u64 vm_id, u64 weight, u64 prio)
{
	char msg[128] = "no such VM";
	struct vm *vm = vm_id < nr_vms ? &vms[vm_id] : NULL;
	int r = vm ? sched_set_vm_weight(vm, weight, prio, msg, sizeof(msg)) : -1;

	return hc_result(r, msg, v);
}

static u64 hc_vcpu_pin(const struct vcpu *v, u64 vm_id, u64 id, u64 pcpu)
{
	char msg[128] = "no such VM or vCPU";
	int r = -1;

	if (vm_id < nr_vms && id < vms[vm_id].nr_vcpus)
		r = sched_pin(&vms[vm_id].vcpus[id], pcpu, msg, sizeof(msg));
	return hc_result(r, msg, v);
}

static u64 hc_pool_move(const struct vcpu *v, u64 pcpu, u64 pool)
{
	char msg[160] = "no such pool";
	int r = -1;

	if (pool < nr_pools)
		r = sched_pool_move(pcpu, &pools[pool], msg, sizeof(msg));
	return hc_result(r, msg, v);
}

/* x1..x4: the pCPU's frequency (kHz), the governor's last load sample (permille, or -1
 * before the first), its VMs' highest request (kHz, 0 if none) and its model energy so
 * far (µJ, docs/power.md): docs/hypercalls.md. */
static void hc_load_freq(struct vcpu *v, u32 pcpu)
{
	struct freq_view fv;

	freq_view(pcpu, &fv);
	vcpu_set_reg(v, 1, freq_opps[fv.level].khz);
	vcpu_set_reg(v, 2, fv.load == ~0u ? (u64)-1 : fv.load);
	vcpu_set_reg(v, 3, fv.req == FREQ_NO_REQUEST ? 0 : freq_opps[fv.req].khz);
	vcpu_set_reg(v, 4, fv.energy_uj);
}

static u64 hc_load(struct vcpu *v, u64 pcpu)
{
	u32 l = pcpu < nr_cpus ? util_permille((u32)pcpu) : ~0u;

	if (pcpu < nr_cpus)
		hc_load_freq(v, (u32)pcpu);
	return l == ~0u ? RTV_HC_INVALID : l;
}

/* Management calls: check the caller, then dispatch. Returns false if fn is not one. */
static bool management_call(struct vcpu *v, u32 fn)
{
	u64 a1 = vcpu_reg(v, 1), a2 = vcpu_reg(v, 2), a3 = vcpu_reg(v, 3), r;

	if (fn < RTV_HC_LOAD || fn > RTV_HC_VCPU_PIN)
		return false;
	if (!v->vm->cfg->privileged)
		r = RTV_HC_DENIED;
	else if (fn == RTV_HC_LOAD)
		r = hc_load(v, a1);
	else if (fn == RTV_HC_POOL_MOVE)
		r = hc_pool_move(v, a1, a2);
	else if (fn == RTV_HC_VM_WEIGHT)
		r = hc_vm_weight(v, a1, a2, a3);
	else
		r = hc_vcpu_pin(v, a1, a2, a3);
	ret(v, r);
	return true;
}

/* x1 must be a byte: a wider value is refused, not truncated. */
static u64 console_putc_call(const struct vcpu *v, u64 byte)
{
	if (byte > 0xff)
		return RTV_HC_INVALID;
	console_vm_putc(v->vm->id, (char)byte);
	return 0;
}

/* rtvisor's and SMCCC's own calls; false if fn is none of them. */
static bool core_call(struct vcpu *v, u32 fn)
{
	switch (fn) {
	case SMCCC_VERSION:
		ret(v, 0x10001); /* SMCCC 1.1 */
		return true;
	case SMCCC_ARCH_FEATURES:
		ret(v, arch_features(vcpu_reg(v, 1)));
		return true;
	case RTV_HC_VERSION:
		ret(v, RTV_VERSION_MAJOR << 16 | RTV_VERSION_MINOR);
		return true;
	case RTV_HC_VM_INFO:
		vm_info(v);
		return true;
	case RTV_HC_EXIT_COUNT:
		ret(v, exit_count(vcpu_reg(v, 1)));
		return true;
	case RTV_HC_CONSOLE_PUTC:
		ret(v, console_putc_call(v, vcpu_reg(v, 1)));
		return true;
	default:
		return false;
	}
}

/* PSCI, management calls and the units' services; NOT_SUPPORTED for anything else. Not
 * inlined: the management calls' message buffers would give every hypercall their frame. */
static __attribute__((noinline)) void other_call(struct vcpu *v, u32 fn)
{
	hc_handler *h;

	if (psci_call(v, fn) || management_call(v, fn))
		return;
	h = service_of(fn);
	if (h)
		h(v);
	else
		ret(v, SMCCC_NOT_SUPPORTED); /* SMCCC: unknown function IDs return -1 */
}

/*
 * The function ID is W0 (SMCCC, DEN 0028): bits [63:32] of x0 are not part of it.
 * Core's IDs are decided first, by a switch: a unit can never register one of them
 * (core_owns), so the registered services are searched only for the IDs left over.
 */
enum trap_status hypercall(struct vcpu *v)
{
	u32 fn = (u32)vcpu_reg(v, 0);

	if (!core_call(v, fn))
		other_call(v, fn);
	return TRAP_HANDLED;
}
