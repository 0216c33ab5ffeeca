/*
 * Rendering of console records on the physical UART: "[vm] " tags, whole
 * lines, and the one unfinished line that may be on screen. Only one CPU
 * renders at a time (the housekeeping pCPU draining the console queue, or the
 * boot CPU before the queue is in use), so this file keeps its state without
 * a lock.
 *
 * Interactive output is shown as it comes: the focused VM's bytes (prompts,
 * echo) and the shell's (prompt, echo of typed keys). When a whole line from
 * elsewhere must be printed in the middle of such an unfinished line, the line
 * is ended first, and a VM's unfinished line is redrawn below it. Any other
 * output that leaves the cursor mid-line is ended before a VM's line starts.
 */
#include <console_out.h>
#include <lib.h>
#include <serial.h>

#define PARTIAL_MAX 256
#define OWNER_NONE (-1)
#define OWNER_SHELL (-2)

static int partial_owner = OWNER_NONE; /* VM id, OWNER_SHELL, or OWNER_NONE */
static const char *partial_name;      /* the VM's tag */
static char partial[PARTIAL_MAX];
static u32 partial_len;
static bool mid_line;                 /* the last byte sent was not a newline */

static void raw(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			serial_putc('\r');
		serial_putc(s[i]);
	}
	if (n)
		mid_line = s[n - 1] != '\n';
}

static void tag(const char *name)
{
	raw("[", 1);
	raw(name, strlen(name));
	raw("] ", 2);
}

/* Leave the current line, whoever left it open. */
static void new_line(void)
{
	if (mid_line)
		raw("\n", 1);
}

/*
 * Redraw the focused VM's unfinished line. The shell's is not redrawn: its
 * echo just goes on in the new line (a second "rtvisor> " would look like a
 * new prompt to a script driving the shell).
 */
static void redraw_partial(void)
{
	if (partial_owner == OWNER_NONE || partial_owner == OWNER_SHELL)
		return;
	tag(partial_name);
	raw(partial, partial_len);
}

/* Bytes of the open interactive line of `owner`, shown at once. */
static void interactive(int owner, const char *name, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (partial_owner != owner) {
			new_line();
			if (owner != OWNER_SHELL)
				tag(name);
			partial_owner = owner;
			partial_name = name;
			partial_len = 0;
		}
		if (c == '\n') {
			partial_owner = OWNER_NONE;
			raw("\n", 1);
		} else if (c == '\b' && partial_len) {
			raw(&c, 1);
			partial_len--;
		} else if (c != '\r') {
			raw(&c, 1);
			if (partial_len < PARTIAL_MAX)
				partial[partial_len++] = c;
		}
	}
}

/*
 * Hypervisor message text, without tearing the open interactive line. A
 * message may come in pieces (printk of part of a line): only an interactive
 * line is ended before it, so the pieces join.
 */
void cons_out_text(const char *s, size_t n)
{
	if (partial_owner != OWNER_NONE)
		new_line();
	raw(s, n);
	if (partial_owner != OWNER_NONE) {
		new_line();
		redraw_partial();
	}
}

void cons_out_vm_line(const char *name, const char *line, size_t n)
{
	new_line();
	tag(name);
	raw(line, n);
	raw("\n", 1);
	redraw_partial();
}

/* The focus moves: the open line on screen is no longer redrawn. */
void cons_out_end_partial(void)
{
	new_line();
	partial_owner = OWNER_NONE;
}

void cons_out_vm_bytes(int id, const char *name, const char *s, size_t n)
{
	interactive(id, name, s, n);
}

void cons_out_shell(const char *s, size_t n)
{
	interactive(OWNER_SHELL, NULL, s, n);
}

/* Emergency output (panic): straight to the UART, whatever is in progress. */
void cons_out_emergency(const char *s, size_t n)
{
	raw(s, n);
}
