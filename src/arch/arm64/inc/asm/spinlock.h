/*
 * Test-and-set spinlock on load-acquire/store-exclusive (Arm ARM B2.9). The lock
 * is tried first; only while it is held does the CPU wait in WFE, woken by the
 * event the unlocking store sends to the exclusive monitor. (QEMU turns every
 * WFE into a yield, so an unconditional WFE would also distort -icount timing.)
 */
#ifndef RTV_ASM_SPINLOCK_H
#define RTV_ASM_SPINLOCK_H

#include <types.h>

typedef struct {
	volatile u32 v;
} spinlock_t;

#define SPINLOCK_INIT { 0 }

static inline void spin_lock(spinlock_t *l)
{
	u32 tmp, one = 1;

	__asm__ volatile("1: ldaxr %w0, [%1]\n"
			 "cbz %w0, 2f\n"
			 "wfe\n"
			 "b 1b\n"
			 "2: stxr %w0, %w2, [%1]\n"
			 "cbnz %w0, 1b\n"
			 : "=&r"(tmp)
			 : "r"(&l->v), "r"(one)
			 : "memory");
}

/* One attempt: true if the lock is now held. */
static inline bool spin_trylock(spinlock_t *l)
{
	u32 tmp, one = 1;

	__asm__ volatile("1: ldaxr %w0, [%1]\n"
			 "cbnz %w0, 2f\n"
			 "stxr %w0, %w2, [%1]\n"
			 "cbnz %w0, 1b\n"
			 "2:\n"
			 : "=&r"(tmp)
			 : "r"(&l->v), "r"(one)
			 : "memory");
	return tmp == 0;
}

static inline void spin_unlock(spinlock_t *l)
{
	__asm__ volatile("stlr wzr, [%0]" : : "r"(&l->v) : "memory");
}

#endif
