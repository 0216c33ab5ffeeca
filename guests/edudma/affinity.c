/*
 * MSI affinity (docs/pci.md "Affinity", tests/boot/test_pci_msi_affinity.py): with a
 * second vCPU (PSCI CPU_ON of MPIDR 1 succeeds), that CPU enables LPIs on its own
 * redistributor and idles; then the edu's event (mapped to collection 0 by msi.c)
 *  - MOVI to collection 1, mapped to processor 1: the MSIs arrive on CPU 1;
 *  - MOVALL from processor 1 to 0: they arrive on CPU 0;
 *  - MAPC of collection 1 to processor 1 again: on CPU 1 (the collection's LPIs follow).
 * Each step prints how many of MSI_RAISES arrived on each CPU. Then one MSI every
 * 100 ms for ever, a line every ten, so the test can move the vCPUs between pCPUs
 * meanwhile (IHI 0069 6.3: MAPC, MOVI, MOVALL; RDbase is a processor number, PTA = 0).
 */
#include "guest/console.h"
#include "guest/cpu.h"
#include "guest/gic.h"
#include "guest/smp.h"
#include "guest/timer.h"
#include "edudma.h"

#define VALID (1UL << 63)
#define CPU1_MPIDR 1U
#define TICK_MS 100U
#define TICKS_PER_LINE 10U

static volatile unsigned cpu1_ready;

static void cpu1_main(unsigned cpu)
{
	(void)cpu;
	gic_cpu_init();
	edudma_redist_lpis_on();
	cpu1_ready = 1;
	/* WFI with IRQs masked around it: a wake-up cannot be lost between check and WFI */
	for (;;) {
		cpu_wfi();
		irq_unmask();
		isb();
		irq_mask();
	}
}

static bool cpu1_up(void)
{
	uint64_t end;

	if (smp_cpu_on(1, CPU1_MPIDR, cpu1_main))
		return false;
	end = timer_now() + timer_ms_to_ticks(2000);
	while (!cpu1_ready && timer_now() < end)
		;
	return cpu1_ready;
}

static void mapc(unsigned icid, unsigned proc)
{
	edudma_its_cmd(0x09UL, 0, VALID | (uint64_t)proc << 16 | icid);
	edudma_its_cmd(0x05UL, 0, (uint64_t)proc << 16); /* SYNC */
}

/* MSI_RAISES MSIs; the line says where they arrived. */
static void step(const char *what)
{
	unsigned c0 = edudma_lpis_on(0), c1 = edudma_lpis_on(1), n = edudma_msi_raise(MSI_RAISES);

	printf("edudma: affinity %s lpis=%u cpu0=%u cpu1=%u\n", what, n,
	       edudma_lpis_on(0) - c0, edudma_lpis_on(1) - c1);
}

static void tick_forever(void)
{
	for (unsigned t = 1;; t++) {
		uint64_t end = timer_now() + timer_ms_to_ticks(TICK_MS);

		(void)edudma_msi_raise(1);
		while (timer_now() < end)
			__asm__ volatile("yield");
		if (t % TICKS_PER_LINE == 0)
			printf("edudma: tick %u cpu0=%u cpu1=%u\n", t, edudma_lpis_on(0),
			       edudma_lpis_on(1));
	}
}

void edudma_affinity(unsigned bdf)
{
	if (!cpu1_up()) {
		printf("edudma: affinity none\n");
		return;
	}
	mapc(1, 1);
	edudma_its_cmd(0x01UL | (uint64_t)bdf << 32, 0, 1); /* MOVI event 0 -> ICID 1 */
	edudma_its_cmd(0x05UL, 0, 1UL << 16);
	step("movi");
	edudma_its_cmd4(0x0eUL, 0, 1UL << 16, 0); /* MOVALL processor 1 -> 0 */
	edudma_its_cmd(0x05UL, 0, 0);
	step("movall");
	mapc(1, 1);
	step("mapc");
	printf("edudma: done\n");
	tick_forever();
}
