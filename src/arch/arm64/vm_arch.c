/*
 * Per-VM EL2 configuration loaded with a vCPU: stage-2 (VTTBR/VTCR), trap
 * controls (HCR_EL2), the virtual timer offset, and the EL2 timer/counter
 * access controls. Field meanings: Arm ARM D19.2 (HCR_EL2, VTTBR_EL2, VTCR_EL2,
 * CNTHCTL_EL2, CNTVOFF_EL2).
 */
#include <arch/mmu.h>
#include <arch/sysregs.h>
#include <cpu.h>
#include <irq.h>
#include <platform_info.h>
#include <vm.h>

#define HCR_GUEST (HCR_VM | HCR_SWIO | HCR_FMO | HCR_IMO | HCR_AMO | HCR_FB | HCR_BSU_IS | \
		   HCR_TWI | HCR_TSC | HCR_RW | HCR_TID3 | HCR_TSW | HCR_TACR | HCR_TIDCP)
/* MDCR_EL2 (D19.2.83): trap debug (TDRA, TDOSA, TDA) and PMU (TPM, TPMCR) accesses. */
#define MDCR_TPMCR BIT(5)
#define MDCR_TPM BIT(6)
#define MDCR_TDA BIT(9)
#define MDCR_TDOSA BIT(10)
#define MDCR_TDRA BIT(11)
#define MDCR_GUEST (MDCR_TPMCR | MDCR_TPM | MDCR_TDA | MDCR_TDOSA | MDCR_TDRA)
#define CPTR_EL2_RES1 0x33ffULL

/*
 * In a dynamic pool a vCPU spinning in WFE (a contended lock) gives the pCPU to
 * others; on a bind pCPU there is nobody to give it to, so WFE runs natively.
 */
static bool wfe_traps(void)
{
	const struct pool *p = cpu()->sched.pool;

	return p && p->policy == POOL_DYNAMIC;
}

void vm_arch_load(struct vm *vm)
{
	write_sysreg(vtcr_el2, mmu_vtcr());
	write_sysreg(vttbr_el2, (u64)vm->vmid << 48 | vm->arch.s2.root_pa);
	u64 hcr = HCR_GUEST | (wfe_traps() ? HCR_TWE : 0);

	/* Exit-less: physical IRQs to its EL1, its WFI native on the pCPU it owns (FIQs,
	 * the hypervisor's Group 0, still reach EL2 and wake it: gic/exitless.c) */
	if (vm->arch.exitless)
		hcr &= ~(HCR_IMO | HCR_TWI);
	write_sysreg(hcr_el2, hcr);
	write_sysreg(cptr_el2, CPTR_EL2_RES1);
	write_sysreg(mdcr_el2, MDCR_GUEST | ((read_sysreg(pmcr_el0) >> 11) & 0x1f)); /* HPMN = N */
	write_sysreg(cnthctl_el2, CNTHCTL_EL1PCTEN); /* counter readable, EL1 physical timer trapped */
	write_sysreg(cntvoff_el2, vm->arch.cntvoff);
	isb();
	arch_irq_enable(plat.timer_intid_virt, true);
}
