/*
 * GICv4.0 direct injection (docs/pci.md "GICv4 direct injection"), for VMs whose scenario
 * says `gicv4`. Each vCPU of such a VM is a vPE (IHI 0069 6.2 "Virtual LPI support"):
 * at VM creation it gets a virtual LPI pending table (VPT) and VMAPP names the
 * redistributor of its pCPU (bind pool: the vCPU never moves). When the guest's vITS
 * command maps one of its events (MAPTI/MAPI, vits.c), the physical ITT entry of that
 * event becomes a virtual one (DISCARD, VMAPTI: the guest's vINTID, the event's own
 * physical LPI as the doorbell); MOVI becomes VMOVI, unmapping gives the physical
 * mapping back (DISCARD, MAPTI). An MSI for a resident vPE is then signalled by the
 * redistributor and the virtual CPU interface without any EL2 entry.
 *
 * Residency (IHI 0069 6.2.x, 12.11 GICR_VPROPBASER / GICR_VPENDBASER): when the loop
 * enters the loaded vCPU (vgic_flush; whoever makes the vPE non-resident while the vCPU
 * stays loaded marks its pCPU, so the loop runs) and its guest has EnableLPIs with a
 * property table, the pCPU's VLPI_base frame gets VPROPBASER = the guest's property table (its physical
 * address: a gicv4 VM's RAM regions are checked at PROPBASER write, vgic_lpi.c) and
 * VPENDBASER = the VPT with Valid; at put Valid is cleared and Dirty polled (bounded),
 * PendingLast says whether a vLPI is waiting. An MSI for a non-resident vPE sets its
 * VPT bit and raises the doorbell: rtvisor's physical LPI, which then only wakes the
 * vCPU (vits_msi); the vLPI is delivered when the vPE is resident again.
 *
 * Unlike the GICv3 path, this issues commands on the physical ITS at run time (from
 * the trap of the guest's vITS command, under the ITS lock, bounded by its_send's poll
 * limit). Whether QEMU delivers to a resident vPE: docs/pci.md.
 */
#include <arch/gicv3.h>
#include <arch/its.h>
#include <arch/its_cmd.h>
#include <arch/sysregs.h>
#include <arch/vgic.h>
#include <cpu.h>
#include <err.h>
#include <lib.h>
#include <mm.h>
#include <printk.h>
#include <vm.h>

#define VPT_ALIGN 0x10000ULL                 /* VPENDBASER PA [51:16] */
#define VPT_BITS LIM_VGIC_LPI_BITS          /* a VM's vINTIDs: LPIs below 1 << 14 */
#define VPENDBASER_VALID (1ULL << 63)
#define VPENDBASER_PENDINGLAST (1ULL << 61)
#define VPENDBASER_DIRTY (1ULL << 60)
#define VBASER_ATTRS (7ULL << 7 | 1ULL << 10) /* InnerCache RaWaWb, Inner Shareable */
#define PROP_PA_MASK (((1ULL << 52) - 1) & ~0xfffULL)
#define POLL_LIMIT 1000000u

static bool v4;
static u32 next_vpeid, nr_vpes;

void its_v4_init(u64 gits_typer, u32 vpe_entries)
{
	if (!(gits_typer & GITS_TYPER_VIRTUAL))
		return;
	v4 = gicv3_has_vlpis() && vpe_entries;
	nr_vpes = vpe_entries;
	printk("rtvisor: ITS: GICv4 virtual LPIs %s\n",
	       v4 ? "available (gicv4 VMs)" : "advertised, but no VLPIS or vPE table: unused");
}

bool its_v4_present(void)
{
	return v4;
}

static volatile u8 *vlpi_frame(void)
{
	return gicv3_my_redist() + GICR_VLPI_OFFSET;
}

int its_v4_vm_create(struct vm *vm)
{
	struct its_cmd c[2 * LIM_VCPUS_PER_VM];
	u64 vpts;
	u32 n = 0;

	if (!v4)
		return ERR_NOSYS;
	if (vm->nr_vcpus > LIM_VCPUS_PER_VM || next_vpeid + vm->nr_vcpus > nr_vpes)
		return ERR_FULL;
	vpts = (u64)(uintptr_t)mm_alloc_hyp((vm->nr_vcpus + 1) * VPT_ALIGN);
	if (!vpts)
		return ERR_NOMEM;
	vpts = ALIGN_UP(vpts, VPT_ALIGN); /* zeroed: no vLPI pending */
	arch_dcache_clean(vpts, vm->nr_vcpus * VPT_ALIGN);
	for (u32 i = 0; i < vm->nr_vcpus; i++) {
		struct vgic_vpe *vc = &vm->vcpus[i].arch.vpe;

		vc->vpeid = (u16)next_vpeid++;
		vc->vpt_pa = vpts + i * VPT_ALIGN;
		vc->on = true;
		its_cmd_vmapp(&c[n++], vc->vpeid, its_rdbase_of(vm->vcpus[i].pcpu), vc->vpt_pa,
			      VPT_BITS, true);
		its_cmd_vsync(&c[n++], vc->vpeid);
	}
	vm->arch.gicv4 = true;
	return its_send(c, n);
}

int its_v4_map_event(struct vm *vm, u32 fn, u32 event, u32 vcpu, u32 vintid)
{
	struct its_cmd c[3];
	u32 pcpu, devid = cfg_pci_bdf(&vm->cfg->pci[fn]), n = 0;
	int plpi = its_lpi_of(vm, fn, event, &pcpu);
	const struct vgic_vpe *vc;

	if (plpi < 0 || vcpu >= vm->nr_vcpus)
		return ERR_NOENT;
	vc = &vm->vcpus[vcpu].arch.vpe;
	its_cmd_dev_event(&c[n++], ITS_DISCARD, devid, event);
	if (vintid) {
		its_cmd_vmapti(&c[n++], devid, event, vc->vpeid, vintid, (u32)plpi);
		its_cmd_vsync(&c[n++], vc->vpeid);
	} else {
		its_cmd_mapti(&c[n++], devid, event, (u32)plpi, pcpu);
		its_cmd_sync(&c[n++], its_rdbase_of(pcpu));
	}
	return its_send(c, n);
}

int its_v4_move_event(struct vm *vm, u32 fn, u32 event, u32 vcpu)
{
	struct its_cmd c[2];
	u32 pcpu;
	int plpi = its_lpi_of(vm, fn, event, &pcpu);
	u16 vpeid;

	if (plpi < 0 || vcpu >= vm->nr_vcpus)
		return ERR_NOENT;
	vpeid = vm->vcpus[vcpu].arch.vpe.vpeid;
	its_cmd_vmovi(&c[0], cfg_pci_bdf(&vm->cfg->pci[fn]), event, vpeid, (u32)plpi);
	its_cmd_vsync(&c[1], vpeid);
	return its_send(c, 2);
}

int its_v4_event_cmd(struct vm *vm, u32 fn, u32 event, u32 op)
{
	struct its_cmd c;

	if (op != ITS_INV && op != ITS_INT && op != ITS_CLEAR)
		return ERR_INVAL;
	its_cmd_dev_event(&c, op, cfg_pci_bdf(&vm->cfg->pci[fn]), event);
	return its_send(&c, 1);
}

int its_v4_vinvall(struct vm *vm, u32 vcpu)
{
	struct its_cmd c[2];

	if (vcpu >= vm->nr_vcpus || !vm->vcpus[vcpu].arch.vpe.on)
		return ERR_NOENT;
	its_cmd_vinvall(&c[0], vm->vcpus[vcpu].arch.vpe.vpeid);
	its_cmd_vsync(&c[1], vm->vcpus[vcpu].arch.vpe.vpeid);
	return its_send(c, 2);
}

/* The guest's property table as the redistributor reads it, or 0 if it has none. */
static u64 vpropbaser_of(const struct vcpu *v)
{
	u64 pb = v->arch.vgic.propbaser, pa;
	u32 bits = (u32)(pb & 0x1f) + 1;

	if (!v->arch.vgic.lpis_on || bits < 14 || bits > VPT_BITS)
		return 0;
	if (mm_ipa_to_pa(v->vm, pb & PROP_PA_MASK, (1ULL << bits) - 8192, &pa))
		return 0; /* checked at the PROPBASER write; a VM reset since clears lpis_on */
	return pa | VBASER_ATTRS | (bits - 1);
}

void its_v4_load(struct vcpu *v)
{
	struct vgic_vpe *vc = &v->arch.vpe;
	volatile u8 *f;
	u64 prop;

	if (!vc->on || vc->resident)
		return;
	prop = vpropbaser_of(v);
	if (!prop)
		return; /* no vLPI can be enabled yet: stays non-resident (doorbells wake) */
	f = vlpi_frame();
	*(volatile u64 *)(f + GICR_VPROPBASER) = prop;
	dsb(sy);
	*(volatile u64 *)(f + GICR_VPENDBASER) = vc->vpt_pa | VBASER_ATTRS | VPENDBASER_VALID;
	dsb(sy);
	vc->resident = true;
}

bool its_v4_put(struct vcpu *v)
{
	struct vgic_vpe *vc = &v->arch.vpe;
	volatile u64 *vpend;
	u64 r = 0;

	if (!vc->resident)
		return false;
	vpend = (volatile u64 *)(vlpi_frame() + GICR_VPENDBASER);
	*vpend = vc->vpt_pa | VBASER_ATTRS;
	dsb(sy);
	for (u32 i = 0; i < POLL_LIMIT; i++) { /* IHI 0069 12.11: Dirty until the VPT is written */
		r = *vpend;
		if (!(r & VPENDBASER_DIRTY))
			break;
	}
	vc->resident = false;
	return (r & VPENDBASER_PENDINGLAST) != 0;
}
