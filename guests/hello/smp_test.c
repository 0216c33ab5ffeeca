/*
 * SMP smoke test: PSCI CPU_ON of MPIDR 1, SGI 1 to it, it CPU_OFFs itself,
 * AFFINITY_INFO confirms. Everything bounded by HELLO_SMP_TIMEOUT_MS.
 */
#include <stdbool.h>
#include "guest/console.h"
#include "guest/cpu.h"
#include "guest/gic.h"
#include "guest/irq.h"
#include "guest/psci.h"
#include "guest/smp.h"
#include "guest/timer.h"
#include "hello.h"

#define HELLO_CPU1_MPIDR 1U
#define HELLO_SGI 1U
#define HELLO_SMP_TIMEOUT_MS 5000U

enum cpu1_state { CPU1_DOWN, CPU1_READY, CPU1_SGI_SEEN };

static volatile enum cpu1_state cpu1_state;

static void cpu1_sgi_handler(uint32_t intid, void *arg)
{
	(void)arg;
	printf("hello: cpu%u sgi %u\n", cpu_id(), intid);
	cpu1_state = CPU1_SGI_SEEN;
}

static void cpu1_main(unsigned cpu)
{
	printf("hello: cpu%u up\n", cpu);
	gic_cpu_init();
	irq_register(HELLO_SGI, cpu1_sgi_handler, 0);
	gic_irq_enable(HELLO_SGI, GIC_PRIO_DEFAULT);
	dsb(sy);
	cpu1_state = CPU1_READY;
	/*
	 * Wait with interrupts masked around the check: an SGI taken between an unmasked
	 * check and the WFI would leave this CPU asleep with nothing else to wake it (seen
	 * under host load). WFI wakes on a pending interrupt even while PSTATE.I masks it
	 * (Arm ARM, "Wait For Interrupt": the wake-up events include an IRQ
	 * that PSTATE.I masks); the handler runs in the unmasked gap.
	 */
	while (cpu1_state != CPU1_SGI_SEEN) {
		cpu_wfi();
		irq_unmask();
		isb();
		irq_mask();
	}
	printf("hello: cpu%u cpu_off failed (%d)\n", cpu, psci_cpu_off());
}

static bool wait_cpu1_state(enum cpu1_state want)
{
	uint64_t deadline = timer_now() + timer_ms_to_ticks(HELLO_SMP_TIMEOUT_MS);

	while (cpu1_state != want) {
		if (timer_now() > deadline)
			return false;
	}
	return true;
}

static int32_t wait_cpu1_off(void)
{
	uint64_t deadline = timer_now() + timer_ms_to_ticks(HELLO_SMP_TIMEOUT_MS);
	int32_t info;

	do {
		info = psci_affinity_info(HELLO_CPU1_MPIDR, 0);
	} while (info != PSCI_AFFINITY_OFF && timer_now() < deadline);
	return info;
}

void hello_smp_test(void)
{
	int32_t ret = smp_cpu_on(1, HELLO_CPU1_MPIDR, cpu1_main);
	int32_t info;

	if (ret != PSCI_RET_SUCCESS) {
		printf("hello: single cpu (cpu_on=%d)\n", ret);
		return;
	}
	if (!wait_cpu1_state(CPU1_READY)) {
		printf("hello: cpu1 timeout (not ready)\n");
		return;
	}
	gic_send_sgi(HELLO_SGI, HELLO_CPU1_MPIDR);
	info = wait_cpu1_off();
	if (info == PSCI_AFFINITY_OFF)
		printf("hello: cpu1 off\n");
	else
		printf("hello: cpu1 off timeout (affinity_info=%d)\n", info);
}
