/*
 * Conduits and the FP check, in assembly: the C code is built with
 * -mgeneral-regs-only.
 */
	.text
	.global	rtprobe_smc
rtprobe_smc:
	smc	#0
	ret

	.global	rtprobe_hvc
rtprobe_hvc:
	hvc	#0
	ret

/* x0 -> d0 -> x0: traps (EC 0x07) unless CPACR_EL1.FPEN lets EL1 use FP/SIMD. */
	.global	rtprobe_fp_roundtrip
rtprobe_fp_roundtrip:
	fmov	d0, x0
	fmov	x0, d0
	ret
