/*
 * Pure decoding for the vGICv3: which trapped register generates SGIs, which vCPUs an
 * SGI register write targets, and whether a virtual interrupt would be signalled to
 * the vCPU (and so may end a WFI). No register access: unit-tested on the host.
 */
#ifndef ARCH_VGIC_DECODE_H
#define ARCH_VGIC_DECODE_H

#include <types.h>

enum sgi_reg {
	SGI_REG_NONE,
	SGI_REG_SGI1R,  /* ICC_SGI1R_EL1:  op0=3 op1=0 CRn=12 CRm=11 op2=5 */
	SGI_REG_ASGI1R, /* ICC_ASGI1R_EL1: op0=3 op1=1 CRn=12 CRm=11 op2=6 */
	SGI_REG_SGI0R,  /* ICC_SGI0R_EL1:  op0=3 op1=2 CRn=12 CRm=11 op2=7 */
};

enum sgi_reg sgi_reg_of(u32 op0, u32 op1, u32 crn, u32 crm, u32 op2);
bool sgi_reg_group0_only(enum sgi_reg r);
u32 sgi_target_mask(u64 val, u32 self, u32 nr_vcpus);

/*
 * An SGI register value that names exactly one vCPU t < 16 in the plainest way:
 * TargetList = 1 << t and every other field but INTID zero; t, or -1 for any other value.
 * For such a value sgi_target_mask() gives 1 << t when t is a vCPU of the VM.
 */
static inline int sgi_plain_one(u64 val)
{
	u64 list = val & 0xffff;

	if ((val & ~(0xfULL << 24 | 0xffffULL)) || !list || (list & (list - 1)))
		return -1;
	return __builtin_ctzll(list);
}
bool vgic_would_signal(u64 vmcr, u32 priority, bool group1);
bool vgic_lr_would_signal(u64 lr, u64 vmcr);

#endif
