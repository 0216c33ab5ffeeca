/*
 * Test-and-set spinlock (LDAXR/STXR, release with STLR).
 */
#ifndef GUEST_SPINLOCK_H
#define GUEST_SPINLOCK_H

#include <stdint.h>

typedef struct {
	volatile uint32_t locked;
} spinlock_t;

#define SPINLOCK_INIT { 0 }

void spin_lock(spinlock_t *lock);
void spin_unlock(spinlock_t *lock);
/* Mask IRQs, then take the lock; returns the DAIF to restore. */
uint64_t spin_lock_irqsave(spinlock_t *lock);
void spin_unlock_irqrestore(spinlock_t *lock, uint64_t flags);

#endif
