/*
 * el2_drop_to_el1: if running at EL2, configure EL2 minimally (AArch64 EL1,
 * no stage 2, no traps of timer/GIC/FP, identity VPIDR/VMPIDR) and return to
 * the caller at EL1h with DAIF masked. Returns in x0 the EL at the call.
 * Clobbers x9, x10 only.
 */
	.text
	.global el2_drop_to_el1
el2_drop_to_el1:
	mrs	x9, CurrentEL
	lsr	x9, x9, #2
	cmp	x9, #2
	b.ne	1f
	mov	x10, #(1 << 31)			/* HCR_EL2.RW */
	msr	hcr_el2, x10
	mov	x10, #3				/* EL1PCTEN | EL1PCEN */
	msr	cnthctl_el2, x10
	msr	cntvoff_el2, xzr
	mrs	x10, midr_el1
	msr	vpidr_el2, x10
	mrs	x10, mpidr_el1
	msr	vmpidr_el2, x10
	mov	x10, #0x33ff			/* CPTR_EL2: RES1 bits, no traps */
	msr	cptr_el2, x10
	msr	hstr_el2, xzr
	mrs	x10, S3_4_C12_C9_5		/* ICC_SRE_EL2 */
	orr	x10, x10, #0xf			/* SRE, DFB, DIB, Enable */
	msr	S3_4_C12_C9_5, x10
	isb
	ldr	x10, =0x30d00800		/* SCTLR_EL1: RES1, MMU off */
	msr	sctlr_el1, x10
	mov	x10, #0x3c5			/* EL1h, DAIF masked */
	msr	spsr_el2, x10
	msr	elr_el2, x30
	mov	x0, #2
	eret
1:	mov	x0, x9
	ret
