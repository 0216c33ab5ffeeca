/*
 * Scenario rules for the PCI functions a VM owns (pci@ nodes; docs/config.md, docs/pci.md).
 *
 * What the scenario alone decides is checked here, on the host and at boot: the
 * function's address, one owner, RAM a bus-mastering function can DMA into, and the
 * INTx line of a root-bus function, computed from the host's interrupt-map for INTA
 * (the pin single-function devices use). Whether the function exists, its real pin and
 * the line of a function behind a bridge are known only on the bus: the hypervisor
 * checks them when it creates the VM (src/vdev/vpci.c).
 */
#include <config_err.h>
#include <config_pci.h>
#include <config_range.h>
#include <lib.h>

#define PCI_INTA 1U
#define BDF_ARGS(p) (p)->bdf[0], (p)->bdf[1], (p)->bdf[2]

static int pci_shape(const struct cfg_vm *vm, const struct cfg_pci *p, const struct pci_host *h,
		     struct cfg_error *e)
{
	if (p->nr_bdf != 3 || p->bdf[0] > 255 || p->bdf[1] > 31 || p->bdf[2] > 7)
		return cfg_err(e, vm->name, "%s.bdf: <%u %u %u> is not <bus 0-255, device 0-31, "
			       "function 0-7>", p->name, BDF_ARGS(p));
	if (!h || !h->present)
		return cfg_err(e, vm->name, "%s: the machine has no PCIe host bridge", p->name);
	if (p->bdf[0] < h->bus_start || p->bdf[0] > h->bus_end)
		return cfg_err(e, vm->name, "%s.bdf: bus %u outside the host's buses %u-%u", p->name,
			       p->bdf[0], h->bus_start, h->bus_end);
	return 0;
}

/* Earlier functions of this VM and of earlier VMs (but the other VM of a failover group
 * that moves the function: both list it, only the primary owns it at a time). */
static int pci_unique(const struct scenario *s, u32 i, u32 k, struct cfg_error *e)
{
	const struct cfg_pci *p = &s->vms[i].pci[k];

	for (u32 j = 0; j <= i; j++) {
		const struct cfg_vm *o = &s->vms[j];

		for (u32 n = 0; n < (j == i ? k : o->nr_pci); n++)
			if (cfg_pci_bdf(&o->pci[n]) == cfg_pci_bdf(p) &&
			    (j == i || !cfg_fo_shares_pci(s, o->name, o->pci[n].name,
							  s->vms[i].name, p->name)))
				return cfg_err(e, s->vms[i].name, "%s.bdf: %02x:%02x.%x already "
					       "assigned to vm '%s' %s", p->name, BDF_ARGS(p),
					       o->name, o->pci[n].name);
	}
	return 0;
}

/* Without an IOMMU the function reaches memory by physical address: the addresses the
 * guest programs must be its RAM's physical ones. */
static int pci_dma(const struct cfg_vm *vm, const struct cfg_pci *p, struct cfg_error *e)
{
	for (u32 n = 0; p->dma && n < vm->nr_mem; n++)
		if (!vm->mem[n].identity)
			return cfg_err(e, vm->name, "%s.dma: memory@%llx is not identity-mapped; "
				       "without an IOMMU the function DMAs to physical addresses",
				       p->name, (unsigned long long)vm->mem[n].ipa);
	return 0;
}

/* The host's line for INTA of a root-bus function, 0 if not known from the scenario. */
static u32 pci_root_line(const struct cfg_pci *p, const struct pci_host *h)
{
	return p->bdf[0] == h->bus_start ? pci_host_intid(h, p->bdf[1], PCI_INTA) : 0;
}

/* A level line cannot be split between VMs: an earlier VM's function on the same line
 * (a function a failover group moves is one function, not two: its line is the current
 * primary's and only reserved in the other VM, vdev/vpci.c). */
static int pci_line_vs_pci(const struct scenario *s, const struct cfg_vm *vm,
			   const struct cfg_pci *p, u32 line, const struct cfg_vm *o,
			   const struct pci_host *h, struct cfg_error *e)
{
	for (u32 n = 0; n < o->nr_pci; n++)
		if (pci_root_line(&o->pci[n], h) == line &&
		    !(cfg_pci_bdf(&o->pci[n]) == cfg_pci_bdf(p) &&
		      cfg_fo_shares_pci(s, o->name, o->pci[n].name, vm->name, p->name)))
			return cfg_err(e, vm->name, "%s: INTx line INTID %u (INTA of %02x:%02x.%x) "
				       "shared with vm '%s' %s: one level line cannot serve two VMs",
				       p->name, line, BDF_ARGS(p), o->name, o->pci[n].name);
	return 0;
}

/* ... nor be a passthrough device's interrupt (of any VM). */
static int pci_line_vs_devs(const struct cfg_vm *vm, const struct cfg_pci *p, u32 line,
			    const struct cfg_vm *o, struct cfg_error *e)
{
	for (u32 n = 0; n < o->nr_devs; n++)
		for (u32 q = 0; q < o->devs[n].nr_irqs; q++)
			if (o->devs[n].irqs[q] == line)
				return cfg_err(e, vm->name, "%s: INTx line INTID %u is an interrupt of "
					       "vm '%s' %s", p->name, line, o->name, o->devs[n].name);
	return 0;
}

/* A function a failover group moves takes its line along: no other function may have it
 * (of any VM: the primary's other functions would lose it). */
static int pci_line_moving(const struct scenario *s, u32 i, const struct cfg_pci *p, u32 line,
			   const struct pci_host *h, struct cfg_error *e)
{
	if (!cfg_fo_of_pci(s, s->vms[i].name, p->name))
		return 0;
	for (u32 j = 0; j < s->nr_vms; j++)
		for (u32 n = 0; n < s->vms[j].nr_pci; n++)
			if (pci_root_line(&s->vms[j].pci[n], h) == line &&
			    cfg_pci_bdf(&s->vms[j].pci[n]) != cfg_pci_bdf(p))
				return cfg_err(e, s->vms[i].name, "%s: INTx line INTID %u shared with "
					       "vm '%s' %s: a failover group moves the function, and "
					       "its line with it", p->name, line, s->vms[j].name,
					       s->vms[j].pci[n].name);
	return 0;
}

static int pci_line(const struct scenario *s, u32 i, u32 k, const struct pci_host *h,
		    struct cfg_error *e)
{
	const struct cfg_pci *p = &s->vms[i].pci[k];
	u32 line = pci_root_line(p, h);
	int err = line ? pci_line_moving(s, i, p, line, h, e) : 0;

	for (u32 j = 0; line && !err && j < i; j++)
		err = pci_line_vs_pci(s, &s->vms[i], p, line, &s->vms[j], h, e);
	for (u32 j = 0; line && !err && j < s->nr_vms; j++)
		err = pci_line_vs_devs(&s->vms[i], p, line, &s->vms[j], e);
	return err;
}

/* MSI events reserved by VM i's first k + 1 functions / by every VM's (j < i whole). */
static u32 msi_events_of(const struct cfg_vm *vm, u32 upto)
{
	u32 n = 0;

	for (u32 f = 0; f < upto; f++)
		n += vm->pci[f].msi_events;
	return n;
}

/*
 * A VM's events become LPIs of its vGIC (at most LIM_VGIC_LPIS mapped), all VMs' events
 * physical LPIs of the ITS (LIM_ITS_LPIS), so that creating the VM cannot run out.
 */
static int pci_msi(const struct scenario *s, u32 i, u32 k, struct cfg_error *e)
{
	const struct cfg_vm *vm = &s->vms[i];
	u32 all = msi_events_of(vm, k + 1);

	if (vm->pci[k].msi_events && !vm->pci[k].dma)
		return cfg_err(e, vm->name, "%s.msi-events: an MSI is a memory write by the "
			       "function, so it needs bus mastering: add `dma`", vm->pci[k].name);
	if (all > LIM_VGIC_LPIS)
		return cfg_err(e, vm->name, "%s.msi-events: the VM's functions reserve %u events, "
			       "more than its %u LPIs", vm->pci[k].name, all, LIM_VGIC_LPIS);
	for (u32 j = 0; j < i; j++)
		all += msi_events_of(&s->vms[j], s->vms[j].nr_pci);
	if (all > LIM_ITS_LPIS)
		return cfg_err(e, vm->name, "%s.msi-events: all VMs reserve %u events, more than "
			       "the %u physical LPIs", vm->pci[k].name, all, LIM_ITS_LPIS);
	return 0;
}

int config_check_pci(const struct scenario *s, u32 i, u32 k, const struct cfg_limits *l,
		     struct cfg_error *e)
{
	const struct cfg_vm *vm = &s->vms[i];
	int err = pci_shape(vm, &vm->pci[k], l->pci, e);

	if (!err)
		err = pci_unique(s, i, k, e);
	if (!err)
		err = pci_dma(vm, &vm->pci[k], e);
	if (!err)
		err = pci_msi(s, i, k, e);
	return err ? err : pci_line(s, i, k, l->pci, e);
}

/* Does any VM own function bdf (a pci@ node), or serve gdb on it before VM i? */
static const struct cfg_vm *gdb_line_user(const struct scenario *s, u32 i, u32 bdf, bool *gdb)
{
	for (u32 j = 0; j < s->nr_vms; j++) {
		const struct cfg_vm *o = &s->vms[j];

		*gdb = false;
		for (u32 n = 0; n < o->nr_pci; n++)
			if (cfg_pci_bdf(&o->pci[n]) == bdf)
				return o;
		*gdb = true;
		if (j < i && o->nr_gdb_pci && PCI_BDF(o->gdb_pci[0], o->gdb_pci[1],
						      o->gdb_pci[2]) == bdf)
			return o;
	}
	return NULL;
}

/* Does VM v have a GDB line (gdb-pci or gdb-uart)? */
static bool has_line(const struct cfg_vm *v)
{
	return v->nr_gdb_pci || v->has_gdb_uart;
}

/* The gdb-pci line: a valid function no VM owns and no earlier stub uses. */
static int gdb_pci_check(const struct scenario *s, u32 i, const struct cfg_limits *l,
			 struct cfg_error *e)
{
	const struct cfg_vm *vm = &s->vms[i], *o;
	struct cfg_pci p = { .name = "gdb-pci", .nr_bdf = 3 };
	bool gdb;
	int err;

	memcpy(p.bdf, vm->gdb_pci, sizeof(p.bdf));
	err = pci_shape(vm, &p, l->pci, e);
	if (err)
		return err;
	o = gdb_line_user(s, i, cfg_pci_bdf(&p), &gdb);
	if (o)
		return cfg_err(e, vm->name, "gdb-pci: %02x:%02x.%x is %s of vm '%s'", BDF_ARGS(&p),
			       gdb ? "already the gdb line" : "a PCI function", o->name);
	return 0;
}

/* The 4 KiB pages the hypervisor maps for the UART at base (span bytes). */
static void uart_pages(u64 base, u64 span, u64 *pb, u64 *ps)
{
	*pb = ALIGN_DOWN(base, SZ_4K);
	*ps = ALIGN_UP(base + span, SZ_4K) - *pb;
}

/* The line's pages against the machine: not RAM, the hypervisor, its console or the GIC. */
static int gdb_uart_vs_machine(const struct cfg_vm *vm, u64 pb, u64 ps,
			       const struct cfg_limits *l, struct cfg_error *e)
{
	if (!range_ok(vm->gdb_uart, cfg_uart_span(vm)) || !range_ok(pb, ps) ||
	    !in_ipa_space(pb, ps))
		return cfg_err(e, vm->name, "gdb-uart: 0x%llx is beyond the physical address "
			       "space", (unsigned long long)vm->gdb_uart);
	if (!IS_ALIGNED(vm->gdb_uart, vm->gdb_uart_type == CFG_UART_PL011 ? SZ_4K : 4))
		return cfg_err(e, vm->name, "gdb-uart: 0x%llx is not aligned to its registers "
			       "(pl011: 4 KiB, ns16550: 4 bytes)", (unsigned long long)vm->gdb_uart);
	if (overlaps(pb, ps, l->uart_base, l->uart_size))
		return cfg_err(e, vm->name, "gdb-uart: 0x%llx is on the page of the console UART",
			       (unsigned long long)vm->gdb_uart);
	if (overlaps(pb, ps, l->gic_base, l->gic_size))
		return cfg_err(e, vm->name, "gdb-uart: 0x%llx overlaps the GIC",
			       (unsigned long long)vm->gdb_uart);
	if (overlaps(pb, ps, l->ram_base, l->ram_size) || overlaps(pb, ps, l->hv_base, l->hv_size))
		return cfg_err(e, vm->name, "gdb-uart: 0x%llx is in RAM (VM memory or the "
			       "hypervisor's)", (unsigned long long)vm->gdb_uart);
	return 0;
}

/* The line's pages against VM o: none of its devices (IPA == PA), nor o's own line. */
static int gdb_uart_vs_vm(const struct cfg_vm *vm, u64 pb, u64 ps, const struct cfg_vm *o,
			  bool earlier, struct cfg_error *e)
{
	u64 ob, os;

	for (u32 n = 0; n < o->nr_devs && n < CFG_MAX_DEVS; n++)
		if (range_ok(o->devs[n].base, o->devs[n].size) &&
		    overlaps(pb, ps, o->devs[n].base, o->devs[n].size))
			return cfg_err(e, vm->name, "gdb-uart: 0x%llx is on device %s of vm '%s'",
				       (unsigned long long)vm->gdb_uart, o->devs[n].name, o->name);
	if (!earlier || !o->has_gdb_uart)
		return 0;
	uart_pages(o->gdb_uart, cfg_uart_span(o), &ob, &os);
	if (range_ok(ob, os) && overlaps(pb, ps, ob, os))
		return cfg_err(e, vm->name, "gdb-uart: 0x%llx is on the page of vm '%s''s gdb line",
			       (unsigned long long)vm->gdb_uart, o->name);
	return 0;
}

/* The gdb-uart line: a memory-mapped UART no VM and no other stub can reach. */
static int gdb_uart_check(const struct scenario *s, u32 i, const struct cfg_limits *l,
			  struct cfg_error *e)
{
	const struct cfg_vm *vm = &s->vms[i];
	u64 pb, ps;
	int err;

	if (vm->nr_gdb_pci)
		return cfg_err(e, vm->name, "gdb-uart: the VM has a gdb-pci line already (one "
			       "line per VM)");
	if (vm->has_gdb_uart_shift && vm->gdb_uart_type == CFG_UART_PL011 && vm->gdb_uart_shift)
		return cfg_err(e, vm->name, "gdb-uart-reg-shift: a pl011 has fixed registers");
	uart_pages(vm->gdb_uart, cfg_uart_span(vm), &pb, &ps);
	err = gdb_uart_vs_machine(vm, pb, ps, l, e);
	for (u32 j = 0; !err && j < s->nr_vms; j++)
		err = gdb_uart_vs_vm(vm, pb, ps, &s->vms[j], j < i, e);
	return err;
}

/*
 * The GDB line of VM i (docs/debugging.md): a serial function (a 16550 behind an I/O
 * BAR, gdb-pci) or a memory-mapped UART (gdb-uart) the hypervisor drives itself for the
 * GDB stub of this VM. No VM may own it, one stub per line, at most LIM_GDB_LINES.
 */
int config_check_gdb(const struct scenario *s, u32 i, const struct cfg_limits *l,
		     struct cfg_error *e)
{
	const struct cfg_vm *vm = &s->vms[i];
	u32 lines = 0;

	if (!vm->has_gdb_uart && (vm->has_gdb_uart_type || vm->has_gdb_uart_shift))
		return cfg_err(e, vm->name, "gdb-uart-%s: without gdb-uart",
			       vm->has_gdb_uart_type ? "type" : "reg-shift");
	if (!has_line(vm))
		return 0;
	for (u32 j = 0; j <= i; j++)
		lines += has_line(&s->vms[j]) ? 1 : 0;
	if (lines > LIM_GDB_LINES)
		return cfg_err(e, vm->name, "%s: more than %u GDB lines",
			       vm->nr_gdb_pci ? "gdb-pci" : "gdb-uart", LIM_GDB_LINES);
	return vm->has_gdb_uart ? gdb_uart_check(s, i, l, e) : gdb_pci_check(s, i, l, e);
}

/*
 * `gicv4` (docs/pci.md "GICv4 direct injection"): each vCPU is a vPE whose VMAPP names
 * one redistributor at VM creation, so the VM must be in a bind pool (a vCPU that moved
 * would need VMOVP at run time); and it must have MSI events to map, none of a function a
 * failover group moves (a fence changes only rtvisor's owner of an event, its.c
 * its_set_owner, while the physical ITS goes on translating it into this VM's vLPIs: the
 * fenced VM would keep the events and the backup never get them). Whether the GIC has
 * virtual LPIs is known only on the machine: the VM is refused at creation otherwise.
 */
int config_check_gicv4(const struct scenario *s, u32 i, const struct cfg_limits *l,
		       struct cfg_error *e)
{
	const struct cfg_vm *vm = &s->vms[i];
	u32 events = 0;

	(void)l;
	if (!vm->gicv4)
		return 0;
	for (u32 k = 0; k < vm->nr_pci && k < CFG_MAX_PCI; k++)
		events += vm->pci[k].msi_events;
	if (!events)
		return cfg_err(e, vm->name, "gicv4: no PCI function with msi-events (nothing to "
			       "map as virtual LPIs)");
	for (u32 p = 0; p < s->nr_pools; p++)
		if (strcmp(s->pools[p].name, vm->pool) == 0 && s->pools[p].dynamic)
			return cfg_err(e, vm->name, "gicv4: needs a bind pool (a vPE stays on "
				       "the redistributor of its vCPU's pCPU)");
	for (u32 k = 0; k < vm->nr_pci && k < CFG_MAX_PCI; k++)
		if (vm->pci[k].msi_events && cfg_fo_of_pci(s, vm->name, vm->pci[k].name))
			return cfg_err(e, vm->name, "gicv4: %s moves with a failover group, and "
				       "its events, mapped on the physical ITS to this VM's vPEs, "
				       "would stay this VM's after a fence", vm->pci[k].name);
	return 0;
}
