/*
 * EL1 vector table. Every entry saves a full struct exc_frame on SP_EL1 and
 * calls exception_dispatch(frame, kind), kind = vector index 0..15; the frame
 * (possibly modified: ELR, registers) is restored and ERET'd.
 */
#include "guest/config.h"

	.macro	vslot kind
	.balign	0x80
	sub	sp, sp, #GUEST_FRAME_SIZE
	stp	x0, x1, [sp, #0]
	mov	x1, #\kind
	b	exc_entry
	.endm

	.section .text.vectors, "ax"
	.balign	0x800
	.global	exception_vectors
exception_vectors:
	vslot	0
	vslot	1
	vslot	2
	vslot	3
	vslot	4
	vslot	5
	vslot	6
	vslot	7
	vslot	8
	vslot	9
	vslot	10
	vslot	11
	vslot	12
	vslot	13
	vslot	14
	vslot	15

exc_entry:
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x19, [sp, #144]
	stp	x20, x21, [sp, #160]
	stp	x22, x23, [sp, #176]
	stp	x24, x25, [sp, #192]
	stp	x26, x27, [sp, #208]
	stp	x28, x29, [sp, #224]
	mrs	x2, elr_el1
	stp	x30, x2, [sp, #240]
	mrs	x3, spsr_el1
	str	x3, [sp, #256]
	mov	x0, sp
	bl	exception_dispatch
	ldr	x3, [sp, #256]
	ldp	x30, x2, [sp, #240]
	msr	spsr_el1, x3
	msr	elr_el1, x2
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	ldp	x6, x7, [sp, #48]
	ldp	x8, x9, [sp, #64]
	ldp	x10, x11, [sp, #80]
	ldp	x12, x13, [sp, #96]
	ldp	x14, x15, [sp, #112]
	ldp	x16, x17, [sp, #128]
	ldp	x18, x19, [sp, #144]
	ldp	x20, x21, [sp, #160]
	ldp	x22, x23, [sp, #176]
	ldp	x24, x25, [sp, #192]
	ldp	x26, x27, [sp, #208]
	ldp	x28, x29, [sp, #224]
	ldp	x0, x1, [sp, #0]
	add	sp, sp, #GUEST_FRAME_SIZE
	eret
