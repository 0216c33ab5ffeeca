/*
 * VM life cycle: creation from the scenario (memory, stage-2, devices,
 * interrupts, vCPUs), start, stop and reset. State changes requested from any
 * pCPU are carried out by the pCPUs owning the VM's vCPUs in vm_service().
 */
#include <asm/barrier.h>
#include <cpu.h>
#include <debug.h>
#include <err.h>
#include <guest_dt.h>
#include <hypercall.h>
#include <lib.h>
#include <mm.h>
#include <freq.h>
#include <platform_info.h>
#include <printk.h>
#include <sched.h>
#include <vdev.h>
#include <vm.h>

struct vm vms[CFG_MAX_VMS];
u32 nr_vms;

const char *vm_state_name(enum vm_state s)
{
	static const char *const names[] = { "stopped", "running", "resetting", "paused" };

	return (u32)s < ARRAY_SIZE(names) ? names[s] : "?";
}

const char *vm_status_name(const struct vm *vm)
{
	return vm->created ? vm_state_name(vm->state) : "failed";
}

static int create_fail(struct vm *vm, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Record why vm_create() failed; returns ERR_INVAL (the message carries the detail). */
static int create_fail(struct vm *vm, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(vm->create_error, sizeof(vm->create_error), fmt, ap);
	va_end(ap);
	return ERR_INVAL;
}

struct vm *vm_by_name(const char *name)
{
	for (u32 i = 0; i < nr_vms; i++)
		if (!strcmp(vms[i].cfg->name, name))
			return &vms[i];
	return NULL;
}

static int vm_setup_memory(struct vm *vm)
{
	for (u32 i = 0; i < vm->cfg->nr_mem; i++) {
		const struct cfg_mem *m = &vm->cfg->mem[i];
		u64 pa = m->phys;

		if (m->has_phys ? mm_reserve(pa, m->size) : mm_alloc(m->size, &pa))
			return create_fail(vm, "memory@%lx: no free 0x%lx bytes of RAM%s", m->ipa,
					   m->size, m->has_phys ? " at phys" : "");
		vm->mem[i] = (struct vm_mem){ m->ipa, pa, m->size };
		if (vm_arch_map(vm, m->ipa, pa, m->size, false))
			return create_fail(vm, "memory@%lx: stage-2 map failed (page-table pool "
					   "full?)", m->ipa);
	}
	return 0;
}

static void vm_setup_vcpus(struct vm *vm)
{
	vm->nr_vcpus = vm->cfg->nr_vcpus;
	for (u32 i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *v = &vm->vcpus[i];

		v->vm = vm;
		v->id = i;
		v->pcpu = vm->cfg->vcpu_pcpu[i];
		v->state = VCPU_OFF;
		v->parked = true;
	}
}

static int vm_setup_sched(struct vm *vm)
{
	for (u32 i = 0; i < vm->nr_vcpus; i++) {
		if (sched_add_vcpu(&vm->vcpus[i], vm->cfg->vcpu_pcpu[i], vm->cfg->weight,
				   vm->cfg->priority))
			return create_fail(vm, "vCPU %u cannot be placed on pCPU %u", i,
					   vm->cfg->vcpu_pcpu[i]);
	}
	return 0;
}

/* The capacity the scenario check promised (so the units' registrations fit). */
static int vm_setup_capacity(struct vm *vm)
{
	struct cfg_error err;

	if (config_vm_capacity(vm->cfg, plat.uart_intid, &err))
		return create_fail(vm, "%s", err.msg);
	return 0;
}

static int vm_setup_s2(struct vm *vm)
{
	if (vm_arch_init(vm))
		return create_fail(vm, "no room for stage-2 tables (page-table pool full)");
	return 0;
}

/* Its MMIO table, as large as the device units ask, then the units themselves. */
static int vm_setup_units(struct vm *vm)
{
	u32 n = vdev_mmio_windows(vm->cfg);
	struct mmio_region *storage = n ? mm_alloc_hyp(n * sizeof(*storage)) : NULL;

	if (n && !storage)
		return create_fail(vm, "no RAM for its %u MMIO windows", n);
	mmio_table_init(&vm->mmio, storage, n);
	return vdev_vm_create(vm, vm->create_error, sizeof(vm->create_error));
}

/*
 * Build the VM from its (checked) scenario entry. On failure the VM keeps
 * VM_STOPPED, is never started, and the units quiesce what they gave it (its
 * passthrough interrupts stay disabled); what it already took (RAM, page tables)
 * stays taken.
 */
int vm_create(struct vm *vm, u32 id, const struct cfg_vm *cfg)
{
	int r;

	vm->cfg = cfg;
	vm->id = id;
	vm->vmid = id + 1;
	vm->state = VM_STOPPED;
	vm->created = false;
	vm->create_error[0] = '\0';
	vm_setup_vcpus(vm);
	r = vm_setup_capacity(vm);
	if (!r)
		r = vm_setup_sched(vm);
	if (!r)
		r = vm_setup_s2(vm);
	if (!r)
		r = vm_setup_memory(vm);
	if (!r)
		r = vm_setup_units(vm);
	if (r) {
		vdev_vm_stop(vm);
		return r;
	}
	vm->created = true;
	return 0;
}

/* Copy the VM's images into its memory (through the hypervisor's identity map). */
static int vm_load_images(struct vm *vm)
{
	for (u32 i = 0; i < vm->cfg->nr_images; i++) {
		const struct cfg_image *img = &vm->cfg->images[i];
		u64 pa;

		int r = mm_ipa_to_pa(vm, img->load_ipa, img->size, &pa);

		if (r)
			return r;
		memcpy((void *)(uintptr_t)pa, img->data, img->size);
		arch_dcache_clean(pa, img->size);
	}
	arch_icache_sync();
	return 0;
}

/* Describe the VM to its guest: a DTB built from the scenario at every start. */
static int vm_load_dtb(struct vm *vm)
{
	struct guest_dt_platform p = {
		.opp_khz = freq_khz, .nr_opps = FREQ_NR_LEVELS,
		.opp_latency_ns = PLAT_FREQ_LATENCY_NS, .scmi_smc_id = RTV_HC_SCMI,
		.gicd_base = plat.gicd_base, .gicr_base = plat.gicr_base,
		.uart_base = plat.uart_base, .uart_intid = plat.uart_intid,
		.timer_intids = { plat.timer_intid_sec, plat.timer_intid_phys, plat.timer_intid_virt,
				  plat.timer_intid_hyp },
		.maint_intid = plat.gic_maint_intid,
		.vm_id = vm->id,
	};
	u64 pa;
	int r;

	if (!vm->cfg->has_dtb)
		return 0;
	vdev_guest_dt(vm, &p);
	r = mm_ipa_to_pa(vm, vm->cfg->dtb_ipa, CFG_GUEST_DT_MAX, &pa);
	if (r)
		return r;
	r = guest_dt_build(vm->cfg, &p, (void *)(uintptr_t)pa, CFG_GUEST_DT_MAX);
	arch_dcache_clean(pa, CFG_GUEST_DT_MAX);
	return r;
}

int vm_start(struct vm *vm)
{
	struct vcpu *v0 = &vm->vcpus[0];

	if (!vm->created) {
		printk("rtvisor: vm '%s': was not created (%s), not started\n", vm->cfg->name,
		       vm->create_error);
		return ERR_PERM;
	}
	if (vm_load_images(vm)) {
		printk("rtvisor: vm '%s': image outside its memory, not started\n", vm->cfg->name);
		return ERR_RANGE;
	}
	if (vm_load_dtb(vm)) {
		printk("rtvisor: vm '%s': guest devicetree does not fit, not started\n", vm->cfg->name);
		return ERR_RANGE;
	}
	vdev_vm_reset(vm);
	for (u32 i = 0; i < vm->nr_vcpus; i++) {
		vm->vcpus[i].state = VCPU_OFF;
		vcpu_reset(&vm->vcpus[i], 0, 0);
		vm->vcpus[i].parked = false;
	}
	vcpu_reset(v0, vm->cfg->entry, vm->cfg->dtb_ipa);
	vm->starts++;
	smp_mb();
	vm->state = VM_RUNNING;
	v0->state = VCPU_RUNNABLE;
	sched_set_need_resched(v0->pcpu);
	return 0;
}

static void backstop(struct vm *vm);

static void kick_all(struct vm *vm)
{
	for (u32 i = 0; i < vm->nr_vcpus; i++)
		sched_set_need_resched(vm->vcpus[i].pcpu);
}

/* Its vCPUs' pCPUs take no exit of it on the fast path from now on (kick_all follows). */
static void mark_all(struct vm *vm)
{
	for (u32 i = 0; i < vm->nr_vcpus; i++)
		sched_mark_resched(vm->vcpus[i].pcpu);
}

static bool begin_transition(struct vm *vm, enum vm_state to)
{
	bool ok;

	spin_lock(&vm->lock);
	ok = vm->state == VM_RUNNING || vm->state == VM_PAUSED;
	if (ok) {
		vm->state = to;
		for (u32 i = 0; i < vm->nr_vcpus; i++)
			vm->vcpus[i].state = VCPU_OFF;
		mark_all(vm);
	}
	spin_unlock(&vm->lock);
	return ok;
}

void vm_stop(struct vm *vm, const char *why)
{
	if (!begin_transition(vm, VM_STOPPED))
		return;
	vdev_vm_stop(vm);
	printk("rtvisor: vm '%s' stopped: %s\n", vm->cfg->name, why);
	kick_all(vm);
	backstop(vm);
}

/*
 * The units quiesce what the VM owns now, not when the reset completes: a device it set
 * going (a DMA) must not run on while its vCPUs are parked and its images reloaded.
 */
void vm_request_reset(struct vm *vm)
{
	if (!begin_transition(vm, VM_RESETTING))
		return;
	vdev_vm_stop(vm);
	printk("rtvisor: vm '%s' resetting\n", vm->cfg->name);
	kick_all(vm);
	backstop(vm);
}

/* from -> to, or ERR_BUSY if the VM is not in state from; its vCPUs' pCPUs look again. */
static int switch_state(struct vm *vm, enum vm_state from, enum vm_state to)
{
	int r = ERR_BUSY;

	spin_lock(&vm->lock);
	if (vm->state == from) {
		vm->state = to;
		mark_all(vm);
		r = 0;
	}
	spin_unlock(&vm->lock);
	if (!r)
		kick_all(vm);
	return r;
}

/* Pausing keeps every vCPU's state; the vCPUs just do not run until resumed. */
int vm_pause(struct vm *vm)
{
	if (vm->cfg->exitless) /* its interrupts would be taken at EL2 with nobody to inject
				* them into (docs/architecture.md "Exit-less mode") */
		return ERR_PERM;
	return switch_state(vm, VM_RUNNING, VM_PAUSED);
}

int vm_resume(struct vm *vm)
{
	return switch_state(vm, VM_PAUSED, VM_RUNNING);
}

const char *vm_pool_name(const struct vm *vm)
{
	const struct pool *p = cpus[vm->vcpus[0].pcpu].sched.pool;

	return p ? p->name : "-";
}

/* Every vCPU of vm is either not loaded on any pCPU or parked by its pCPU. */
static bool all_parked(const struct vm *vm)
{
	for (u32 i = 0; i < vm->nr_vcpus; i++) {
		const struct vcpu *v = &vm->vcpus[i];

		if (sched_vcpu_loaded(v) && !v->parked)
			return false;
	}
	return true;
}

/*
 * An exit-less VM's pCPU answers the kick with a FIQ at once. A guest that raised its
 * running priority above it (docs/architecture.md "Exit-less mode", the hole) is taken
 * back by the backstop: its RAM leaves stage 2, so its next instruction fetch faults to
 * EL2. Only where waiting is allowed: the housekeeping pCPU (the shell); a request made
 * on a real-time pCPU relies on the kick alone.
 */
#define BACKSTOP_US 10000U

static void backstop(struct vm *vm)
{
	u64 end;

	if (!vm->cfg->exitless || !cpu()->housekeeper)
		return;
	end = sched_now() + sched_us_to_ticks(BACKSTOP_US);
	while (!all_parked(vm) && sched_now() < end)
		smp_mb();
	if (all_parked(vm))
		return;
	printk("rtvisor: vm '%s': no answer to the kick in %u ms: its RAM leaves stage 2\n",
	       vm->cfg->name, BACKSTOP_US / 1000U);
	vm_arch_revoke(vm);
}

/*
 * "restarted" is said once the VM runs again, so whoever waits for it (the shell's user, a
 * script) finds it running; a start that fails leaves it stopped (vm_start said why).
 */
static void finish_reset(struct vm *vm)
{
	vm->resets++;
	if (vm_start(vm)) {
		vm->state = VM_STOPPED;
		printk("rtvisor: vm '%s' stopped: reset %u could not start it\n", vm->cfg->name,
		       vm->resets);
		return;
	}
	printk("rtvisor: vm '%s' restarted (reset %u)\n", vm->cfg->name, vm->resets);
}

/*
 * On pCPU c: park the loaded vCPU if its VM left the running state, and
 * complete the reset of a VM whose vCPU 0 is homed here once all are parked.
 */
void vm_service(struct cpu *c)
{
	struct vcpu *v = c->sched.current;

	if (v && v->debug_sync)
		debug_sync_here(v);
	if (v && v->vm->state != VM_RUNNING && v->vm->state != VM_PAUSED && !v->parked) {
		vcpu_park(v);
		v->parked = true;
		sched_set_need_resched(v->vm->vcpus[0].pcpu);
	}
	for (u32 i = 0; i < c->sched.nr_rq; i++) {
		struct vcpu *u = c->sched.rq[i];

		if (u->id == 0 && u->vm->state == VM_RESETTING && all_parked(u->vm))
			finish_reset(u->vm);
	}
}
