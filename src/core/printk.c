/* printk: formatted hypervisor messages, one whole line at a time. */
#include <arch/spinlock.h>
#include <lib.h>
#include <pl011.h>
#include <printk.h>

static spinlock_t out_lock = SPINLOCK_INIT;
/* VM whose unfinished line is on the terminal (-1: the cursor is at a line start). */
static int partial_owner = -1;

static void raw_write_locked(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			pl011_putc('\r');
		pl011_putc(s[i]);
	}
}

static void end_partial_line(void)
{
	if (partial_owner >= 0)
		raw_write_locked("\n", 1);
	partial_owner = -1;
}

void console_raw_write(const char *s, size_t n)
{
	spin_lock(&out_lock);
	end_partial_line();
	raw_write_locked(s, n);
	spin_unlock(&out_lock);
}

/*
 * One character of VM `id`'s output, shown at once: a line starts with "[name] ";
 * another VM's (or the hypervisor's) output first ends an unfinished line.
 */
void console_vm_emit(int id, const char *name, char c)
{
	spin_lock(&out_lock);
	if (partial_owner != id) {
		end_partial_line();
		raw_write_locked("[", 1);
		raw_write_locked(name, strlen(name));
		raw_write_locked("] ", 2);
		partial_owner = id;
	}
	if (c == '\n')
		partial_owner = -1;
	if (c != '\r')
		raw_write_locked(&c, 1);
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
