/*
 * System register access and the EL2 register fields rtvisor relies on.
 * Field positions: Arm ARM (DDI 0487) D19 "AArch64 System Register Descriptions".
 */
#ifndef RTV_ARCH_SYSREGS_H
#define RTV_ARCH_SYSREGS_H

#include <types.h>

#define read_sysreg(r)                                          \
	({                                                      \
		u64 __v;                                        \
		__asm__ volatile("mrs %0, " #r : "=r"(__v));    \
		__v;                                            \
	})
#define write_sysreg(r, v) __asm__ volatile("msr " #r ", %0" : : "r"((u64)(v)) : "memory")

#define isb() __asm__ volatile("isb" : : : "memory")
#define dsb(opt) __asm__ volatile("dsb " #opt : : : "memory")
#define dmb(opt) __asm__ volatile("dmb " #opt : : : "memory")
#define wfi() __asm__ volatile("wfi" : : : "memory")
#define wfe() __asm__ volatile("wfe" : : : "memory")
#define sev() __asm__ volatile("sev" : : : "memory")

/* GICv3 CPU-interface registers by encoding (names need FEAT_GICv3 in the assembler). */
#define ICC_IAR1_EL1      s3_0_c12_c12_0
#define ICC_EOIR1_EL1     s3_0_c12_c12_1
#define ICC_DIR_EL1       s3_0_c12_c11_1
#define ICC_PMR_EL1       s3_0_c4_c6_0
#define ICC_CTLR_EL1      s3_0_c12_c12_4
#define ICC_SRE_EL1       s3_0_c12_c12_5
#define ICC_IGRPEN1_EL1   s3_0_c12_c12_7
#define ICC_SGI1R_EL1     s3_0_c12_c11_5
#define ICC_BPR1_EL1      s3_0_c12_c12_3
#define ICC_IAR0_EL1      s3_0_c12_c8_0
#define ICC_EOIR0_EL1     s3_0_c12_c8_1
#define ICC_AP1R0_EL1     s3_0_c12_c9_0
#define ICC_IGRPEN0_EL1   s3_0_c12_c12_6
#define ICC_SGI0R_EL1     s3_0_c12_c11_7
#define ICC_SRE_EL2       s3_4_c12_c9_5
#define ICH_HCR_EL2       s3_4_c12_c11_0
#define ICH_VTR_EL2       s3_4_c12_c11_1
#define ICH_MISR_EL2      s3_4_c12_c11_2
#define ICH_EISR_EL2      s3_4_c12_c11_3
#define ICH_ELRSR_EL2     s3_4_c12_c11_5
#define ICH_VMCR_EL2      s3_4_c12_c11_7
#define ICH_AP0R0_EL2     s3_4_c12_c8_0
#define ICH_AP1R0_EL2     s3_4_c12_c9_0
#define ICH_LR0_EL2       s3_4_c12_c12_0
#define ICH_LR1_EL2       s3_4_c12_c12_1
#define ICH_LR2_EL2       s3_4_c12_c12_2
#define ICH_LR3_EL2       s3_4_c12_c12_3
#define ICH_LR4_EL2       s3_4_c12_c12_4
#define ICH_LR5_EL2       s3_4_c12_c12_5
#define ICH_LR6_EL2       s3_4_c12_c12_6
#define ICH_LR7_EL2       s3_4_c12_c12_7
#define ICH_LR8_EL2       s3_4_c12_c13_0
#define ICH_LR9_EL2       s3_4_c12_c13_1
#define ICH_LR10_EL2      s3_4_c12_c13_2
#define ICH_LR11_EL2      s3_4_c12_c13_3
#define ICH_LR12_EL2      s3_4_c12_c13_4
#define ICH_LR13_EL2      s3_4_c12_c13_5
#define ICH_LR14_EL2      s3_4_c12_c13_6
#define ICH_LR15_EL2      s3_4_c12_c13_7

/* HCR_EL2 (D19.2.48) */
#define HCR_VM    BIT(0)
#define HCR_SWIO  BIT(1)
#define HCR_FMO   BIT(3)
#define HCR_IMO   BIT(4)
#define HCR_AMO   BIT(5)
#define HCR_FB    BIT(9)
#define HCR_BSU_IS (1ULL << 10)
#define HCR_TWI   BIT(13)
#define HCR_TWE   BIT(14)
#define HCR_TID3  BIT(18)
#define HCR_TSC   BIT(19)
#define HCR_TIDCP BIT(20)
#define HCR_TACR  BIT(21)
#define HCR_TSW   BIT(22)
#define HCR_RW    BIT(31)

/* ESR_ELx exception classes (D19.2.37) */
#define ESR_EC_SHIFT 26
#define ESR_EC(esr) (((esr) >> ESR_EC_SHIFT) & 0x3f)
#define ESR_IL BIT(25)
#define ESR_ISS(esr) ((esr) & 0x1ffffff)
#define EC_UNKNOWN 0x00
#define EC_WFX 0x01
#define EC_HVC64 0x16
#define EC_SMC64 0x17
#define EC_SYSREG 0x18
#define EC_IABT_LOW 0x20
#define EC_DABT_LOW 0x24
#define EC_NR 0x40

/* Data abort ISS (D19.2.37, ISS encoding for an exception from a Data Abort) */
#define DABT_ISV BIT(24)
#define DABT_SAS(iss) (((iss) >> 22) & 3)
#define DABT_SSE BIT(21)
#define DABT_SRT(iss) (((iss) >> 16) & 0x1f)
#define DABT_SF BIT(15)
#define DABT_WNR BIT(6)
#define DABT_S1PTW BIT(7)
#define DABT_FSC(iss) ((iss) & 0x3f)

/* SPSR/PSTATE */
#define PSR_MODE_EL1H 0x5
#define PSR_D BIT(9)
#define PSR_A BIT(8)
#define PSR_I BIT(7)
#define PSR_F BIT(6)
#define PSR_INIT_EL1 (PSR_D | PSR_A | PSR_I | PSR_F | PSR_MODE_EL1H)

/* CNTHCTL_EL2 (non-VHE layout, D19.10.2) */
#define CNTHCTL_EL1PCTEN BIT(0)
#define CNTHCTL_EL1PCEN BIT(1)

/* ICH_HCR_EL2 (GICv3 spec 12.5.2 / Arm ARM D19.5) */
#define ICH_HCR_EN BIT(0)
#define ICH_HCR_UIE BIT(1)
#define ICH_HCR_TC BIT(10)

/* ICH_LR<n>_EL2 (D19.5.x) */
#define ICH_LR_VINTID_MASK 0xffffffffULL
#define ICH_LR_PINTID_SHIFT 32
#define ICH_LR_PINTID_MASK (0x3ffULL << ICH_LR_PINTID_SHIFT)
#define ICH_LR_EOI BIT(41)
#define ICH_LR_PRIO_SHIFT 48
#define ICH_LR_GROUP1 BIT(60)
#define ICH_LR_HW BIT(61)
#define ICH_LR_STATE_SHIFT 62
#define ICH_LR_PENDING (1ULL << 62)
#define ICH_LR_ACTIVE (2ULL << 62)
#define ICH_LR_STATE_MASK (3ULL << 62)

/* ICH_MISR_EL2 */
#define ICH_MISR_EOI BIT(0)
#define ICH_MISR_U BIT(1)

#endif
