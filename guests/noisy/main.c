/*
 * noisy: a misbehaving neighbour for the console-interference benchmark
 * (configs/bench-noisy.dts, docs/benchmarks.md) and the console boot tests.
 * Without pause, forever, it prints console lines and, between two lines,
 * reads an address outside its memory, which the hypervisor refuses
 * (fault-policy "inject": an abort is injected, the read is skipped and
 * counted here). Like any OS it also takes a periodic timer interrupt
 * (NOISY_TICK_HZ); under QEMU -icount that deadline also bounds its CPU's
 * round-robin turn (docs/benchmarks.md, "What icount can and cannot say").
 *
 *   noisy: start forbidden=0x<hex> tick_hz=<n>
 *   noisy: line=<n> refused=<n> <padding>      one per loop, without pause
 */
#include "guest/console.h"
#include "guest/fault.h"
#include "guest/mmio.h"
#include "guest/timer.h"

#define NOISY_FORBIDDEN 0x7f000000UL /* IPA outside the VM's 16 MiB at 0x40000000 */
#define NOISY_TICK_HZ 20000U

static unsigned long refused;
static void forbidden_read(void)
{
	fault_expect_begin(FAULT_RESUME_NEXT);
	(void)mmio_read32(NOISY_FORBIDDEN);
	if (fault_expect_end(0))
		refused++;
}

int main(void)
{
	printf("noisy: start forbidden=0x%lx tick_hz=%u\n", NOISY_FORBIDDEN, NOISY_TICK_HZ);
	timer_tick_start(NOISY_TICK_HZ, 0);
	for (unsigned long line = 0;; line++) {
		printf("noisy: line=%lu refused=%lu abcdefghijklmnopqrstuvwxyz0123456789\n", line,
		       refused);
		forbidden_read();
	}
}
