/*
 * xlprobe: the guest of exit-less mode (docs/architecture.md "Exit-less mode",
 * tests/boot/test_exitless.py). It takes a 1 kHz virtual-timer interrupt and, if it owns
 * a QEMU edu, the edu's INTx (looked for at the first 'e'), both straight from the physical GIC CPU interface. Its
 * pCPU has no hypervisor entry for them; the only traps it makes on purpose are its
 * console: a report every 1000 ticks ('q' silences it) and one poll of the PL011's
 * receive FIFO every 100 ticks (an exit-less VM gets no emulated interrupt). Commands:
 * p pong, q quiet on/off, e raise the edu interrupt, r PSCI SYSTEM_RESET, f read an
 * address the VM does not own, h hostile (hostile.c), a raise its running priority.
 */
#include <stdbool.h>
#include "guest/console.h"
#include "guest/cpu.h"
#include "guest/edu.h"
#include "guest/gic.h"
#include "guest/irq.h"
#include "guest/mmio.h"
#include "guest/pci.h"
#include "guest/pl011.h"
#include "guest/psci.h"
#include "guest/timer.h"
#include "xlprobe.h"

#define TICK_HZ 1000U
#define POLL_TICKS 100U
#define REPORT_TICKS 1000U

static uint64_t period, cval;
static volatile uint64_t ticks, report_ticks;
static volatile bool poll_due, report_due, quiet;
static uintptr_t edu_bar;
static unsigned edu_intid;
static volatile unsigned edu_irqs;

static void tick(uint32_t intid, void *arg)
{
	(void)intid;
	(void)arg;
	cval += period;
	timer_set_cval(cval);
	ticks++;
	if (ticks % POLL_TICKS == 0)
		poll_due = true;
	if (ticks % REPORT_TICKS == 0) {
		report_ticks = ticks;
		report_due = true;
	}
}

/* Level INTx: cleared in the device before the EOI, or it fires again. */
static void edu_irq(uint32_t intid, void *arg)
{
	(void)intid;
	(void)arg;
	mmio_write32(edu_bar + EDU_IRQ_ACK, mmio_read32(edu_bar + EDU_IRQ_STATUS));
	edu_irqs++;
}

static void edu_setup(void)
{
	int bdf = pci_ecam_present() ? pci_find(EDU_VENDOR, EDU_DEVICE) : PCI_NO_FUNC;

	if (bdf == PCI_NO_FUNC)
		return;
	edu_intid = pci_intx_intid((unsigned)bdf);
	edu_bar = pci_bar_place((unsigned)bdf, 0, PCI_MEM32_BASE);
	pci_cfg_write16((unsigned)bdf, PCI_COMMAND, PCI_CMD_MEM);
	irq_register(edu_intid, edu_irq, 0);
	gic_irq_enable(edu_intid, GIC_PRIO_DEFAULT);
	printf("xl: edu intid=%u\n", edu_intid);
}

static void edu_raise(void)
{
	unsigned seen = edu_irqs;
	uint64_t end = timer_now() + timer_ms_to_ticks(100);

	if (!edu_bar)
		edu_setup();
	if (!edu_bar) {
		printf("xl: no edu\n");
		return;
	}
	mmio_write32(edu_bar + EDU_IRQ_RAISE, 1);
	while (edu_irqs == seen && timer_now() < end)
		__asm__ volatile("yield");
	printf("xl: edu irqs=%u\n", edu_irqs);
}

static void command(int c)
{
	switch (c) {
	case 'p':
		printf("xl: pong ticks=%lu\n", (unsigned long)ticks);
		break;
	case 'q':
		quiet = !quiet;
		printf("xl: %s\n", quiet ? "quiet" : "loud");
		break;
	case 'e':
		edu_raise();
		break;
	case 'r':
		printf("xl: reset\n");
		printf("xl: system_reset failed (%d)\n", psci_system_reset());
		break;
	case 'f':
		printf("xl: reading 0x1000\n");
		(void)mmio_read32(0x1000);
		printf("xl: read returned\n");
		break;
	case 'h':
		xl_hostile();
		break;
	case 'a':
		xl_raise_running_priority();
		break;
	default:
		break;
	}
}

int main(void)
{
	printf("xl: boot cpu%u el%u\n", cpu_id(), cpu_current_el());
	gic_dist_init();
	gic_cpu_init();
	period = timer_freq() / TICK_HZ;
	irq_register(TIMER_VIRT_INTID, tick, 0);
	cval = timer_now() + period;
	timer_set_cval(cval);
	timer_enable();
	gic_irq_enable(TIMER_VIRT_INTID, GIC_PRIO_DEFAULT);
	irq_unmask();
	for (;;) {
		__asm__ volatile("wfi");
		if (report_due && !quiet)
			printf("xl: ticks=%lu edu=%u\n", (unsigned long)report_ticks, edu_irqs);
		report_due = false;
		if (poll_due) {
			poll_due = false;
			command(pl011_getc());
		}
	}
}
