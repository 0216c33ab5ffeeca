/*
 * rtprobe: performs, in the order RTOS start-up code does, the probes that
 * decide whether an unmodified kernel boots, and prints what each found. The
 * "highest EL? then program CNTFRQ_EL0" step ran in the library's start-up
 * (guests/lib/cpu_early.S) before any vectors existed; its result is
 * printed first. Runs on bare QEMU (EL1) and under rtvisor; the boot test
 * compares the two (tests/boot/test_rtos_probe.py).
 */
#include "guest/boot.h"
#include "guest/console.h"
#include "guest/cpu.h"
#include "guest/sysreg.h"
#include "rtprobe.h"

static void probe_start_up(void)
{
	printf("rtprobe: currentel %u\n", cpu_current_el());
	printf("rtprobe: highest el%u\n", cpu_boot_highest_el());
	printf("rtprobe: cntfrq_write %s vbar=0x%llx\n",
	       cpu_boot_cntfrq_written() ? "done" : "skipped",
	       (unsigned long long)cpu_boot_early_vbar());
	printf("rtprobe: cntfrq %llu\n", (unsigned long long)sysreg_read(cntfrq_el0));
}

int main(void)
{
	printf("rtprobe: start\n");
	probe_start_up();
	probe_ids();
	probe_cpu();
	probe_setway();
	probe_gic();
	probe_firmware();
	printf("rtprobe: done\n");
	return 0;
}
