/*
 * percpu_init(x0 = CPU index): per-CPU state every CPU sets up at EL1 before
 * running C: TPIDR_EL1 = index, SP = top of its stack, SCTLR_EL1 known (MMU
 * and alignment checks off), VBAR_EL1, SError unmasked. Clobbers x1, x2.
 */
#include "guest/config.h"

	.text
	.global percpu_init
percpu_init:
	msr	tpidr_el1, x0
	ldr	x1, =guest_stacks
	add	x2, x0, #1
	lsl	x2, x2, #GUEST_STACK_SHIFT
	add	sp, x1, x2
	ldr	x1, =0x30d00800
	msr	sctlr_el1, x1
	ldr	x1, =exception_vectors
	msr	vbar_el1, x1
	isb
	msr	daifclr, #4
	ret

	.section .bss.guest_stacks, "aw", %nobits
	.balign	16
	.global	guest_stacks
guest_stacks:
	.space	GUEST_MAX_CPUS * GUEST_STACK_SIZE
