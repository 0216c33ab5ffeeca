/*
 * Rules of a VM's SBSA generic watchdog (`watchdog-irq`, `watchdog-action`; docs/config.md,
 * vdev/sbsa_wdog.c). The device is emulated: its two frames are IPAs of the VM at fixed
 * addresses (CFG_WDOG_CTRL_IPA, CFG_WDOG_REFRESH_IPA) that nothing backs, and its WS0
 * signal is a virtual SPI. So it only has to fit the VM's own map: no memory, device or
 * virtio page of the VM on its frames (shared regions: config_shm.c asks
 * config_wdog_overlaps), and an SPI of the vGIC that no other interrupt of the VM uses.
 */
#include <config_err.h>
#include <config_wdog.h>
#include <lib.h>
#include <pci_host.h>

#define INTID_SPI_MIN 32U
#define X(v) ((unsigned long long)(v))

static bool overlaps(u64 b1, u64 s1, u64 b2, u64 s2)
{
	return b1 < b2 + s2 && b2 < b1 + s1;
}

bool config_wdog_overlaps(const struct cfg_vm *vm, u64 base, u64 size)
{
	return vm->has_wdog && (overlaps(base, size, CFG_WDOG_CTRL_IPA, CFG_WDOG_FRAME) ||
				overlaps(base, size, CFG_WDOG_REFRESH_IPA, CFG_WDOG_FRAME));
}

/* What of the VM lies on a watchdog frame: a name, or NULL. */
static const char *frame_user(const struct cfg_vm *vm)
{
	for (u32 n = 0; n < vm->nr_mem && n < CFG_MAX_MEM; n++)
		if (config_wdog_overlaps(vm, vm->mem[n].ipa, vm->mem[n].size))
			return "its memory";
	for (u32 n = 0; n < vm->nr_devs && n < CFG_MAX_DEVS; n++)
		if (config_wdog_overlaps(vm, vm->devs[n].base, vm->devs[n].size))
			return vm->devs[n].name;
	for (u32 n = 0; n < vm->nr_virtio && n < CFG_MAX_VIRTIO; n++)
		if (config_wdog_overlaps(vm, vm->virtio[n].base, vm->virtio[n].size))
			return vm->virtio[n].name;
	return NULL;
}

/* Which other interrupt of the VM is INTID irq: a name, or NULL. */
static const char *irq_user(const struct cfg_vm *vm, u32 irq, const struct cfg_limits *l)
{
	if (vm->console && l->uart_intid != 0 && irq == l->uart_intid)
		return "the UART";
	for (u32 n = 0; n < vm->nr_devs && n < CFG_MAX_DEVS; n++)
		for (u32 q = 0; q < vm->devs[n].nr_irqs && q < CFG_MAX_IRQS; q++)
			if (vm->devs[n].irqs[q] == irq)
				return vm->devs[n].name;
	for (u32 n = 0; n < vm->nr_virtio && n < CFG_MAX_VIRTIO; n++)
		if (vm->virtio[n].irq == irq)
			return vm->virtio[n].name;
	for (u32 n = 0; n < vm->nr_shm && n < CFG_MAX_VM_SHM; n++)
		if (vm->shm[n].doorbell == irq)
			return "a shared region's doorbell";
	if (vm->nr_pci && pci_host_is_line(l->pci, irq))
		return "a PCI INTx line";
	return NULL;
}

static bool pcpu_in_dynamic_pool(const struct scenario *s, u32 c)
{
	for (u32 p = 0; p < s->nr_pools && p < CFG_MAX_POOLS; p++)
		if (s->pools[p].dynamic && (s->pools[p].cpus >> c & 1))
			return true;
	return false;
}

static bool pcpu_has_vcpu(const struct scenario *s, u32 c)
{
	for (u32 v = 0; v < s->nr_vms && v < CFG_MAX_VMS; v++)
		for (u32 k = 0; k < s->vms[v].nr_vcpus && k < CFG_MAX_VCPUS; k++)
			if (s->vms[v].vcpu_pcpu[k] == c)
				return true;
	return false;
}

/*
 * The watchdogs are timed by the housekeeping pCPU (core/console/housekeep.c chooses a pCPU
 * of a dynamic pool, else one with no vCPU). When every pCPU runs a bound vCPU there is
 * none: the housekeeper would be a bind pCPU, which arms no timer for others' work, and
 * no watchdog would ever expire. Refused rather than silently never firing.
 */
static bool has_housekeeper(const struct scenario *s, const struct cfg_limits *l)
{
	for (u32 c = 0; c < l->nr_pcpus && c < 64; c++)
		if (pcpu_in_dynamic_pool(s, c) || !pcpu_has_vcpu(s, c))
			return true;
	return false;
}

int config_check_wdog(const struct scenario *s, u32 i, const struct cfg_limits *l,
		      struct cfg_error *e)
{
	const struct cfg_vm *vm = &s->vms[i];
	const char *who;

	if (!vm->has_wdog)
		return vm->has_wdog_action ? cfg_err(e, vm->name, "watchdog-action: only with "
						     "watchdog-irq") : 0;
	if (vm->wdog_irq < INTID_SPI_MIN || vm->wdog_irq > LIM_VGIC_MAX_INTID)
		return cfg_err(e, vm->name, "watchdog-irq: INTID %u is not an SPI of the vGIC "
			       "(32..%u)", vm->wdog_irq, (unsigned)LIM_VGIC_MAX_INTID);
	if (!has_housekeeper(s, l))
		return cfg_err(e, vm->name, "watchdog-irq: every pCPU runs a bound vCPU, so no "
			       "housekeeping pCPU would time the watchdog (give the scenario a "
			       "dynamic pool or a pCPU without vCPUs)");
	who = irq_user(vm, vm->wdog_irq, l);
	if (who)
		return cfg_err(e, vm->name, "watchdog-irq: INTID %u is %s's too", vm->wdog_irq, who);
	who = frame_user(vm);
	if (who)
		return cfg_err(e, vm->name, "watchdog: its frames at 0x%llx and 0x%llx overlap %s",
			       X(CFG_WDOG_CTRL_IPA), X(CFG_WDOG_REFRESH_IPA), who);
	return 0;
}
