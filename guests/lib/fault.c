/*
 * Expect-fault: per-CPU arming of "the next exceptions are anticipated".
 */
#include "guest/config.h"
#include "guest/cpu.h"
#include "guest/fault.h"

struct fault_state {
	volatile bool armed;
	enum fault_resume resume;
	struct fault_info info;
};

static struct fault_state fault_states[GUEST_MAX_CPUS];

static struct fault_state *fault_state_self(void)
{
	return &fault_states[cpu_id() % GUEST_MAX_CPUS];
}

void fault_expect_begin(enum fault_resume resume)
{
	struct fault_state *s = fault_state_self();

	s->info.count = 0;
	s->info.esr = 0;
	s->info.far = 0;
	s->info.elr = 0;
	s->resume = resume;
	compiler_barrier();
	s->armed = true;
	compiler_barrier();
}

unsigned fault_expect_end(struct fault_info *last)
{
	struct fault_state *s = fault_state_self();

	compiler_barrier();
	s->armed = false;
	compiler_barrier();
	if (last)
		*last = s->info;
	return s->info.count;
}

bool fault_try_handle(struct exc_frame *frame, uint64_t esr, uint64_t far, bool async)
{
	struct fault_state *s = fault_state_self();

	if (!s->armed)
		return false;
	s->info.count++;
	s->info.esr = esr;
	s->info.far = far;
	s->info.elr = frame->elr;
	if (async)
		return true;
	if (s->resume == FAULT_RESUME_LR)
		frame->elr = frame->x[30];
	else
		frame->elr += 4;
	return true;
}
