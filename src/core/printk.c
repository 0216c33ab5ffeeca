/* printk: formatted hypervisor messages, one whole line at a time. */
#include <arch/spinlock.h>
#include <lib.h>
#include <pl011.h>
#include <printk.h>

static spinlock_t out_lock = SPINLOCK_INIT;

/*
 * The focused VM's output is shown as it comes (prompts, echo); its unfinished
 * line is remembered so that when a whole line from elsewhere must be printed
 * in the middle of it, the unfinished line is redrawn below that line.
 */
#define PARTIAL_MAX 256
static int partial_owner = -1;       /* VM whose unfinished line is on screen, or -1 */
static const char *partial_name;
static char partial[PARTIAL_MAX];
static u32 partial_len;

static void raw_write_locked(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			pl011_putc('\r');
		pl011_putc(s[i]);
	}
}

static void tag(const char *name)
{
	raw_write_locked("[", 1);
	raw_write_locked(name, strlen(name));
	raw_write_locked("] ", 2);
}

/* Print a complete line (or lines) without tearing the focused VM's unfinished line. */
static void whole_lines_locked(const char *s, size_t n)
{
	if (partial_owner >= 0)
		raw_write_locked("\n", 1);
	raw_write_locked(s, n);
	if (partial_owner >= 0) {
		tag(partial_name);
		raw_write_locked(partial, partial_len);
	}
}

void console_raw_write(const char *s, size_t n)
{
	spin_lock(&out_lock);
	whole_lines_locked(s, n);
	spin_unlock(&out_lock);
}

void console_vm_line(const char *name, const char *line, size_t n)
{
	spin_lock(&out_lock);
	if (partial_owner >= 0)
		raw_write_locked("\n", 1);
	tag(name);
	raw_write_locked(line, n);
	raw_write_locked("\n", 1);
	if (partial_owner >= 0) {
		tag(partial_name);
		raw_write_locked(partial, partial_len);
	}
	spin_unlock(&out_lock);
}

/* The focus moves: the unfinished line on screen is no longer redrawn. */
void console_end_partial(void)
{
	spin_lock(&out_lock);
	if (partial_owner >= 0)
		raw_write_locked("\n", 1);
	partial_owner = -1;
	spin_unlock(&out_lock);
}

void console_vm_emit(int id, const char *name, char c)
{
	spin_lock(&out_lock);
	if (partial_owner != id) {
		if (partial_owner >= 0)
			raw_write_locked("\n", 1);
		tag(name);
		partial_owner = id;
		partial_name = name;
		partial_len = 0;
	}
	if (c == '\n') {
		partial_owner = -1;
		raw_write_locked("\n", 1);
	} else if (c != '\r') {
		raw_write_locked(&c, 1);
		if (partial_len < PARTIAL_MAX)
			partial[partial_len++] = c;
	}
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
