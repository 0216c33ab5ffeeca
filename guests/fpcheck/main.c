/*
 * fpcheck: each round loads V0-V31, FPSR and FPCR with values unique to (VM,
 * round), keeps them for a while (spinning on integer work, or waiting in WFI
 * for its tick) so that the hypervisor switches to another vCPU and back, then
 * reads them back and compares. Run in several VMs sharing one pCPU
 * (configs/fpcheck.dts), it fails when a switch loses or mixes FP/SIMD state.
 *
 *   fpcheck <vm>: start
 *   fpcheck <vm>: round <n> ok switched=<rounds>      every REPORT_ROUNDS rounds
 *   fpcheck <vm>: MISMATCH round <n> <reg> expected <hex> got <hex>
 *   fpcheck <vm>: FAILED round <n> registers=<count>   then halts
 *
 * switched: rounds during which the pCPU's scheduler switched vCPUs (read with
 * RTV_HC_EXIT_COUNT before loading and after reading back), i.e. rounds whose
 * registers went through the hypervisor's save and restore.
 */
#include "guest/boot.h"
#include "guest/console.h"
#include "guest/cpu.h"
#include "guest/psci.h"
#include "guest/timer.h"
#include "fpcheck.h"

#define RTV_HC_EXIT_COUNT 0xc6000003U
#define EXIT_CAUSE_SCHED 11	/* docs/hypercalls.md: scheduler switch */
#define TICK_HZ 1000U		/* wakes the WFI rounds */
#define HOLD_US 100U		/* a spinning round holds its registers 1-3 times this */
#define WFI_EVERY 4U		/* every 4th round waits in WFI instead */
#define REPORT_ROUNDS 500U

static struct fp_state want, got;
static uint64_t hold_ticks;

/* Scheduler switches on this pCPU so far; 0 without rtvisor (the call returns -1). */
static uint64_t switch_count(void)
{
	uint64_t n = psci_call(RTV_HC_EXIT_COUNT, EXIT_CAUSE_SCHED, 0, 0);

	return (int64_t)n < 0 ? 0 : n;
}

/* Between fp_load and fp_store: only general-purpose registers may be used here. */
static void hold(uint64_t round)
{
	volatile uint64_t work = 0;
	uint64_t end;

	if (round % WFI_EVERY == 0) {
		cpu_wfi();	/* the pCPU goes to the other VM until our tick */
		return;
	}
	end = timer_now() + (round % 3 + 1) * hold_ticks;
	while (timer_now() < end)
		work++;
}

/* One round; true if everything read back as loaded. */
static bool round_ok(unsigned vm, uint64_t round, uint64_t *switched)
{
	uint64_t before = switch_count();
	unsigned bad;

	fp_pattern(&want, vm, round);
	fp_load(&want);
	hold(round);
	fp_store(&got);
	if (switch_count() != before)
		(*switched)++;
	bad = fp_compare(&want, &got, vm, round);
	if (bad)
		printf("fpcheck %u: FAILED round %llu registers=%u\n", vm,
		       (unsigned long long)round, bad);
	return bad == 0;
}

int main(void)
{
	int64_t index = fp_vm_index();
	unsigned vm = index < 0 ? 0 : (unsigned)index;
	uint64_t switched = 0;

	cpu_fp_enable();
	hold_ticks = timer_freq() / (1000000U / HOLD_US);
	timer_tick_start(TICK_HZ, 0);
	printf("fpcheck %u: start\n", vm);
	for (uint64_t round = 1; round_ok(vm, round, &switched); round++)
		if (round % REPORT_ROUNDS == 0)
			printf("fpcheck %u: round %llu ok switched=%llu\n", vm,
			       (unsigned long long)round, (unsigned long long)switched);
	cpu_halt();
}
