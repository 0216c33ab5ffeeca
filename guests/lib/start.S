/*
 * Boot CPU entry. The first 64 bytes are an arm64 Linux Image header, so a
 * loader (QEMU -kernel, a hypervisor) places the image at RAM base + 0x80000
 * and jumps to offset 0 with x0 = DTB (ignored here).
 */
#include "guest/config.h"

#ifdef GUEST_XEN_DOMU
#define EARLY_UART 0x22000000	/* guest/pl011.h */
#else
#define EARLY_UART 0x09000000
#endif

	.section .text.head, "ax"
	.global _start
_start:
	b	primary_entry		/* code0 */
	.long	0			/* code1 */
	.quad	0x80000			/* text_offset */
	.quad	__image_size		/* image_size, bss included */
	.quad	0x2			/* flags: little endian, 4K pages */
	.quad	0			/* res2 */
	.quad	0			/* res3 */
	.quad	0			/* res4 */
	.byte	0x41, 0x52, 0x4d, 0x64	/* magic "ARM\x64" */
	.long	0			/* res5 */

primary_entry:
	bl	el2_drop_to_el1		/* x0 = EL we were entered at */
	mov	x20, x0
	adr	x1, _start
	ldr	x2, =_start
	cmp	x1, x2
	b.ne	wrong_address
	ldr	x1, =__bss_start
	ldr	x2, =__bss_end
1:	cmp	x1, x2
	b.hs	2f
	str	xzr, [x1], #8
	b	1b
2:	ldr	x1, =guest_boot_el
	str	x20, [x1]
	bl	cpu_early_cntfrq	/* before any vectors, as RTOS start-up does */
	ldr	x9, =guest_boot_early
	stp	x0, x1, [x9]
	str	x2, [x9, #16]
	mov	x0, #0
	bl	percpu_init
	bl	main
	b	cpu_halt

/* Loaded somewhere other than the link address: say so on the raw UART. */
wrong_address:
	ldr	x1, =EARLY_UART
	adr	x2, wrong_address_msg
3:	ldrb	w3, [x2], #1
	cbz	w3, 5f
4:	ldr	w4, [x1, #0x18]
	tbnz	w4, #5, 4b
	str	w3, [x1]
	b	3b
5:	wfi
	b	5b

	.section .rodata.wrong_address, "a"
wrong_address_msg:
	.asciz	"guest: not loaded at its link address, halted\r\n"
