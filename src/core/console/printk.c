/*
 * printk: formatted hypervisor messages. They go into the console queue like
 * every VM's output (console.c) and reach the UART through the housekeeping
 * pCPU, so printing never makes a real-time pCPU wait for the UART.
 */
#include <console.h>
#include <console_out.h>
#include <lib.h>
#include <printk.h>

void printk(const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap); /* a longer message is cut at 255 bytes */
	va_end(ap);
	console_hyp_text(buf, strnlen(buf, sizeof(buf)));
}

/* For a dying CPU: straight to the UART, never through the queue. */
void printk_emergency(const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	cons_out_emergency(buf, strnlen(buf, sizeof(buf)));
}
