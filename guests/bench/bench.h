/*
 * bench: real-time benchmark guest. Runs unchanged on bare QEMU (EL1) and
 * under rtvisor; prints one machine-readable line per item:
 *
 *   bench: item=<id> n=<N> min=<ns> avg=<ns> max=<ns> el2=<entries per iteration|->
 *
 * Item ids, measuring points and the harness: docs/benchmarks.md.
 */
#ifndef BENCH_H
#define BENCH_H

#include <stdbool.h>
#include <stdint.h>
#include "guest/exception.h"

/* Iterations per item (build time default; the harness may patch bench_params). */
#ifndef BENCH_N
#define BENCH_N 1000U
#endif
/* Timer periods recorded by the period/jitter items. */
#ifndef BENCH_N_PERIODS
#define BENCH_N_PERIODS 500U
#endif
/* Fresh pages available to page_first_touch (8 MiB from BENCH_PAGE_BASE). */
#define BENCH_PAGE_BASE 0x40400000UL
#define BENCH_PAGE_MAX 2048U

/*
 * Parameter block, found and patched in bench.bin (and in a hypervisor image
 * that embeds it) by bench/run.py: magic, then n, n_periods, item mask (bit i =
 * item i of the table in main.c; 0 = all), and the counter time in ms before which
 * no item starts (0: at once; the energy runs with Linux VMs let them boot first),
 * and a latency above which the timer_lat_* items list their samples (0: none;
 * `bench/run.py --slow-ns`, a tool for finding what delays a sample).
 */
#define BENCH_PARAMS_MAGIC "RTV-BENCH-PARAMS"
struct bench_params {
	char magic[16];
	uint32_t n;
	uint32_t n_periods;
	uint32_t items;
	uint32_t start_ms;
	uint32_t slow_ns;	/* > 0: timer_lat_* list up to SLOW_MAX samples above it */
};
extern volatile struct bench_params bench_params;

/* --- clock.c: timestamps, in ns on the timer timeline shared by all CPUs --- */

extern bool clk_ladder;		/* 1 ns ladder (CNTFRQ 62.5 MHz) in use */
uint64_t bench_ts(void);	/* entry.S: 17-read ladder */
uint64_t ts_plain(void);	/* CNTVCT * tick */

static inline uint64_t ts(void)
{
	return clk_ladder ? bench_ts() : ts_plain();
}

/* Boot CPU, once: choose the clock, measure its overhead; returns a description. */
const char *clock_init(void);
/* Counter ticks (CNTVCT/CVAL) -> ns on the same timeline as ts(). */
uint64_t clk_ticks_ns(uint64_t ticks);
/* Smallest back-to-back ts() difference, ns (subtracted from durations). */
extern uint64_t clk_overhead_ns;

/* --- stats (main.c) -------------------------------------------------------- */

struct stat {
	uint64_t min, max, sum;
	uint32_t n;
};

void stat_reset(struct stat *s);
void stat_add(struct stat *s, uint64_t ns);
/* t1 - t0 in ns, minus the cost of one timestamp (clk_overhead_ns), never below 0. */
uint64_t dur_ns(uint64_t t0, uint64_t t1);
/* Wait with WFI until *flag != seen (IRQs masked around the test: no lost wake-up). */
void wait_change_wfi(const volatile uint32_t *flag, uint32_t seen);

/* --- hypervisor probes (main.c) -------------------------------------------- */

extern bool on_rtvisor;
uint64_t bench_hvc(uint64_t fid, uint64_t a1);	/* entry.S: HVC #0, x0 = fid, x1 = a1 */
uint64_t el2_count(void);	/* EL2 entries of this pCPU (0 natively) */
/* Entries between two el2_count() reads, less the second read's own HVC. */
uint64_t el2_between(uint64_t before, uint64_t after);

/* --- exceptions and interrupts (vectors.S, irq.c) -------------------------- */

extern char bench_vectors[];
void bench_vectors_install(void);
void exception_dispatch(struct exc_frame *frame, unsigned kind); /* guest library */
void bench_irq(void);	/* from the IRQ vector */

typedef void (*bench_irq_fn)(uint32_t intid);
#define BENCH_IRQ_MAX 64U
void bench_irq_register(uint32_t intid, bench_irq_fn fn);
/* The handler of every LPI (INTID 8192 and up). */
void bench_lpi_register(bench_irq_fn fn);

/* --- sched.c: two-thread scheduler ----------------------------------------- */

#define SCHED_MAX_THREADS 4

struct sem {
	uint32_t count;
	struct thread *waiter;
};

typedef void (*thread_fn)(void *arg);

void sched_init(void);
/* Create a thread (prio: higher runs first; main is 1). Returns its index. */
int thread_create(thread_fn fn, void *arg, int prio);
/* Main: run the created threads until all have returned. */
void sched_run_all(void);
void sched_yield(void);
void sem_init(struct sem *s, uint32_t count);
void sem_give(struct sem *s);		/* from a thread: switches at once if it readies a higher thread */
void sem_give_isr(struct sem *s);	/* from an ISR: the switch happens at IRQ exit */
void sem_take(struct sem *s);
/* From bench_irq after the EOIs: switch if an ISR readied a higher thread. */
void sched_irq_exit(void);
void ctx_switch(uint64_t *save_sp, uint64_t new_sp);	/* ctx.S */
void thread_trampoline(void);				/* ctx.S */

/* --- heap.c ---------------------------------------------------------------- */

void heap_init(void);
void *heap_alloc(uint32_t size);
void heap_free(void *p);

/* --- items ----------------------------------------------------------------- */

struct item_ctx {
	uint32_t n;		/* iterations */
	uint32_t n_periods;
	struct stat st;		/* filled by the item */
	uint64_t el2_extra;	/* EL2 entries counted elsewhere (other vCPU) */
	uint32_t el2_iters;	/* divide EL2 entries by this (default n) */
	const char *skip;	/* set to a reason: item reported as skipped */
};

void item_timer_lat_busy(struct item_ctx *c);
void timer_slow_print(void);	/* after the item's line: its slow samples, if any */
void item_timer_lat_wfi(struct item_ctx *c);
void item_timer_period_1k(struct item_ctx *c);
void item_timer_period_10k(struct item_ctx *c);
void item_isr_return(struct item_ctx *c);
void item_isr_switch(struct item_ctx *c);
void item_ctx_preempt(struct item_ctx *c);
void item_ctx_coop(struct item_ctx *c);
void item_sem_give_noswitch(struct item_ctx *c);
void item_sem_take_noswitch(struct item_ctx *c);
void item_sem_give_switch(struct item_ctx *c);
void item_sem_take_switch(struct item_ctx *c);
void item_heap_alloc(struct item_ctx *c);
void item_heap_free(struct item_ctx *c);
void item_hvc_rtv(struct item_ctx *c);
void item_hvc_psci(struct item_ctx *c);
void item_sysreg_sgi1r(struct item_ctx *c);
void item_mmio_emul_read(struct item_ctx *c);
void item_mmio_emul_write(struct item_ctx *c);
void item_mmio_pt_read(struct item_ctx *c);
void item_mmio_pt_write(struct item_ctx *c);
void item_page_first_touch(struct item_ctx *c);
void item_pci_bar_read(struct item_ctx *c);
void item_pci_cfg_read(struct item_ctx *c);
void item_pci_intx_lat(struct item_ctx *c);
void item_sgi_ipi(struct item_ctx *c);
void item_sgi_self(struct item_ctx *c);
void item_sysreg_actlr(struct item_ctx *c);

/*
 * CPU 1 spins while CPU 0 waits in WFI (items_smp.c: keeps QEMU's clock
 * exact). Returns false if there is no CPU 1 (then nothing happens).
 */
bool helper_spin_begin(void);
void helper_spin_end(void);

/* Timer helpers shared by the timer/ISR items (items_timer.c). */
void bench_timer_init(void);
/* The PCI items' device (items_pci.c): found and set up before the items run. */
void bench_pci_init(void);
/* items_msi.c: the edu's MSI through the ITS to an LPI, set up (after bench_pci_init). */
void bench_msi_init(void);
void item_pci_msi_lat(struct item_ctx *c);

/* energy.c: every pCPU's model energy, for a privileged VM under rtvisor. */
void energy_begin(int on_hyp);
void energy_report(int on_hyp);

#endif
