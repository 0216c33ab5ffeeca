/*
 * Scenario rules for shared memory between VMs (/shmem; docs/shmem.md, docs/config.md).
 *
 * config_parse() has already tied every map to a VM of the scenario and given each VM its
 * view of the regions it maps (cfg_vm.shm[]), with doorbells allocated where none was
 * given. Here: a VM's view against everything else in its guest-physical space and its
 * interrupts (config_check_vm_shm, as one more item of the VM), then the regions
 * themselves against the machine's RAM, the hypervisor, fixed VM memory and each other
 * (config_check_shm, after every VM). As elsewhere, the later party reports a conflict.
 */
#include <config.h>
#include <config_err.h>
#include <config_range.h>
#include <config_wdog.h>
#include <lib.h>

#define X(v) ((unsigned long long)(v))
#define INTID_SPI_MIN 32U

/* ---- one VM's view of a region ---- */

/* The region itself: named, mapped by 1..CFG_MAX_SHM_MAPS VMs, whole pages. */
static int shm_shape(const struct cfg_shm *r, struct cfg_error *e)
{
	if (!cfg_name_ok(r->name))
		return cfg_err(e, NULL, "shmem: invalid region name");
	if (r->nr_maps == 0 || r->nr_maps > CFG_MAX_SHM_MAPS)
		return cfg_err(e, NULL, "shmem '%s': 1 to %u VMs must map it", r->name,
			       (unsigned)CFG_MAX_SHM_MAPS);
	if (r->size == 0 || !IS_ALIGNED(r->size, SZ_4K) || !range_ok(0, r->size))
		return cfg_err(e, NULL, "shmem '%s'.size: 0x%llx is not a non-zero multiple of "
			       "4 KiB", r->name, X(r->size));
	return 0;
}


static int vm_shm_shape(const struct scenario *s, const struct cfg_vm *vm,
			const struct cfg_vm_shm *m, struct cfg_error *e)
{
	int err;

	if (m->region >= s->nr_shm || strcmp(s->shm[m->region].name, m->name) != 0 ||
	    m->size != s->shm[m->region].size)
		return cfg_err(e, vm->name, "shmem '%s': not a region of the scenario", m->name);
	err = shm_shape(&s->shm[m->region], e); /* its own message, before the VM's view */
	if (err)
		return err;
	if (m->size == 0 || !IS_ALIGNED(m->size, SZ_4K) || !IS_ALIGNED(m->ipa, SZ_4K))
		return cfg_err(e, vm->name, "shmem '%s'.ipa: ipa and size must be non-zero "
			       "multiples of 4 KiB (0x%llx, 0x%llx)", m->name, X(m->ipa), X(m->size));
	if (!range_ok(m->ipa, m->size) || !in_ipa_space(m->ipa, m->size))
		return cfg_err(e, vm->name, "shmem '%s'.ipa: [0x%llx, +0x%llx) beyond the %u-bit "
			       "guest-physical space", m->name, X(m->ipa), X(m->size),
			       (unsigned)LIM_IPA_BITS);
	return 0;
}

/* The emulated GIC, the console, the paravirtual pages, the PCI host bridge's windows
 * (IPA = PA), its virtio devices' register pages. */
static int vm_shm_platform(const struct cfg_vm *vm, const struct cfg_vm_shm *m,
			   const struct cfg_limits *l, struct cfg_error *e)
{
	const char *what = NULL;

	if (overlaps(m->ipa, m->size, l->gic_base, l->gic_size))
		what = "the emulated GIC";
	else if (vm->console && overlaps(m->ipa, m->size, l->uart_base, l->uart_size))
		what = "the console UART";
	else if (vm->scmi && overlaps(m->ipa, m->size, CFG_PV_IPA, CFG_PV_SIZE))
		what = "the SCMI shared memory";
	else if (vm->pv_time && overlaps(m->ipa, m->size, CFG_PVTIME_IPA, CFG_PV_SIZE))
		what = "the stolen-time records";
	else if (vm->nr_pci && pci_host_covers(l->pci, m->ipa, m->size))
		what = "the PCI host bridge";
	else if (config_wdog_overlaps(vm, m->ipa, m->size))
		what = "the watchdog's frames";
	for (u32 n = 0; !what && n < vm->nr_virtio && n < CFG_MAX_VIRTIO; n++)
		if (overlaps(m->ipa, m->size, vm->virtio[n].base, vm->virtio[n].size))
			what = vm->virtio[n].name;
	if (what)
		return cfg_err(e, vm->name, "shmem '%s'.ipa: [0x%llx, 0x%llx) overlaps %s", m->name,
			       X(m->ipa), X(m->ipa + m->size), what);
	return 0;
}

/* Its memory, its devices (IPA == PA) and the regions it mapped before. */
static int vm_shm_ipa_unique(const struct cfg_vm *vm, u32 k, struct cfg_error *e)
{
	const struct cfg_vm_shm *m = &vm->shm[k];

	for (u32 n = 0; n < vm->nr_mem; n++)
		if (overlaps(m->ipa, m->size, vm->mem[n].ipa, vm->mem[n].size))
			return cfg_err(e, vm->name, "shmem '%s'.ipa: overlaps memory@%llx", m->name,
				       X(vm->mem[n].ipa));
	for (u32 n = 0; n < vm->nr_devs; n++)
		if (overlaps(m->ipa, m->size, vm->devs[n].base, vm->devs[n].size))
			return cfg_err(e, vm->name, "shmem '%s'.ipa: overlaps %s", m->name,
				       vm->devs[n].name);
	for (u32 n = 0; n < k; n++)
		if (overlaps(m->ipa, m->size, vm->shm[n].ipa, vm->shm[n].size))
			return cfg_err(e, vm->name, "shmem '%s'.ipa: overlaps shmem '%s'", m->name,
				       vm->shm[n].name);
	return 0;
}

/* Its doorbell: an SPI the vGIC shows, not the console's, none of the VM's devices' (nor
 * a PCI INTx line if it owns PCI functions, nor a virtio device's) and not the doorbell
 * of another region. */
static int vm_shm_doorbell(const struct cfg_vm *vm, u32 k, const struct cfg_limits *l,
			   struct cfg_error *e)
{
	const struct cfg_vm_shm *m = &vm->shm[k];
	u32 irq = m->doorbell;

	if (irq < INTID_SPI_MIN || irq > LIM_VGIC_MAX_INTID)
		return cfg_err(e, vm->name, "shmem '%s'.doorbell: INTID %u is not an SPI the vGIC "
			       "shows (32..%u)", m->name, irq, (unsigned)LIM_VGIC_MAX_INTID);
	if (vm->console && l->uart_intid != 0 && irq == l->uart_intid)
		return cfg_err(e, vm->name, "shmem '%s'.doorbell: INTID %u is the console's", m->name,
			       irq);
	for (u32 n = 0; n < vm->nr_devs; n++)
		for (u32 q = 0; q < vm->devs[n].nr_irqs; q++)
			if (vm->devs[n].irqs[q] == irq)
				return cfg_err(e, vm->name, "shmem '%s'.doorbell: INTID %u is %s's "
					       "interrupt", m->name, irq, vm->devs[n].name);
	if (vm->nr_pci && pci_host_is_line(l->pci, irq))
		return cfg_err(e, vm->name, "shmem '%s'.doorbell: INTID %u is a PCI INTx line",
			       m->name, irq);
	for (u32 n = 0; n < vm->nr_virtio && n < CFG_MAX_VIRTIO; n++)
		if (vm->virtio[n].irq == irq)
			return cfg_err(e, vm->name, "shmem '%s'.doorbell: INTID %u is %s's interrupt",
				       m->name, irq, vm->virtio[n].name);
	for (u32 n = 0; n < k; n++)
		if (vm->shm[n].doorbell == irq)
			return cfg_err(e, vm->name, "shmem '%s'.doorbell: INTID %u is the doorbell of "
				       "shmem '%s'", m->name, irq, vm->shm[n].name);
	return 0;
}

int config_check_vm_shm(const struct scenario *s, u32 i, u32 k, const struct cfg_limits *l,
			struct cfg_error *e)
{
	const struct cfg_vm *vm = &s->vms[i];
	int err = vm_shm_shape(s, vm, &vm->shm[k], e);

	if (!err)
		err = vm_shm_platform(vm, &vm->shm[k], l, e);
	if (!err)
		err = vm_shm_ipa_unique(vm, k, e);
	return err ? err : vm_shm_doorbell(vm, k, l, e);
}

/* ---- the regions ---- */

/* A fixed base: 4 KiB aligned, in RAM, clear of the hypervisor. */
static int shm_phys_platform(const struct cfg_shm *r, const struct cfg_limits *l,
			     struct cfg_error *e)
{
	if (!IS_ALIGNED(r->phys, SZ_4K))
		return cfg_err(e, NULL, "shmem '%s'.phys: 0x%llx is not 4 KiB aligned", r->name,
			       X(r->phys));
	if (!range_ok(r->phys, r->size) || !inside(r->phys, r->size, l->ram_base, l->ram_size))
		return cfg_err(e, NULL, "shmem '%s'.phys: [0x%llx, +0x%llx) outside RAM [0x%llx, "
			       "0x%llx)", r->name, X(r->phys), X(r->size), X(l->ram_base),
			       X(l->ram_base + l->ram_size));
	if (overlaps(r->phys, r->size, l->hv_base, l->hv_size))
		return cfg_err(e, NULL, "shmem '%s'.phys: [0x%llx, 0x%llx) overlaps the hypervisor",
			       r->name, X(r->phys), X(r->phys + r->size));
	return 0;
}

/* Fixed VM memory anywhere and the fixed regions before it. */
static int shm_phys_unique(const struct scenario *s, u32 ri, struct cfg_error *e)
{
	const struct cfg_shm *r = &s->shm[ri];

	for (u32 j = 0; j < s->nr_vms; j++)
		for (u32 n = 0; n < s->vms[j].nr_mem; n++) {
			const struct cfg_mem *m = &s->vms[j].mem[n];

			if (m->has_phys && overlaps(r->phys, r->size, m->phys, m->size))
				return cfg_err(e, NULL, "shmem '%s'.phys: overlaps vm '%s' "
					       "memory@%llx", r->name, s->vms[j].name, X(m->ipa));
		}
	for (u32 n = 0; n < ri; n++)
		if (s->shm[n].has_phys &&
		    overlaps(r->phys, r->size, s->shm[n].phys, s->shm[n].size))
			return cfg_err(e, NULL, "shmem '%s'.phys: overlaps shmem '%s'", r->name,
				       s->shm[n].name);
	return 0;
}

/* A VM maps a region at most once (dtc refuses two nodes of one name; a scenario built
 * in memory might not). */
static int shm_maps_unique(const struct cfg_shm *r, struct cfg_error *e)
{
	for (u32 k = 0; k < r->nr_maps; k++)
		for (u32 n = 0; n < k; n++)
			if (strcmp(r->maps[k].vm, r->maps[n].vm) == 0)
				return cfg_err(e, NULL, "shmem '%s': vm '%s' maps it twice", r->name,
					       r->maps[k].vm);
	return 0;
}

static int shm_region(const struct scenario *s, u32 ri, const struct cfg_limits *l,
		      struct cfg_error *e)
{
	const struct cfg_shm *r = &s->shm[ri];
	int err = shm_shape(r, e);

	for (u32 n = 0; !err && n < ri; n++)
		if (strcmp(s->shm[n].name, r->name) == 0)
			err = cfg_err(e, NULL, "shmem '%s': duplicate region name", r->name);
	if (!err)
		err = shm_maps_unique(r, e);
	if (!err && r->has_phys)
		err = shm_phys_platform(r, l, e);
	if (!err && r->has_phys)
		err = shm_phys_unique(s, ri, e);
	return err;
}

/* The VMs' RAM and the regions together, against RAM beside the hypervisor. */
static int shm_ram_total(const struct scenario *s, const struct cfg_limits *l,
			 struct cfg_error *e)
{
	u64 avail = l->ram_size - overlap_size(l->hv_base, l->hv_size, l->ram_base, l->ram_size);
	u64 need = 0, add;

	for (u32 j = 0; j < s->nr_vms; j++)
		for (u32 k = 0; k < s->vms[j].nr_mem; k++) {
			add = s->vms[j].mem[k].size;
			need = add > ~(u64)0 - need ? ~(u64)0 : need + add;
		}
	for (u32 r = 0; r < s->nr_shm; r++) {
		add = s->shm[r].size;
		need = add > ~(u64)0 - need ? ~(u64)0 : need + add;
	}
	if (need > avail)
		return cfg_err(e, NULL, "shmem: the VMs and the shared regions need 0x%llx bytes of "
			       "RAM, 0x%llx are left beside the hypervisor", X(need), X(avail));
	return 0;
}

int config_check_shm(const struct scenario *s, const struct cfg_limits *l, struct cfg_error *e)
{
	int err = 0;

	if (s->nr_shm > CFG_MAX_SHM)
		return cfg_err(e, NULL, "too many shared regions (max %u)", (unsigned)CFG_MAX_SHM);
	for (u32 r = 0; !err && r < s->nr_shm; r++)
		err = shm_region(s, r, l, e);
	return err ? err : shm_ram_total(s, l, e);
}
