/*
 * Console commands, taken from the PL011 RX interrupt:
 * r = reset, o = power off, p = pong, v = active-state check (active_check.c),
 * anything else = echo its hex code.
 */
#include "guest/console.h"
#include "guest/pl011.h"
#include "guest/psci.h"
#include "hello.h"

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
	default:
		printf("hello: key %02x\n", c);
	}
}

void hello_console_init(void)
{
	pl011_rx_listen(hello_command);
}
