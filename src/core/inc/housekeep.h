/*
 * The housekeeping pCPU: the one pCPU that drives the physical UART (console
 * output and input), runs the management shell, and so the work that may take
 * long (log dumps, image copies of `vm start`). It is chosen outside the bind
 * pools, so a real-time pCPU never waits for any of it (docs/architecture.md).
 */
#ifndef RTV_HOUSEKEEP_H
#define RTV_HOUSEKEEP_H

#include <types.h>

struct cpu;

int hk_init(void);           /* boot CPU: take the UART's receive interrupt */
void hk_elect(void);         /* (re)choose the housekeeping pCPU; route the UART to it */
void hk_elect_bind_move(u32 from, u32 to); /* the same, for a bind vCPU moving from -> to */
void hk_kick(void);          /* work is waiting: make the housekeeping pCPU look soon */
bool hk_pending(void);        /* housekeeping work waits (read by cpu_loop on the housekeeper) */
void hk_run(void);           /* on the housekeeping pCPU, outside interrupt context */
void hk_step(void);          /* one pass of its run loop: console work, governor samples */
bool hk_drain_here(void);    /* on the housekeeping pCPU: empty the console queue now */
bool hk_interactive(void);   /* this pCPU is handling typed input (shell, focus keys) */

/*
 * Work a unit times by the clock (a watchdog's expiry), done on the housekeeping pCPU:
 * its EL2 timer is armed for the earliest next_due() and poll() runs from its loop once
 * that time has come, so no bind pCPU ever takes a tick for it. Registered from a unit's
 * init (boot, at most HK_MAX_TIMERS). next_due() is read on every pass of the loop and
 * must be cheap (a cached value). A deadline that moved earlier than the one armed is
 * announced with hk_timer_changed(), from any pCPU; it never waits.
 */
#define HK_MAX_TIMERS 4
struct hk_timer {
	u64 (*next_due)(void);   /* counter value of the next deadline; 0: none */
	void (*poll)(u64 now);   /* on the housekeeper, once now >= next_due() */
};
int hk_timer_register(const struct hk_timer *t);
void hk_timer_changed(void);
u64 hk_timers_due(const struct cpu *c); /* earliest deadline for c's EL2 timer; 0: none */

#endif
