/*
 * The FP/SIMD registers in and out of struct fp_state (fpcheck.h), in assembly:
 * the C code is built with -mgeneral-regs-only, so between fp_load and fp_store
 * nothing but the hypervisor can change these registers.
 *
 * ldr/str of single Q registers on purpose: the hypervisor's fpsimd.S uses ld1/st1
 * of four registers, and a check written the same way could share its mistake.
 */
	.arch	armv8-a+fp+simd
#include "fpcheck.h"

	.text

/* V0-V31 at x0, one register per access; op is ldr or str. */
.macro fp_regs op
	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, \
		16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	\op	q\n, [x0, #16 * \n]
	.endr
.endm

/*
 * FPCR first, then FPSR without DZC, then 1.0 / 0.0 so that the division itself
 * raises DZC (Arm ARM C5.2, FPSR: cumulative, so it stays set); V0 and V1, which
 * the division used, are loaded with the rest afterwards.
 */
	.global	fp_load
fp_load:
	add	x3, x0, #FP_STATE_FPSR	/* beyond ldp's reach from x0 */
	ldp	x1, x2, [x3]
	msr	fpcr, x2
	bic	x1, x1, #2		/* FPSR.DZC */
	msr	fpsr, x1
	fmov	d0, #1.0
	movi	d1, #0
	fdiv	d0, d0, d1
	fp_regs ldr
	ret

	.global	fp_store
fp_store:
	fp_regs str
	mrs	x1, fpsr
	mrs	x2, fpcr
	add	x3, x0, #FP_STATE_FPSR
	stp	x1, x2, [x3]
	ret

/* RTV_HC_VM_INFO: x1 = VM index when x0 = 0 (docs/hypercalls.md); -1 elsewhere (bare QEMU). */
	.global	fp_vm_index
fp_vm_index:
	movz	w0, #0xc600, lsl #16
	movk	w0, #0x0001
	hvc	#0
	cbnz	x0, 1f
	mov	x0, x1
	ret
1:	mov	x0, #-1
	ret
