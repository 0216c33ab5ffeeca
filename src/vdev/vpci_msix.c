/*
 * Trapped MSI-X tables (see vpci_msix.h; PCI Local Bus Spec 3.0, 6.8.2: a table entry
 * is Message Address, Message Upper Address, Message Data, Vector Control with Mask
 * [0]; the PBA one bit per entry). The device's entries only ever hold a message
 * vpci_msi_ok() accepted, or are masked: an entry is masked before its address or data
 * change and unmasked only after.
 */
#include <err.h>
#include <lib.h>
#include <mm.h>
#include <pci.h>
#include <pci_cfg.h>
#include <platform_info.h>
#include <printk.h>
#include <vm.h>
#include <vpci_msix.h>

#define ENTRY 16U
#define VEC_MASK 1U

static volatile u32 *hw_entry(const struct vpci_fn *v, u32 i)
{
	return (volatile u32 *)(uintptr_t)(v->msix_va + (u64)i * ENTRY);
}

static u32 hw_entries(const struct pci_func *f)
{
	return (pci_cfg_read(f->bdf, f->msix_off + 2U, 2) & 0x7ffU) + 1;
}

/* Memory decoding on for the moment (never bus mastering): the table is in a BAR. */
void vpci_msix_mask_all(const struct vpci_fn *v)
{
	u32 cmd;

	if (!v->msix_va)
		return;
	cmd = pci_cfg_read(v->f->bdf, PCI_COMMAND, 2);
	pci_cfg_write(v->f->bdf, PCI_COMMAND, 2, (cmd & ~(u32)PCI_CMD_MASTER) | PCI_CMD_MEM);
	for (u32 i = 0; i < hw_entries(v->f); i++)
		hw_entry(v, i)[3] = VEC_MASK;
	pci_cfg_write(v->f->bdf, PCI_COMMAND, 2, cmd);
}

/* Entry i to the device as the guest's shadow says, if allowed. 0 or ERR_PERM. */
static int program(struct vpci_fn *v, u32 i)
{
	const struct vpci_msix_entry *e = &v->msix[i];
	volatile u32 *hw = hw_entry(v, i);
	u64 addr = (u64)e->addr_hi << 32 | e->addr_lo;

	hw[3] = VEC_MASK;
	if (e->ctrl & VEC_MASK)
		return 0;
	if (!vpci_msi_ok(v, addr, e->data)) {
		v->refused++;
		return ERR_PERM;
	}
	hw[0] = e->addr_lo;
	hw[1] = e->addr_hi;
	hw[2] = e->data;
	hw[3] = 0;
	return 0;
}

/* The shadow word of byte offset off into the table, or NULL (beyond the entries shown). */
static u32 *shadow_word(struct vpci_fn *v, u64 off)
{
	u32 i = (u32)(off / ENTRY);

	if (i >= v->msi_events)
		return NULL;
	return (u32 *)&v->msix[i] + (off % ENTRY) / 4;
}

static enum trap_status table_access(struct vpci_fn *v, struct mmio_access *a, u64 off,
				     bool stopped, int *r)
{
	u32 *w = shadow_word(v, off);

	if (a->size != 4)
		return TRAP_FORBIDDEN; /* entries are dwords (6.8.2) */
	if (!a->write) {
		a->val = w ? *w : 0;
		return TRAP_HANDLED;
	}
	if (!w || stopped)
		return TRAP_HANDLED;
	*w = (u32)a->val;
	*r = program(v, (u32)(off / ENTRY));
	return TRAP_HANDLED;
}

/* The PBA and anything else on a trapped page: straight to the device (at VA pa). */
static enum trap_status pass(struct mmio_access *a, u64 pa, bool stopped)
{
	if (a->size != 4 && a->size != 8)
		return TRAP_FORBIDDEN;
	if (a->write && !stopped) {
		if (a->size == 8)
			*(volatile u64 *)(uintptr_t)pa = a->val;
		else
			*(volatile u32 *)(uintptr_t)pa = (u32)a->val;
	} else if (!a->write) {
		a->val = a->size == 8 ? *(volatile u64 *)(uintptr_t)pa
				      : *(volatile u32 *)(uintptr_t)pa;
	}
	return TRAP_HANDLED;
}

enum trap_status vpci_msix_mmio(struct vcpu *vc, struct mmio_access *a, void *opaque)
{
	struct vpci_msix_win *w = opaque;
	struct vpci_fn *v = w->fn;
	const struct pci_func *f = v->f;
	u64 pa = w->pa + a->offset;
	u64 tbl = pci_bar_cpu(f, f->msix_table & 7U) + (f->msix_table & ~7U);
	enum trap_status st;
	int r = 0;

	if (a->offset & (a->size - 1))
		return TRAP_FORBIDDEN;
	spin_lock(w->lock);
	if (*w->absent) /* a failover moved it away (fault.c reports the fenced VM) */
		st = TRAP_FORBIDDEN;
	else if (pa >= tbl && pa - tbl < (u64)hw_entries(f) * ENTRY)
		st = table_access(v, a, pa - tbl, *w->stopped, &r);
	else
		st = pass(a, w->va + a->offset, *w->stopped);
	if (r && v->refused <= 4) /* the first few since the reset; all are counted */
		printk("rtvisor: vm '%s': %02x:%02x.%x: MSI-X entry %u address 0x%x_%08x data "
		       "0x%x refused (not the ITS doorbell with a reserved event); left masked\n",
		       vc->vm->cfg->name, PCI_BDF_BUS(f->bdf), PCI_BDF_DEV(f->bdf),
		       PCI_BDF_FN(f->bdf), (u32)((pa - tbl) / ENTRY),
		       v->msix[(pa - tbl) / ENTRY].addr_hi, v->msix[(pa - tbl) / ENTRY].addr_lo,
		       v->msix[(pa - tbl) / ENTRY].data);
	spin_unlock(w->lock);
	return st;
}

int vpci_msix_trap(struct vm *vm, struct vpci_msix_win *w, u32 *nr, u64 pa, u64 size)
{
	int r;

	if (*nr == VPCI_MSIX_WINDOWS)
		return ERR_FULL;
	struct vpci_fn *v = w[*nr].fn;
	const struct pci_func *f = v->f;
	u64 tbl = pci_bar_cpu(f, f->msix_table & 7U) + (f->msix_table & ~7U);

	w[*nr].pa = pa;
	r = arch_mmu_map_device_va(pa, size, &w[*nr].va);
	if (!r && tbl >= pa && tbl - pa < size)
		v->msix_va = w[*nr].va + (tbl - pa);
	if (!r)
		r = mmio_register(&vm->mmio, pa, size, vpci_msix_mmio, &w[*nr]);
	if (!r)
		(*nr)++;
	return r;
}
