/*
 * HVC / SMC class: random function IDs (fully random, or in the ranges the
 * hypervisor implements: Arm architecture, PSCI 32/64, rtvisor's vendor
 * range) with random bits [63:32] of x0 and random x1..x3. All four result
 * registers are leak-checked. Calls that would end the run are never made:
 * CPU_OFF, SYSTEM_OFF, SYSTEM_RESET and CPU_SUSPEND (standby until an
 * interrupt: this guest runs with IRQs masked and may have no timer armed),
 * and CONSOLE_PUTC with a byte that would be printed.
 */
#include "guest/fault.h"
#include "adversary.h"

#define FN_CPU_SUSPEND32 0x84000001U
#define FN_CPU_SUSPEND64 0xc4000001U
#define FN_CPU_OFF 0x84000002U
#define FN_SYSTEM_OFF 0x84000008U
#define FN_SYSTEM_RESET 0x84000009U
#define FN_CONSOLE_PUTC 0xc6000002U

static uint32_t random_fn(void)
{
	switch (rng_below(6)) {
	case 0: return (uint32_t)rng();
	case 1: return 0x80000000U | (uint32_t)rng_below(0x20);	/* Arm architecture */
	case 2: return 0x84000000U | (uint32_t)rng_below(0x20);	/* PSCI, SMC32 */
	case 3: return 0xc4000000U | (uint32_t)rng_below(0x20);	/* PSCI, SMC64 */
	case 4: return 0xc6000000U | (uint32_t)rng_below(0x10);	/* rtvisor */
	default: return ((uint32_t)rng_below(64) << 24) | (uint32_t)rng_below(0x100);
	}
}

static bool call_forbidden(uint32_t fn)
{
	return fn == FN_CPU_SUSPEND32 || fn == FN_CPU_SUSPEND64 || fn == FN_CPU_OFF ||
	       fn == FN_SYSTEM_OFF || fn == FN_SYSTEM_RESET;
}

void op_call(void)
{
	struct adv_smccc r;
	uint32_t fn;

	do
		fn = random_fn();
	while (call_forbidden(fn));
	r.x[0] = (rng_below(2) ? rng_value() << 32 : 0) | fn;
	for (unsigned i = 1; i < 4; i++)
		r.x[i] = rng_value();
	if (fn == FN_CONSOLE_PUTC && r.x[1] < 0x100)
		r.x[1] |= 0x100;
	adv_call_random(&r);
	for (unsigned i = 0; i < 4; i++)
		leak_check(ADV_CALL, fn, r.x[i], 8);
}

/* The call by SMC #0, HVC #0xffff or HVC #0 (half the time), under expect-fault. */
void adv_call_random(struct adv_smccc *r)
{
	struct fault_info f;
	unsigned kind = (unsigned)rng_below(4);

	fault_expect_begin(FAULT_RESUME_NEXT);
	if (kind == 0)
		adv_smc(r);
	else if (kind == 1)
		adv_hvc_imm(r);
	else
		adv_hvc(r);
	adv_fault_account(fault_expect_end(&f), f.esr);
}
