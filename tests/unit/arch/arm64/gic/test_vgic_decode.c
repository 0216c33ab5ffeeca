/* Host tests for the vGIC's pure decoding: SGI registers, SGI targets, WFI wake-up. */
#include "harness.h"

#include <arch/vgic_decode.h>

#define VMCR(pmr, eng0, eng1) ((u64)(pmr) << 24 | (eng1) << 1 | (eng0))
#define LR(state, group1, prio, intid) \
	((u64)(state) << 62 | (u64)(group1) << 60 | (u64)(prio) << 48 | (intid))

TEST(sgi_registers_by_op1_and_op2)
{
	CHECK_EQ(sgi_reg_of(3, 0, 12, 11, 5), SGI_REG_SGI1R);
	CHECK_EQ(sgi_reg_of(3, 1, 12, 11, 6), SGI_REG_ASGI1R);
	CHECK_EQ(sgi_reg_of(3, 2, 12, 11, 7), SGI_REG_SGI0R);
	/* wrong op1 for its op2, or another register of the block */
	CHECK_EQ(sgi_reg_of(3, 0, 12, 11, 6), SGI_REG_NONE);
	CHECK_EQ(sgi_reg_of(3, 0, 12, 11, 7), SGI_REG_NONE);
	CHECK_EQ(sgi_reg_of(3, 1, 12, 11, 5), SGI_REG_NONE);
	CHECK_EQ(sgi_reg_of(3, 0, 12, 11, 3), SGI_REG_NONE); /* ICC_DIR_EL1 */
	CHECK_EQ(sgi_reg_of(3, 0, 12, 12, 5), SGI_REG_NONE);
	CHECK_EQ(sgi_reg_of(2, 0, 12, 11, 5), SGI_REG_NONE);
}

TEST(sgi_groups_with_one_security_state)
{
	CHECK(!sgi_reg_group0_only(SGI_REG_SGI1R));
	CHECK(sgi_reg_group0_only(SGI_REG_ASGI1R));
	CHECK(sgi_reg_group0_only(SGI_REG_SGI0R));
}

TEST(sgi_targets)
{
	CHECK_EQ(sgi_target_mask(0x5, 0, 4), 0x5);                  /* list, RS 0 */
	CHECK_EQ(sgi_target_mask(0xff, 0, 4), 0xf);                 /* no vCPU 4..7 */
	CHECK_EQ(sgi_target_mask(1ULL << 40, 1, 4), 0xd);           /* IRM: all but self */
	CHECK_EQ(sgi_target_mask(1ULL << 16 | 1, 0, 4), 0);         /* Aff1 = 1 */
	CHECK_EQ(sgi_target_mask(1ULL << 32 | 1, 0, 4), 0);         /* Aff2 = 1 */
	CHECK_EQ(sgi_target_mask(1ULL << 48 | 1, 0, 4), 0);         /* Aff3 = 1 */
	CHECK_EQ(sgi_target_mask(1ULL << 44 | 1, 0, 8), 0);         /* RS 1: vCPU 16 */
	CHECK_EQ(sgi_target_mask(0xfULL << 44 | 0xffff, 0, 8), 0);  /* RS 15 */
}

/* The shortcut names one vCPU only where the full decode names that one alone too. */
TEST(sgi_plain_one_agrees_with_the_decode)
{
	static const u64 extra[] = { 0, 0xfULL << 24, 5ULL << 24, 1ULL << 40, 1ULL << 16,
				     1ULL << 32, 1ULL << 48, 1ULL << 44, 1ULL << 28, 1ULL << 63,
				     0x3, 0xffff };

	for (u32 t = 0; t < 20; t++)
		for (u32 i = 0; i < sizeof(extra) / sizeof(extra[0]); i++) {
			u64 val = (t < 16 ? 1ULL << t : 0) | extra[i];
			int one = sgi_plain_one(val);

			if (one >= 0)
				for (u32 self = 0; self < 16; self++)
					CHECK_EQ(sgi_target_mask(val, self, 16), 1u << one);
		}
	CHECK_EQ(sgi_plain_one(1ULL << 3 | 7ULL << 24), 3);
	CHECK_EQ(sgi_plain_one(1ULL << 3 | 1ULL << 40), -1);  /* IRM: the others */
	CHECK_EQ(sgi_plain_one(1ULL << 3 | 1ULL << 2), -1);   /* another target too */
	CHECK_EQ(sgi_plain_one(1ULL << 3 | 1ULL << 16), -1);  /* Aff1 = 1 */
	CHECK_EQ(sgi_plain_one(1ULL << 3), 3);                /* vCPU 3, whoever sends */
	CHECK_EQ(sgi_plain_one(1ULL << 16), -1);              /* vCPU 16: RS 1, not this form */
	CHECK_EQ(sgi_plain_one(0), -1);                       /* nobody */
}

TEST(wfi_wakes_only_for_a_signalled_interrupt)
{
	u64 vmcr = VMCR(0xf0, 0, 1);

	CHECK(vgic_lr_would_signal(LR(1, 1, 0xa0, 27), vmcr));
	CHECK(vgic_lr_would_signal(LR(3, 1, 0xa0, 27), vmcr));      /* pending and active */
	CHECK(!vgic_lr_would_signal(LR(2, 1, 0xa0, 27), vmcr));     /* active only */
	CHECK(!vgic_lr_would_signal(LR(0, 1, 0xa0, 27), vmcr));     /* invalid */
	CHECK(!vgic_lr_would_signal(LR(1, 1, 0xf0, 27), vmcr));     /* priority == mask */
	CHECK(!vgic_lr_would_signal(LR(1, 1, 0xf8, 27), vmcr));     /* below the mask */
	CHECK(!vgic_lr_would_signal(LR(1, 1, 0xa0, 27), VMCR(0, 1, 1))); /* PMR 0: all masked */
	CHECK(!vgic_lr_would_signal(LR(1, 0, 0xa0, 27), vmcr));     /* Group 0 disabled */
	CHECK(vgic_lr_would_signal(LR(1, 0, 0xa0, 27), VMCR(0xf0, 1, 0)));
	CHECK(!vgic_lr_would_signal(LR(1, 1, 0xa0, 27), VMCR(0xf0, 1, 0))); /* Group 1 off */
	CHECK(vgic_would_signal(vmcr, 0, true));
	CHECK(!vgic_would_signal(vmcr, 0, false));
}

int main(void)
{
	RUN(sgi_registers_by_op1_and_op2);
	RUN(sgi_groups_with_one_security_state);
	RUN(sgi_targets);
	RUN(sgi_plain_one_agrees_with_the_decode);
	RUN(wfi_wakes_only_for_a_signalled_interrupt);
	HARNESS_END("test_vgic_decode");
}
