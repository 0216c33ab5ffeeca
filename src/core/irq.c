/*
 * Physical interrupts. Everything is taken at EL2 (HCR_EL2.IMO). Guest-owned
 * interrupts (the virtual timer PPI, passthrough SPIs) are priority-dropped
 * here and injected HW-mapped, so the guest's EOI deactivates the physical
 * interrupt; the hypervisor's own interrupts are completed here.
 */
#include <cpu.h>
#include <arch/gicv3.h>
#include <housekeep.h>
#include <irq.h>
#include <pl011.h>
#include <platform_info.h>
#include <printk.h>
#include <vm.h>

#define NR_INTIDS 1020

static struct vm *spi_owner[NR_INTIDS];

void irq_init(void)
{
	gicv3_init(plat.gicd_base, plat.gicr_base, plat.gicr_size);
	gicv3_set_priority(plat.uart_intid, GIC_PRIO_HYP);
	gicv3_route_spi(plat.uart_intid, cpus[0].mpidr);
	gicv3_enable(plat.uart_intid, true);
	pl011_enable_rx_irq();
}

void irq_cpu_init(void)
{
	gicv3_set_priority(GIC_SGI_KICK, GIC_PRIO_HYP);
	gicv3_enable(GIC_SGI_KICK, true);
	gicv3_set_priority(plat.gic_maint_intid, GIC_PRIO_HYP);
	gicv3_enable(plat.gic_maint_intid, true);
	gicv3_set_priority(plat.timer_intid_virt, GIC_PRIO_GUEST);
	gicv3_set_priority(plat.timer_intid_hyp, GIC_PRIO_HYP);
	gicv3_enable(plat.timer_intid_hyp, true);
}

int irq_assign(u32 intid, struct vm *vm, u32 pcpu)
{
	if (intid < 32 || intid >= NR_INTIDS || spi_owner[intid])
		return -1;
	spi_owner[intid] = vm;
	gicv3_set_priority(intid, GIC_PRIO_GUEST);
	gicv3_route_spi(intid, cpus[pcpu].mpidr);
	return 0;
}

void irq_release_vm(struct vm *vm)
{
	for (u32 i = 32; i < NR_INTIDS; i++) {
		if (spi_owner[i] == vm) {
			gicv3_enable(i, false);
			gicv3_set_active(i, false);
		}
	}
}

/*
 * Statistics: a guest's own interrupt deliveries always count (also the ones that
 * wake its vCPU from WFI); the hypervisor's own interrupts count only when they
 * interrupted a guest, not the work an idle pCPU does for others.
 */
static void count(enum stat_cause c)
{
	if (c != STAT_IRQ_HYP || cpu()->irq_from_guest)
		cpu()->stats.count[c]++;
}

static void complete(u32 intid)
{
	gicv3_eoi(intid);
	gicv3_deactivate(intid);
}

/* The virtual timer fired for the vCPU on this pCPU: deliver it HW-mapped. */
static void vtimer_irq(u32 intid)
{
	struct vcpu *v = cpu()->sched.current;

	gicv3_eoi(intid);
	if (!v || v->needs_load || v->vm->state == VM_STOPPED || v->vm->state == VM_RESETTING) {
		write_sysreg(cntv_ctl_el0, 2); /* IMASK: nobody to deliver to */
		gicv3_deactivate(intid);
		return;
	}
	count(STAT_IRQ_TIMER);
	vgic_inject(v->vm, intid, v->id);
}

static void spi_irq(u32 intid)
{
	struct vm *vm = spi_owner[intid];

	gicv3_eoi(intid);
	if (!vm || vm->state == VM_STOPPED || vm->state == VM_RESETTING) {
		gicv3_enable(intid, false);
		gicv3_deactivate(intid);
		return;
	}
	count(STAT_IRQ_DEV);
	vgic_inject(vm, intid, 0);
}

static void dispatch(u32 intid)
{
	if (intid == plat.timer_intid_virt) {
		vtimer_irq(intid);
		return;
	}
	if (intid >= 32 && intid != plat.uart_intid) {
		spi_irq(intid);
		return;
	}
	if (intid != plat.timer_intid_hyp)
		count(STAT_IRQ_HYP);
	if (intid == plat.uart_intid)
		hk_uart_irq();
	else if (intid == plat.gic_maint_intid && cpu()->sched.current)
		vgic_maintenance(cpu()->sched.current);
	else if (intid == plat.timer_intid_hyp)
		sched_tick();
	complete(intid);
}

void irq_handle_pending(bool guest_exit)
{
	cpu()->irq_from_guest = guest_exit;
	for (;;) {
		u32 intid = gicv3_ack();

		if (intid >= 1020)
			return;
		dispatch(intid);
	}
}
