/*
 * A tiny fixed-priority scheduler, enough for the RTOS-style items: the main
 * thread (index 0, priority 1) plus up to three threads with their own
 * stacks. A switch saves callee-saved registers, LR and DAIF on the thread's
 * stack (ctx_switch in entry.S); a thread preempted by an interrupt is
 * switched out inside bench_irq(), after the EOI, with its exception frame
 * still on its stack. Semaphores have at most one waiter. Boot CPU only.
 */
#include "guest/console.h"
#include "guest/cpu.h"
#include "guest/string.h"
#include "bench.h"

#define THREAD_STACK 8192U
#define CTX_FRAME_WORDS 14U /* x19..x30, DAIF, pad: see ctx_switch */

enum tstate { T_FREE, T_READY, T_BLOCKED, T_DONE };

struct thread {
	uint64_t sp;
	int prio;
	enum tstate st;
};

static struct thread threads[SCHED_MAX_THREADS];
static struct thread *cur;
static bool need_resched;
static uint64_t stacks[SCHED_MAX_THREADS][THREAD_STACK / 8] __attribute__((aligned(16)));

void thread_exit(void) __attribute__((noreturn));

void sched_init(void)
{
	memset(threads, 0, sizeof(threads));
	threads[0].st = T_READY;
	threads[0].prio = 1;
	cur = &threads[0];
	need_resched = false;
}

int thread_create(thread_fn fn, void *arg, int prio)
{
	for (int i = 1; i < SCHED_MAX_THREADS; i++) {
		struct thread *t = &threads[i];
		uint64_t *frame;

		if (t->st != T_FREE && t->st != T_DONE)
			continue;
		frame = &stacks[i][THREAD_STACK / 8 - CTX_FRAME_WORDS];
		memset(frame, 0, CTX_FRAME_WORDS * 8);
		frame[0] = (uint64_t)(uintptr_t)fn;			/* x19 */
		frame[1] = (uint64_t)(uintptr_t)arg;			/* x20 */
		frame[11] = (uint64_t)(uintptr_t)thread_trampoline;	/* x30 */
		frame[12] = 0;						/* DAIF: all unmasked */
		t->sp = (uint64_t)(uintptr_t)frame;
		t->prio = prio;
		t->st = T_READY;
		return i;
	}
	return -1;
}

/* Highest-priority ready thread. rotate: among equals, the one after cur first. */
static struct thread *pick(bool rotate)
{
	struct thread *best = 0;
	int ci = (int)(cur - threads);

	for (int k = 1; k <= SCHED_MAX_THREADS; k++) {
		struct thread *t = &threads[(ci + k) % SCHED_MAX_THREADS];

		if (t->st == T_READY && (!best || t->prio > best->prio))
			best = t;
	}
	if (!rotate && cur->st == T_READY && best && cur->prio >= best->prio)
		return cur;
	return best ? best : &threads[0];
}

static void switch_to(struct thread *next)
{
	struct thread *prev = cur;

	if (next == prev)
		return;
	cur = next;
	ctx_switch(&prev->sp, next->sp);
}

void thread_exit(void)
{
	irq_mask();
	cur->st = T_DONE;
	switch_to(pick(false));
	for (;;)
		;
}

void sched_run_all(void)
{
	for (;;) {
		uint64_t flags = irq_save();
		bool ready = false, blocked = false;

		for (int i = 1; i < SCHED_MAX_THREADS; i++) {
			ready |= threads[i].st == T_READY;
			blocked |= threads[i].st == T_BLOCKED;
		}
		if (ready)
			switch_to(pick(false));
		else if (blocked)
			cpu_wfi(); /* they wait for an interrupt: taken at irq_restore */
		irq_restore(flags);
		if (!ready && !blocked)
			return;
	}
}

void sched_yield(void)
{
	uint64_t flags = irq_save();

	switch_to(pick(true));
	irq_restore(flags);
}

void sem_init(struct sem *s, uint32_t count)
{
	s->count = count;
	s->waiter = 0;
}

static struct thread *sem_wake(struct sem *s)
{
	struct thread *w = s->waiter;

	if (!w) {
		s->count++;
		return 0;
	}
	s->waiter = 0;
	w->st = T_READY;
	return w;
}

void sem_give(struct sem *s)
{
	uint64_t flags = irq_save();
	struct thread *w = sem_wake(s);

	if (w && w->prio > cur->prio)
		switch_to(w);
	irq_restore(flags);
}

void sem_give_isr(struct sem *s)
{
	struct thread *w = sem_wake(s);

	if (w && w->prio > cur->prio)
		need_resched = true;
}

void sem_take(struct sem *s)
{
	uint64_t flags = irq_save();

	if (s->count) {
		s->count--;
	} else {
		cur->st = T_BLOCKED;
		s->waiter = cur;
		switch_to(pick(false));
	}
	irq_restore(flags);
}

void sched_irq_exit(void)
{
	if (!need_resched)
		return;
	need_resched = false;
	switch_to(pick(false));
}
