/*
 * intruder: tries to reach memory and devices its VM does not own. Under a
 * correct hypervisor every probe is refused; on bare QEMU all of them leak.
 */
#include "guest/boot.h"
#include "guest/console.h"
#include "guest/cpu.h"
#include "guest/gic.h"
#include "intruder.h"

#define OTHER_VM_RAM 0x50000000UL
#define HYPERVISOR_IMAGE 0x40200000UL
#define UNASSIGNED_DEVICE 0x09030000UL /* PL061 GPIO */

int main(void)
{
	printf("intruder: start\n");
	probe_read("other-vm", OTHER_VM_RAM);
	probe_read("hypervisor", HYPERVISOR_IMAGE);
	probe_write("hypervisor-write", HYPERVISOR_IMAGE, 0x1badb002U);
	probe_read("device", UNASSIGNED_DEVICE);
	garbage_gic();
	garbage_uart();
	probe_exec("exec", OTHER_VM_RAM);
	probe_sysregs();
	/* Reset whatever the garbage left in the GIC, then run normally. */
	gic_dist_init();
	gic_cpu_init();
	printf("intruder: done\n");
	alive_start();
	irq_unmask();
	for (;;)
		cpu_wfi();
}
