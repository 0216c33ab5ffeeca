/*
 * The platform's one frequency hook (freq.h, "Provided by the platform"). On a board it
 * would program the domain's PLL or ask the SoC's clock controller; QEMU's virt machine
 * has no clock to program, so the level is only recorded by the governor (freq.c) and the
 * power model (plat_freq.h) stands in for the hardware.
 */
#include <freq.h>

int plat_freq_program(u32 domain, u32 khz)
{
	(void)domain;
	(void)khz;
	return 0;
}
