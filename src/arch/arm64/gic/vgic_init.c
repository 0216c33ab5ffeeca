/* vGICv3 set-up and reset for a VM and its vCPUs. */
#include <arch/gicv3.h>
#include <lib.h>
#include <platform_info.h>
#include <vm.h>

void vgic_vm_reset(struct vm *vm)
{
	vm->vgic.ctlr = 0;
	for (u32 i = 0; i < VGIC_NR_SPIS; i++) {
		struct virq *q = &vm->vgic.spi[i];
		bool owned = q->owned, hw = q->hw;

		memset(q, 0, sizeof(*q));
		q->owned = owned;
		q->hw = hw;
		if (hw)
			gicv3_enable(i + 32, false);
	}
}

int vgic_vm_init(struct vm *vm)
{
	vgic_vm_reset(vm);
	if (mmio_register(&vm->mmio, plat.gicd_base, 0x10000, vgicd_mmio, vm))
		return -1;
	return mmio_register(&vm->mmio, plat.gicr_base, (u64)vm->nr_vcpus * GICR_FRAME_SIZE,
			     vgicr_mmio, vm);
}

void vgic_vcpu_reset(struct vcpu *v)
{
	memset(&v->vgic, 0, sizeof(v->vgic));
	memset(&v->gich, 0, sizeof(v->gich));
	v->vgic.waker = GICR_WAKER_PS;
	for (u32 i = 0; i < VGIC_NR_PRIVATE; i++)
		v->vgic.priv[i].owner = v->id;
	for (u32 i = 0; i < 16; i++)
		v->vgic.priv[i].edge = true;
	v->vgic.priv[plat.timer_intid_virt].hw = true;
}

int vgic_assign_spi(struct vm *vm, u32 intid, bool hw)
{
	struct virq *q;

	if (intid < 32 || intid > VGIC_MAX_INTID)
		return -1;
	q = &vm->vgic.spi[intid - 32];
	if (!q->owned) {
		if (vm->vgic.nr_owned == VGIC_MAX_OWNED)
			return -1;
		vm->vgic.owned[vm->vgic.nr_owned++] = (u16)intid;
	}
	q->owned = true;
	q->hw = hw;
	return 0;
}
