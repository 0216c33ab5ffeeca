/*
 * Boot-time CPU facts and halting.
 */
#include "guest/cpu.h"
#include "internal.h"

/* Written by start.S after clearing bss. */
uint64_t guest_boot_el;

unsigned cpu_boot_el(void)
{
	return (unsigned)guest_boot_el;
}

void cpu_halt(void)
{
	irq_mask();
	for (;;)
		cpu_wfi();
}
