/*
 * What the hypervisor does to one physical function (pci.h): stop it, bring it back to
 * its state of boot, say where its BARs are, and list functions for the shell.
 */
#include <asm/timer.h>
#include <lib.h>
#include <pci.h>
#include <pci_bars.h>
#include <pci_cfg.h>
#include <printk.h>
#include <vm.h>

#define PCIE_DEVCTL 0x08
#define PCIE_DEVCTL_FLR BIT(15) /* PCIe Base Spec 4.0, 7.5.3.4 Initiate Function Level Reset */
#define FLR_WAIT_MS 100         /* 6.6.2: software waits 100 ms before touching it again */

u64 pci_bar_cpu(const struct pci_func *f, u32 i)
{
	const struct pci_bar *b = &f->bar[i];
	const struct pci_window *w = b->kind == PCI_BAR_IO ? &pci_host->io :
				     b->addr >= pci_host->mem64.pci && pci_host->mem64.size ?
				     &pci_host->mem64 : &pci_host->mem32;

	return w->cpu + (b->addr - w->pci);
}

struct pci_func *pci_func_at(u64 cpu, u64 size, u32 *bar)
{
	for (u32 n = 0; n < pci_nr_funcs; n++) {
		struct pci_func *f = &pci_funcs[n];

		for (u32 i = 0; f->hdr_type == 0 && i < PCI_NR_BARS; i++) {
			const struct pci_bar *b = &f->bar[i];
			u64 at = pci_bar_cpu(f, i);

			if (b->kind == PCI_BAR_NONE || b->kind == PCI_BAR_MEM64_HI || !b->size)
				continue;
			if (cpu >= at && cpu - at < b->size && size <= b->size - (cpu - at)) {
				*bar = i;
				return f;
			}
		}
	}
	return NULL;
}

void pci_func_quiesce(const struct pci_func *f)
{
	pci_cfg_write(f->bdf, PCI_COMMAND, 2, PCI_CMD_INTX_OFF);
}

static void wait_ms(u32 ms)
{
	u64 end = arch_counter() + arch_counter_freq() * ms / 1000;

	while (arch_counter() < end)
		;
}

bool pci_func_flr_start(const struct pci_func *f)
{
	pci_func_quiesce(f);
	if (!f->flr)
		return false;
	pci_cfg_write(f->bdf, f->pcie_off + PCIE_DEVCTL, 2,
		      pci_cfg_read(f->bdf, f->pcie_off + PCIE_DEVCTL, 2) | PCIE_DEVCTL_FLR);
	return true;
}

u64 pci_flr_ticks(void)
{
	return arch_counter_freq() * FLR_WAIT_MS / 1000;
}

void pci_func_restore(const struct pci_func *f, bool flr)
{
	if (flr && pci_func_flr_start(f))
		wait_ms(FLR_WAIT_MS);
	pci_func_quiesce(f);
	pci_bars_write(f);
}

/* ---- the shell ---- */

static const char *owner_name(const struct pci_func *f)
{
	if (f->hdr_type == 1)
		return "(bridge)";
	return f->owner >= 0 && (u32)f->owner < nr_vms ? vms[f->owner].cfg->name : "-";
}

static void show_bars(const struct pci_func *f)
{
	static const char *const kind[] = { "", "io", "mem32", "mem64" };

	for (u32 i = 0; i < PCI_NR_BARS; i++) {
		const struct pci_bar *b = &f->bar[i];

		if (b->kind == PCI_BAR_NONE || b->kind == PCI_BAR_MEM64_HI)
			continue;
		printk("    BAR%u %s%s 0x%lx+0x%lx (CPU 0x%lx)\n", i, kind[b->kind],
		       b->prefetch ? " pref" : "", b->addr, b->size, pci_bar_cpu(f, i));
	}
}

static void show_func(const struct pci_func *f)
{
	printk("  %02x:%02x.%x %04x:%04x %-15s", PCI_BDF_BUS(f->bdf), PCI_BDF_DEV(f->bdf),
	       PCI_BDF_FN(f->bdf), f->vendor, f->device, owner_name(f));
	if (f->intid)
		printk(" INT%c -> INTID %u", 'A' + f->pin - 1, f->intid);
	else
		printk(" no INTx");
	printk("%s\n", f->flr ? ", FLR" : "");
	show_bars(f);
	if (f->msix_off)
		printk("    MSI-X table BAR%u+0x%x, PBA BAR%u+0x%x (trapped)\n", f->msix_table & 7U,
		       f->msix_table & ~7U, f->msix_pba & 7U, f->msix_pba & ~7U);
}

void pci_show(int vm)
{
	u32 shown = 0;

	if (vm < 0)
		printk("pci: %u functions%s\n", pci_nr_funcs, pci_host ? "" : " (no host bridge)");
	for (u32 i = 0; i < pci_nr_funcs; i++)
		if (vm < 0 || pci_funcs[i].owner == vm) {
			show_func(&pci_funcs[i]);
			shown++;
		}
	if (vm >= 0 && !shown)
		printk("  no PCI functions\n");
}
