/*
 * The vGIC's state of a stopped VM for the shell (debug.h `gic`): distributor control,
 * every interrupt that is enabled, pending or in a list register (priority, group,
 * target, HW backing), and each vCPU's list registers as saved when its pCPU put it
 * (ICH_LR<n>_EL2 fields: IHI 0069, ICH_LR<n>_EL2 description).
 */
#include <arch/sysregs.h>
#include <arch/vgic.h>
#include <debug.h>
#include <lib.h>
#include <printk.h>
#include <vm.h>

static bool interesting(const struct virq *q)
{
	return q->enabled || q->pending || q->in_lr || q->level;
}

static void print_irq(u32 intid, const struct virq *q, const char *where)
{
	printk("  %-4u %-6s prio %02x grp%u %s%s%s%s%s\n", intid, where, q->priority,
	       q->group1 ? 1 : 0, q->enabled ? "enabled " : "disabled ",
	       q->pending ? "pending " : "", q->in_lr ? "in-LR " : "", q->hw ? "hw " : "",
	       q->edge ? "edge" : "level");
}

static const char *lr_state(u64 lr)
{
	static const char *const names[4] = { "invalid", "pending", "active", "pending+active" };

	return names[(lr >> ICH_LR_STATE_SHIFT) & 3];
}

static void print_lrs(const struct vcpu *v)
{
	for (u32 i = 0; i < VGIC_MAX_LRS; i++) {
		u64 lr = v->arch.gich.lr[i];

		if (lr >> ICH_LR_STATE_SHIFT)
			printk("  vcpu%u LR%u %016lx vINTID %lu prio %02lx %s%s\n", v->id, i, lr,
			       (u64)(lr & ICH_LR_VINTID_MASK), (u64)((lr >> ICH_LR_PRIO_SHIFT) & 0xff), lr_state(lr),
			       lr & ICH_LR_HW ? " hw" : "");
	}
}

void arch_debug_virq(const struct vm *vm)
{
	const struct vgic_dist *d = &vm->arch.vgic;

	printk("vgic: GICD_CTLR %x, %u owned SPIs\n", d->ctlr, d->nr_owned);
	for (u32 i = 0; i < vm->nr_vcpus; i++) {
		const struct vcpu *v = &vm->vcpus[i];
		char where[8];

		snprintf(where, sizeof(where), "vcpu%u", i);
		for (u32 k = 0; k < VGIC_NR_PRIVATE; k++)
			if (interesting(&v->arch.vgic.priv[k]))
				print_irq(k, &v->arch.vgic.priv[k], where);
	}
	for (u32 k = 0; k < d->nr_owned; k++) {
		const struct virq *q = &d->spi[d->owned[k] - 32];
		char where[8];

		snprintf(where, sizeof(where), "->%u", q->target);
		print_irq(d->owned[k], q, where);
	}
	for (u32 i = 0; i < vm->nr_vcpus; i++)
		print_lrs(&vm->vcpus[i]);
}
