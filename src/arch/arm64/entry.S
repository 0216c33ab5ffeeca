/*
 * EL2 exception vectors and the guest entry/exit path.
 *
 * __vcpu_run(regs) saves the hypervisor's callee-saved registers on its stack,
 * loads the guest frame and ERETs. An exception from the guest stores the guest
 * frame into cpu()->guest_regs, restores the hypervisor registers and returns
 * an EXIT_* code from __vcpu_run, so exits are handled by ordinary C in the
 * per-CPU loop. Exceptions taken from EL2 itself are hypervisor bugs: they are
 * reported by hyp_panic(). (Vector layout: Arm ARM D1.10.2.)
 *
 * Fast path (synchronous and IRQ exits): the vector stores only the registers a C
 * call may change (x0-x18, x30; AAPCS64 5.1.1: x19-x29 are callee-saved) with ELR and
 * SPSR, and calls vcpu_fast_sync() / vcpu_fast_irq() on the stack it is on (the one
 * __vcpu_run ERETed from). A result of 0 means the exit was handled and the guest can
 * be entered again at once: the stored registers are loaded back and it ERETs. Any
 * other result is an EXIT_* code for the loop: x19-x29, which still hold the guest's
 * values, complete the frame and __vcpu_run returns it. vcpu_arch.c decides which exits
 * may be handled there (those whose handlers touch no guest register in x19-x29); an
 * access through x19-x29 returns EXIT_SYNC_FULL and is handled with the frame complete
 * (fast_full: vcpu_fast_sync() again, x18 = 0), still without the loop. Across the first
 * C call x18 holds the guest frame (the hypervisor is built with -ffixed-x18).
 */
#include <asm-offsets.h>

/* The guest frame (struct vcpu_regs, asm/vcpu.h): x0..x30 from VCPU_REGS_X, then pc and
 * pstate; x30 and pc are stored as one pair (asm-offsets.c checks they are adjacent). */

/* x2..x17: the caller-saved guest registers the fast path stores besides x0, x1, x18, x30
 * (base: the frame, x0 unless given). */
.macro guest_x2_x17 op, base=x0
	\op	x2, x3, [\base, #VCPU_REGS_X + 8 * 2]
	\op	x4, x5, [\base, #VCPU_REGS_X + 8 * 4]
	\op	x6, x7, [\base, #VCPU_REGS_X + 8 * 6]
	\op	x8, x9, [\base, #VCPU_REGS_X + 8 * 8]
	\op	x10, x11, [\base, #VCPU_REGS_X + 8 * 10]
	\op	x12, x13, [\base, #VCPU_REGS_X + 8 * 12]
	\op	x14, x15, [\base, #VCPU_REGS_X + 8 * 14]
	\op	x16, x17, [\base, #VCPU_REGS_X + 8 * 16]
.endm

/* x2..x29 of the guest frame: op is stp (save) or ldp (restore). */
.macro guest_x2_x29 op
	guest_x2_x17 \op
	\op	x18, x19, [x0, #VCPU_REGS_X + 8 * 18]
	\op	x20, x21, [x0, #VCPU_REGS_X + 8 * 20]
	\op	x22, x23, [x0, #VCPU_REGS_X + 8 * 22]
	\op	x24, x25, [x0, #VCPU_REGS_X + 8 * 24]
	\op	x26, x27, [x0, #VCPU_REGS_X + 8 * 26]
	\op	x28, x29, [x0, #VCPU_REGS_X + 8 * 28]
.endm

/* Load the guest's x30, and its pc and pstate into ELR_EL2/SPSR_EL2 (base: the frame, x0
 * unless given; x2 is overwritten, to be restored after). */
.macro guest_x30_pc_pstate base=x0
	ldp	x30, x2, [\base, #VCPU_REGS_X + 8 * 30]
	msr	elr_el2, x2
	ldr	x2, [\base, #VCPU_REGS_PSTATE]
	msr	spsr_el2, x2
.endm

/* Enter the guest whose frame x0 points to, every register from the frame (x0-x30, PC,
 * PSTATE); the barriers after the ERET keep speculation from running on past it. */
.macro guest_eret_full
	guest_x30_pc_pstate
	guest_x2_x29 ldp
	ldp	x0, x1, [x0, #VCPU_REGS_X + 8 * 0]
	eret
	dsb	nsh
	isb
.endm

/* The hypervisor's callee-saved x19..x28 in __vcpu_run's frame (x29/x30 at [sp]). */
.macro hyp_callee_saved op
	\op	x19, x20, [sp, #16]
	\op	x21, x22, [sp, #32]
	\op	x23, x24, [sp, #48]
	\op	x25, x26, [sp, #64]
	\op	x27, x28, [sp, #80]
.endm

.macro save_guest_and_exit code
	stp	x0, x1, [sp, #-16]!
	mrs	x0, tpidr_el2
	ldr	x0, [x0, #CPU_GUEST_REGS]
	guest_x2_x29 stp
	ldp	x2, x3, [sp], #16
	stp	x2, x3, [x0, #VCPU_REGS_X + 8 * 0]
	mrs	x2, elr_el2
	stp	x30, x2, [x0, #VCPU_REGS_X + 8 * 30]
	mrs	x2, spsr_el2
	str	x2, [x0, #VCPU_REGS_PSTATE]
	mov	x0, #\code
	b	guest_exit
.endm

/*
 * The fast path's part of the frame: x0-x18, x30, pc, pstate. x18 = the frame after, and
 * it stays so across the C call: the hypervisor is built with -ffixed-x18 (mk/hyp.mk), so
 * no C code touches it and fast_exit_done needs no second look-up.
 */
.macro save_guest_caller_saved
	str	x18, [sp, #-16]!
	mrs	x18, tpidr_el2
	ldr	x18, [x18, #CPU_GUEST_REGS]
	stp	x0, x1, [x18, #VCPU_REGS_X + 8 * 0]
	guest_x2_x17 stp, x18
	ldr	x2, [sp], #16
	str	x2, [x18, #VCPU_REGS_X + 8 * 18]
	mrs	x2, elr_el2
	stp	x30, x2, [x18, #VCPU_REGS_X + 8 * 30]
	mrs	x2, spsr_el2
	str	x2, [x18, #VCPU_REGS_PSTATE]
.endm

/*
 * A fault inside the hypervisor: report it on this CPU's panic stack, not on SP (which may
 * be what faulted: a stack overflow into the guard page below it). x1 = SP at the fault.
 */
.macro hyp_fault kind
	mov	x1, sp
	mrs	x0, tpidr_el2
	ldr	w0, [x0, #CPU_ID]
	add	x0, x0, #1
	mov	x2, #CPU_PANIC_STACK_SIZE
	adrp	x3, cpu_panic_stacks
	add	x3, x3, :lo12:cpu_panic_stacks
	madd	x0, x0, x2, x3
	mov	sp, x0
	mov	x0, #\kind
	bl	hyp_panic
.endm

	.section .text.vectors, "ax"
	.balign 2048
	.global el2_vectors
el2_vectors:
	/* current EL with SP_EL0: never used */
	.balign 128
	hyp_fault 0
	.balign 128
	hyp_fault 1
	.balign 128
	hyp_fault 2
	.balign 128
	hyp_fault 3
	/* current EL with SP_ELx: a fault inside the hypervisor */
	.balign 128
	hyp_fault 4
	.balign 128
	hyp_fault 5
	.balign 128
	hyp_fault 6
	.balign 128
	hyp_fault 7
	/* lower EL, AArch64: the guest */
	.balign 128
	save_guest_caller_saved
	bl	vcpu_fast_sync		/* x18: the frame, x19-x29 not in it yet */
	b	fast_exit_done
	.balign 128
	save_guest_caller_saved
	bl	vcpu_fast_irq
	b	fast_exit_done
	.balign 128
	save_guest_and_exit 3
	.balign 128
	save_guest_and_exit 4
	/* lower EL, AArch32: not supported (HCR_EL2.RW=1) */
	.balign 128
	hyp_fault 8
	.balign 128
	hyp_fault 9
	.balign 128
	hyp_fault 10
	.balign 128
	hyp_fault 11

	.text
	.global __vcpu_run
__vcpu_run:
	stp	x29, x30, [sp, #-96]!
	hyp_callee_saved stp
	mrs	x1, tpidr_el2
	str	x0, [x1, #CPU_GUEST_REGS]
	guest_eret_full

/* After a fast-path handler: x0 = 0 to re-enter the guest, else the EXIT_* for the loop;
 * x18 = the frame (save_guest_caller_saved). */
fast_exit_done:
	cbnz	x0, 1f
	guest_x30_pc_pstate x18
	guest_x2_x17 ldp, x18
	ldp	x0, x1, [x18, #VCPU_REGS_X + 8 * 0]
	ldr	x18, [x18, #VCPU_REGS_X + 8 * 18]
	eret
	dsb	nsh
	isb
1:	stp	x19, x20, [x18, #VCPU_REGS_X + 8 * 19]
	stp	x21, x22, [x18, #VCPU_REGS_X + 8 * 21]
	stp	x23, x24, [x18, #VCPU_REGS_X + 8 * 23]
	stp	x25, x26, [x18, #VCPU_REGS_X + 8 * 25]
	stp	x27, x28, [x18, #VCPU_REGS_X + 8 * 27]
	str	x29, [x18, #VCPU_REGS_X + 8 * 29]
	cmp	x0, #EXIT_SYNC_FULL_CODE
	b.eq	fast_full

guest_exit:
	hyp_callee_saved ldp
	ldp	x29, x30, [sp], #96
	ret

/* EXIT_SYNC_FULL: an access through x19-x29, whose frame is complete now. The C code keeps
 * x19-x29 (callee-saved), but the handler may have written one of them in the frame (an
 * MRS), so a resume loads all of x2-x29 back. */
fast_full:
	mov	x18, #0			/* the frame is complete (vcpu_arch.c frame_partial) */
	bl	vcpu_fast_sync
	cbnz	x0, guest_exit
	mrs	x1, tpidr_el2
	ldr	x0, [x1, #CPU_GUEST_REGS]
	guest_eret_full
