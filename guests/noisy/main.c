/*
 * noisy: a misbehaving neighbour for the console-interference benchmark
 * (configs/bench-noisy.dts, docs/benchmarks.md). Without pause, forever, it
 * prints console lines and, between two lines, reads an address outside its
 * memory, which the hypervisor refuses (fault-policy "inject": an abort is
 * injected, the read is skipped and counted here).
 *
 *   noisy: start forbidden=0x<hex>
 *   noisy: line=<n> refused=<n> <padding>      one per loop, without pause
 */
#include "guest/console.h"
#include "guest/fault.h"
#include "guest/mmio.h"

#define NOISY_FORBIDDEN 0x7f000000UL /* IPA outside the VM's 16 MiB at 0x40000000 */

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
	printf("noisy: start forbidden=0x%lx\n", NOISY_FORBIDDEN);
	for (unsigned long line = 0;; line++) {
		printf("noisy: line=%lu refused=%lu abcdefghijklmnopqrstuvwxyz0123456789\n", line,
		       refused);
		forbidden_read();
	}
}
