/*
 * SMCCC calls: x0 = function id, x1..x3 = arguments, result in x0.
 * x4..x17 are caller-saved in the AAPCS, so an SMCCC v1.0 callee that
 * corrupts them is harmless here.
 */
	.text
	.global	smccc_hvc
smccc_hvc:
	hvc	#0
	ret

	.global	smccc_smc
smccc_smc:
	smc	#0
	ret
