/*
 * System register access and barriers. Register names may be macros (the
 * GICv3 ICC_* names below expand to their generic S3_... encodings).
 */
#ifndef GUEST_SYSREG_H
#define GUEST_SYSREG_H

#include <stdint.h>

#define sysreg_read(reg) sysreg_read_(reg)
#define sysreg_read_(reg) ({                                   \
	uint64_t sr_r_;                                         \
	__asm__ volatile("mrs %0, " #reg : "=r"(sr_r_));        \
	sr_r_;                                                 \
})

#define sysreg_write(reg, val) sysreg_write_(reg, val)
#define sysreg_write_(reg, val) do {                           \
	uint64_t sr_w_ = (uint64_t)(val);                      \
	__asm__ volatile("msr " #reg ", %0" : : "r"(sr_w_) : "memory"); \
} while (0)

#define isb() __asm__ volatile("isb" : : : "memory")
#define dsb(opt) __asm__ volatile("dsb " #opt : : : "memory")
#define dmb(opt) __asm__ volatile("dmb " #opt : : : "memory")
#define compiler_barrier() __asm__ volatile("" : : : "memory")

/* GICv3 CPU interface (generic encodings: no assembler support needed). */
#define ICC_PMR_EL1 S3_0_C4_C6_0
#define ICC_IAR1_EL1 S3_0_C12_C12_0
#define ICC_EOIR1_EL1 S3_0_C12_C12_1
#define ICC_HPPIR1_EL1 S3_0_C12_C12_2
#define ICC_BPR1_EL1 S3_0_C12_C12_3
#define ICC_CTLR_EL1 S3_0_C12_C12_4
#define ICC_SRE_EL1 S3_0_C12_C12_5
#define ICC_IGRPEN1_EL1 S3_0_C12_C12_7
#define ICC_SGI1R_EL1 S3_0_C12_C11_5

#endif
