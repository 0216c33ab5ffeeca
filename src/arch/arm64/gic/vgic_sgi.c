/*
 * The vGIC's SGI generation registers, trapped with HCR_EL2.IMO/FMO (IHI 0069
 * 12.2.x ICC_SGI1R_EL1, ICC_ASGI1R_EL1, ICC_SGI0R_EL1; write-only): SGIs to the
 * VM's own vCPUs. SGI1R raises any group; ASGI1R and SGI0R only SGIs the guest
 * configured as Group 0 (a VM has one Security state; see vgic_decode.c).
 */
#include <arch/exitless.h>
#include <arch/sysreg_trap.h>
#include <arch/vgic.h>
#include <arch/vgic_decode.h>
#include <vm.h>

/* Raise SGI intid for each vCPU in targets (r: which register, for the group rule). */
static __attribute__((noinline)) void sgi_raise_list(struct vcpu *v, u32 targets, u32 intid,
						     enum sgi_reg r)
{
	bool group0_only = sgi_reg_group0_only(r);

	for (; targets; targets &= targets - 1) {
		u32 t = (u32)__builtin_ctz(targets);

		if (group0_only && vgic_irq(v->vm, t, intid)->group1)
			continue;
		if (t != v->id)
			vgic_sgi_post(v->vm, t, intid);
		else if (!v->needs_load) /* itself: it trapped here, so it is loaded */
			vgic_sgi_self(v, intid);
		else
			virq_inject(v->vm, intid, t);
	}
}

/*
 * One handler per register, so the register is known without decoding it again. The
 * usual SGI1R write, one vCPU named by its bit in the target list, goes straight to
 * vgic_sgi_post() (another vCPU) or vgic_sgi_self(); anything else through the general
 * decode (sgi_target_mask) and sgi_raise_list().
 */
static void sgi_raise(struct vcpu *v, u64 val, enum sgi_reg r)
{
	u32 intid = (u32)(val >> 24) & 0xf;
	int t = sgi_plain_one(val);

	if (r == SGI_REG_SGI1R && t >= 0 && (u32)t < v->vm->nr_vcpus) {
		if ((u32)t != v->id)
			vgic_sgi_post(v->vm, (u32)t, intid);
		else if (!v->needs_load) /* itself: it trapped here, so it is loaded */
			vgic_sgi_self(v, intid);
		else
			sgi_raise_list(v, 1u << t, intid, r);
		return;
	}
	sgi_raise_list(v, sgi_target_mask(val, v->id, v->vm->nr_vcpus), intid, r);
}

/* Exit-less (one vCPU, config_exitless.c): only itself to reach, with a physical SGI. */
static void sgi1r_exitless(struct vcpu *v, u64 val)
{
	if (sgi_target_mask(val, v->id, v->vm->nr_vcpus))
		exitless_sgi((u32)(val >> 24) & 0xf);
}

/* The three registers are write-only (IHI 0069 12.2.x): an MRS is not handled. */
static enum trap_status sgi1r_write(struct vcpu *v, u64 esr)
{
	if (sysreg_iss_read(esr))
		return TRAP_UNHANDLED;
	if (__builtin_expect(v->vm->arch.exitless, 0))
		sgi1r_exitless(v, sysreg_trap_wval(v, esr));
	else
		sgi_raise(v, sysreg_trap_wval(v, esr), SGI_REG_SGI1R);
	return sysreg_trap_done(v, esr, 0);
}

/* ASGI1R and SGI0R: on an exit-less pCPU Group 0 is the hypervisor's, so dropped there. */
static enum trap_status group0_write(struct vcpu *v, u64 esr, enum sgi_reg r)
{
	if (sysreg_iss_read(esr))
		return TRAP_UNHANDLED;
	if (!v->vm->arch.exitless)
		sgi_raise(v, sysreg_trap_wval(v, esr), r);
	return sysreg_trap_done(v, esr, 0);
}

static enum trap_status asgi1r_write(struct vcpu *v, u64 esr)
{
	return group0_write(v, esr, SGI_REG_ASGI1R);
}

static enum trap_status sgi0r_write(struct vcpu *v, u64 esr)
{
	return group0_write(v, esr, SGI_REG_SGI0R);
}

SYSREG_TRAP(icc_sgi1r) = { SYSREG_ENC(3, 0, 12, 11, 5), sgi1r_write };
SYSREG_TRAP(icc_asgi1r) = { SYSREG_ENC(3, 1, 12, 11, 6), asgi1r_write };
SYSREG_TRAP(icc_sgi0r) = { SYSREG_ENC(3, 2, 12, 11, 7), sgi0r_write };
