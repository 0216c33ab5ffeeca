/* VM console multiplexing: tagged output lines, per-VM rings, input focus. */
#include <console.h>
#include <lib.h>
#include <printk.h>
#include <shell.h>
#include <vm.h>

struct vm_console {
	spinlock_t lock;
	char line[CONSOLE_LINE_MAX]; /* unfinished line while the VM has no focus */
	u32 len;
	char ring[CONSOLE_RING_SIZE];
	u64 ring_total;
};

static struct vm_console vcons[CFG_MAX_VMS];
#define FOCUS_SHELL 0xffffffffu

static u32 focus;
static bool escape_seen;

void console_init(void)
{
	for (u32 i = 0; i < nr_vms; i++) {
		if (vms[i].cfg->console) {
			focus = i;
			break;
		}
	}
}

static void flush_line(u32 id, struct vm_console *vc)
{
	console_vm_line(vms[id].cfg->name, vc->line, vc->len);
	vc->len = 0;
}

/*
 * A VM's output byte: kept in its ring; shown at once if the VM has the input
 * focus (so prompts and echo appear), else a whole line at a time.
 */
void console_vm_putc(u32 id, char c)
{
	struct vm_console *vc = &vcons[id];

	spin_lock(&vc->lock);
	vc->ring[vc->ring_total++ % CONSOLE_RING_SIZE] = c;
	if (id == focus && !vc->len) {
		spin_unlock(&vc->lock);
		console_vm_emit((int)id, vms[id].cfg->name, c);
		return;
	}
	if (c == '\n')
		flush_line(id, vc);
	else if (c != '\r')
		vc->line[vc->len++] = c;
	if (vc->len == CONSOLE_LINE_MAX)
		flush_line(id, vc);
	spin_unlock(&vc->lock);
}

size_t console_ring_read(u32 id, char *buf, size_t len)
{
	struct vm_console *vc = &vcons[id];
	u64 total, start;
	size_t n = 0;

	spin_lock(&vc->lock);
	total = vc->ring_total;
	start = total > CONSOLE_RING_SIZE ? total - CONSOLE_RING_SIZE : 0;
	if (total - start > len)
		start = total - len;
	for (u64 i = start; i < total; i++)
		buf[n++] = vc->ring[i % CONSOLE_RING_SIZE];
	spin_unlock(&vc->lock);
	return n;
}

void console_set_focus(u32 id)
{
	if (id >= nr_vms || !vms[id].cfg->console) {
		printk("rtvisor: console: no VM %u with a console\n", id + 1);
		return;
	}
	console_end_partial();
	focus = id;
	printk("rtvisor: console focus -> %s\n", vms[id].cfg->name);
}

static void console_status(void)
{
	printk("rtvisor: console escape Ctrl-T: 1-%u focus VM, s shell, h help\n", nr_vms);
	for (u32 i = 0; i < nr_vms; i++)
		printk("rtvisor:   %u %s %s%s\n", i + 1, vms[i].cfg->name,
		       vm_state_name(vms[i].state), i == focus ? " (focus)" : "");
}

static void handle_escape(u8 c)
{
	escape_seen = false;
	if (c >= '1' && c <= '8')
		console_set_focus((u32)(c - '1'));
	else if (c == 'h' || c == '?')
		console_status();
	else if (c == 's' || c == '0') {
		console_end_partial();
		focus = FOCUS_SHELL;
		shell_enter();
	}
	else if (c == CONSOLE_ESCAPE)
		vuart_receive(&vms[focus], c);
}

void console_input(u8 c)
{
	if (escape_seen) {
		handle_escape(c);
		return;
	}
	if (c == CONSOLE_ESCAPE) {
		escape_seen = true;
		return;
	}
	if (focus == FOCUS_SHELL)
		shell_input(c);
	else if (focus < nr_vms && vms[focus].cfg->console)
		vuart_receive(&vms[focus], c);
}
