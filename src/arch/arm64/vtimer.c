/*
 * The virtual timer (Arm ARM D11.2.4 "The virtual timer", CNTV_*_EL0). A guest
 * programs the EL1 virtual timer itself; its PPI is owned by the vCPU loaded on
 * the pCPU and delivered HW-mapped, so the guest's deactivation reaches the GIC.
 * A unit: it registers the PPI; the vCPU context switch calls vtimer_save/restore.
 */
#include <arch/sysregs.h>
#include <arch/vtimer.h>
#include <cpu.h>
#include <irq.h>
#include <platform_info.h>
#include <vdev.h>
#include <virq.h>
#include <vm.h>

#define CNTV_CTL_IMASK BIT(1)

/* The timer fired for the vCPU loaded here: deliver it, or mask it if nobody runs. */
static void vtimer_irq(u32 intid, void *data)
{
	struct vcpu *v = cpu()->sched.current;
	enum vm_state st = v ? v->vm->state : VM_STOPPED;

	(void)data;
	if (!v || v->needs_load || st == VM_STOPPED || st == VM_RESETTING) {
		write_sysreg(cntv_ctl_el0, CNTV_CTL_IMASK);
		arch_irq_deactivate(intid);
		return;
	}
	irq_count(STAT_IRQ_TIMER);
	virq_inject_loaded(v, intid);
}

/* Enabled per pCPU when a VM is loaded there (vm_arch_load). */
static int vtimer_init(void)
{
	return irq_register(plat.timer_intid_virt, IRQ_GUEST, vtimer_irq, NULL, false);
}

VDEV_UNIT(vtimer, VDEV_STAGE_CPU) = {
	.name = "vtimer",
	.init = vtimer_init,
};

/*
 * The HW-mapped virtual timer interrupt may be active (the guest has not yet
 * deactivated it) when its vCPU is switched out: keep that state with the vCPU,
 * so the next vCPU's timer can fire on this pCPU, and restore it on reload.
 */
bool vtimer_save(void)
{
	bool active = arch_irq_is_active(plat.timer_intid_virt);

	if (active)
		arch_irq_set_active(plat.timer_intid_virt, false);
	return active;
}

void vtimer_restore(bool active)
{
	arch_irq_set_active(plat.timer_intid_virt, active);
}

/* The vCPU's VM stopped or is resetting: its timer must not fire on this pCPU. */
void vtimer_silence(void)
{
	write_sysreg(cntv_ctl_el0, 0);
	isb();
	arch_irq_set_active(plat.timer_intid_virt, false);
}
