/* printk: formatted hypervisor messages, one whole line at a time. */
#include <arch/spinlock.h>
#include <lib.h>
#include <pl011.h>
#include <printk.h>

static spinlock_t out_lock = SPINLOCK_INIT;

static void raw_write_locked(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			pl011_putc('\r');
		pl011_putc(s[i]);
	}
}

void console_raw_write(const char *s, size_t n)
{
	spin_lock(&out_lock);
	raw_write_locked(s, n);
	spin_unlock(&out_lock);
}

int printk(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	console_raw_write(buf, strnlen(buf, sizeof(buf)));
	return n;
}
