/*
 * Console commands, taken from the PL011 RX interrupt:
 * r = reset, o = power off, p = pong, v = active-state check (active_check.c),
 * c = crash into an exception loop (for rtvisor's crash snapshots), anything else =
 * echo its hex code.
 */
#include "guest/console.h"
#include "guest/pl011.h"
#include "guest/psci.h"
#include "hello.h"

/*
 * Point VBAR_EL1 at address 0 (not in this VM's memory) and read an address the VM
 * does not own: under fault-policy "inject" the abort is delivered to 0x200, whose
 * fetch faults again, for ever -- what a guest that dies before it has vectors does.
 */
static void hello_crash_loop(void)
{
	__asm__ volatile("msr vbar_el1, xzr\n\tisb\n\tmov x0, #0x1000\n\tldr x0, [x0]"
			 : : : "x0", "memory");
}

static void hello_command(uint8_t c)
{
	switch (c) {
	case 'r':
		printf("hello: reset\n");
		printf("hello: system_reset failed (%d)\n", psci_system_reset());
		break;
	case 'o':
		printf("hello: off\n");
		printf("hello: system_off failed (%d)\n", psci_system_off());
		break;
	case 'p':
		printf("hello: pong\n");
		break;
	case 'v':
		hello_active_check_req = 1; /* run from the main loop, outside the handler */
		break;
	case 'c':
		printf("hello: crashing into an exception loop\n");
		hello_crash_loop();
		break;
	default:
		printf("hello: key %02x\n", c);
	}
}

void hello_console_init(void)
{
	pl011_rx_listen(hello_command);
}
