/*
 * memset / memcpy, bytewise (safe on Device memory with the MMU off, and
 * not subject to the compiler turning a C loop back into a memset call).
 */
	.text
	.global	memset
memset:
	mov	x3, x0
1:	cbz	x2, 2f
	strb	w1, [x3], #1
	sub	x2, x2, #1
	b	1b
2:	ret

	.global	memcpy
memcpy:
	mov	x3, x0
1:	cbz	x2, 2f
	ldrb	w4, [x1], #1
	strb	w4, [x3], #1
	sub	x2, x2, #1
	b	1b
2:	ret
