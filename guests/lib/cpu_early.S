/*
 * cpu_early_cntfrq: the step every RTOS start-up makes before it has vectors:
 * "if I run at the highest implemented Exception level, program CNTFRQ_EL0"
 * (the register is writable only there, Arm ARM D11.1.2; from a lower level
 * the write is UNDEFINED). The highest level comes from ID_AA64PFR0_EL1
 * EL3 [15:12] and EL2 [11:8]. On QEMU virt the counter frequency is what
 * CNTFRQ_EL0 already holds, so that value is written back: a board port would
 * write its crystal's frequency here.
 *
 * Returns x0 = highest EL, x1 = 1 if CNTFRQ_EL0 was written, x2 = VBAR_EL1 at
 * that moment (0 out of reset: an exception here would be fatal).
 * Clobbers x9, x10 only; needs no stack.
 */
	.text
	.global cpu_early_cntfrq
cpu_early_cntfrq:
	mrs	x9, id_aa64pfr0_el1
	mov	x0, #3
	ubfx	x10, x9, #12, #4		/* EL3 */
	cbnz	x10, 1f
	mov	x0, #2
	ubfx	x10, x9, #8, #4			/* EL2 */
	cbnz	x10, 1f
	mov	x0, #1
1:	mrs	x2, vbar_el1
	mov	x1, #0
	mrs	x9, CurrentEL
	lsr	x9, x9, #2
	cmp	x9, x0
	b.ne	2f
	mrs	x10, cntfrq_el0
	msr	cntfrq_el0, x10
	isb
	mov	x1, #1
2:	ret
