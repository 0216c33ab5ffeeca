/*
 * Library-internal symbols shared between the assembly entry code and C.
 */
#ifndef GUEST_LIB_INTERNAL_H
#define GUEST_LIB_INTERNAL_H

#include <stdint.h>
#include "guest/exception.h"

/* Vector index (kind) values passed to exception_dispatch(). */
#define EXC_CUR_SP0_BASE 0
#define EXC_CUR_SPX_SYNC 4
#define EXC_CUR_SPX_IRQ 5
#define EXC_CUR_SPX_FIQ 6
#define EXC_CUR_SPX_SERROR 7

extern uint64_t guest_boot_el;
extern uint64_t guest_boot_early[3];

void exception_dispatch(struct exc_frame *frame, unsigned kind);
void secondary_entry(void);
void smp_secondary_main(unsigned cpu);
uint64_t smccc_hvc(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3);
uint64_t smccc_smc(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3);

#endif
