/*
 * Build-time limits of the guest library, shared by C and assembly.
 */
#ifndef GUEST_CONFIG_H
#define GUEST_CONFIG_H

/* CPUs a guest can run on (context id of PSCI CPU_ON is the CPU index). */
#define GUEST_MAX_CPUS 4

/* Per-CPU stack: 1 << GUEST_STACK_SHIFT bytes. */
#define GUEST_STACK_SHIFT 14
#define GUEST_STACK_SIZE (1 << GUEST_STACK_SHIFT)

/* Exception frame size (struct exc_frame), a multiple of 16. */
#define GUEST_FRAME_SIZE 272

#endif
