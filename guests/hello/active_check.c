/*
 * 'v' command: does clearing the active state through GICR_ICACTIVER0 clear the
 * interrupt's virtual active state too (issue 19)? With IRQs masked: wait for the timer
 * PPI to be pending, acknowledge it (active), clear its active bit via the redistributor,
 * and leave the timer condition asserted. If the virtual copy became inactive, the
 * re-asserted line is delivered again and ICC_HPPIR1_EL1 shows the timer pending; if
 * the virtual copy stayed active, nothing can be pending (1023). Then EOI and go on.
 *   hello: active-clear hppir=<n>
 */
#include "guest/console.h"
#include "guest/cpu.h"
#include "guest/gic.h"
#include "guest/sysreg.h"
#include "guest/timer.h"
#include "hello.h"

#define GICR_ICACTIVER0 (GICR_BASE + 0x10000UL + 0x380UL) /* vCPU 0's SGI frame */

volatile int hello_active_check_req;

static uint64_t hppir_wait(uint64_t want, uint64_t ticks)
{
	uint64_t end = timer_now() + ticks, h;

	do
		h = sysreg_read(ICC_HPPIR1_EL1) & 0xffffff;
	while (h != want && timer_now() < end);
	return h;
}

void hello_active_check(void)
{
	uint64_t ms = timer_freq() / 1000, iar, h;

	hello_active_check_req = 0;
	irq_mask();
	hppir_wait(TIMER_VIRT_INTID, 10 * ms);
	iar = sysreg_read(ICC_IAR1_EL1);
	*(volatile uint32_t *)GICR_ICACTIVER0 = 1u << TIMER_VIRT_INTID;
	dsb(sy);
	h = hppir_wait(TIMER_VIRT_INTID, 10 * ms);
	sysreg_write(ICC_EOIR1_EL1, iar);
	isb();
	irq_unmask();
	printf("hello: active-clear iar=%llu hppir=%llu\n", (unsigned long long)(iar & 0xffffff),
	       (unsigned long long)h);
}
