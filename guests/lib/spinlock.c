/*
 * Spinlock: LDAXR/STXR acquire loop, STLR release. No WFE, so it also works
 * where no event is generated (e.g. MMU off on some implementations).
 */
#include "guest/cpu.h"
#include "guest/spinlock.h"

void spin_lock(spinlock_t *lock)
{
	uint32_t busy, fail;

	__asm__ volatile("1:	ldaxr	%w0, [%2]\n"
			 "	cbnz	%w0, 1b\n"
			 "	stxr	%w1, %w3, [%2]\n"
			 "	cbnz	%w1, 1b\n"
			 : "=&r"(busy), "=&r"(fail)
			 : "r"(&lock->locked), "r"(1U)
			 : "memory");
}

void spin_unlock(spinlock_t *lock)
{
	__asm__ volatile("stlr	wzr, [%0]" : : "r"(&lock->locked) : "memory");
}

uint64_t spin_lock_irqsave(spinlock_t *lock)
{
	uint64_t flags = irq_save();

	spin_lock(lock);
	return flags;
}

void spin_unlock_irqrestore(spinlock_t *lock, uint64_t flags)
{
	spin_unlock(lock);
	irq_restore(flags);
}
