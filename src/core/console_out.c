/*
 * Rendering of console records on the physical UART: "[vm] " tags, whole
 * lines, and the focused VM's unfinished line. Only one CPU renders at a time
 * (the housekeeping pCPU draining the console queue, or the boot CPU before
 * the queue is in use), so this file keeps its state without a lock.
 *
 * The focused VM's output is shown as it comes (prompts, echo); its unfinished
 * line is remembered so that when a whole line from elsewhere must be printed
 * in the middle of it, the unfinished line is redrawn below that line.
 */
#include <console_out.h>
#include <lib.h>
#include <pl011.h>

#define PARTIAL_MAX 256
static int partial_owner = -1;       /* VM whose unfinished line is on screen, or -1 */
static const char *partial_name;
static char partial[PARTIAL_MAX];
static u32 partial_len;

static void raw(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			pl011_putc('\r');
		pl011_putc(s[i]);
	}
}

static void tag(const char *name)
{
	raw("[", 1);
	raw(name, strlen(name));
	raw("] ", 2);
}

static void break_partial(void)
{
	if (partial_owner >= 0)
		raw("\n", 1);
}

static void redraw_partial(void)
{
	if (partial_owner >= 0) {
		tag(partial_name);
		raw(partial, partial_len);
	}
}

/* Complete line(s) of the hypervisor's, without tearing the focused VM's unfinished line. */
void cons_out_text(const char *s, size_t n)
{
	break_partial();
	raw(s, n);
	redraw_partial();
}

void cons_out_vm_line(const char *name, const char *line, size_t n)
{
	break_partial();
	tag(name);
	raw(line, n);
	raw("\n", 1);
	redraw_partial();
}

/* The focus moves: the unfinished line on screen is no longer redrawn. */
void cons_out_end_partial(void)
{
	break_partial();
	partial_owner = -1;
}

/* Bytes of the focused VM, shown at once. */
void cons_out_vm_bytes(int id, const char *name, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (partial_owner != id) {
			break_partial();
			tag(name);
			partial_owner = id;
			partial_name = name;
			partial_len = 0;
		}
		if (c == '\n') {
			partial_owner = -1;
			raw("\n", 1);
		} else if (c != '\r') {
			raw(&c, 1);
			if (partial_len < PARTIAL_MAX)
				partial[partial_len++] = c;
		}
	}
}

/* Emergency output (panic): straight to the UART, whatever is in progress. */
void cons_out_emergency(const char *s, size_t n)
{
	raw(s, n);
}
