/*
 * Exception dispatch from the vectors: IRQ to the handler table, sync to the
 * guest hook / expect-fault / fatal report, SError to expect-fault / fatal.
 */
#include "guest/console.h"
#include "guest/cpu.h"
#include "guest/exception.h"
#include "guest/fault.h"
#include "guest/irq.h"
#include "internal.h"

static volatile exc_sync_hook_t sync_hook;

exc_sync_hook_t exception_set_sync_hook(exc_sync_hook_t hook)
{
	exc_sync_hook_t old = sync_hook;

	sync_hook = hook;
	return old;
}

bool esr_is_abort(uint64_t esr)
{
	switch (ESR_EC(esr)) {
	case ESR_EC_IABT_LOW:
	case ESR_EC_IABT_CUR:
	case ESR_EC_DABT_LOW:
	case ESR_EC_DABT_CUR:
	case ESR_EC_SERROR:
		return true;
	default:
		return false;
	}
}

void exception_report(const char *what, const struct exc_frame *frame, uint64_t esr,
		      uint64_t far)
{
	printf("exception: %s cpu%u esr=0x%lx elr=0x%lx far=0x%lx spsr=0x%lx\n", what,
	       cpu_id(), esr, frame->elr, far, frame->spsr);
}

static void exception_sync(struct exc_frame *frame)
{
	uint64_t esr = sysreg_read(esr_el1);
	uint64_t far = sysreg_read(far_el1);
	exc_sync_hook_t hook = sync_hook;

	if (hook && hook(frame, esr, far))
		return;
	if (fault_try_handle(frame, esr, far, false))
		return;
	exception_report("unhandled sync", frame, esr, far);
	cpu_halt();
}

static void exception_serror(struct exc_frame *frame)
{
	uint64_t esr = sysreg_read(esr_el1);

	if (fault_try_handle(frame, esr, 0, true))
		return;
	exception_report("serror", frame, esr, 0);
	cpu_halt();
}

void exception_dispatch(struct exc_frame *frame, unsigned kind)
{
	switch (kind) {
	case EXC_CUR_SPX_SYNC:
		exception_sync(frame);
		break;
	case EXC_CUR_SPX_IRQ:
		irq_dispatch();
		break;
	case EXC_CUR_SPX_SERROR:
		exception_serror(frame);
		break;
	default:
		printf("exception: unexpected vector %u\n", kind);
		exception_report("unexpected", frame, sysreg_read(esr_el1), sysreg_read(far_el1));
		cpu_halt();
	}
}
