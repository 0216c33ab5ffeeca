/*
 * The virtual ITS unit (docs/pci.md "MSI through the ITS"). Stage so far: it brings up
 * the physical ITS (its.c) and, when a VM is created, maps every event the scenario
 * reserves for the VM's PCI functions (msi-events) to a physical LPI. Events that
 * arrive before the VM's own ITS driver mapped them are counted and dropped.
 */
#include <arch/its.h>
#include <arch/vgic.h>
#include <err.h>
#include <lib.h>
#include <vdev.h>
#include <vm.h>

struct vits_vm {
	u64 dropped;   /* events that arrived without a mapping of the guest's */
};

static struct vits_vm vits[CFG_MAX_VMS];

static int vits_unit_init(void)
{
	return its_init();
}

static int vits_vm_create(struct vm *vm, char *msg, size_t len)
{
	const struct cfg_vm *cfg = vm->cfg;

	for (u32 k = 0; k < cfg->nr_pci; k++) {
		const struct cfg_pci *p = &cfg->pci[k];
		int r;

		if (!p->msi_events)
			continue;
		r = its_map_device(vm, k, cfg_pci_bdf(p), p->msi_events, vm->vcpus[0].pcpu);
		if (r) {
			snprintf(msg, len, "%s: msi-events cannot be mapped on the ITS (%s)",
				 p->name, r == ERR_NOENT ? "the machine has no usable ITS"
							 : err_name(r));
			return r;
		}
	}
	return 0;
}

void vits_msi(struct vm *vm, u32 fn, u32 event)
{
	(void)fn;
	(void)event;
	__atomic_fetch_add(&vits[vm->id].dropped, 1, __ATOMIC_RELAXED);
}

VDEV_UNIT(vits, VDEV_STAGE_IRQCHIP) = {
	.name = "vits",
	.init = vits_unit_init,
	.cpu_init = its_cpu_init,
	.vm_create = vits_vm_create,
};
