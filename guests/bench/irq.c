/*
 * IRQ dispatch for bench's own vector table: acknowledge, call the handler,
 * EOI; then let the scheduler switch threads if a handler readied one.
 */
#include "guest/console.h"
#include "guest/gic.h"
#include "bench.h"

static bench_irq_fn irq_fns[BENCH_IRQ_MAX];

void bench_irq_register(uint32_t intid, bench_irq_fn fn)
{
	if (intid < BENCH_IRQ_MAX)
		irq_fns[intid] = fn;
}

void bench_irq(void)
{
	for (;;) {
		uint32_t iar = gic_ack();
		uint32_t intid = iar & 0xffffffU;

		if (intid >= 1020U)
			break;
		if (intid < BENCH_IRQ_MAX && irq_fns[intid]) {
			irq_fns[intid](intid);
		} else {
			gic_irq_disable(intid);
			printf("bench: unexpected intid %u disabled\n", intid);
		}
		gic_eoi(iar);
	}
	sched_irq_exit();
}
