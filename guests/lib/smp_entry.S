/*
 * secondary_entry: where PSCI CPU_ON starts a secondary CPU, x0 = context id
 * = CPU index. Out-of-range indexes park the CPU.
 */
#include "guest/config.h"

	.text
	.global secondary_entry
secondary_entry:
	mov	x19, x0
	bl	el2_drop_to_el1
	bl	cpu_early_cntfrq	/* CNTFRQ_EL0 is per CPU: same step as the boot CPU */
	cmp	x19, #GUEST_MAX_CPUS
	b.hs	2f
	mov	x0, x19
	bl	percpu_init
	mov	x0, x19
	bl	smp_secondary_main
	b	cpu_halt
2:	wfi
	b	2b
