/*
 * Decoding trapped guest data accesses: stage-2 data aborts on emulated MMIO
 * (ESR_EL2 ISS with ISV = 1 gives size, register, direction and sign
 * extension: Arm ARM D19.2.37). System registers: sysreg_emul.c.
 */
#include <arch/sysregs.h>
#include <arch/traps.h>
#include <vm.h>

static u64 size_mask(u32 size)
{
	return size == 8 ? ~0ULL : (1ULL << (size * 8)) - 1;
}

static u64 extend_read(u64 val, u32 size, u64 iss)
{
	val &= size_mask(size);
	if ((iss & DABT_SSE) && size < 8 && (val & (1ULL << (size * 8 - 1))))
		val |= ~size_mask(size);
	if (!(iss & DABT_SF))
		val &= 0xffffffffULL;
	return val;
}

enum trap_status mmio_abort(struct vcpu *v, u64 esr, u64 ipa)
{
	u64 iss = ESR_ISS(esr);
	const struct mmio_region *r = mmio_find(&v->vm->mmio, ipa);
	struct mmio_access a;
	enum trap_status st;
	u32 reg = DABT_SRT(iss);

	if (!r || (iss & DABT_S1PTW))
		return TRAP_FORBIDDEN;
	if (!(iss & DABT_ISV))
		return TRAP_UNHANDLED; /* e.g. load/store pair on a device: not decodable */
	a.size = 1u << DABT_SAS(iss);
	if (ipa & (a.size - 1))
		return TRAP_FORBIDDEN;
	a.addr = ipa;
	a.offset = ipa - r->base;
	a.write = (iss & DABT_WNR) != 0;
	a.val = a.write ? vcpu_reg(v, reg) & size_mask(a.size) : 0;
	st = r->handler(v, &a, r->opaque);
	if (st != TRAP_HANDLED)
		return st;
	if (!a.write)
		vcpu_set_reg(v, reg, extend_read(a.val, a.size, iss));
	vcpu_skip_insn(v);
	return TRAP_HANDLED;
}
