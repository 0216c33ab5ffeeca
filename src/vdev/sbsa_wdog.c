/*
 * The SBSA generic watchdog of a VM with `watchdog-irq` (docs/config.md, docs/failover.md):
 * Arm DEN 0029 (Server Base System Architecture), the "Generic Watchdog" section
 * (watchdog register frames, "Watchdog operation"), architecture version 0, as Linux's
 * sbsa_gwdt driver (compatible "arm,sbsa-gwdt") and guests/lib/wdog.c drive it.
 *
 * Two 4 KiB frames at fixed IPAs (config.h):
 *   control frame  CFG_WDOG_CTRL_IPA     WCS 0x000 (EN bit 0, WS0 bit 1, WS1 bit 2; WS0/WS1
 *                                        read-only), WOR 0x008 (32 bits in version 0;
 *                                        0x00c reads as zero), WCV 0x010/0x014 (64 bits,
 *                                        also as one 64-bit access), W_IIDR 0xfcc
 *   refresh frame  CFG_WDOG_REFRESH_IPA  WRR 0x000 (write: refresh; reads as zero),
 *                                        W_IIDR 0xfcc
 * Everything else reads as zero and ignores writes; accesses other than 32 bits (64 bits
 * at WCV) are refused (guest_fault()).
 *
 * Operation (DEN 0029, "Watchdog operation"): it compares the system counter (a VM's
 * virtual count: CNTVOFF_EL2 = 0, so the counter at CNTFRQ) with WCV. A write to WRR, WOR
 * or WCS is an explicit refresh: WCV = counter + WOR, WS0 = WS1 = 0. While enabled, the
 * counter reaching WCV with WS0 clear sets WS0 and refreshes (WCV += WOR: the counter at
 * that moment was WCV); reaching it with WS0 set sets WS1. WS0 drives the WS0 SPI (level,
 * while EN); WS1 is the system reset signal, here the VM's `watchdog-action`: reset it (or
 * stop it). WS1 stays set across the reset (or restart) it caused, with EN clear, so the
 * guest's driver reads it at probe (Linux: bootstatus WDIOF_CARDRESET); any other reset
 * of the VM clears the watchdog.
 *
 * Timing: the expiries are found by the housekeeping pCPU (hk_timer, housekeep.h): its
 * EL2 timer is armed for the earliest deadline of all watchdogs, so a bind pCPU never
 * takes a tick for a watchdog. A guest write that brings a deadline earlier than the
 * one armed tells the housekeeper (hk_timer_changed: one flag and at most one kick SGI);
 * a refresh only moves it later and costs nothing more. The state of one watchdog is
 * under its own lock, held for a few loads and stores by the guest's pCPU or the
 * housekeeper. A paused VM's watchdog counts on (the system counter does not stop).
 */
#include <asm/spinlock.h>
#include <asm/timer.h>
#include <config.h>
#include <err.h>
#include <failover.h>
#include <housekeep.h>
#include <lib.h>
#include <printk.h>
#include <shell.h>
#include <vdev.h>
#include <virq.h>
#include <vm.h>

#define WDOG_WCS 0x000U
#define WDOG_WOR 0x008U
#define WDOG_WOR_HI 0x00cU
#define WDOG_WCV 0x010U
#define WDOG_WCV_HI 0x014U
#define WDOG_WRR 0x000U
#define WDOG_IIDR 0xfccU
#define WCS_EN BIT(0)
#define WCS_WS0 BIT(1)
#define WCS_WS1 BIT(2)
/* W_IIDR: ProductID [31:20] 0, architecture version [19:16] 0, revision [15:12] 0,
 * implementer [11:0] 0 (no JEP106 code: rtvisor is not a silicon vendor). */
#define WDOG_IIDR_VALUE 0U

struct wdog {
	spinlock_t lock;
	bool on;             /* the VM has a watchdog */
	bool en, ws0, ws1;
	u32 wor;
	u64 wcv;
	bool ws1_reset;      /* the VM's reset (or stop) in progress was caused by WS1 */
	u64 ws0_count, ws1_count;
	u64 ws1_late;        /* counter ticks from the last WS1's deadline to acting on it */
};

static struct wdog wdogs[CFG_MAX_VMS];
static u64 due_at;       /* earliest deadline armed on the housekeeper (0: none) */

/* The deadline of w for the housekeeper: 0 when it cannot expire. Under w->lock. */
static u64 wdog_deadline(const struct wdog *w)
{
	return w->en && !w->ws1 ? w->wcv : 0;
}

/* due_at = the earlier of it and d (0: none); true if d became the new deadline. */
static bool wdog_due_min(u64 d)
{
	u64 cur = __atomic_load_n(&due_at, __ATOMIC_ACQUIRE);

	while (d && (!cur || d < cur))
		if (__atomic_compare_exchange_n(&due_at, &cur, d, false, __ATOMIC_ACQ_REL,
						__ATOMIC_ACQUIRE))
			return true;
	return false;
}

/* A guest set deadline d: tell the housekeeper if it is earlier than the one it has. */
static void wdog_announce(u64 d)
{
	if (wdog_due_min(d))
		hk_timer_changed();
}

/* The WS0 line follows WS0 while enabled. Under w->lock. */
static void wdog_line(struct vm *vm, const struct wdog *w)
{
	virq_set_level(vm, vm->cfg->wdog_irq, w->en && w->ws0);
}

/* DEN 0029 explicit refresh: a write to WRR, WOR or WCS. Under w->lock. */
static void wdog_refresh(struct wdog *w)
{
	w->wcv = arch_counter() + w->wor;
	w->ws0 = w->ws1 = false;
}

static u64 ctrl_read(const struct wdog *w, u64 off)
{
	switch (off) {
	case WDOG_WCS:
		return (w->en ? WCS_EN : 0) | (w->ws0 ? WCS_WS0 : 0) | (w->ws1 ? WCS_WS1 : 0);
	case WDOG_WOR: return w->wor;
	case WDOG_WCV: return w->wcv;
	case WDOG_WCV_HI: return w->wcv >> 32;
	case WDOG_IIDR: return WDOG_IIDR_VALUE;
	default: return 0; /* WOR_HI in version 0, reserved */
	}
}

static void ctrl_write(struct wdog *w, u64 off, u64 val, u32 size)
{
	switch (off) {
	case WDOG_WCS:
		w->en = (val & WCS_EN) != 0;
		wdog_refresh(w);
		break;
	case WDOG_WOR:
		w->wor = (u32)val;
		wdog_refresh(w);
		break;
	case WDOG_WCV:
		w->wcv = size == 8 ? val : (w->wcv & ~0xffffffffULL) | (val & 0xffffffffULL);
		break;
	case WDOG_WCV_HI:
		w->wcv = (w->wcv & 0xffffffffULL) | (val << 32);
		break;
	default: break; /* read-only or reserved */
	}
}

/* 32-bit accesses, and 64-bit ones at WCV (the only 64-bit register of version 0). */
static bool size_ok(const struct mmio_access *a, bool ctrl)
{
	return a->size == 4 || (ctrl && a->size == 8 && a->offset == WDOG_WCV);
}

static enum trap_status wdog_mmio(struct vcpu *v, struct mmio_access *a, bool ctrl)
{
	struct vm *vm = v->vm;
	struct wdog *w = &wdogs[vm->id];
	u64 d;

	if (!size_ok(a, ctrl) || (a->offset & 3))
		return TRAP_FORBIDDEN;
	spin_lock(&w->lock);
	if (!a->write)
		a->val = ctrl ? ctrl_read(w, a->offset)
			      : (a->offset == WDOG_IIDR ? WDOG_IIDR_VALUE : 0);
	else if (ctrl)
		ctrl_write(w, a->offset, a->val, a->size);
	else if (a->offset == WDOG_WRR)
		wdog_refresh(w);
	d = wdog_deadline(w);
	wdog_line(vm, w);
	spin_unlock(&w->lock);
	if (a->write)
		wdog_announce(d);
	return TRAP_HANDLED;
}

static enum trap_status wdog_ctrl_mmio(struct vcpu *v, struct mmio_access *a, void *opaque)
{
	(void)opaque;
	return wdog_mmio(v, a, true);
}

static enum trap_status wdog_refresh_mmio(struct vcpu *v, struct mmio_access *a, void *opaque)
{
	(void)opaque;
	return wdog_mmio(v, a, false);
}

/* ---- expiry, on the housekeeping pCPU ---- */

/* One watchdog at time now: true if it reached WS1 (the caller acts, unlocked). */
static bool wdog_expire(struct vm *vm, struct wdog *w, u64 now)
{
	bool fired = false;

	spin_lock(&w->lock);
	if (wdog_deadline(w) && now >= w->wcv) {
		if (!w->ws0) {
			w->ws0 = true;
			w->wcv += w->wor; /* the timeout refresh, from the moment it expired */
			w->ws0_count++;
		} else {
			w->ws1 = fired = w->ws1_reset = true;
			w->ws1_count++;
			w->ws1_late = now - w->wcv;
		}
		wdog_line(vm, w);
	}
	spin_unlock(&w->lock);
	return fired;
}

static void wdog_act(struct vm *vm)
{
	const struct wdog *w = &wdogs[vm->id];

	if (failover_on_ws1(vm))
		return; /* a failover group fences and resets it (core/failover.c) */
	printk("rtvisor: vm '%s': watchdog WS1 (timeout %lu ms): %s\n", vm->cfg->name,
	       (unsigned long)w->wor * 1000 / arch_counter_freq(),
	       vm->cfg->wdog_action == CFG_WDOG_STOP ? "stopping it" : "resetting it");
	if (vm->cfg->wdog_action == CFG_WDOG_STOP)
		vm_stop(vm, "watchdog WS1");
	else
		vm_request_reset(vm);
}

/* The system counter does not stop for a paused VM: its watchdog counts on (a stopped or
 * resetting VM's is disabled by wdog_vm_stop). */
static bool wdog_counting(const struct vm *vm)
{
	return vm->state == VM_RUNNING || vm->state == VM_PAUSED;
}

/* The earliest deadline of the running VMs' watchdogs (0: none). */
static u64 wdog_earliest(void)
{
	u64 best = 0;

	for (u32 i = 0; i < nr_vms; i++) {
		struct wdog *w = &wdogs[i];
		u64 d;

		if (!w->on || !wdog_counting(&vms[i]))
			continue;
		spin_lock(&w->lock);
		d = wdog_deadline(w);
		spin_unlock(&w->lock);
		if (d && (!best || d < best))
			best = d;
	}
	return best;
}

/*
 * due_at is cleared first and the walk's earliest deadline merged in by the same
 * compare-and-swap minimum the guests use: a guest's earlier deadline set during the walk
 * is never lost; a refresh during it leaves at worst an early due_at, which costs one
 * more walk. The housekeeper re-arms its timer after every poll (housekeep.c).
 */
static void wdog_poll(u64 now)
{
	__atomic_store_n(&due_at, 0, __ATOMIC_SEQ_CST);
	for (u32 i = 0; i < nr_vms; i++)
		if (wdogs[i].on && wdog_counting(&vms[i]) && wdog_expire(&vms[i], &wdogs[i], now))
			wdog_act(&vms[i]);
	(void)wdog_due_min(wdog_earliest()); /* the housekeeper re-arms anyway */
}

static u64 wdog_next_due(void)
{
	return __atomic_load_n(&due_at, __ATOMIC_ACQUIRE);
}

static const struct hk_timer wdog_timer = { .next_due = wdog_next_due, .poll = wdog_poll };

/* ---- life cycle ---- */

static int wdog_init(void)
{
	return hk_timer_register(&wdog_timer);
}

static u32 wdog_windows(const struct cfg_vm *cfg)
{
	return cfg->has_wdog ? 2 : 0;
}

static int wdog_vm_create(struct vm *vm, char *msg, size_t len)
{
	struct wdog *w = &wdogs[vm->id];
	int r;

	if (!vm->cfg->has_wdog)
		return 0;
	memset(w, 0, sizeof(*w));
	w->lock = (spinlock_t)SPINLOCK_INIT;
	r = virq_assign(vm, vm->cfg->wdog_irq, false);
	if (!r)
		r = mmio_register(&vm->mmio, CFG_WDOG_CTRL_IPA, CFG_WDOG_FRAME, wdog_ctrl_mmio, w);
	if (!r)
		r = mmio_register(&vm->mmio, CFG_WDOG_REFRESH_IPA, CFG_WDOG_FRAME, wdog_refresh_mmio,
				  w);
	if (r)
		snprintf(msg, len, "watchdog: cannot claim its frames or interrupt %u (%s)",
			 vm->cfg->wdog_irq, err_name(r));
	else
		w->on = true;
	return r;
}

/* The VM stops or is reset: its watchdog stops counting, its line drops. */
static void wdog_vm_stop(struct vm *vm)
{
	struct wdog *w = &wdogs[vm->id];

	if (!w->on)
		return;
	spin_lock(&w->lock);
	w->en = false;
	wdog_line(vm, w);
	spin_unlock(&w->lock);
}

/* Power-on state, but WS0/WS1 survive the reset (or restart) WS1 itself caused. */
static void wdog_vm_reset(struct vm *vm)
{
	struct wdog *w = &wdogs[vm->id];

	if (!w->on)
		return;
	spin_lock(&w->lock);
	w->en = false;
	w->ws0 = w->ws1 = w->ws1_reset;
	w->ws1_reset = false;
	w->wor = 0;
	w->wcv = 0;
	wdog_line(vm, w);
	spin_unlock(&w->lock);
}

/* ---- shell: `wdog` ---- */

static void wdog_show_vm(const struct vm *vm)
{
	struct wdog *w = &wdogs[vm->id];
	u64 now = arch_counter(), f = arch_counter_freq(), wcv;
	bool en, ws0, ws1;
	char when[32] = "";
	u32 wor;

	spin_lock(&w->lock);
	en = w->en, ws0 = w->ws0, ws1 = w->ws1, wor = w->wor, wcv = w->wcv;
	spin_unlock(&w->lock);
	if (en && !ws1)
		snprintf(when, sizeof(when), ", %s %lu ms", wcv > now ? "expires in" : "due since",
			 (unsigned long)((wcv > now ? wcv - now : now - wcv) * 1000 / f));
	printk("  vm '%s' watchdog: %s%s%s, timeout %lu ms%s; WS0 %lu WS1 %lu (last %lu us late), "
	       "action %s\n", vm->cfg->name, en ? "enabled" : "disabled", ws0 ? " WS0" : "",
	       ws1 ? " WS1" : "", (unsigned long)wor * 1000 / f, when, w->ws0_count, w->ws1_count,
	       (unsigned long)(w->ws1_late * 1000000 / f),
	       vm->cfg->wdog_action == CFG_WDOG_STOP ? "stop" : "reset");
}

static void wdog_show(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	for (u32 i = 0; i < nr_vms; i++)
		if (wdogs[i].on)
			wdog_show_vm(&vms[i]);
}

SHELL_CMD(wdog) = { "wdog", NULL, 0, 0, "wdog", wdog_show };

VDEV_UNIT(sbsa_wdog, VDEV_STAGE_DEVICE) = {
	.name = "sbsa_wdog",
	.init = wdog_init,
	.mmio_windows = wdog_windows,
	.vm_create = wdog_vm_create,
	.vm_stop = wdog_vm_stop,
	.vm_reset = wdog_vm_reset,
};
