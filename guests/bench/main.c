/*
 * bench: set-up, hypervisor detection, the item table and the output lines.
 *
 *   bench: start hyp=<rtvisor <maj>.<min>|none> el=<el> n=<N> periods=<P> clock=... overhead_ns=<n>
 *   bench: item=<id> n=<N> min=<ns> avg=<ns> max=<ns> el2=<entries per iteration, 2 decimals|->
 *   bench: item=<id> skipped (<reason>)
 *   bench: energy cpu=<n> khz=<kHz> uj=<µJ>   (privileged VMs only: energy.c)
 *   bench: done
 */
#include "guest/boot.h"
#include "guest/console.h"
#include "guest/cpu.h"
#include "guest/gic.h"
#include "guest/printf.h"
#include "guest/psci.h"
#include "guest/sysreg.h"
#include "guest/timer.h"
#include "bench.h"

#define RTV_HC_VERSION 0xc6000000U
#define RTV_HC_EXIT_COUNT 0xc6000003U
#define RTV_HC_EXIT_ALL 0xffffffffU
#define SMCCC_NOT_SUPPORTED ((uint64_t)-1)
#define INSN_HVC0 0xd4000002U

/* Patched by bench/run.py in copies of the image (see bench.h). */
__attribute__((used, section(".data.bench_params")))
volatile struct bench_params bench_params = {
	.magic = BENCH_PARAMS_MAGIC,
	.n = BENCH_N,
	.n_periods = BENCH_N_PERIODS,
	.items = 0,
	.start_ms = 0,
	.slow_ns = 0,
};

bool on_rtvisor;
static bool el2_counts;

struct item {
	const char *id;
	void (*fn)(struct item_ctx *c);
};

/* Order and ids are stable: bit i of bench_params.items selects items[i]. */
static const struct item items[] = {
	{ "timer_lat_busy", item_timer_lat_busy },
	{ "timer_lat_wfi", item_timer_lat_wfi },
	{ "timer_period_1k", item_timer_period_1k },
	{ "timer_period_10k", item_timer_period_10k },
	{ "isr_return", item_isr_return },
	{ "isr_switch", item_isr_switch },
	{ "ctx_preempt", item_ctx_preempt },
	{ "ctx_coop", item_ctx_coop },
	{ "sem_give_noswitch", item_sem_give_noswitch },
	{ "sem_take_noswitch", item_sem_take_noswitch },
	{ "sem_give_switch", item_sem_give_switch },
	{ "sem_take_switch", item_sem_take_switch },
	{ "heap_alloc", item_heap_alloc },
	{ "heap_free", item_heap_free },
	{ "hvc_rtv", item_hvc_rtv },
	{ "hvc_psci", item_hvc_psci },
	{ "sysreg_sgi1r", item_sysreg_sgi1r },
	{ "mmio_emul_read", item_mmio_emul_read },
	{ "mmio_emul_write", item_mmio_emul_write },
	{ "mmio_pt_read", item_mmio_pt_read },
	{ "mmio_pt_write", item_mmio_pt_write },
	{ "page_first_touch", item_page_first_touch },
	{ "pci_bar_read", item_pci_bar_read },
	{ "pci_cfg_read", item_pci_cfg_read },
	{ "pci_intx_lat", item_pci_intx_lat },
	{ "sgi_ipi", item_sgi_ipi },	/* it leaves CPU 1 off again */
	{ "sgi_self", item_sgi_self },	/* CPU 0 only */
	{ "pci_msi_lat", item_pci_msi_lat },
	{ "sysreg_actlr", item_sysreg_actlr },
};

void stat_reset(struct stat *s)
{
	s->min = UINT64_MAX;
	s->max = 0;
	s->sum = 0;
	s->n = 0;
}

void stat_add(struct stat *s, uint64_t ns)
{
	if (ns < s->min)
		s->min = ns;
	if (ns > s->max)
		s->max = ns;
	s->sum += ns;
	s->n++;
}

uint64_t dur_ns(uint64_t t0, uint64_t t1)
{
	uint64_t d = t1 - t0;

	return d > clk_overhead_ns ? d - clk_overhead_ns : 0;
}

/*
 * The counter read just before the WFI: QEMU (-icount sleep=off) moves the
 * clock of an all-idle machine forward from its main thread, which may act
 * in the instant a CPU halts, before that CPU's last instructions are
 * accounted: the jump then overshoots the next deadline by the instructions
 * run since the CPU last read the clock. The read leaves only the WFI itself
 * unaccounted (1 ns). The WFI items avoid the race altogether by keeping
 * CPU 1 busy (items_smp.c) or run next to another busy VM.
 */
void wait_change_wfi(const volatile uint32_t *flag, uint32_t seen)
{
	irq_mask();
	while (*flag == seen) {
		(void)sysreg_read(cntvct_el0);
		__asm__ volatile("wfi" : : : "memory");
		irq_unmask();	/* take what woke us */
		irq_mask();
	}
	irq_unmask();
}

/*
 * Without EL2 an HVC is UNDEFINED, unless the platform firmware catches it:
 * QEMU 7.2's built-in PSCI (conduit HVC on virt without virtualization=on)
 * answers every function id itself, -1 for ids it does not know. Other
 * setups raise an Undefined Instruction exception: answer -1 the same way.
 */
static bool bench_sync_hook(struct exc_frame *f, uint64_t esr, uint64_t far)
{
	(void)far;
	if (ESR_EC(esr) == ESR_EC_UNKNOWN && *(volatile uint32_t *)(uintptr_t)f->elr == INSN_HVC0) {
		f->x[0] = SMCCC_NOT_SUPPORTED;
		f->elr += 4;
		return true;
	}
	return false;
}

uint64_t el2_count(void)
{
	return el2_counts ? bench_hvc(RTV_HC_EXIT_COUNT, RTV_HC_EXIT_ALL) : 0;
}

uint64_t el2_between(uint64_t before, uint64_t after)
{
	return el2_counts && after > before ? after - before - 1 : 0;
}

static void detect_hypervisor(char *buf, size_t len)
{
	uint64_t v = bench_hvc(RTV_HC_VERSION, 0);

	on_rtvisor = v != SMCCC_NOT_SUPPORTED && (v >> 16) < 0x100U;
	if (!on_rtvisor) {
		snprintf(buf, len, "none");
		return;
	}
	el2_counts = bench_hvc(RTV_HC_EXIT_COUNT, RTV_HC_EXIT_ALL) != SMCCC_NOT_SUPPORTED;
	snprintf(buf, len, "rtvisor-%lu.%lu%s", (unsigned long)(v >> 16),
		 (unsigned long)(v & 0xffffU), el2_counts ? "" : " (no exit counts)");
}

/*
 * Before each item: let the output of the last one leave. Under a hypervisor
 * whose console another CPU drains (rtvisor's housekeeping pCPU), the line just
 * printed is still being written out; under QEMU -icount all CPUs share one
 * clock, round robin, so that CPU's work would land in the first iterations.
 * SETTLE_MS of YIELDs give the other CPUs their turns first (natively: no-op).
 */
#define SETTLE_MS 2U

static void settle(void)
{
	uint64_t end = timer_now() + timer_freq() * SETTLE_MS / 1000U;

	while (timer_now() < end)
		__asm__ volatile("yield");
}

/*
 * The items start once the counter (shared by every CPU and VM: the machine's uptime)
 * has reached start_ms: the energy runs' Linux VMs are booted by then, so the items
 * measure the steady mix. YIELDs meanwhile, as settle() does.
 */
static void wait_start(uint32_t start_ms)
{
	uint64_t end = timer_freq() / 1000U * start_ms;

	while (timer_now() < end)
		__asm__ volatile("yield");
}

static void run_item(unsigned idx, uint32_t n, uint32_t n_periods)
{
	struct item_ctx c = { .n = n, .n_periods = n_periods, .el2_iters = n };
	uint64_t e0, e1, el2, avg;

	settle();
	stat_reset(&c.st);
	e0 = el2_count();
	items[idx].fn(&c);
	e1 = el2_count();
	if (c.skip || !c.st.n) {
		printf("bench: item=%s skipped (%s)\n", items[idx].id, c.skip ? c.skip : "no samples");
		return;
	}
	avg = (c.st.sum + c.st.n / 2U) / c.st.n;
	if (!el2_counts) {
		printf("bench: item=%s n=%u min=%lu avg=%lu max=%lu el2=-\n", items[idx].id, c.st.n,
		       (unsigned long)c.st.min, (unsigned long)avg, (unsigned long)c.st.max);
		return;
	}
	el2 = (el2_between(e0, e1) + c.el2_extra) * 100U;
	el2 = (el2 + c.el2_iters / 2U) / c.el2_iters;
	printf("bench: item=%s n=%u min=%lu avg=%lu max=%lu el2=%lu.%02lu\n", items[idx].id,
	       c.st.n, (unsigned long)c.st.min, (unsigned long)avg, (unsigned long)c.st.max,
	       (unsigned long)(el2 / 100U), (unsigned long)(el2 % 100U));
	timer_slow_print();
}

int main(void)
{
	uint32_t n = bench_params.n, n_periods = bench_params.n_periods, mask = bench_params.items;
	char hyp[48];
	const char *clk;

	exception_set_sync_hook(bench_sync_hook);
	detect_hypervisor(hyp, sizeof(hyp));
	gic_dist_init();
	gic_cpu_init();
	bench_vectors_install();
	clk = clock_init();
	sched_init();
	heap_init();
	bench_timer_init();
	bench_pci_init();
	bench_msi_init();
	irq_unmask();
	if (!n)
		n = 1;
	if (!n_periods)
		n_periods = 1;
	printf("bench: start hyp=%s el=%u n=%u periods=%u %s overhead_ns=%lu\n", hyp,
	       cpu_current_el(), n, n_periods, clk, (unsigned long)clk_overhead_ns);
	wait_start(bench_params.start_ms);
	energy_begin(on_rtvisor);
	for (unsigned i = 0; i < sizeof(items) / sizeof(items[0]); i++)
		if (!mask || (mask & (1U << i)))
			run_item(i, n, n_periods);
	energy_report(on_rtvisor);
	printf("bench: done\n");
	psci_system_off();
	cpu_halt();
}
