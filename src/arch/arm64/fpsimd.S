/* Save/restore a vCPU's FP/SIMD registers when a pCPU switches vCPUs. */
/* struct fpsimd_ctx (asm/vcpu.h): V0-V31 from offset 0, then FPSR and FPCR. */
	.arch armv8-a+fp+simd
	.text
/* V0-V31, four registers per access, x0 advancing past them to FPSR/FPCR (asm-offsets.c
 * checks they follow V31). op is st1 (save) or ld1 (restore). */
.macro fp_regs op
	\op	{v0.2d-v3.2d}, [x0], #64
	\op	{v4.2d-v7.2d}, [x0], #64
	\op	{v8.2d-v11.2d}, [x0], #64
	\op	{v12.2d-v15.2d}, [x0], #64
	\op	{v16.2d-v19.2d}, [x0], #64
	\op	{v20.2d-v23.2d}, [x0], #64
	\op	{v24.2d-v27.2d}, [x0], #64
	\op	{v28.2d-v31.2d}, [x0], #64
.endm


	.global fpsimd_save
fpsimd_save:
	fp_regs st1
	mrs	x1, fpsr
	mrs	x2, fpcr
	stp	x1, x2, [x0]
	ret

	.global fpsimd_restore
fpsimd_restore:
	fp_regs ld1
	ldp	x1, x2, [x0]
	msr	fpsr, x1
	msr	fpcr, x2
	ret
