/*
 * vGICv3 decoding that only computes (see arch/vgic_decode.h).
 *
 * SGI generation registers (GIC IHI 0069, 12.2 "AArch64 System register descriptions
 * of the CPU interface": ICC_SGI1R_EL1, ICC_ASGI1R_EL1, ICC_SGI0R_EL1). A VM sees one
 * Security state (GICD_CTLR.DS = 1, vgic_mmio.c). With a single Security state the
 * spec's SGI forwarding rules (IHI 0069 "Forwarding an SGI to a target PE") give:
 * ICC_SGI1R_EL1 raises the SGI whatever its group; ICC_SGI0R_EL1 raises it only if it
 * is configured as Group 0; ICC_ASGI1R_EL1 asks for Group 1 of the *other* Security
 * state, which does not exist, so it behaves like ICC_SGI0R_EL1.
 */
#include <arch/vgic_decode.h>

#define SGI_CRN 12
#define SGI_CRM 11

enum sgi_reg sgi_reg_of(u32 op0, u32 op1, u32 crn, u32 crm, u32 op2)
{
	if (op0 != 3 || crn != SGI_CRN || crm != SGI_CRM)
		return SGI_REG_NONE;
	if (op1 == 0 && op2 == 5)
		return SGI_REG_SGI1R;
	if (op1 == 1 && op2 == 6)
		return SGI_REG_ASGI1R;
	if (op1 == 2 && op2 == 7)
		return SGI_REG_SGI0R;
	return SGI_REG_NONE;
}

/* Whether a write to r raises only SGIs configured as Group 0 (see the top comment). */
bool sgi_reg_group0_only(enum sgi_reg r)
{
	return r == SGI_REG_ASGI1R || r == SGI_REG_SGI0R;
}

/*
 * vCPUs targeted by an SGI register value: TargetList [15:0], Aff1 [23:16], Aff2 [39:32],
 * IRM [40], RS [47:44], Aff3 [55:48]. A VM's vCPUs have Aff0 = index and Aff1..3 = 0, so
 * a target list reaches vCPU RS * 16 + bit only with Aff1..3 zero; IRM = 1 means every
 * vCPU but the sender.
 */
u32 sgi_target_mask(u64 val, u32 self, u32 nr_vcpus)
{
	u32 all = nr_vcpus >= 32 ? ~0u : (1u << nr_vcpus) - 1;
	u64 rs = (val >> 44) & 0xf, list = val & 0xffff;

	if (val & (1ULL << 40))
		return all & ~(1u << (self & 31));
	if ((val >> 16) & 0xff || (val >> 32) & 0xff || (val >> 48) & 0xff)
		return 0;
	if (rs * 16 >= 32)
		return 0;
	return (u32)(list << (rs * 16)) & all;
}

/*
 * Whether the virtual CPU interface would signal an interrupt of this priority and group
 * (IHI 0069 4.8 "Interrupt prioritization" and 12.5 ICH_VMCR_EL2: VENG0 [0], VENG1 [1],
 * VPMR [31:24]): its group must be enabled and its priority higher (numerically lower)
 * than the priority mask. Only such an interrupt is a WFI wake-up event (Arm ARM D1.6.2
 * "Wait for Interrupt": the PE wakes on an interrupt the GIC signals to it).
 */
bool vgic_would_signal(u64 vmcr, u32 priority, bool group1)
{
	u32 vpmr = (u32)(vmcr >> 24) & 0xff;
	bool enabled = group1 ? (vmcr & 2) != 0 : (vmcr & 1) != 0;

	return enabled && priority < vpmr;
}

/* A list register (ICH_LR<n>_EL2: State [63:62], Group [60], Priority [55:48]). */
bool vgic_lr_would_signal(u64 lr, u64 vmcr)
{
	if (!(lr & (1ULL << 62))) /* pending, or pending and active */
		return false;
	return vgic_would_signal(vmcr, (u32)(lr >> 48) & 0xff, (lr >> 60) & 1);
}
