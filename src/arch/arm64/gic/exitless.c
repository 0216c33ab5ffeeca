/*
 * Exit-less mode (docs/architecture.md "Exit-less mode"). On the pCPU of an exit-less
 * vCPU the hypervisor's own private interrupts (the kick SGI 15, the EL2 timer, the
 * maintenance interrupt) are Group 0 and reach EL2 as FIQs (HCR_EL2.FMO = 1), while
 * every other private interrupt is Group 1 and, with HCR_EL2.IMO = 0, is taken at the
 * guest's EL1. With IMO = 0 and FMO = 1 the guest's ICC_IAR1/EOIR1/HPPIR1/BPR1/AP1Rn/
 * IGRPEN1 are the physical registers, while ICC_PMR/CTLR/DIR/RPR and every Group 0
 * register are the virtual ICV_ ones and the SGI registers trap (Arm ARM D19 / GIC
 * IHI 0069 12.2, the ICC_* pseudocode; QEMU 7.2 icv_access(), gicv3_sgi_access()).
 * So the pCPU runs with physical EOImode 0 while the guest runs (its EOIR1 must also
 * deactivate), and its Group 1 state is put back to the hypervisor's on unload.
 */
#include <arch/exitless.h>
#include <arch/gicv3.h>
#include <arch/sysregs.h>
#include <cpu.h>
#include <irq.h>
#include <platform_info.h>
#include <vdev.h>
#include <vm.h>

#define XL_GUEST_SGIS 0x7fffU /* SGIs 0..14: the guest's own on its pCPU */
#define CTLR_EOIMODE BIT(1)

static inline void sgi_wr(u32 off, u32 v)
{
	*(volatile u32 *)(gicv3_my_sgi_frame() + off) = v;
}

static u32 hyp_group0(void)
{
	return 1u << GIC_SGI_XL_KICK | 1u << plat.gic_maint_intid | 1u << plat.timer_intid_hyp;
}

/* At creation, before the other pCPUs start: their cpu_init reads the mark. */
static int xl_vm_create(struct vm *vm, char *msg, size_t len)
{
	(void)msg;
	(void)len;
	vm->arch.exitless = vm->cfg->exitless;
	for (u32 i = 0; vm->arch.exitless && i < vm->nr_vcpus; i++)
		cpus[vm->vcpus[i].pcpu].exitless = true;
	return 0;
}

/*
 * The backstop (docs/architecture.md "Exit-less mode", the hole): the stage-2 root entries
 * that map the VM's RAM are made invalid and every pCPU's TLB entries of its VMID are
 * invalidated (TLBI VMALLS12E1IS acts on the VMID in this pCPU's VTTBR_EL2, Arm ARM C5.5
 * "TLB maintenance instructions"; nothing at EL2 translates through stage 2, so borrowing
 * the register is safe). The guest's next fetch is a stage-2 translation fault taken to
 * EL2 whatever its interrupt state. Put back at the next start (xl_vm_reset).
 */
#define XL_MAX_REVOKED 8U

struct xl_revoked {
	u32 n;
	u32 idx[XL_MAX_REVOKED];
	u64 val[XL_MAX_REVOKED];
};

static struct xl_revoked revoked[CFG_MAX_VMS];

static u32 root_shift(const struct pgtable *pt)
{
	return 12U + 9U * (3U - pt->start_level);
}

static void revoke_range(struct vm *vm, u64 ipa, u64 size)
{
	struct xl_revoked *r = &revoked[vm->id];
	u64 *root = vm->arch.s2.root;
	u32 sh = root_shift(&vm->arch.s2);

	for (u64 i = ipa >> sh; i <= (ipa + size - 1) >> sh && r->n < XL_MAX_REVOKED; i++) {
		if (!(root[i] & 1))
			continue;
		r->idx[r->n] = (u32)i;
		r->val[r->n++] = root[i];
		root[i] = 0;
	}
}

void vm_arch_revoke(struct vm *vm)
{
	u64 vttbr = read_sysreg(vttbr_el2);

	for (u32 m = 0; m < vm->cfg->nr_mem; m++)
		revoke_range(vm, vm->cfg->mem[m].ipa, vm->cfg->mem[m].size);
	dsb(ishst);
	write_sysreg(vttbr_el2, (u64)vm->vmid << 48 | vm->arch.s2.root_pa);
	isb();
	__asm__ volatile("tlbi vmalls12e1is" ::: "memory");
	dsb(ish);
	write_sysreg(vttbr_el2, vttbr);
	isb();
}

/* Before every start: what the backstop took out is mapped again. */
static void xl_vm_reset(struct vm *vm)
{
	struct xl_revoked *r = &revoked[vm->id];

	for (u32 k = 0; k < r->n; k++)
		vm->arch.s2.root[r->idx[k]] = r->val[k];
	r->n = 0;
	dsb(ishst);
}

/* Every pCPU: a marked one makes the hypervisor's private interrupts Group 0. */
static void xl_cpu_init(void)
{
	if (!cpu()->exitless)
		return;
	sgi_wr(GICR_ICENABLER0, BIT(GIC_SGI_KICK) | XL_GUEST_SGIS);
	sgi_wr(GICR_IGROUPR0, ~hyp_group0());
	*(gicv3_my_sgi_frame() + GICR_IPRIORITYR0 + GIC_SGI_XL_KICK) = GIC_PRIO_HYP;
	sgi_wr(GICR_ISENABLER0, BIT(GIC_SGI_XL_KICK));
	write_sysreg(ICC_IGRPEN0_EL1, 1);
	isb();
}

VDEV_UNIT(exitless, VDEV_STAGE_CPU) = {
	.name = "exitless",
	.cpu_init = xl_cpu_init,
	.vm_create = xl_vm_create,
	.vm_reset = xl_vm_reset,
};

void exitless_load(struct vcpu *v)
{
	const struct exitless_ctx *x = &v->arch.xl;

	sgi_wr(GICR_ISENABLER0, XL_GUEST_SGIS);
	write_sysreg(ICC_BPR1_EL1, x->bpr1);
	write_sysreg(ICC_AP1R0_EL1, x->ap1r0);
	write_sysreg(ICC_IGRPEN1_EL1, x->igrpen1);
	isb();
}

void exitless_put(struct vcpu *v, bool save)
{
	struct exitless_ctx *x = &v->arch.xl;

	if (save) {
		x->igrpen1 = read_sysreg(ICC_IGRPEN1_EL1);
		x->bpr1 = read_sysreg(ICC_BPR1_EL1);
		x->ap1r0 = read_sysreg(ICC_AP1R0_EL1);
	}
	sgi_wr(GICR_ICENABLER0, XL_GUEST_SGIS);
	write_sysreg(ICC_AP1R0_EL1, 0);
	write_sysreg(ICC_BPR1_EL1, 0);
	write_sysreg(ICC_IGRPEN1_EL1, 1);
	isb();
}

/*
 * The VM stopped or is resetting: its SGIs neither pending nor active, no active
 * priority left (an interrupt it acknowledged and never completed), the hypervisor's
 * Group 1 state; the next start begins from the reset values.
 */
void exitless_park(struct vcpu *v)
{
	exitless_put(v, false);
	sgi_wr(GICR_ICPENDR0, XL_GUEST_SGIS);
	sgi_wr(GICR_ICACTIVER0, XL_GUEST_SGIS);
	v->arch.xl = (struct exitless_ctx){ 0 };
}

/*
 * One entry: physical EOImode 0 while the guest runs, 1 again at EL2 (the hypervisor's
 * own interrupts are dropped and deactivated separately, gicv3.c). The timer PPI was
 * enabled at load (vm_arch_load).
 */
u64 exitless_run(struct vcpu *v)
{
	u64 exit;

	write_sysreg(ICC_CTLR_EL1, 0);
	isb();
	exit = __vcpu_run(&v->arch.regs);
	write_sysreg(ICC_CTLR_EL1, CTLR_EOIMODE);
	isb();
	return exit;
}

/* A guest SGI to itself becomes a physical Group 1 SGI on its own pCPU, except the
 * hypervisor's SGI 15 (Group 0 here: an SGI1R write would not reach it anyway). */
void exitless_sgi(u32 intid)
{
	if (intid != GIC_SGI_XL_KICK)
		gicv3_send_sgi(intid, cpu()->mpidr);
}
