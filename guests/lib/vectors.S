/*
 * EL1 vector table. Every entry saves a full struct exc_frame on SP_EL1 and
 * calls exception_dispatch(frame, kind), kind = vector index 0..15; the frame
 * (possibly modified: ELR, registers) is restored and ERET'd.
 */
#include "guest/config.h"

#include "guest/frame.inc"

	.section .text.vectors, "ax"
	.balign	0x800
	.global	exception_vectors
exception_vectors:
	vslot	0, exc_entry
	vslot	1, exc_entry
	vslot	2, exc_entry
	vslot	3, exc_entry
	vslot	4, exc_entry
	vslot	5, exc_entry
	vslot	6, exc_entry
	vslot	7, exc_entry
	vslot	8, exc_entry
	vslot	9, exc_entry
	vslot	10, exc_entry
	vslot	11, exc_entry
	vslot	12, exc_entry
	vslot	13, exc_entry
	vslot	14, exc_entry
	vslot	15, exc_entry

exc_entry:
	frame_save_rest
	mov	x0, sp
	bl	exception_dispatch
	frame_restore_eret
