/*
 * Entry at EL2 from the boot loader (QEMU -kernel or U-Boot booti), x0 = DTB.
 * The image starts with an arm64 Linux Image header (Documentation/arch/arm64/booting)
 * so standard loaders accept it. Secondary CPUs enter at secondary_entry through
 * PSCI CPU_ON with their CPU index as context id (x0).
 */
#include <asm-offsets.h>

	.section .text.head, "ax"
	.global _head
_head:
	b	primary_entry		/* code0 */
	.long	0			/* code1 */
	.quad	0x200000		/* text_offset: loaded 2 MiB above a 2 MiB-aligned base */
	.quad	_image_end - _head	/* image_size (includes bss) */
	.quad	0xa			/* flags: LE, 4K pages, anywhere in RAM */
	.quad	0, 0, 0			/* res2..res4 */
	.ascii	"ARM\x64"		/* magic */
	.long	0			/* res5 */

	.text
primary_entry:
	mov	x19, x0			/* DTB */
	bl	el2_check
	/* clear bss */
	ldr	x0, =__bss_start
	ldr	x1, =__bss_end
1:	cmp	x0, x1
	b.hs	2f
	str	xzr, [x0], #8
	b	1b
2:	mov	x0, #0
	bl	cpu_early_setup
	mov	x0, x19
	bl	hyp_main
	b	.

	.global secondary_entry
secondary_entry:
	mov	x19, x0			/* CPU index */
	bl	el2_check
	mov	x0, x19
	bl	cpu_early_setup
	mov	x0, x19
	bl	cpu_secondary_main
	b	.

/* Stop (in a WFE loop) if not entered at EL2: nothing to virtualise then. */
el2_check:
	mrs	x9, CurrentEL
	cmp	x9, #(2 << 2)
	b.ne	.Lnot_el2
	ret
.Lnot_el2:
	wfe
	b	.Lnot_el2

/* x0 = CPU index: stack, TPIDR_EL2, vectors, EL2 system control (MMU still off). */
cpu_early_setup:
	ldr	x9, =cpu_stacks
	add	x10, x0, #1
	mov	x11, #CPU_STACK_SLOT		/* guard page + stack per CPU */
	madd	x9, x10, x11, x9
	mov	sp, x9
	ldr	x9, =cpus
	mov	x11, #CPU_SIZEOF
	madd	x9, x0, x11, x9
	msr	tpidr_el2, x9
	ldr	x9, =el2_vectors
	msr	vbar_el2, x9
	msr	daifset, #0xf
	isb
	ret

	.ltorg
