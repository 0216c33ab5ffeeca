/*
 * Paravirtualised stolen time for a VM marked `pv-time;` (docs/power.md): Arm DEN 0057A
 * "Paravirtualized Time for Arm-based Systems", its stolen-time part, as Linux's
 * arch/arm64/kernel/paravirt.c uses it.
 *   - HV_PV_TIME_FEATURES (0xC5000020, SMC64/HVC64): x1 = a PV-time function ID ->
 *     0 if it is available to this VM, else NOT_SUPPORTED (-1).
 *   - HV_PV_TIME_ST (0xC5000021): -> the IPA of the calling vCPU's stolen-time
 *     structure, or NOT_SUPPORTED for a VM without `pv-time`.
 * Both are found through SMCCC_ARCH_FEATURES (DEN 0028 7.3.1), as every registered call.
 * The structure (DEN 0057A, "stolen time structure"; 64 bytes per vCPU): revision (u32,
 * 0), attributes (u32, 0), stolen_time (u64, ns), all little-endian; the hypervisor runs
 * little-endian (SCTLR_EL2.EE = 0), so its native stores are. The page is hypervisor
 * memory at CFG_PVTIME_IPA, mapped read-only at stage 2 (a guest write is an abort),
 * outside the VM's RAM; the guest maps it normal write-back (Linux: memremap
 * MEMREMAP_WB), so plain cacheable stores reach it.
 *
 * The scheduler accounts the stolen time (core/sched/steal.c) and calls pvtime_publish
 * on the vCPU's own pCPU as it is loaded: one 64-bit store, single-copy atomic (Arm ARM
 * B2.2.1), so the guest never reads a torn value.
 */
#include <asm/timer.h>
#include <config.h>
#include <err.h>
#include <hypercall.h>
#include <lib.h>
#include <mm.h>
#include <sched.h>
#include <vdev.h>
#include <vm.h>

#define HV_PV_TIME_FEATURES 0xc5000020U
#define HV_PV_TIME_ST 0xc5000021U
#define PVTIME_REC_SIZE 64

struct pvtime_rec {
	u32 revision;
	u32 attributes;
	u64 stolen_ns;
	u8 reserved[PVTIME_REC_SIZE - 16];
};

STATIC_ASSERT(sizeof(struct pvtime_rec) == PVTIME_REC_SIZE, "DEN 0057A: 64 bytes");
STATIC_ASSERT(CFG_MAX_VCPUS * PVTIME_REC_SIZE <= CFG_PV_SIZE, "records fit the page");

struct pvtime_vm {
	struct pvtime_rec *rec;      /* one per vCPU, through the hypervisor's map; NULL: none */
	u64 base[CFG_MAX_VCPUS];     /* the vCPU's stolen ticks at the VM's last reset */
};

static struct pvtime_vm state[CFG_MAX_VMS];

/* Counter ticks to ns without overflowing for any 64-bit tick count. */
static u64 ticks_to_ns(u64 ticks)
{
	u64 f = arch_counter_freq();

	return ticks / f * 1000000000ULL + ticks % f * 1000000000ULL / f;
}

/* The scheduler's hook (sched.h): v is loaded on this pCPU. */
static void pvtime_publish(struct vcpu *v)
{
	struct pvtime_vm *s = &state[v->vm->id];
	u64 ticks = v->sched.steal_ticks, base = s->base[v->id];

	if (!s->rec)
		return;
	__atomic_store_n(&s->rec[v->id].stolen_ns, ticks > base ? ticks_to_ns(ticks - base) : 0,
			 __ATOMIC_RELAXED);
}

/* x1 is a uint32 function ID (DEN 0057A): a value with bits [63:32] set names none. */
static void pvtime_features(struct vcpu *v)
{
	u64 fn = vcpu_reg(v, 1);
	bool on = state[v->vm->id].rec != NULL;
	bool ok = fn == HV_PV_TIME_FEATURES || (fn == HV_PV_TIME_ST && on);

	vcpu_set_reg(v, 0, ok ? 0 : SMCCC_NOT_SUPPORTED);
}

static void pvtime_st(struct vcpu *v)
{
	bool on = state[v->vm->id].rec != NULL;

	vcpu_set_reg(v, 0, on ? CFG_PVTIME_IPA + (u64)v->id * PVTIME_REC_SIZE : SMCCC_NOT_SUPPORTED);
}

static int pvtime_init(void)
{
	int r = hypercall_register(HV_PV_TIME_FEATURES, pvtime_features);

	if (!r)
		r = hypercall_register(HV_PV_TIME_ST, pvtime_st);
	if (!r)
		sched_set_steal_hook(pvtime_publish);
	return r;
}

static int pvtime_vm_create(struct vm *vm, char *msg, size_t len)
{
	struct pvtime_vm *s = &state[vm->id];
	void *page;

	if (!vm->cfg->pv_time)
		return 0;
	page = mm_vm_page(vm, CFG_PVTIME_IPA, CFG_PV_SIZE, true, "pv-time: its stolen-time page",
			  msg, len);
	if (!page)
		return ERR_NOMEM;
	s->rec = page;
	return 0;
}

/* Every (re)start: revision and attributes 0, no stolen time yet (the guest's count
 * starts at boot, so the time stolen before the reset is the new base). */
static void pvtime_vm_reset(struct vm *vm)
{
	struct pvtime_vm *s = &state[vm->id];

	if (!s->rec)
		return;
	memset(s->rec, 0, CFG_PV_SIZE);
	for (u32 k = 0; k < vm->nr_vcpus; k++)
		s->base[k] = vm->vcpus[k].sched.steal_ticks;
}

VDEV_UNIT(pvtime, VDEV_STAGE_DEVICE) = {
	.name = "pvtime",
	.init = pvtime_init,
	.vm_create = pvtime_vm_create,
	.vm_reset = pvtime_vm_reset,
};
