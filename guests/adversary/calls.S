/*
 * SMCCC calls with all four result registers: x0 = struct adv_smccc *,
 * x0..x3 loaded from it before the call and stored back after. The pointer
 * is kept on the stack: an SMCCC v1.0 callee may corrupt x4..x17.
 */
	.macro	adv_call name, insn
	.text
	.global	\name
\name:
	str	x0, [sp, #-16]!
	mov	x9, x0
	ldp	x0, x1, [x9]
	ldp	x2, x3, [x9, #16]
	\insn
	ldr	x9, [sp], #16
	stp	x0, x1, [x9]
	stp	x2, x3, [x9, #16]
	ret
	.endm

	adv_call adv_hvc, "hvc #0"
	adv_call adv_hvc_imm, "hvc #0xffff"
	adv_call adv_smc, "smc #0"
