/*
 * hello: boot line, GIC, console commands, SMP test, then 1 kHz ticks.
 */
#include "guest/boot.h"
#include "guest/console.h"
#include "guest/cpu.h"
#include "guest/gic.h"
#include "guest/psci.h"
#include "hello.h"

int main(void)
{
	uint32_t v = psci_version();

	printf("hello: boot cpu%u el%u psci %u.%u\n", cpu_id(), cpu_current_el(), v >> 16,
	       v & 0xffffU);
	gic_dist_init();
	gic_cpu_init();
	hello_console_init();
	irq_unmask();
	hello_smp_test();
	hello_tick_start();
	for (;;) {
		cpu_wfi();
		hello_tick_report_poll();
		if (hello_active_check_req)
			hello_active_check();
	}
}
