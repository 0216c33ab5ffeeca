/*
 * bench: EL1 vector table, thread context switch, SMCCC call and the clock
 * calibration sampler.
 *
 * The vector table saves the same struct exc_frame as the guest library's
 * (guests/lib/vectors.S), so synchronous exceptions and SErrors go on to the
 * library's exception_dispatch() (hooks, expect-fault). IRQs go to
 * bench_irq(), which may switch threads before returning: the frame stays on
 * the interrupted thread's stack until that thread runs again.
 */
#include "guest/config.h"

#include "guest/frame.inc"

	.section .text.bench_vectors, "ax"
	.balign	0x800
	.global	bench_vectors
bench_vectors:
	vslot	0, bench_exc_entry
	vslot	1, bench_exc_entry
	vslot	2, bench_exc_entry
	vslot	3, bench_exc_entry
	vslot	4, bench_exc_entry
	vslot	5, bench_exc_entry
	vslot	6, bench_exc_entry
	vslot	7, bench_exc_entry
	vslot	8, bench_exc_entry
	vslot	9, bench_exc_entry
	vslot	10, bench_exc_entry
	vslot	11, bench_exc_entry
	vslot	12, bench_exc_entry
	vslot	13, bench_exc_entry
	vslot	14, bench_exc_entry
	vslot	15, bench_exc_entry

bench_exc_entry:
	frame_save_rest
	cmp	x1, #5			/* IRQ, current EL with SP_ELx */
	b.ne	1f
	bl	bench_irq
	b	2f
1:	mov	x0, sp
	bl	exception_dispatch
2:	frame_restore_eret

	.text
	.global	bench_vectors_install
bench_vectors_install:
	ldr	x0, =bench_vectors
	msr	vbar_el1, x0
	isb
	ret

/*
 * ctx_switch(x0 = where to save the current SP, x1 = SP to resume):
 * callee-saved registers, LR and DAIF are kept on the thread's own stack.
 */
	.global	ctx_switch
ctx_switch:
	sub	sp, sp, #112
	stp	x19, x20, [sp, #0]
	stp	x21, x22, [sp, #16]
	stp	x23, x24, [sp, #32]
	stp	x25, x26, [sp, #48]
	stp	x27, x28, [sp, #64]
	stp	x29, x30, [sp, #80]
	mrs	x9, daif
	str	x9, [sp, #96]
	mov	x9, sp
	str	x9, [x0]
	mov	sp, x1
	ldr	x9, [sp, #96]
	ldp	x19, x20, [sp, #0]
	ldp	x21, x22, [sp, #16]
	ldp	x23, x24, [sp, #32]
	ldp	x25, x26, [sp, #48]
	ldp	x27, x28, [sp, #64]
	ldp	x29, x30, [sp, #80]
	add	sp, sp, #112
	msr	daif, x9
	ret

/* First run of a thread: x19 = function, x20 = argument (see thread_create). */
	.global	thread_trampoline
thread_trampoline:
	mov	x0, x20
	blr	x19
	bl	thread_exit
1:	b	1b

/* bench_hvc(fid, a1) -> x0. SMCCC: x1..x17 may be clobbered by the callee. */
	.global	bench_hvc
bench_hvc:
	hvc	#0
	ret

/*
 * bench_ts() -> ns: 17 consecutive CNTVCT_EL0 reads r0..r16 (16 ns ticks,
 * one instruction = 1 ns under -icount shift=0), so exactly one tick edge
 * lies among them; the time of the first read is r16 * 16 - 17 + #{r == r16}.
 * Branch-free: always the same number of instructions.
 */
	.global	bench_ts
bench_ts:
	mrs	x1, cntvct_el0
	mrs	x2, cntvct_el0
	mrs	x3, cntvct_el0
	mrs	x4, cntvct_el0
	mrs	x5, cntvct_el0
	mrs	x6, cntvct_el0
	mrs	x7, cntvct_el0
	mrs	x8, cntvct_el0
	mrs	x9, cntvct_el0
	mrs	x10, cntvct_el0
	mrs	x11, cntvct_el0
	mrs	x12, cntvct_el0
	mrs	x13, cntvct_el0
	mrs	x14, cntvct_el0
	mrs	x15, cntvct_el0
	mrs	x16, cntvct_el0
	mrs	x17, cntvct_el0
	mov	x0, #1
	.irp	r, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16
	cmp	x\r, x17
	cinc	x0, x0, eq
	.endr
	add	x0, x0, x17, lsl #4
	sub	x0, x0, #17
	ret
