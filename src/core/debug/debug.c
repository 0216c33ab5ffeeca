/* Stopping a debuggable VM for a consistent snapshot, and reading its memory (debug.h). */
#include <asm/barrier.h>
#include <cpu.h>
#include <debug.h>
#include <err.h>
#include <housekeep.h>
#include <lib.h>
#include <mm.h>
#include <sched.h>
#include <vm.h>

#define DEBUG_SYNC_US 100000 /* how long the shell waits for a pCPU to put a vCPU */

int debug_allowed(const struct vm *vm, char *msg, size_t len)
{
	if (!vm->cfg->debug) {
		snprintf(msg, len, "vm '%s' is not debuggable (add 'debug;' to it in the scenario)",
			 vm->cfg->name);
		return ERR_PERM;
	}
	if (vm->state != VM_RUNNING && vm->state != VM_PAUSED) {
		snprintf(msg, len, "vm '%s' is %s", vm->cfg->name, vm_status_name(vm));
		return ERR_BUSY;
	}
	return 0;
}

/*
 * Copy the vCPU's state to memory and leave it loaded: its timer stays armed (a vCPU
 * waiting in WFI on a bind pCPU, which has no tick, is woken only by it). The VM is
 * paused, so the two copies stay equal.
 */
void debug_sync_here(struct vcpu *v)
{
	if (v->vm->state != VM_RUNNING)
		vcpu_save_state(v);
	smp_mb();
	v->debug_sync = false;
}

/* A vCPU loaded on another pCPU: ask that pCPU, wait a bounded time. */
static bool sync_remote(struct vcpu *v, u64 deadline)
{
	v->debug_sync = true;
	smp_mb();
	sched_set_need_resched(v->pcpu);
	while (v->debug_sync && sched_now() < deadline)
		smp_mb();
	return !v->debug_sync;
}

static bool sync_vcpu(struct vcpu *v, u64 deadline)
{
	if (!sched_vcpu_loaded(v))
		return true; /* its state is in memory already */
	if (cpu()->sched.current == v) {
		v->debug_sync = true;
		debug_sync_here(v);
		return true;
	}
	return sync_remote(v, deadline);
}

int debug_stop(struct vm *vm, bool *paused)
{
	u64 deadline = sched_now() + sched_us_to_ticks(DEBUG_SYNC_US);
	int r = 0;

	*paused = vm_pause(vm) == 0;
	for (u32 i = 0; i < vm->nr_vcpus; i++)
		if (!sync_vcpu(&vm->vcpus[i], deadline))
			r = ERR_BUSY;
	return r;
}

void debug_continue(struct vm *vm, bool paused)
{
	if (paused)
		(void)vm_resume(vm); /* only fails if someone else resumed or stopped it meanwhile */
}

int debug_read_ipa(const struct vm *vm, u64 ipa, void *buf, size_t len)
{
	u64 pa;
	int r = mm_ipa_to_pa(vm, ipa, len, &pa);

	if (!r)
		memcpy(buf, (const void *)(uintptr_t)pa, len);
	return r;
}

int debug_write_ipa(const struct vm *vm, u64 ipa, const void *buf, size_t len)
{
	u64 pa;
	int r = mm_ipa_to_pa(vm, ipa, len, &pa);

	if (r)
		return r;
	memcpy((void *)(uintptr_t)pa, buf, len);
	arch_dcache_clean(pa, len); /* the guest may run it with its caches off */
	arch_icache_sync_all();     /* it may be code (a breakpoint) the VM's pCPUs run */
	return 0;
}

int debug_copy_va(const struct vcpu *v, u64 va, void *buf, size_t len, bool write)
{
	u8 *b = buf;

	while (len) {
		u64 ipa, pa, n = SZ_4K - (va & (SZ_4K - 1));
		int r;

		n = n < len ? n : len;
		r = arch_debug_walk(v, va, false, &ipa, &pa);
		if (!r)
			r = write ? debug_write_ipa(v->vm, ipa, b, n) : debug_read_ipa(v->vm, ipa, b, n);
		if (r)
			return r;
		va += n;
		b += n;
		len -= n;
	}
	return 0;
}

/*
 * A debug exception of a VM a debugger controls, on the vCPU's own pCPU: a bounded
 * step (no wait for anyone). The first event since the last report wins; the VM
 * pauses (this vCPU and, through their pCPUs' kicks, the others) and the
 * housekeeping pCPU, kicked, reports it.
 */
void debug_guest_stop(struct vcpu *v, enum debug_stop_kind kind, u64 addr)
{
	struct vm_debug *d = v->vm->dbg;

	if (!d)
		return;
	if (!d->event) {
		d->ev_vcpu = v->id;
		d->ev_kind = kind;
		d->ev_addr = addr;
		smp_mb();
		d->event = true;
	}
	(void)vm_pause(v->vm); /* ERR_BUSY: already paused (by another vCPU's event) */
	hk_kick();
}
