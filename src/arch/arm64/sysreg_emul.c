/*
 * Emulation of the system registers a guest may not see or touch directly.
 *
 * - ID registers (HCR_EL2.TID3, op0=3 op1=0 CRn=0 CRm=1..7): the hardware value,
 *   sanitised to what a VM really has (Arm ARM D19.2 ID_AA64*_EL1): no EL2, no
 *   PMU, SPE, trace, AMU, SVE, RAS or MPAM, and a PA range no larger than the
 *   stage-2 IPA size; EL0 and EL1 are AArch64 only. Reserved encodings read as
 *   zero. EL3 always reads as implemented (rtvisor is the VM's firmware), so EL1
 *   is never the highest level the VM sees: see vm_el3_field() and
 *   docs/architecture.md.
 * - Set/way cache maintenance (HCR_EL2.TSW): completed as a no-op. VM memory is
 *   only ever used by the VM's own pCPUs, images are cleaned to PoC when loaded,
 *   and a set/way operation is not broadcast, so it could not mean anything for
 *   the VM's other pCPUs anyway.
 * - Debug registers (MDCR_EL2.TDA/TDOSA/TDRA): read as zero, writes ignored; the
 *   OS lock status reads as implemented and unlocked. MDSCR_EL1 is kept per vCPU
 *   (the copy and, while loaded, the register itself).
 * - PMU registers (MDCR_EL2.TPM/TPMCR) and IMPLEMENTATION DEFINED registers
 *   (HCR_EL2.TIDCP): undefined, as on hardware without them (the sanitised ID
 *   registers say there is no PMU).
 * - ACTLR_EL1 (HCR_EL2.TACR): reads as zero, writes ignored.
 * - Registers a unit emulates (arch/sysreg_trap.h), e.g. the vGIC's SGI generation
 *   registers (gic/vgic_sgi.c).
 *
 * Dispatch: the registers with a handler of their own (the units' and ACTLR_EL1,
 * MDSCR_EL1, OSLSR_EL1 here) are found through one table built at boot (sysreg_table.c),
 * every one at the same cost; the classes (ID, set/way, the other debug registers, PMU,
 * IMPLEMENTATION DEFINED) are decoded when the table has no slot for the encoding.
 */
#include <arch/esr_decode.h>
#include <arch/pgtable.h>
#include <arch/sysreg_trap.h>
#include <arch/sysregs.h>
#include <arch/traps.h>
#include <mm.h>
#include <vdev.h>
#include <vm.h>

#define FIELD(shift) (0xfULL << (shift))

static u64 id_raw(u32 crm, u32 op2)
{
	switch (crm * 8 + op2) {
	case 8: return read_sysreg(s3_0_c0_c1_0);
	case 9: return read_sysreg(s3_0_c0_c1_1);
	case 10: return read_sysreg(s3_0_c0_c1_2);
	case 11: return read_sysreg(s3_0_c0_c1_3);
	case 12: return read_sysreg(s3_0_c0_c1_4);
	case 13: return read_sysreg(s3_0_c0_c1_5);
	case 14: return read_sysreg(s3_0_c0_c1_6);
	case 15: return read_sysreg(s3_0_c0_c1_7);
	case 16: return read_sysreg(s3_0_c0_c2_0);
	case 17: return read_sysreg(s3_0_c0_c2_1);
	case 18: return read_sysreg(s3_0_c0_c2_2);
	case 19: return read_sysreg(s3_0_c0_c2_3);
	case 20: return read_sysreg(s3_0_c0_c2_4);
	case 21: return read_sysreg(s3_0_c0_c2_5);
	case 22: return read_sysreg(s3_0_c0_c2_6);
	case 23: return read_sysreg(s3_0_c0_c2_7);
	case 24: return read_sysreg(s3_0_c0_c3_0);
	case 25: return read_sysreg(s3_0_c0_c3_1);
	case 26: return read_sysreg(s3_0_c0_c3_2);
	case 32: return read_sysreg(s3_0_c0_c4_0);
	case 33: return read_sysreg(s3_0_c0_c4_1);
	case 40: return read_sysreg(s3_0_c0_c5_0);
	case 41: return read_sysreg(s3_0_c0_c5_1);
	case 44: return read_sysreg(s3_0_c0_c5_4);
	case 45: return read_sysreg(s3_0_c0_c5_5);
	case 48: return read_sysreg(s3_0_c0_c6_0);
	case 49: return read_sysreg(s3_0_c0_c6_1);
	case 56: return read_sysreg(s3_0_c0_c7_0);
	case 57: return read_sysreg(s3_0_c0_c7_1);
	case 58: return read_sysreg(s3_0_c0_c7_2);
	default: return 0; /* reserved or not known to exist: RAZ */
	}
}

/*
 * ID_AA64PFR0_EL1.EL3 [15:12] as the VM sees it: at least 0b0001 (AArch64).
 *
 * CNTFRQ_EL0 is writable only at the highest implemented Exception level; a
 * write from a lower level is UNDEFINED (Arm ARM D11.1.2 "The system counter",
 * D19.10.1 CNTFRQ_EL0 accessibility). No EL2 control traps it: CNTHCTL_EL2
 * (D19.10.2) traps the physical counter and timer only, HCR_EL2 has no timer
 * trap, and an UNDEFINED instruction at EL1 is taken to EL1 while HCR_EL2.TGE
 * is 0 (D1.10, exception entry), never to EL2. With EL2 hidden and no EL3
 * (QEMU virt without secure=on) a VM would conclude EL1 is the highest level, write CNTFRQ_EL0 and take an exception it cannot expect.
 * Showing EL3 makes the VM's CPU one on which EL1 may not write CNTFRQ_EL0,
 * and it is true to what the VM gets: firmware services (PSCI, SMCCC) through
 * SMC, which HCR_EL2.TSC traps to rtvisor (D19.2.48), as on a board whose
 * firmware runs at EL3.
 */
static u64 vm_el3_field(u64 v)
{
	return (v & FIELD(12)) ? v : v | (1ULL << 12);
}

static u64 id_sanitise(u32 crm, u32 op2, u64 v)
{
	switch (crm * 8 + op2) {
	case 32: /* ID_AA64PFR0: EL2 [11:8], RAS [31:28], SVE [35:32], MPAM [43:40], AMU [47:44];
		  * EL0 [3:0] and EL1 [7:4] = 0b0001, AArch64 only (exc_entry.c); EL3 shown */
		return vm_el3_field((v & ~(FIELD(0) | FIELD(4) | FIELD(8) | FIELD(28) | FIELD(32) |
					   FIELD(40) | FIELD(44))) | 0x11);
	case 9: /* ID_PFR1 (AArch32 view): no EL2, Virtualization [15:12], Virt_frac [27:24] */
		return v & ~(FIELD(12) | FIELD(24));
	case 33: /* ID_AA64PFR1: keep BT/SSBS, drop MTE [11:8], SME [27:24], RAS_frac */
		return v & (FIELD(0) | FIELD(4));
	case 40: /* ID_AA64DFR0: drop TraceVer [7:4], PMUVer [11:8], PMSVer [35:32] */
		return v & ~(FIELD(4) | FIELD(8) | FIELD(32));
	case 10: /* ID_DFR0 (AArch32 view): drop PerfMon [27:24] and trace */
		return v & ~(FIELD(24) | FIELD(12) | FIELD(16) | FIELD(20));
	case 56: { /* ID_AA64MMFR0: PARange [3:0] at most the stage-2 IPA size */
		int enc = pt_parange_of(MM_S2_IPA_BITS);
		u64 pa = v & 0xf, cap = enc < 0 ? 0 : (u64)enc;
		return (v & ~0xfULL) | (pa < cap ? pa : cap);
	}
	case 57: /* ID_AA64MMFR1: no VHE [11:8] */
		return v & ~FIELD(8);
	default:
		return v;
	}
}

static bool is_id_reg(const struct sysreg_info *o)
{
	return o->op0 == 3 && o->op1 == 0 && o->crn == 0 && o->crm >= 1;
}

static bool is_set_way(const struct sysreg_info *o)
{
	/* DC ISW (CRm 6), DC CSW (CRm 10), DC CISW (CRm 14): op0=1 op1=0 CRn=7 op2=2 */
	return o->op0 == 1 && o->op1 == 0 && o->crn == 7 && o->op2 == 2 &&
	       (o->crm == 6 || o->crm == 10 || o->crm == 14);
}

static bool is_pmu(const struct sysreg_info *o)
{
	return o->op0 == 3 && ((o->crn == 9 && o->crm >= 12) || (o->op1 == 3 && o->crn == 14 &&
							       o->crm >= 8));
}

static bool is_impdef(const struct sysreg_info *o)
{
	return o->op0 == 3 && (o->crn == 11 || o->crn == 15);
}

/*
 * MDSCR_EL1 (Arm ARM D19.3 MDSCR_EL1; trapped by MDCR_EL2.TDA, D19.2 MDCR_EL2): the
 * per-vCPU copy is the value of record, and since the trap is taken on the pCPU the
 * vCPU is loaded on, the register is written as well so that it takes effect now and
 * so that whatever saves the EL1 context later sees the guest's value.
 */
static enum trap_status mdscr_access(struct vcpu *v, u64 esr)
{
	if (!sysreg_iss_read(esr)) {
		u64 val = sysreg_trap_wval(v, esr);

		v->arch.el1.mdscr = val;
		write_sysreg(mdscr_el1, val);
		arch_debug_forget(); /* a debugger's MDE/SS bits go back in before the next entry */
	}
	return sysreg_trap_done(v, esr, v->arch.el1.mdscr);
}

/* OSLSR_EL1 (Arm ARM D19.3): OSLM = 0b10, the OS lock implemented and unlocked. */
static enum trap_status oslsr_access(struct vcpu *v, u64 esr)
{
	return sysreg_trap_done(v, esr, 0x8);
}

/* ACTLR_EL1 (trapped by HCR_EL2.TACR, Arm ARM D19.2.48): RAZ/WI. */
static enum trap_status actlr_access(struct vcpu *v, u64 esr)
{
	return sysreg_trap_done(v, esr, 0);
}

/* The core's own registers with a handler: in the dispatch table beside the units'. */
static const struct sysreg_trap_desc core_regs[] = {
	{ SYSREG_ENC(3, 0, 1, 0, 1), actlr_access },
	{ SYSREG_ENC(2, 0, 0, 2, 2), mdscr_access },
	{ SYSREG_ENC(2, 0, 1, 1, 4), oslsr_access },
};

/*
 * The registers without a handler of their own, by what their encodings have in common
 * (decoded once). The other debug registers (op0 = 2): read as zero, writes ignored.
 */
static __attribute__((noinline)) enum trap_status sysreg_class(struct vcpu *v, u64 esr)
{
	struct sysreg_info o = esr_sysreg_decode(esr);

	if (is_id_reg(&o) && o.read)
		return sysreg_trap_done(v, esr, id_sanitise(o.crm, o.op2, id_raw(o.crm, o.op2)));
	if (is_set_way(&o) || o.op0 == 2)
		return sysreg_trap_done(v, esr, 0);
	if (is_pmu(&o) || is_impdef(&o)) {
		vcpu_inject_undef(v); /* what hardware without the register does */
		return TRAP_HANDLED;
	}
	return TRAP_UNHANDLED;
}

extern const struct sysreg_trap_desc __sysreg_traps_start[], __sysreg_traps_end[];

/* Written once, by sysreg_init() on the boot pCPU before any other pCPU starts or any VM
 * runs; read-only afterwards. */
static struct sysreg_table sysreg_tab;

static int sysreg_init(void)
{
	const struct sysreg_trap_range ranges[] = {
		{ core_regs, core_regs + sizeof(core_regs) / sizeof(core_regs[0]) },
		{ __sysreg_traps_start, __sysreg_traps_end },
	};

	return sysreg_table_build(&sysreg_tab, ranges, sizeof(ranges) / sizeof(ranges[0]));
}

/* Not a device: the unit's init builds the table before any VM exists. */
VDEV_UNIT(sysreg, VDEV_STAGE_IRQCHIP) = {
	.name = "sysreg",
	.init = sysreg_init,
};

/*
 * A trapped MSR/MRS (EC 0x18). The encoding as it sits in the ISS (SYSREG_ENC_OF_ISS: one
 * mask, nothing decoded) indexes the table; a slot with that encoding has its handler
 * (a tail call), anything else is one of the classes.
 */
enum trap_status sysreg_trap(struct vcpu *v, u64 esr)
{
	u32 enc = SYSREG_ENC_OF_ISS(esr);
	const struct sysreg_slot *s = &sysreg_tab.slot[sysreg_slot_of(sysreg_tab.mult, enc)];

	if (s->enc != enc)
		return sysreg_class(v, esr);
	return s->fn(v, esr);
}
