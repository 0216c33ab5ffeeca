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
void hk_kick(void);          /* work is waiting: make the housekeeping pCPU look soon */
bool hk_pending(void);        /* housekeeping work waits (read by cpu_loop on the housekeeper) */
void hk_run(void);           /* on the housekeeping pCPU, outside interrupt context */
void hk_step(void);          /* one pass of its run loop: console work, governor samples */
bool hk_drain_here(void);    /* on the housekeeping pCPU: empty the console queue now */
bool hk_interactive(void);   /* this pCPU is handling typed input (shell, focus keys) */

#endif
