/*
 * EL1 virtual timer (CNTV_*), PPI INTID 27.
 */
#ifndef GUEST_TIMER_H
#define GUEST_TIMER_H

#include <stdint.h>

#define TIMER_VIRT_INTID 27

uint64_t timer_freq(void);	/* CNTFRQ_EL0, Hz */
uint64_t timer_now(void);	/* CNTVCT_EL0 */
void timer_set_cval(uint64_t cval);
void timer_enable(void);	/* ENABLE=1, IMASK=0 */
void timer_disable(void);
uint64_t timer_ticks_to_ns(uint64_t ticks);
uint64_t timer_ms_to_ticks(uint64_t ms);
/* A periodic virtual-timer interrupt at hz calling fn (GIC set up, IRQs unmasked). */
void timer_tick_start(uint32_t hz, void (*fn)(void));

#endif
