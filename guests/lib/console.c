/*
 * Line console over the PL011. A CPU re-entering while it holds the lock
 * (exception report from inside printf) writes without taking it again.
 */
#include <stdarg.h>
#include "guest/console.h"
#include "guest/cpu.h"
#include "guest/pl011.h"
#include "guest/printf.h"
#include "guest/spinlock.h"

#define CONSOLE_NO_OWNER 0xffffffffU

static spinlock_t console_lock = SPINLOCK_INIT;
static volatile unsigned console_owner = CONSOLE_NO_OWNER;

static void console_emit(const char *s)
{
	for (; *s; s++) {
		if (*s == '\n')
			pl011_putc('\r');
		pl011_putc(*s);
	}
}

void console_puts(const char *s)
{
	uint64_t flags = irq_save();
	unsigned me = cpu_id();

	if (console_owner == me) {
		console_emit(s);
		irq_restore(flags);
		return;
	}
	spin_lock(&console_lock);
	console_owner = me;
	console_emit(s);
	console_owner = CONSOLE_NO_OWNER;
	spin_unlock(&console_lock);
	irq_restore(flags);
}

int printf(const char *fmt, ...)
{
	char line[CONSOLE_LINE_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	console_puts(line);
	return n;
}
