/*
 * Passthrough devices as a unit: a VM's `device` nodes (scenario) are mapped into
 * its stage 2 at their physical address (IPA = PA), and their interrupts are
 * forwarded: each SPI is routed to the pCPU of the VM's vCPU 0, priority-dropped
 * at EL2 and injected HW-mapped, so the guest's EOI deactivates it.
 */
#include <err.h>
#include <irq.h>
#include <lib.h>
#include <passthrough.h>
#include <vdev.h>
#include <virq.h>
#include <vm.h>

static void passthrough_irq(u32 intid, void *data)
{
	struct vm *vm = data;

	if (!vm || vm->state == VM_STOPPED || vm->state == VM_RESETTING) {
		arch_irq_enable(intid, false); /* nobody to take it: silence the line */
		arch_irq_deactivate(intid);
		return;
	}
	irq_count(STAT_IRQ_DEV);
	virq_inject(vm, intid, 0);
}

/* The guest enables it through its vGIC (HW-mapped SPIs mirror the enable). */
int passthrough_claim_irq(struct vm *vm, u32 intid)
{
	int r = virq_assign(vm, intid, true);

	if (!r)
		r = irq_register(intid, IRQ_GUEST, passthrough_irq, vm, false);
	if (!r)
		arch_irq_route(intid, vm->vcpus[0].pcpu);
	return r;
}

static int pt_create(struct vm *vm, char *msg, size_t len)
{
	for (u32 i = 0; i < vm->cfg->nr_devs; i++) {
		const struct cfg_dev *d = &vm->cfg->devs[i];
		int r = vm_arch_map(vm, d->base, d->base, d->size, true);

		if (r) {
			snprintf(msg, len, "%s: stage-2 map failed (%s: page-table pool full?)",
				 d->name, err_name(r));
			return r;
		}
		for (u32 k = 0; k < d->nr_irqs; k++) {
			r = passthrough_claim_irq(vm, d->irqs[k]);
			if (r) {
				snprintf(msg, len, "%s: interrupt %u unavailable (%s)", d->name,
					 d->irqs[k], err_name(r));
				return r;
			}
		}
	}
	return 0;
}

void passthrough_quiet_irq(struct vm *vm, u32 intid)
{
	if (irq_data(intid) != vm)
		return; /* never claimed (creation failed first) or someone else's */
	arch_irq_enable(intid, false);
	arch_irq_set_active(intid, false);
}

int passthrough_reserve_irq(struct vm *vm, u32 intid)
{
	return virq_assign(vm, intid, false);
}

void passthrough_release_irq(struct vm *vm, u32 intid)
{
	if (irq_data(intid) != vm)
		return; /* never vm's (its group's backup at boot) */
	passthrough_quiet_irq(vm, intid);
	virq_set_hw(vm, intid, false);
	irq_set_data(intid, NULL); /* nobody's until the promotion: it stays disabled */
}

void passthrough_take_irq(struct vm *vm, u32 intid)
{
	irq_set_data(intid, vm);
	virq_set_hw(vm, intid, true);
}

/* Stopped (or never created): its interrupts stay disabled until it starts again. */
static void pt_stop(struct vm *vm)
{
	for (u32 i = 0; i < vm->cfg->nr_devs; i++) {
		const struct cfg_dev *d = &vm->cfg->devs[i];

		for (u32 k = 0; k < d->nr_irqs; k++)
			passthrough_quiet_irq(vm, d->irqs[k]);
	}
}

VDEV_UNIT(passthrough, VDEV_STAGE_DEVICE) = {
	.name = "passthrough",
	.vm_create = pt_create,
	.vm_stop = pt_stop,
};
