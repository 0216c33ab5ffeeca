/*
 * fpcheck: FP/SIMD state must survive the hypervisor switching vCPUs
 * (guests/README.md "fpcheck").
 */
#ifndef FPCHECK_H
#define FPCHECK_H

#define FP_STATE_FPSR 512	/* offsetof(struct fp_state, fpsr), for regs.S */

#ifndef __ASSEMBLY__
#include <stddef.h>
#include <stdint.h>

/* Everything a vCPU owns in the FP/SIMD unit; regs.S reads and writes this layout. */
struct fp_state {
	uint64_t v[32][2];	/* V0-V31: [0] bits 63:0, [1] bits 127:64 */
	uint64_t fpsr;
	uint64_t fpcr;
};

_Static_assert(offsetof(struct fp_state, fpsr) == FP_STATE_FPSR &&
	       offsetof(struct fp_state, fpcr) == FP_STATE_FPSR + 8, "regs.S layout");

/* FPSR (Arm ARM C5.2, FPSR): cumulative exception flags and QC. */
#define FPSR_IOC (1ULL << 0)
#define FPSR_DZC (1ULL << 1)	/* set by regs.S's 1.0 / 0.0, never written directly */
#define FPSR_OFC (1ULL << 2)
#define FPSR_UFC (1ULL << 3)
#define FPSR_IXC (1ULL << 4)
#define FPSR_IDC (1ULL << 7)
#define FPSR_QC (1ULL << 27)

/*
 * FPCR (Arm ARM C5.2, FPCR): the Armv8.0 control fields every implementation keeps.
 * The trap enables (IOE..IDE) stay 0: where they are implemented they would turn
 * regs.S's division by zero into an exception.
 */
#define FPCR_RMODE_SHIFT 22	/* [23:22] rounding mode */
#define FPCR_FZ (1ULL << 24)	/* flush denormals to zero */
#define FPCR_DN (1ULL << 25)	/* default NaN */
#define FPCR_AHP (1ULL << 26)	/* alternative half-precision */

/* pattern.c */
void fp_pattern(struct fp_state *s, unsigned vm, uint64_t round);
unsigned fp_compare(const struct fp_state *want, const struct fp_state *got, unsigned vm,
		    uint64_t round);

/* regs.S */
void fp_load(const struct fp_state *s);
void fp_store(struct fp_state *s);
int64_t fp_vm_index(void);

#endif /* __ASSEMBLY__ */
#endif
