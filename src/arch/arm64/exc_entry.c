/*
 * Pure facts of exception entry into a guest's EL1 (no register access; unit-tested).
 *
 * rtvisor runs guests' EL1 in AArch64 (HCR_EL2.RW = 1) and does not support AArch32 EL0:
 * the sanitised ID_AA64PFR0_EL1 says EL0 and EL1 are AArch64-only (sysreg_emul.c), and an
 * exit to EL2 taken from AArch32 is refused before it is decoded (traps.c), so no A32/T32
 * instruction is ever emulated or skipped. Hardware that implements AArch32 EL0 still lets
 * a guest that ignores the ID register return to it; the exceptions such code takes
 * to EL1 are the guest's own, and an injected one must use the AArch32 vector.
 */
#include <arch/exc_entry.h>

#define PSR_NRW BIT(4)  /* SPSR_ELx.M[4]: 1 = the exception was taken from AArch32 */
#define PSR_M_MASK 0xfULL
#define PSR_M_EL1T 0x4ULL
#define PSR_M_EL1H 0x5ULL

bool exc_from_aarch32(u64 pstate)
{
	return (pstate & PSR_NRW) != 0;
}

/*
 * Offset from VBAR_EL1 of the synchronous vector for an exception taken to EL1 from the
 * state in pstate (Arm ARM D1.10.2 "Exception vectors", vector offsets from the vector
 * table base): current EL with SP_EL0 0x000, current EL with SP_ELx 0x200, lower EL
 * using AArch64 0x400, lower EL using AArch32 0x600.
 */
u64 exc_sync_vector_offset(u64 pstate)
{
	if (exc_from_aarch32(pstate))
		return 0x600; /* only EL0 can be AArch32 while HCR_EL2.RW = 1 */
	if ((pstate & PSR_M_MASK) == PSR_M_EL1H)
		return 0x200;
	if ((pstate & PSR_M_MASK) == PSR_M_EL1T)
		return 0x000;
	return 0x400;
}
