/*
 * printk: formatted hypervisor messages. They go into the console queue like
 * every VM's output (console.c) and reach the UART through the housekeeping
 * pCPU, so printing never makes a real-time pCPU wait for the UART.
 */
#include <console.h>
#include <console_out.h>
#include <lib.h>
#include <printk.h>

#define PRINTK_MAX 256 /* a longer message is cut */

/* prefix, the message, suffix (each cut to what fits); returns the length. */
static size_t format(char *buf, const char *prefix, const char *suffix, const char *fmt,
		     va_list ap)
{
	size_t n;

	rtv_strlcpy(buf, prefix, PRINTK_MAX);
	n = strnlen(buf, PRINTK_MAX);
	vsnprintf(buf + n, PRINTK_MAX - n, fmt, ap);
	n = strnlen(buf, PRINTK_MAX);
	rtv_strlcpy(buf + n, suffix, PRINTK_MAX - n);
	return strnlen(buf, PRINTK_MAX);
}

void vprintk_wrapped(const char *prefix, const char *suffix, const char *fmt, va_list ap)
{
	char buf[PRINTK_MAX];

	console_hyp_text(buf, format(buf, prefix, suffix, fmt, ap));
}

void printk(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintk_wrapped("", "", fmt, ap);
	va_end(ap);
}

/* For a dying CPU: straight to the UART, never through the queue. */
void printk_emergency(const char *fmt, ...)
{
	char buf[PRINTK_MAX];
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = format(buf, "", "", fmt, ap);
	va_end(ap);
	cons_out_emergency(buf, n);
}
