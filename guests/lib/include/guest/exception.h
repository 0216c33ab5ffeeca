/*
 * Exception frames and the synchronous-exception hook.
 *
 * A synchronous exception is offered first to the guest's hook (if one is
 * set), then to the expect-fault mechanism (guest/fault.h); if neither takes
 * it, ESR_EL1/ELR_EL1/FAR_EL1 are printed and the CPU halts.
 */
#ifndef GUEST_EXCEPTION_H
#define GUEST_EXCEPTION_H

#include <stdbool.h>
#include <stdint.h>

/* Saved by the vectors; layout fixed (see vectors.S, GUEST_FRAME_SIZE). */
struct exc_frame {
	uint64_t x[31];
	uint64_t elr;
	uint64_t spsr;
	uint64_t pad;
};

#define ESR_EC(esr) ((unsigned)(((esr) >> 26) & 0x3f))
#define ESR_EC_UNKNOWN 0x00
#define ESR_EC_HVC64 0x16
#define ESR_EC_IABT_LOW 0x20
#define ESR_EC_IABT_CUR 0x21
#define ESR_EC_PC_ALIGN 0x22
#define ESR_EC_DABT_LOW 0x24
#define ESR_EC_DABT_CUR 0x25
#define ESR_EC_SERROR 0x2f

/*
 * Return true if the exception was handled (the hook may change frame->elr
 * and registers; execution resumes from the frame). Return false to pass it on.
 */
typedef bool (*exc_sync_hook_t)(struct exc_frame *frame, uint64_t esr, uint64_t far);

/* Install a hook (NULL removes it); returns the previous one. */
exc_sync_hook_t exception_set_sync_hook(exc_sync_hook_t hook);

/* Print "exception: <what> cpu<n> esr=... elr=... far=... spsr=...". */
void exception_report(const char *what, const struct exc_frame *frame, uint64_t esr,
		      uint64_t far);

/* True for instruction/data aborts (any EL) and SErrors. */
bool esr_is_abort(uint64_t esr);

#endif
