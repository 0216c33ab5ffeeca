/*
 * Shared memory between VMs and its doorbells (docs/shmem.md; scenario: /shmem, checked by
 * config_shm.c).
 *
 * Memory: a region is placed (its fixed `phys`, or allocated from free RAM) and zeroed
 * when the first VM that maps it is created, then mapped into the stage 2 of each VM
 * listed for it, normal write-back, read-write or read-only (a write to a read-only
 * mapping is a stage-2 permission fault that no unit claims: guest_fault() reports it).
 * Nothing is done to it at a VM's reset: the peer's data survives a reboot of the other
 * side (the reset protocol in docs/shmem.md).
 *
 * Failover (docs/failover.md): a region a group moves (`move-shmem`) is mapped at creation
 * into both VMs, so its stage-2 tables exist, and unmapped from the backup at boot; the
 * fence unmaps it from the primary (the TLBs of every pCPU invalidated before anything
 * is given to the backup), the promotion maps it into the backup again at the IPA the
 * backup lists, into tables that exist: nothing is allocated at run time. The memory
 * and its data stay where they are.
 *
 * Doorbell: RTV_HC_SHM_DOORBELL (hypercall.h; docs/hypercalls.md). A hypercall rather than
 * a trapped register: hvc_rtv costs 175 ns against mmio_emul_write's 297 ns of virtual time
 * (bench/results/2026-11-30.md), and it needs no MMIO window per VM. It is checked against
 * the caller's own view of its regions (a region it does not map, or a peer that does not,
 * is refused with a status, never a fault), then raises the peer's doorbell SPI (edge)
 * through virq_inject(): the peer VM's vGIC lock for a few list updates, and a kick of the
 * peer's pCPU, which the caller never waits for. The caller's cost is bounded: it walks at
 * most LIM_SHM_PER_VM regions and LIM_SHM_MAPS peers. A paused peer is rung (its vGIC
 * keeps the interrupt pending); a stopped or resetting one is not (-4): its vGIC starts
 * empty, and a VM reads its channels when it starts (docs/shmem.md "Reset protocol").
 */
#include <config.h>
#include <err.h>
#include <fdt.h>
#include <hypercall.h>
#include <lib.h>
#include <mm.h>
#include <printk.h>
#include <shell.h>
#include <vdev.h>
#include <virq.h>
#include <vm.h>

struct shm_region_state {
	u64 pa;            /* host-physical base once placed */
	bool placed;
};

struct shm_vm_state {
	u64 rung[CFG_MAX_VM_SHM];    /* doorbells this VM rang per region (all peers) */
	u64 refused;                 /* doorbell calls refused (bad region, bad peer) */
};

static struct shm_region_state regions[CFG_MAX_SHM];
static struct shm_vm_state vm_state[CFG_MAX_VMS];

/* The caller's entry for region id, or NULL if it does not map it. */
static const struct cfg_vm_shm *shm_of(const struct vm *vm, u64 region)
{
	for (u32 k = 0; k < vm->cfg->nr_shm; k++)
		if (vm->cfg->shm[k].region == region)
			return &vm->cfg->shm[k];
	return NULL;
}

static bool is_peer(const struct cfg_vm_shm *m, u64 peer)
{
	for (u32 n = 0; n < m->nr_peers; n++)
		if (m->peer_vm[n] == peer)
			return true;
	return false;
}

/* x1 = region id, x2 = peer VM id, both checked at their full 64-bit width. */
static void shmem_doorbell(struct vcpu *v)
{
	struct vm *vm = v->vm;
	u64 region = vcpu_reg(v, 1), peer = vcpu_reg(v, 2);
	const struct cfg_vm_shm *mine = shm_of(vm, region), *theirs;
	struct vm *p;

	if (!mine || peer >= nr_vms || !is_peer(mine, peer)) {
		__atomic_fetch_add(&vm_state[vm->id].refused, 1, __ATOMIC_RELAXED); /* statistics */
		vcpu_set_reg(v, 0, RTV_HC_INVALID);
		return;
	}
	p = &vms[peer];
	theirs = shm_of(p, region);
	if (!theirs || !p->created || (p->state != VM_RUNNING && p->state != VM_PAUSED)) {
		vcpu_set_reg(v, 0, RTV_HC_PEER_DOWN);
		return;
	}
	virq_inject(p, theirs->doorbell, 0);
	__atomic_fetch_add(&vm_state[vm->id].rung[mine - vm->cfg->shm], 1, __ATOMIC_RELAXED);
	vcpu_set_reg(v, 0, 0);
}

static int shmem_init(void)
{
	return hypercall_register(RTV_HC_SHM_DOORBELL, shmem_doorbell);
}

/* The region's memory, placed and zeroed once (the first VM that maps it). */
static int shmem_place(const struct cfg_vm_shm *m, char *msg, size_t len)
{
	struct shm_region_state *r = &regions[m->region];
	u64 pa = m->phys;

	if (r->placed)
		return 0;
	if (m->has_phys ? mm_reserve(pa, m->size) : mm_alloc(m->size, &pa)) {
		snprintf(msg, len, "shmem '%s': no free 0x%lx bytes of RAM%s", m->name, m->size,
			 m->has_phys ? " at phys" : "");
		return ERR_NOMEM;
	}
	memset((void *)(uintptr_t)pa, 0, m->size);
	arch_dcache_clean(pa, m->size);
	r->pa = pa;
	r->placed = true;
	return 0;
}

static int shmem_map(struct vm *vm, const struct cfg_vm_shm *m, char *msg, size_t len)
{
	u64 pa = regions[m->region].pa;
	int r = m->read_only ? vm_arch_map_ro(vm, m->ipa, pa, m->size)
			     : vm_arch_map(vm, m->ipa, pa, m->size, false);

	if (r) {
		snprintf(msg, len, "shmem '%s': stage-2 map failed (page-table pool full?)",
			 m->name);
		return r;
	}
	r = virq_assign(vm, m->doorbell, false);
	if (r)
		snprintf(msg, len, "shmem '%s': doorbell INTID %u: %s", m->name, m->doorbell,
			 err_name(r));
	return r;
}

static int shmem_vm_create(struct vm *vm, char *msg, size_t len)
{
	int r = 0;

	for (u32 k = 0; !r && k < vm->cfg->nr_shm; k++) {
		r = shmem_place(&vm->cfg->shm[k], msg, len);
		if (!r)
			r = shmem_map(vm, &vm->cfg->shm[k], msg, len);
	}
	return r;
}

/* Does group g move the region of map m? */
static bool shmem_moves(const struct cfg_failover *g, const struct cfg_vm_shm *m)
{
	return fdt_stringlist_has(g->move_shmem, (int)g->move_shmem_len, m->name);
}

static void shmem_fo_fence(struct vm *vm, const struct cfg_failover *g)
{
	for (u32 k = 0; k < vm->cfg->nr_shm; k++) {
		const struct cfg_vm_shm *m = &vm->cfg->shm[k];

		if (shmem_moves(g, m) && vm_arch_unmap(vm, m->ipa, m->size))
			printk("rtvisor: vm '%s': shmem '%s': stage-2 unmap failed\n",
			       vm->cfg->name, m->name); /* a range mapped at creation: never */
	}
}

/* Into the tables its mapping at creation left: nothing to allocate. */
static void shmem_fo_promote(struct vm *vm, const struct cfg_failover *g)
{
	for (u32 k = 0; k < vm->cfg->nr_shm; k++) {
		const struct cfg_vm_shm *m = &vm->cfg->shm[k];
		u64 pa = regions[m->region].pa;

		if (shmem_moves(g, m) &&
		    (m->read_only ? vm_arch_map_ro(vm, m->ipa, pa, m->size)
				  : vm_arch_map(vm, m->ipa, pa, m->size, false)))
			printk("rtvisor: vm '%s': shmem '%s': stage-2 map failed\n", vm->cfg->name,
			       m->name); /* its tables were made at creation: never */
	}
}

static const char *shmem_fo_moved_at(const struct vm *vm, const struct cfg_failover *g,
				     u64 ipa, const char **kind)
{
	*kind = "shmem";
	for (u32 k = 0; k < vm->cfg->nr_shm; k++) {
		const struct cfg_vm_shm *m = &vm->cfg->shm[k];

		if (ipa >= m->ipa && ipa - m->ipa < m->size && shmem_moves(g, m))
			return m->name;
	}
	return NULL;
}

static void shmem_show_vm(const struct vm *vm)
{
	const struct shm_vm_state *st = &vm_state[vm->id];

	for (u32 k = 0; k < vm->cfg->nr_shm; k++) {
		const struct cfg_vm_shm *m = &vm->cfg->shm[k];

		printk("  vm '%s' shmem '%s' id %u: ipa 0x%lx pa 0x%lx size 0x%lx %s doorbell %u "
		       "rung %lu\n", vm->cfg->name, m->name, m->region, m->ipa,
		       regions[m->region].pa, m->size, m->read_only ? "ro" : "rw", m->doorbell,
		       st->rung[k]);
	}
	if (vm->cfg->nr_shm)
		printk("  vm '%s' doorbells refused %lu\n", vm->cfg->name, st->refused);
}

static void shmem_show(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	for (u32 i = 0; i < nr_vms; i++)
		if (vms[i].created)
			shmem_show_vm(&vms[i]);
}

SHELL_CMD(shmem) = { "shmem", NULL, 0, 0, "shmem", shmem_show };

VDEV_UNIT(shmem, VDEV_STAGE_DEVICE) = {
	.name = "shmem",
	.init = shmem_init,
	.vm_create = shmem_vm_create,
	.fo_fence = shmem_fo_fence,
	.fo_promote = shmem_fo_promote,
	.fo_moved_at = shmem_fo_moved_at,
};
