/* Ticket-free test-and-set spinlock on load/store-exclusive (Arm ARM B2.9). */
#ifndef RTV_ARCH_SPINLOCK_H
#define RTV_ARCH_SPINLOCK_H

#include <types.h>

typedef struct {
	volatile u32 v;
} spinlock_t;

#define SPINLOCK_INIT { 0 }

static inline void spin_lock(spinlock_t *l)
{
	u32 tmp, one = 1;

	__asm__ volatile("sevl\n"
			 "1: wfe\n"
			 "2: ldaxr %w0, [%1]\n"
			 "cbnz %w0, 1b\n"
			 "stxr %w0, %w2, [%1]\n"
			 "cbnz %w0, 2b\n"
			 : "=&r"(tmp)
			 : "r"(&l->v), "r"(one)
			 : "memory");
}

static inline void spin_unlock(spinlock_t *l)
{
	__asm__ volatile("stlr wzr, [%0]" : : "r"(&l->v) : "memory");
}

#endif
