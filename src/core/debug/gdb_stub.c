/*
 * GDB stubs (docs/debugging.md): one per `gdb-pci` or `gdb-uart` line of the scenario,
 * serving the VM that names it. The line is a UART the hypervisor keeps for itself
 * (uart_line.h): a 16550 on a PCI function, or a memory-mapped 16550 or PL011 at a
 * physical address, polled from the housekeeping pCPU's run loop only (gdb_poll),
 * never from a bind pCPU. The protocol is gdb_rsp.c; this file is its target: the
 * VM's registers and memory (guest virtual addresses through the vCPU's own stage 1),
 * software breakpoints (a BRK written into guest memory, the original put back on
 * removal and on detach), hardware breakpoints, watchpoints and single step (vm->dbg,
 * programmed by the architecture, debug_ctl.c). While the debugger holds the VM
 * stopped, its vCPUs do not run (vm_pause); no other VM is touched.
 */
#include <asm/barrier.h>
#include <cpu.h>
#include <debug.h>
#include <err.h>
#include <gdb_rsp.h>
#include <lib.h>
#include <mm.h>
#include <pci.h>
#include <pci_cfg.h>
#include <printk.h>
#include <sched.h>
#include <uart_line.h>
#include <vm.h>

#define GDB_TX_SIZE 16384       /* bytes waiting for the line: two whole replies */
#define GDB_RX_BURST 512        /* bytes taken from the line per poll */
#define GDB_POLL_US 250         /* poll period while a debugger is attached */
#define GDB_IDLE_POLL_US 2000   /* and while the line is quiet */
#define PAGE 4096ULL

struct sw_bp {
	u64 va, ipa;
	u32 orig;     /* the instruction the BRK replaced */
	bool used;
};

struct gdb_stub {
	struct vm *vm;
	struct uart_line line;
	struct gdb_rsp rsp;
	struct gdb_target t;
	struct vm_debug dbg;
	bool stopped;              /* the debugger holds the VM paused */
	bool refused;              /* the refusal was printed (once, not per packet) */
	struct sw_bp sw[LIM_DEBUG_SW_BPS];
	u8 tx[GDB_TX_SIZE];
	u32 tx_head, tx_len;
};

static struct gdb_stub stubs[LIM_GDB_LINES];
static u32 nr_stubs;

/* ---- the line ---- */

static void tx_drain(struct gdb_stub *s)
{
	while (s->tx_len && uart_line_putc(&s->line, s->tx[s->tx_head])) {
		s->tx_head = (s->tx_head + 1) % GDB_TX_SIZE;
		s->tx_len--;
	}
}

static void t_put(void *ctx, const char *buf, u32 len)
{
	struct gdb_stub *s = ctx;

	for (u32 i = 0; i < len; i++) {
		while (s->tx_len == GDB_TX_SIZE)
			tx_drain(s); /* the line is slower than us: wait for it (housekeeper only) */
		s->tx[(s->tx_head + s->tx_len++) % GDB_TX_SIZE] = (u8)buf[i];
	}
}

/* ---- registers and memory ---- */

static u32 t_threads(void *ctx)
{
	return ((struct gdb_stub *)ctx)->vm->nr_vcpus;
}

static int t_get_reg(void *ctx, u32 vcpu, u32 n, u64 *val)
{
	struct gdb_stub *s = ctx;

	return vcpu < s->vm->nr_vcpus ? arch_gdb_get_reg(&s->vm->vcpus[vcpu], n, val) : ERR_INVAL;
}

static int t_set_reg(void *ctx, u32 vcpu, u32 n, u64 val)
{
	struct gdb_stub *s = ctx;

	return vcpu < s->vm->nr_vcpus ? arch_gdb_set_reg(&s->vm->vcpus[vcpu], n, val) : ERR_INVAL;
}

/* The IPA of guest VA va as vCPU vcpu sees it. */
static int va_to_ipa(struct gdb_stub *s, u32 vcpu, u64 va, u64 *ipa)
{
	u64 pa;

	if (vcpu >= s->vm->nr_vcpus)
		return ERR_INVAL;
	return arch_debug_walk(&s->vm->vcpus[vcpu], va, false, ipa, &pa) ? ERR_RANGE : 0;
}

/* len bytes at guest VA addr as vCPU vcpu's page tables map it. */
static int mem_access(struct gdb_stub *s, u32 vcpu, u64 addr, u8 *buf, u32 len, bool write)
{
	if (vcpu >= s->vm->nr_vcpus)
		return ERR_INVAL;
	return debug_copy_va(&s->vm->vcpus[vcpu], addr, buf, len, write) ? ERR_RANGE : 0;
}

static int t_read_mem(void *ctx, u32 vcpu, u64 addr, u8 *buf, u32 len)
{
	return mem_access(ctx, vcpu, addr, buf, len, false);
}

static int t_write_mem(void *ctx, u32 vcpu, u64 addr, const u8 *buf, u32 len)
{
	return mem_access(ctx, vcpu, addr, (u8 *)(uintptr_t)buf, len, true);
}

/* ---- breakpoints ---- */

static struct sw_bp *sw_find(struct gdb_stub *s, u64 va)
{
	for (u32 i = 0; i < LIM_DEBUG_SW_BPS; i++)
		if (s->sw[i].used && s->sw[i].va == va)
			return &s->sw[i];
	return NULL;
}

static int sw_insert(struct gdb_stub *s, u64 va)
{
	struct sw_bp *b = sw_find(s, va);
	u32 brk = arch_debug_brk_insn();
	int r;

	if (b)
		return 0;
	for (u32 i = 0; i < LIM_DEBUG_SW_BPS && !b; i++)
		b = s->sw[i].used ? NULL : &s->sw[i];
	if (!b)
		return ERR_FULL;
	if ((va & 3) || va_to_ipa(s, s->rsp.g_vcpu, va, &b->ipa))
		return ERR_RANGE;
	r = debug_read_ipa(s->vm, b->ipa, &b->orig, 4);
	if (!r)
		r = debug_write_ipa(s->vm, b->ipa, &brk, 4);
	if (!r) {
		b->va = va;
		b->used = true;
	}
	return r;
}

static int sw_remove(struct gdb_stub *s, u64 va)
{
	struct sw_bp *b = sw_find(s, va);

	if (!b)
		return 0;
	b->used = false;
	return debug_write_ipa(s->vm, b->ipa, &b->orig, 4);
}

/* Insert item into, or remove it from, a set of nr entries of size bytes (at most max):
 * 0, or ERR_FULL. Inserting what is there, or removing what is not, changes nothing. */
static int set_edit(void *set, u32 *nr, u32 max, size_t size, const void *item, bool insert)
{
	u8 *e = set;

	for (u32 i = 0; i < *nr; i++, e += size)
		if (!memcmp(e, item, size)) {
			if (!insert)
				memcpy(e, (u8 *)set + --*nr * size, size);
			return 0;
		}
	if (!insert)
		return 0;
	if (*nr == max)
		return ERR_FULL;
	memcpy((u8 *)set + (*nr)++ * size, item, size);
	return 0;
}

_Static_assert(sizeof(struct debug_wp) == 16, "debug_wp has no padding (compared whole)");

static int hw_bp(struct vm_debug *d, u64 addr, bool insert)
{
	return set_edit(d->bp, &d->nr_bp, LIM_DEBUG_HW_BPS, sizeof(addr), &addr, insert);
}

static int hw_wp(struct vm_debug *d, u64 addr, u32 len, enum debug_wp_kind kind, bool insert)
{
	struct debug_wp w = { .addr = addr, .len = len, .kind = kind };

	if (insert && arch_debug_wp_check(addr, len))
		return ERR_INVAL;
	return set_edit(d->wp, &d->nr_wp, LIM_DEBUG_HW_WPS, sizeof(w), &w, insert);
}

static int t_breakpoint(void *ctx, enum gdb_bp_type type, u64 addr, u32 kind, bool insert)
{
	static const enum debug_wp_kind wk[] = { DEBUG_WP_STORE, DEBUG_WP_LOAD, DEBUG_WP_ANY };
	struct gdb_stub *s = ctx;
	int r;

	if (type == GDB_BP_SW)
		return insert ? sw_insert(s, addr) : sw_remove(s, addr);
	if (type == GDB_BP_HW)
		r = hw_bp(&s->dbg, addr, insert);
	else
		r = hw_wp(&s->dbg, addr, kind, wk[type - GDB_WP_WRITE], insert);
	s->dbg.gen++; /* the vCPUs program it at their next entry */
	return r;
}

/* ---- running and stopping ---- */

static void release_holds(struct vm *vm)
{
	for (u32 i = 0; i < vm->nr_vcpus; i++)
		vm->vcpus[i].debug_hold = false;
}

/* Stop the VM (attach, Ctrl-C). A VM without `debug;` refuses: every packet gets E01. */
static int t_halt(void *ctx)
{
	struct gdb_stub *s = ctx;
	char msg[96];
	bool paused;
	int r = debug_allowed(s->vm, msg, sizeof(msg));

	if (r) {
		if (!s->refused)
			printk("rtvisor: gdb: connection refused: %s\n", msg);
		s->refused = true;
		return r;
	}
	s->refused = false;
	if (!s->vm->dbg) {
		s->dbg = (struct vm_debug){ .step_vcpu = -1 };
		smp_mb();
		s->vm->dbg = &s->dbg;
		printk("rtvisor: gdb: debugger attached to vm '%s'\n", s->vm->cfg->name);
	}
	if (!s->stopped) {
		if (debug_stop(s->vm, &paused))
			printk("rtvisor: gdb: a pCPU did not answer in time\n");
		s->stopped = true;
	}
	return 0;
}

static void t_resume(void *ctx, int step)
{
	struct gdb_stub *s = ctx;
	struct vm *vm = s->vm;

	for (u32 i = 0; i < vm->nr_vcpus; i++)
		vm->vcpus[i].debug_hold = step >= 0 && (s32)i != step;
	if (step >= 0)
		arch_debug_step_begin(&vm->vcpus[step]);
	s->dbg.step_vcpu = step;
	s->dbg.event = false;
	s->dbg.gen++;
	smp_mb();
	s->stopped = false;
	(void)vm_resume(vm); /* ERR_BUSY: stopped or reset meanwhile; nothing runs then */
}

static void t_detach(void *ctx)
{
	struct gdb_stub *s = ctx;

	for (u32 i = 0; i < LIM_DEBUG_SW_BPS; i++)
		if (s->sw[i].used && sw_remove(s, s->sw[i].va))
			printk("rtvisor: gdb: could not restore the instruction at 0x%lx\n",
			       s->sw[i].va);
	if (s->dbg.step_vcpu >= 0)
		arch_debug_step_end(&s->vm->vcpus[s->dbg.step_vcpu]);
	s->vm->dbg = NULL; /* the vCPUs clear their debug registers at their next entry */
	smp_mb();
	release_holds(s->vm);
	if (s->stopped)
		(void)vm_resume(s->vm); /* ERR_BUSY: not paused (stopped, reset): nothing to do */
	s->stopped = false;
	printk("rtvisor: gdb: debugger detached from vm '%s'\n", s->vm->cfg->name);
}

/* The watched address to report: the watchpoint whose region holds the access. */
static enum gdb_stop_why watch_hit(const struct vm_debug *d, u64 *addr)
{
	static const enum gdb_stop_why why[] = { GDB_STOP_WATCH, GDB_STOP_RWATCH, GDB_STOP_WATCH,
						 GDB_STOP_AWATCH };

	for (u32 i = 0; i < d->nr_wp; i++) {
		u64 lo = d->wp[i].addr & ~7ULL, hi = d->wp[i].addr + d->wp[i].len;

		if (*addr >= lo && *addr < hi) {
			*addr = d->wp[i].addr;
			return why[d->wp[i].kind];
		}
	}
	return GDB_STOP_WATCH;
}

/* A debug exception stopped the VM (debug_guest_stop): bring its state in, report. */
static void report_stop(struct gdb_stub *s)
{
	struct vm_debug *d = &s->dbg;
	enum gdb_stop_why why = GDB_STOP_SWBREAK;
	u64 addr = d->ev_addr;
	bool paused;

	smp_mb();
	if (debug_stop(s->vm, &paused))
		printk("rtvisor: gdb: a pCPU did not answer in time\n");
	s->stopped = true;
	if (d->step_vcpu >= 0) {
		arch_debug_step_end(&s->vm->vcpus[d->step_vcpu]);
		d->step_vcpu = -1;
		release_holds(s->vm);
		d->gen++;
	}
	if (d->ev_kind == DEBUG_STOP_HWBP)
		why = GDB_STOP_HWBREAK;
	else if (d->ev_kind == DEBUG_STOP_STEP)
		why = GDB_STOP_STEP;
	else if (d->ev_kind == DEBUG_STOP_WATCH)
		why = watch_hit(d, &addr);
	d->event = false;
	gdb_rsp_stopped(&s->rsp, d->ev_vcpu, why, addr);
}

static void stub_poll(struct gdb_stub *s)
{
	int c;

	tx_drain(s);
	for (u32 n = 0; n < GDB_RX_BURST && (c = uart_line_getc(&s->line)) >= 0; n++) {
		gdb_rsp_input(&s->rsp, (u8)c);
		tx_drain(s);
	}
	if (s->rsp.running && s->dbg.event)
		report_stop(s);
	tx_drain(s);
}

static bool on_bind_pcpu(void)
{
	const struct pool *p = cpu()->sched.pool;

	return p && p->policy == POOL_BIND;
}

void gdb_poll(void)
{
	if (on_bind_pcpu())
		return; /* the fallback housekeeper runs an RT vCPU: the line waits */
	for (u32 i = 0; i < nr_stubs; i++)
		stub_poll(&stubs[i]);
}

u64 gdb_next_due(void)
{
	bool active = false;

	if (!nr_stubs || on_bind_pcpu())
		return 0;
	for (u32 i = 0; i < nr_stubs; i++)
		active |= stubs[i].rsp.attached || stubs[i].tx_len;
	return sched_now() + sched_us_to_ticks(active ? GDB_POLL_US : GDB_IDLE_POLL_US);
}

/* ---- set-up ---- */

static const struct gdb_target ops = {
	.nr_threads = t_threads, .get_reg = t_get_reg, .set_reg = t_set_reg,
	.read_mem = t_read_mem, .write_mem = t_write_mem, .breakpoint = t_breakpoint,
	.halt = t_halt, .resume = t_resume, .detach = t_detach, .put = t_put,
};

/* The gdb-pci line's 16550: an endpoint no VM owns, its BAR 0 an I/O BAR. */
static int pci_line(u32 bdf, struct uart_line *l)
{
	struct pci_func *f = pci_host ? pci_find(bdf) : NULL;

	if (!f)
		return ERR_NOENT;
	if (f->hdr_type != 0 || f->owner != PCI_NO_OWNER || f->bar[0].kind != PCI_BAR_IO)
		return ERR_INVAL;
	pci_cfg_write(bdf, PCI_COMMAND, 2, PCI_CMD_IO | PCI_CMD_INTX_OFF);
	*l = (struct uart_line){ .base = pci_bar_cpu(f, 0), .type = UART_LINE_NS16550 };
	return 0;
}

/*
 * A gdb-uart address inside a BAR the PCI enumeration assigned (on QEMU virt the only
 * second UART there is: a pci-serial whose I/O BAR sits at a fixed place of the I/O
 * window). A VM's function is refused; a free one gets its decoding turned on, the part
 * a board's firmware plays for a UART behind a PCIe bridge. Outside every BAR: nothing.
 */
static int uart_in_bar(struct vm *vm, u64 base, u64 span)
{
	u32 bar;
	struct pci_func *f = pci_host ? pci_func_at(base, span, &bar) : NULL;

	if (!f)
		return 0;
	if (f->owner != PCI_NO_OWNER) {
		printk("rtvisor: gdb: vm '%s': gdb-uart 0x%lx is in BAR%u of %02x:%02x.%x, a "
		       "function of vm %d; no GDB stub\n", vm->cfg->name, base, bar,
		       PCI_BDF_BUS(f->bdf), PCI_BDF_DEV(f->bdf), PCI_BDF_FN(f->bdf), f->owner);
		return ERR_BUSY;
	}
	pci_cfg_write(f->bdf, PCI_COMMAND, 2, PCI_CMD_INTX_OFF |
		      (f->bar[bar].kind == PCI_BAR_IO ? PCI_CMD_IO : PCI_CMD_MEM));
	printk("rtvisor: gdb: 0x%lx is in BAR%u of %02x:%02x.%x (decoding on)\n", base, bar,
	       PCI_BDF_BUS(f->bdf), PCI_BDF_DEV(f->bdf), PCI_BDF_FN(f->bdf));
	return 0;
}

/* The gdb-uart line: mapped into the hypervisor's own map, never into a VM's. */
static int mmio_line(struct vm *vm, struct uart_line *l)
{
	const struct cfg_vm *c = vm->cfg;
	u64 span = cfg_uart_span(c), page = ALIGN_DOWN(c->gdb_uart, PAGE);
	int r = arch_mmu_map_device(page, ALIGN_UP(c->gdb_uart + span, PAGE) - page);

	if (r) {
		printk("rtvisor: gdb: vm '%s': mapping gdb-uart 0x%lx failed (%s)\n", c->name,
		       c->gdb_uart, err_name(r));
		return r;
	}
	*l = (struct uart_line){ .base = c->gdb_uart, .shift = c->gdb_uart_shift,
				 .type = c->gdb_uart_type == CFG_UART_PL011 ? UART_LINE_PL011 :
				 UART_LINE_NS16550 };
	return uart_in_bar(vm, c->gdb_uart, span);
}

static const char *line_type(const struct uart_line *l)
{
	return l->type == UART_LINE_PL011 ? "pl011" : "16550";
}

/* The VM's line, found and set up; 0 or ERR_* (the boot log says why). */
static int open_line(struct vm *vm, struct uart_line *l)
{
	const u32 *b = vm->cfg->gdb_pci;
	int r;

	if (vm->cfg->has_gdb_uart) {
		r = mmio_line(vm, l);
	} else {
		r = pci_line(PCI_BDF(b[0], b[1], b[2]), l);
		if (r)
			printk("rtvisor: gdb: vm '%s': %02x:%02x.%x is %s; no GDB stub\n",
			       vm->cfg->name, b[0], b[1], b[2], r == ERR_NOENT ?
			       "not on the bus" : "not a free 16550 with an I/O BAR");
	}
	if (r)
		return r;
	r = uart_line_init(l);
	if (r)
		printk("rtvisor: gdb: vm '%s': no %s answers at 0x%lx; no GDB stub\n",
		       vm->cfg->name, line_type(l), l->base);
	return r;
}

static void add_stub(struct vm *vm)
{
	const u32 *b = vm->cfg->gdb_pci;
	struct gdb_stub *s = &stubs[nr_stubs];

	if (nr_stubs == LIM_GDB_LINES)
		return; /* the scenario check allows no more */
	if (open_line(vm, &s->line))
		return;
	s->vm = vm;
	s->t = ops;
	s->t.ctx = s;
	gdb_rsp_init(&s->rsp, &s->t);
	nr_stubs++;
	if (vm->cfg->has_gdb_uart)
		printk("rtvisor: gdb: vm '%s' on gdb-uart (%s at 0x%lx)\n", vm->cfg->name,
		       line_type(&s->line), s->line.base);
	else
		printk("rtvisor: gdb: vm '%s' on %02x:%02x.%x (16550 at 0x%lx)\n", vm->cfg->name,
		       b[0], b[1], b[2], s->line.base);
}

void gdb_init(void)
{
	for (u32 i = 0; i < nr_vms; i++)
		if (vms[i].created && (vms[i].cfg->nr_gdb_pci || vms[i].cfg->has_gdb_uart))
			add_stub(&vms[i]);
}
