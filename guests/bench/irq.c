/*
 * IRQ dispatch for bench's own vector table: acknowledge, call the handler,
 * EOI; then let the scheduler switch threads if a handler readied one.
 */
#include "guest/console.h"
#include "guest/gic.h"
#include "bench.h"

static bench_irq_fn irq_fns[BENCH_IRQ_MAX];
static bench_irq_fn lpi_fn;

void bench_lpi_register(bench_irq_fn fn)
{
	lpi_fn = fn;
}

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

		if (intid >= 1020U && intid < 8192U)
			break;
		if (intid >= 8192U && lpi_fn) {
			lpi_fn(intid);
		} else if (intid < BENCH_IRQ_MAX && irq_fns[intid]) {
			irq_fns[intid](intid);
		} else {
			if (intid < 1020U)
				gic_irq_disable(intid);
			printf("bench: unexpected intid %u disabled\n", intid);
		}
		gic_eoi(iar);
	}
	sched_irq_exit();
}
