/*
 * Physical interrupts. Everything is taken at EL2 (HCR_EL2.IMO), except Group 1 on an
 * exit-less pCPU, which its guest takes itself (docs/architecture.md). One table says
 * who handles each INTID (irq_register); guest-owned interrupts are
 * priority-dropped here and their handler injects them HW-mapped, so the
 * guest's EOI deactivates the physical interrupt; the hypervisor's own are
 * completed here after their handler ran.
 */
#include <cpu.h>
#include <err.h>
#include <irq.h>

struct irq_desc {
	irq_fn fn;
	void *data;
	u8 kind;       /* enum irq_kind; unregistered: IRQ_HYP */
	bool enable;   /* private: unmask on every pCPU at irq_cpu_init() */
};

static struct irq_desc descs[IRQ_NR];

void irq_init(void)
{
	(void)arch_irq_init(); /* cannot fail: the platform check found a GICv3 */
}

static void setup_private(u32 intid, const struct irq_desc *d)
{
	arch_irq_set_priority(intid, d->kind == IRQ_GUEST ? IRQ_PRIO_GUEST : IRQ_PRIO_HYP);
	if (d->enable)
		arch_irq_enable(intid, true);
}

int irq_cpu_init(void)
{
	int r = arch_irq_cpu_init();

	if (r)
		return r;
	for (u32 i = 0; i < IRQ_NR_PRIVATE; i++)
		if (descs[i].fn)
			setup_private(i, &descs[i]);
	return 0;
}

int irq_register(u32 intid, enum irq_kind kind, irq_fn fn, void *data, bool enable)
{
	struct irq_desc *d;

	if (intid >= IRQ_NR || !fn)
		return ERR_RANGE;
	d = &descs[intid];
	if (d->fn)
		return ERR_BUSY;
	*d = (struct irq_desc){ fn, data, (u8)kind, enable };
	if (intid >= IRQ_NR_PRIVATE)
		setup_private(intid, d);
	return 0;
}

void irq_set_data(u32 intid, void *data)
{
	if (intid < IRQ_NR && descs[intid].fn)
		__atomic_store_n(&descs[intid].data, data, __ATOMIC_RELEASE);
}

void *irq_data(u32 intid)
{
	return intid < IRQ_NR ? descs[intid].data : NULL;
}

/*
 * Statistics: a guest's own interrupt deliveries always count (also the ones that
 * wake its vCPU from WFI); the hypervisor's own interrupts count only when they
 * interrupted a guest, not the work an idle pCPU does for others.
 */
void irq_count(enum stat_cause c)
{
	if (c != STAT_IRQ_HYP || cpu()->irq_from_guest)
		cpu()->stats.count[c]++;
}

/* Inlined into the one loop that calls it: it runs for every interrupt. */
static inline __attribute__((always_inline)) void dispatch(u32 intid)
{
	const struct irq_desc *d = &descs[intid];

	if (d->kind == IRQ_GUEST) {
		arch_irq_eoi(intid);
		d->fn(intid, d->data);
		return;
	}
	if (d->kind == IRQ_HYP)
		irq_count(STAT_IRQ_HYP);
	if (d->fn)
		d->fn(intid, d->data);
	arch_irq_eoi(intid);
	arch_irq_deactivate(intid);
}

/*
 * Group 0: on an exit-less pCPU the hypervisor's own interrupts (kick, EL2 timer) are
 * FIQs taken at EL2 while the guest takes Group 1 itself; never a guest's interrupt.
 */
void irq_handle_group0(bool guest_exit)
{
	cpu()->irq_from_guest = guest_exit;
	for (;;) {
		u32 intid = arch_irq_ack0();
		const struct irq_desc *d;

		if (intid >= IRQ_NR)
			return;
		d = &descs[intid];
		if (d->kind == IRQ_HYP)
			irq_count(STAT_IRQ_HYP);
		if (d->fn && d->kind != IRQ_GUEST)
			d->fn(intid, d->data);
		arch_irq_eoi0(intid);
		arch_irq_deactivate(intid);
	}
}

/*
 * One interrupt, for a pCPU that waited at EL2 and resumes its guest next (arch: the fast
 * path's WFI): the one that woke it, usually an injector's kick. Any other pending is not
 * looked for: the guest's entry with HCR_EL2.IMO = 1 exits for it at once, and its exit
 * handles it, so only the rare second interrupt pays for the round trip.
 */
void irq_handle_first(void)
{
	u32 intid = arch_irq_ack();

	cpu()->irq_from_guest = false;
	if (intid < IRQ_NR)
		dispatch(intid);
	else if (intid >= IRQ_SPECIAL_END && arch_irq_msi(intid))
		irq_count(STAT_IRQ_DEV);
}

void irq_handle_pending(bool guest_exit)
{
	cpu()->irq_from_guest = guest_exit;
	for (;;) {
		u32 intid = arch_irq_ack();

		if (intid >= IRQ_NR) {
			/* the spurious INTID that ends every loop: no call for it */
			if (intid < IRQ_SPECIAL_END || !arch_irq_msi(intid))
				return;
			irq_count(STAT_IRQ_DEV); /* a passthrough function's MSI: a guest's delivery */
			continue;
		}
		dispatch(intid);
	}
}
