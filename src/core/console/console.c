/*
 * The console: every VM's emulated UART output and every hypervisor message
 * become records in one lock-free queue (msgq.h), in the order they were
 * written. Only the housekeeping pCPU (housekeep.c) takes them out and drives
 * the physical UART, so a vCPU that prints never waits for the UART or for a
 * lock another pCPU may hold for long: a VM's writer holds only its own VM's
 * lock, for one byte. Each VM also keeps a ring of its recent output (`log`).
 * Input from the UART goes to the VM that has the focus, or to the shell.
 */
#include <asm/spinlock.h>
#include <console.h>
#include <console_out.h>
#include <housekeep.h>
#include <lib.h>
#include <msgq.h>
#include <printk.h>
#include <sched.h>
#include <shell.h>
#include <vm.h>

enum cons_kind { CONS_TEXT, CONS_SHELL, CONS_VM_LINE, CONS_VM_BYTES, CONS_END_PARTIAL };
#define CONS_SRC_HYP 0xff

struct vm_console {
	spinlock_t lock;             /* the VM's own vCPUs only */
	char line[CONSOLE_LINE_MAX]; /* unfinished line while the VM has no focus */
	u32 len;
	char ring[CONSOLE_RING_SIZE];
	u64 ring_total;              /* bytes ever written; store-release after the byte */
};

static struct vm_console vcons[CFG_MAX_VMS];
static struct msgq cons_q;
static u32 share;                /* bytes one source may have queued (post) */
static bool cons_async;          /* queue in use (set once every CPU is up) */
static spinlock_t sync_lock = SPINLOCK_INIT;
#define FOCUS_SHELL 0xffffffffu

static volatile u32 focus;
static bool escape_seen;

void console_init(void)
{
	share = MSGQ_SIZE / (nr_vms + 1);
	for (u32 i = 0; i < nr_vms; i++) {
		if (cfg_vm_has_console(vms[i].cfg)) {
			focus = i;
			break;
		}
	}
}

static const char *src_name(u8 src)
{
	return src < nr_vms ? vms[src].cfg->name : "?";
}

static void render(const struct msgq_msg *m)
{
	switch (m->kind) {
	case CONS_TEXT: cons_out_text(m->data, m->len); break;
	case CONS_SHELL: cons_out_shell(m->data, m->len); break;
	case CONS_VM_LINE: cons_out_vm_line(src_name(m->src), m->data, m->len); break;
	case CONS_VM_BYTES: cons_out_vm_bytes(m->src, src_name(m->src), m->data, m->len); break;
	case CONS_END_PARTIAL: cons_out_end_partial(); break;
	default: break;
	}
}

/* Before the queue is in use (boot), output is rendered at once by the caller. */
static void render_now(u8 src, u8 kind, const char *s, u32 n)
{
	struct msgq_msg m = { .src = src, .kind = kind, .len = (u16)n };

	memcpy(m.data, s, n);
	spin_lock(&sync_lock);
	render(&m);
	spin_unlock(&sync_lock);
}

/*
 * Fair shares: each VM, and the hypervisor, may have at most `share` bytes of
 * records waiting in the queue. A VM that writes faster than the UART drains
 * loses its own newest output (counted, reported once a second), never another
 * VM's or the hypervisor's.
 */
#define SRC_SLOTS (CFG_MAX_VMS + 1)
#define DROP_REPORT_MS 1000
static u32 queued[SRC_SLOTS];    /* bytes of records waiting, per source */
static u64 dropped[SRC_SLOTS], dropped_shown[SRC_SLOTS], dropped_report_at[SRC_SLOTS];

static u32 slot_of(u8 src)
{
	return src < CFG_MAX_VMS ? src : CFG_MAX_VMS;
}

static bool within_share(u32 slot, u32 size)
{
	return __atomic_load_n(&queued[slot], __ATOMIC_RELAXED) + size <= share;
}

static bool try_put(u32 slot, u8 src, u8 kind, const char *s, u32 n)
{
	u32 size = msgq_record_size(n);

	if (!within_share(slot, size) || msgq_put(&cons_q, src, kind, s, n))
		return false;
	__atomic_fetch_add(&queued[slot], size, __ATOMIC_RELAXED);
	return true;
}

/*
 * Queue one record for the UART. A full share never makes a vCPU wait: the
 * record is dropped and counted, except on the housekeeping pCPU, which
 * empties the queue itself first (it is the one that drains it anyway).
 */
static void post(u8 src, u8 kind, const char *s, u32 n)
{
	u32 slot = slot_of(src);

	if (!cons_async) {
		render_now(src, kind, s, n);
		return;
	}
	if (!try_put(slot, src, kind, s, n) &&
	    !(hk_drain_here() && try_put(slot, src, kind, s, n)))
		__atomic_fetch_add(&dropped[slot], 1, __ATOMIC_RELAXED);
	hk_kick();
}

/* Hypervisor text; what the housekeeper prints while handling input is the shell's. */
void console_hyp_text(const char *s, size_t n)
{
	u8 kind = hk_interactive() ? CONS_SHELL : CONS_TEXT;

	while (n) {
		u32 chunk = n > MSGQ_PAYLOAD_MAX ? MSGQ_PAYLOAD_MAX : (u32)n;

		post(CONS_SRC_HYP, kind, s, chunk);
		s += chunk;
		n -= chunk;
	}
}

void console_start_async(void)
{
	cons_async = true;
}

static void report_drops(void)
{
	u64 now = sched_now(), period = sched_us_to_ticks(DROP_REPORT_MS * 1000ULL);
	char buf[128];

	for (u32 i = 0; i < SRC_SLOTS; i++) {
		u64 d = __atomic_load_n(&dropped[i], __ATOMIC_RELAXED);

		if (d == dropped_shown[i] || now - dropped_report_at[i] < period)
			continue;
		snprintf(buf, sizeof(buf), "rtvisor: console: %s%s%s: %lu records dropped (%lu in "
			 "all): output faster than the console\n", i < CFG_MAX_VMS ? "vm '" : "",
			 i < CFG_MAX_VMS ? src_name((u8)i) : "hypervisor", i < CFG_MAX_VMS ? "'" : "",
			 d - dropped_shown[i], d);
		cons_out_text(buf, strlen(buf));
		dropped_shown[i] = d;
		dropped_report_at[i] = now;
	}
}

/* Housekeeping pCPU: render up to `budget` records; true if more are waiting. */
bool console_drain(u32 budget)
{
	static struct msgq_msg m;

	for (; budget; budget--) {
		if (!msgq_get(&cons_q, &m))
			break;
		__atomic_fetch_sub(&queued[slot_of(m.src)], msgq_record_size(m.len),
				   __ATOMIC_RELAXED);
		render(&m);
	}
	report_drops();
	return !msgq_empty(&cons_q);
}

static void history_put(struct vm_console *vc, char c)
{
	u64 t = vc->ring_total;

	vc->ring[t % CONSOLE_RING_SIZE] = c;
	__atomic_store_n(&vc->ring_total, t + 1, __ATOMIC_RELEASE);
}

static void flush_line(u32 id, struct vm_console *vc)
{
	post((u8)id, CONS_VM_LINE, vc->line, vc->len);
	vc->len = 0;
}

/* Bytes of a VM's line while it is not shown as it writes. */
static void line_put(u32 id, struct vm_console *vc, char c)
{
	if (c == '\n')
		flush_line(id, vc);
	else if (c != '\r')
		vc->line[vc->len++] = c;
	if (vc->len == CONSOLE_LINE_MAX)
		flush_line(id, vc);
}

/*
 * A VM's output bytes: kept in its ring; shown at once if the VM has the input
 * focus (so prompts and echo appear; up to one record's payload per post), else a whole
 * line at a time.
 */
void console_vm_write(u32 id, const char *s, size_t n)
{
	struct vm_console *vc = &vcons[id];

	spin_lock(&vc->lock);
	for (size_t i = 0; i < n; i++)
		history_put(vc, s[i]);
	if (id == focus && !vc->len) {
		while (n) {
			u32 chunk = n > MSGQ_PAYLOAD_MAX ? MSGQ_PAYLOAD_MAX : (u32)n;

			post((u8)id, CONS_VM_BYTES, s, chunk);
			s += chunk;
			n -= chunk;
		}
	} else {
		for (size_t i = 0; i < n; i++)
			line_put(id, vc, s[i]);
	}
	spin_unlock(&vc->lock);
}

void console_vm_putc(u32 id, char c)
{
	console_vm_write(id, &c, 1);
}

/*
 * Copy of a VM's recent output, oldest first, read without the VM's lock: the
 * bytes the writer may have overwritten meanwhile are cut off the front.
 */
size_t console_ring_read(u32 id, char *buf, size_t len)
{
	struct vm_console *vc = &vcons[id];
	u64 total = __atomic_load_n(&vc->ring_total, __ATOMIC_ACQUIRE), start, now, safe;
	size_t n = 0;

	start = total > CONSOLE_RING_SIZE ? total - CONSOLE_RING_SIZE : 0;
	if (total - start > len)
		start = total - len;
	for (u64 i = start; i < total; i++)
		buf[n++] = vc->ring[i % CONSOLE_RING_SIZE];
	now = __atomic_load_n(&vc->ring_total, __ATOMIC_ACQUIRE);
	safe = now + 1 > CONSOLE_RING_SIZE ? now + 1 - CONSOLE_RING_SIZE : 0;
	if (start < safe) {
		size_t cut = safe - start < n ? (size_t)(safe - start) : n;

		memmove(buf, buf + cut, n - cut);
		n -= cut;
	}
	return n;
}

static void end_partial(void)
{
	post(CONS_SRC_HYP, CONS_END_PARTIAL, "", 0);
}

void console_set_focus(u32 id)
{
	if (id >= nr_vms || !cfg_vm_has_console(vms[id].cfg)) {
		printk("rtvisor: console: no VM %u with a console\n", id + 1);
		return;
	}
	end_partial();
	focus = id;
	printk("rtvisor: console focus -> %s\n", vms[id].cfg->name);
}

static console_input_fn inputs[CFG_MAX_VMS];
static u64 input_dropped[CFG_MAX_VMS]; /* typed bytes the VM's UART had no room for */

static void console_status(void)
{
	printk("rtvisor: console escape Ctrl-T: 1-%u focus VM, s shell, h help\n", nr_vms);
	for (u32 i = 0; i < nr_vms; i++)
		printk("rtvisor:   %u %s %s%s%s\n", i + 1, vms[i].cfg->name,
		       vm_status_name(&vms[i]), i == focus ? " (focus)" : "",
		       input_dropped[i] ? " (typed input dropped: its UART FIFO was full)" : "");
}

void console_set_input(u32 vm_id, console_input_fn fn)
{
	if (vm_id < CFG_MAX_VMS)
		inputs[vm_id] = fn;
}

static void to_vm(u32 id, u8 c)
{
	if (inputs[id] && inputs[id](&vms[id], c))
		input_dropped[id]++;
}

static void handle_escape(u8 c)
{
	escape_seen = false;
	if (c >= '1' && c <= '8')
		console_set_focus((u32)(c - '1'));
	else if (c == 'h' || c == '?')
		console_status();
	else if (c == 's' || c == '0') {
		end_partial();
		focus = FOCUS_SHELL;
		shell_enter();
	}
	else if (c == CONSOLE_ESCAPE && focus < nr_vms)
		to_vm(focus, c);
}

/* One byte typed on the UART (housekeeping pCPU, outside interrupt context). */
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
	else if (focus < nr_vms)
		to_vm(focus, c);
}
