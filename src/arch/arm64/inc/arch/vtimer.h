/* The virtual timer unit's hooks for the vCPU context switch (vtimer.c). */
#ifndef RTV_ARCH_VTIMER_H
#define RTV_ARCH_VTIMER_H

#include <types.h>

bool vtimer_save(void);          /* returns and clears the physical vtimer active state */
void vtimer_restore(bool active);
void vtimer_silence(void);       /* disable and deactivate it on this pCPU */

#endif
