/*
 * Boot-time CPU facts and halting.
 */
#include "guest/cpu.h"
#include "internal.h"

/* Written by start.S after clearing bss. */
uint64_t guest_boot_el;
uint64_t guest_boot_early[3]; /* cpu_early_cntfrq: highest EL, CNTFRQ written, VBAR */

unsigned cpu_boot_el(void)
{
	return (unsigned)guest_boot_el;
}

unsigned cpu_boot_highest_el(void)
{
	return (unsigned)guest_boot_early[0];
}

bool cpu_boot_cntfrq_written(void)
{
	return guest_boot_early[1] != 0;
}

uint64_t cpu_boot_early_vbar(void)
{
	return guest_boot_early[2];
}

void cpu_halt(void)
{
	irq_mask();
	for (;;)
		cpu_wfi();
}
