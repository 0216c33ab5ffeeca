/*
 * Emulated PL011 (ARM DDI 0183): enough of the register map for a polled or
 * interrupt-driven driver, including the PrimeCell ID registers Linux's AMBA
 * bus probes. TX is never busy: a byte written to DR goes straight to the
 * hypervisor console. The interrupt line is level: high while RIS & IMSC != 0.
 */
#include <asm/spinlock.h>
#include <config.h>
#include <console.h>
#include <err.h>
#include <lib.h>
#include <pl011.h>
#include <platform_info.h>
#include <vdev.h>
#include <virq.h>
#include <vm.h>

#define VUART_SIZE 0x1000
#define VUART_RX_FIFO 1024 /* deeper than a PL011: host input arrives unpaced */

struct vuart {
	spinlock_t lock;
	u32 intid;
	u32 cr, lcr_h, ibrd, fbrd, ifls, imsc, ris, dmacr;
	u8 rx[VUART_RX_FIFO];
	u32 rx_head, rx_count;
};

static struct vuart vuarts[CFG_MAX_VMS];

static const u8 vuart_id[8] = { 0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1 };

static void update_irq(struct vm *vm, struct vuart *u)
{
	virq_set_level(vm, u->intid, (u->ris & u->imsc) != 0);
}

static u32 rx_pop(struct vuart *u)
{
	u32 c;

	if (!u->rx_count)
		return 0;
	c = u->rx[u->rx_head];
	u->rx_head = (u->rx_head + 1) % VUART_RX_FIFO;
	if (--u->rx_count == 0)
		u->ris &= ~(PL011_INT_RX | PL011_INT_RT);
	return c;
}

static u32 flags(const struct vuart *u)
{
	u32 fr = PL011_FR_TXFE;

	if (!u->rx_count)
		fr |= PL011_FR_RXFE;
	if (u->rx_count == VUART_RX_FIFO)
		fr |= BIT(6); /* RXFF */
	return fr;
}

static u32 vuart_read(struct vuart *u, u64 off)
{
	if (off >= 0xfe0 && off < 0x1000)
		return vuart_id[(off - 0xfe0) / 4];
	switch (off) {
	case PL011_DR: return rx_pop(u);
	case PL011_RSR: return 0;
	case PL011_FR: return flags(u);
	case PL011_IBRD: return u->ibrd;
	case PL011_FBRD: return u->fbrd;
	case PL011_LCR_H: return u->lcr_h;
	case PL011_CR: return u->cr;
	case PL011_IFLS: return u->ifls;
	case PL011_IMSC: return u->imsc;
	case PL011_RIS: return u->ris;
	case PL011_MIS: return u->ris & u->imsc;
	case PL011_DMACR: return u->dmacr;
	default: return 0;
	}
}

static void vuart_write(struct vm *vm, struct vuart *u, u64 off, u32 val)
{
	switch (off) {
	case PL011_DR:
		console_vm_putc(vm->id, (char)(val & 0xff));
		u->ris |= PL011_INT_TX;
		break;
	case PL011_IBRD: u->ibrd = val & 0xffff; break;
	case PL011_FBRD: u->fbrd = val & 0x3f; break;
	case PL011_LCR_H: u->lcr_h = val & 0xff; break;
	case PL011_CR: u->cr = val & 0xff87; break;
	case PL011_IFLS: u->ifls = val & 0x3f; break;
	case PL011_IMSC: u->imsc = val & 0x7ff; break;
	case PL011_ICR: u->ris &= ~val; break;
	case PL011_DMACR: u->dmacr = val & 7; break;
	default: break; /* read-only or reserved: ignored */
	}
}

static enum trap_status vuart_mmio(struct vcpu *v, struct mmio_access *a, void *opaque)
{
	struct vuart *u = opaque;

	if (a->size != 4 && !(a->size == 1 && a->offset == PL011_DR) && a->size != 2)
		return TRAP_FORBIDDEN;
	spin_lock(&u->lock);
	if (a->write)
		vuart_write(v->vm, u, a->offset, (u32)a->val);
	else
		a->val = vuart_read(u, a->offset);
	update_irq(v->vm, u);
	spin_unlock(&u->lock);
	return TRAP_HANDLED;
}

static void vuart_reset(struct vm *vm)
{
	struct vuart *u = &vuarts[vm->id];

	if (!vm->cfg->console)
		return;
	u->cr = 0x300;
	u->lcr_h = 0;
	u->ibrd = u->fbrd = 0;
	u->ifls = 0x12;
	u->imsc = 0;
	u->ris = 0;
	u->dmacr = 0;
	u->rx_head = u->rx_count = 0;
}

/* A byte typed for this VM (console input, housekeeping pCPU); ERR_NOMEM: FIFO full. */
static int vuart_receive(struct vm *vm, u8 c)
{
	struct vuart *u = &vuarts[vm->id];
	int r = ERR_NOMEM;

	spin_lock(&u->lock);
	if (u->rx_count < VUART_RX_FIFO) {
		u->rx[(u->rx_head + u->rx_count) % VUART_RX_FIFO] = c;
		u->rx_count++;
		u->ris |= PL011_INT_RX | PL011_INT_RT;
		r = 0;
	}
	update_irq(vm, u);
	spin_unlock(&u->lock);
	return r;
}

static u32 vuart_windows(const struct cfg_vm *cfg)
{
	return cfg->console ? 1 : 0;
}

/* At the platform UART's address and interrupt, so the guest's DT needs no change. */
static int vuart_create(struct vm *vm, char *msg, size_t len)
{
	struct vuart *u = &vuarts[vm->id];
	int r;

	if (!vm->cfg->console)
		return 0;
	u->intid = plat.uart_intid;
	vuart_reset(vm);
	r = virq_assign(vm, u->intid, false);
	if (!r)
		r = mmio_register(&vm->mmio, plat.uart_base, VUART_SIZE, vuart_mmio, u);
	if (r)
		snprintf(msg, len, "vPL011: cannot claim its window or interrupt %u (%s)", u->intid,
			 err_name(r));
	else
		console_set_input(vm->id, vuart_receive);
	return r;
}

VDEV_UNIT(vpl011, VDEV_STAGE_DEVICE) = {
	.name = "vpl011",
	.mmio_windows = vuart_windows,
	.vm_create = vuart_create,
	.vm_reset = vuart_reset,
};
