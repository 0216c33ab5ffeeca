/*
 * The vGICv3 as a unit: set-up and reset for a VM and its vCPUs, its two MMIO
 * windows (distributor, redistributors) at the platform's addresses, and the
 * maintenance interrupt (IHI 0069 4.8 "Maintenance interrupts").
 */
#include <arch/gicv3.h>
#include <arch/vgic.h>
#include <cpu.h>
#include <err.h>
#include <irq.h>
#include <lib.h>
#include <platform_info.h>
#include <vdev.h>
#include <vm.h>

static void vgic_vm_reset(struct vm *vm)
{
	vm->arch.vgic.ctlr = 0;
	memset(vm->arch.vgic.lpi, 0, sizeof(vm->arch.vgic.lpi)); /* its vITS maps them again */
	for (u32 i = 0; i < VGIC_NR_SPIS; i++) {
		struct virq *q = &vm->arch.vgic.spi[i];
		bool owned = q->owned, hw = q->hw;

		memset(q, 0, sizeof(*q));
		q->owned = owned;
		q->hw = hw;
		if (hw)
			arch_irq_enable(i + 32, false);
	}
}

static int vgic_vm_create(struct vm *vm, char *msg, size_t len)
{
	int r;

	vgic_vm_reset(vm);
	r = mmio_register(&vm->mmio, plat.gicd_base, 0x10000, vgicd_mmio, vm);
	if (!r)
		r = mmio_register(&vm->mmio, plat.gicr_base, (u64)vm->nr_vcpus * GICR_FRAME_SIZE,
				  vgicr_mmio, vm);
	if (r)
		snprintf(msg, len, "vGIC: MMIO windows cannot be registered (%s)", err_name(r));
	return r;
}

static u32 vgic_windows(const struct cfg_vm *cfg)
{
	(void)cfg;
	return 2;
}

/* The guest completed list registers that asked for it: read them back (this pCPU). */
static void maintenance_irq(u32 intid, void *data)
{
	(void)intid;
	(void)data;
	if (cpu()->sched.current)
		vgic_maintenance(cpu()->sched.current);
}

static int vgic_unit_init(void)
{
	return irq_register(plat.gic_maint_intid, IRQ_HYP, maintenance_irq, NULL, true);
}

VDEV_UNIT(vgic, VDEV_STAGE_IRQCHIP) = {
	.name = "vgic",
	.init = vgic_unit_init,
	.cpu_init = vgic_cpu_hw_init,
	.mmio_windows = vgic_windows,
	.vm_create = vgic_vm_create,
	.vm_reset = vgic_vm_reset,
};

void vgic_vcpu_reset(struct vcpu *v)
{
	memset(&v->arch.vgic, 0, sizeof(v->arch.vgic));
	memset(&v->arch.gich, 0, sizeof(v->arch.gich));
	v->arch.vgic.waker = GICR_WAKER_PS;
	for (u32 i = 0; i < VGIC_NR_PRIVATE; i++)
		v->arch.vgic.priv[i].owner = v->id;
	for (u32 i = 0; i < 16; i++)
		v->arch.vgic.priv[i].edge = true;
	v->arch.vgic.priv[plat.timer_intid_virt].hw = true;
}

void virq_set_hw(struct vm *vm, u32 intid, bool hw)
{
	struct virq *q;

	if (intid < 32 || intid > VGIC_MAX_INTID)
		return;
	q = &vm->arch.vgic.spi[intid - 32];
	spin_lock(&vm->arch.vgic.lock);
	if (q->owned) {
		q->hw = hw;
		if (hw) {
			arch_irq_route(intid, vm->vcpus[q->target].pcpu);
			arch_irq_enable(intid, q->enabled);
		}
	}
	spin_unlock(&vm->arch.vgic.lock);
}

int virq_assign(struct vm *vm, u32 intid, bool hw)
{
	struct virq *q;

	if (intid < 32 || intid > VGIC_MAX_INTID)
		return ERR_RANGE;
	q = &vm->arch.vgic.spi[intid - 32];
	if (!q->owned) {
		if (vm->arch.vgic.nr_owned == VGIC_MAX_OWNED)
			return ERR_FULL;
		vm->arch.vgic.owned[vm->arch.vgic.nr_owned++] = (u16)intid;
	}
	q->owned = true;
	q->hw = hw;
	return 0;
}
