/*
 * Rules of exit-less mode (docs/architecture.md "Exit-less mode"): the VM's physical
 * interrupts are taken at its own EL1 (HCR_EL2.IMO = 0), so nothing can be injected
 * into it through list registers. What the VM has must therefore either be a physical
 * interrupt of its own pCPU (the virtual timer, passthrough SPIs) or need no interrupt.
 */
#include <config_err.h>
#include <config_exitless.h>
#include <lib.h>

/* Is VM i's pool a bind pool (no /pools: the default pool binds)? */
static bool in_bind_pool(const struct scenario *s, const struct cfg_vm *vm)
{
	for (u32 p = 0; p < s->nr_pools; p++)
		if (strcmp(s->pools[p].name, vm->pool) == 0)
			return !s->pools[p].dynamic;
	return true;
}

/* What the VM has that needs an injected interrupt or the vCPU's traps: a name, or NULL. */
static const char *needs_injection(const struct cfg_vm *vm)
{
	if (vm->nr_virtio)
		return "virtio devices (their used-ring interrupt is injected)";
	if (vm->nr_shm)
		return "shared regions (their doorbells are injected)";
	if (vm->has_wdog)
		return "watchdog (its WS0 interrupt is injected)";
	for (u32 k = 0; k < vm->nr_pci && k < CFG_MAX_PCI; k++)
		if (vm->pci[k].msi_events)
			return "MSI events (their LPIs are translated and injected by the virtual ITS)";
	if (vm->debug || vm->nr_gdb_pci)
		return "debug and gdb-pci (the stubs stop the vCPU with list registers and traps)";
	return NULL;
}

int config_check_exitless(const struct scenario *s, u32 i, const struct cfg_limits *l,
			  struct cfg_error *e)
{
	const struct cfg_vm *vm = &s->vms[i];
	const char *what;

	(void)l;
	if (!vm->exitless)
		return 0;
	if (!in_bind_pool(s, vm))
		return cfg_err(e, vm->name, "exitless: needs a bind pool (each vCPU owns its pCPU)");
	if (vm->nr_vcpus != 1)
		return cfg_err(e, vm->name, "exitless: one vCPU only (not yet: SGIs between "
			       "exit-less vCPUs)");
	if (vm->vcpu_pcpu[0] == 0)
		return cfg_err(e, vm->name, "exitless: not on pCPU 0 (it boots and may keep house)");
	what = needs_injection(vm);
	if (what)
		return cfg_err(e, vm->name, "exitless: no %s", what);
	return 0;
}
