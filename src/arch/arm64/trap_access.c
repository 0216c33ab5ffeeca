/*
 * Decoding trapped guest data accesses: stage-2 data aborts on emulated MMIO
 * (ESR_EL2 ISS with ISV = 1 gives size, register, direction and sign
 * extension: Arm ARM D19.2.37; decoded in esr_decode.c). System registers: sysreg_emul.c.
 */
#include <arch/esr_decode.h>
#include <arch/traps.h>
#include <vm.h>

enum trap_status mmio_abort(struct vcpu *v, u64 esr, u64 ipa)
{
	struct dabt_info d = esr_dabt_decode(esr);
	const struct mmio_region *r = mmio_find(&v->vm->mmio, ipa);
	struct mmio_access a;
	enum trap_status st;

	if (!r || d.s1ptw)
		return TRAP_FORBIDDEN;
	if (!d.valid)
		return TRAP_UNHANDLED; /* e.g. load/store pair on a device: not decodable */
	a.size = d.size;
	if (ipa & (a.size - 1))
		return TRAP_FORBIDDEN;
	a.addr = ipa;
	a.offset = ipa - r->base;
	a.write = d.write;
	a.val = a.write ? dabt_write_value(&d, vcpu_reg(v, d.reg)) : 0;
	st = r->handler(v, &a, r->opaque);
	if (st == TRAP_RETRY && a.write)
		return TRAP_HANDLED; /* PC unchanged: the store runs again for the next part */
	if (st == TRAP_RETRY)
		return TRAP_UNHANDLED; /* a read is never retried */
	if (st != TRAP_HANDLED)
		return st;
	if (!a.write)
		vcpu_set_reg(v, d.reg, dabt_read_extend(&d, a.val));
	vcpu_skip_insn(v);
	return TRAP_HANDLED;
}
