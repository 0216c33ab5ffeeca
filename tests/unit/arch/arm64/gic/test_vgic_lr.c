/*
 * Host tests for the vGIC's list-register selection (src/arch/arm64/gic/vgic_lr.c): which
 * pending interrupt is presented next, the free list register, and the ICH_LR<n>_EL2
 * encoding (IHI 0069 12.4: vINTID [31:0], pINTID [44:32], EOI [41], Priority [55:48],
 * Group [60], HW [61], State [63:62]).
 */
#include "harness.h"

#include <arch/vgic_lr.h>

#define GRP0_ON 1u /* virtual GICD_CTLR with DS = 1: EnableGrp0 [0], EnableGrp1 [1] */
#define GRP1_ON 2u

static struct vgic_cpu vc;
static struct vgic_dist dist;

static void reset(void)
{
	memset(&vc, 0, sizeof(vc));
	memset(&dist, 0, sizeof(dist));
	dist.ctlr = GRP0_ON | GRP1_ON;
}

/* Pending, enabled Group 1 SGI/PPI, as vgic_set_pending leaves it (bitmap bit set). */
static struct virq *priv_pending(u32 intid, u8 prio)
{
	struct virq *q = &vc.priv[intid];

	q->priority = prio;
	q->enabled = true;
	q->pending = true;
	q->group1 = true;
	vc.pend_priv |= 1u << intid;
	vc.nr_pending++;
	return q;
}

/* An owned, pending, enabled Group 1 SPI routed to vCPU target. */
static struct virq *spi_pending(u32 intid, u8 prio, u32 target)
{
	struct virq *q = &dist.spi[intid - 32];

	q->owned = true;
	q->priority = prio;
	q->enabled = true;
	q->pending = true;
	q->group1 = true;
	q->target = target;
	dist.owned[dist.nr_owned++] = (u16)intid;
	vc.nr_pending++; /* counted even for the other vCPU: pick() then searches the SPIs */
	return q;
}

static u32 pick(u32 vcpu)
{
	return vgic_lr_pick(&vc, &dist, vcpu, 2);
}

TEST(nothing_pending_is_spurious)
{
	reset();
	CHECK_EQ(pick(0), VGIC_SPURIOUS);
	spi_pending(40, 0x80, 1); /* pending, but for the other vCPU */
	CHECK_EQ(pick(0), VGIC_SPURIOUS);
}

TEST(lowest_priority_value_wins)
{
	reset();
	priv_pending(27, 0xa0);
	priv_pending(1, 0xc0);
	spi_pending(40, 0x90, 0);
	spi_pending(33, 0xb0, 0);
	CHECK_EQ(pick(0), 40);
	priv_pending(5, 0x88);
	CHECK_EQ(pick(0), 5);
	spi_pending(60, 0x00, 0);   /* highest possible priority */
	CHECK_EQ(pick(0), 60);
	priv_pending(31, 0xff);     /* lowest: never ahead of anything */
	CHECK_EQ(pick(0), 60);
	/* but the lowest priority alone is still presented */
	reset();
	priv_pending(31, 0xff);
	CHECK_EQ(pick(0), 31);
	reset();
	spi_pending(33, 0xff, 0);
	CHECK_EQ(pick(0), 33);
}

TEST(ties_resolve_deterministically)
{
	reset();
	spi_pending(50, 0x80, 0);
	spi_pending(35, 0x80, 0);   /* owned after 50: loses the tie despite its lower INTID */
	CHECK_EQ(pick(0), 50);
	priv_pending(20, 0x80);
	priv_pending(3, 0x80);
	CHECK_EQ(pick(0), 3);       /* private first, by ascending INTID */
	vc.priv[3].pending = false;
	vc.pend_priv &= ~(1u << 3);
	CHECK_EQ(pick(0), 20);
	vc.priv[20].pending = false;
	vc.pend_priv &= ~(1u << 20);
	CHECK_EQ(pick(0), 50);
	CHECK_EQ(pick(0), 50);      /* no hidden state: the same answer again */
}

TEST(undeliverable_ones_are_skipped)
{
	struct virq *p, *s;

	reset();
	p = priv_pending(7, 0x10);
	s = spi_pending(45, 0x20, 0);
	spi_pending(46, 0xf0, 0);
	p->enabled = false;
	CHECK_EQ(pick(0), 45);
	p->enabled = true;
	p->in_lr = true;            /* already presented */
	CHECK_EQ(pick(0), 45);
	p->in_lr = false;
	p->pending = false;         /* bitmap bit stale: the state decides */
	CHECK_EQ(pick(0), 45);
	s->enabled = false;
	CHECK_EQ(pick(0), 46);
	s->enabled = true;
	s->in_lr = true;
	CHECK_EQ(pick(0), 46);
	s->in_lr = false;
	s->pending = false;
	CHECK_EQ(pick(0), 46);
}

TEST(group_enables_gate_spis_only)
{
	struct virq *p, *s;

	reset();
	p = priv_pending(9, 0x10);
	s = spi_pending(40, 0x20, 0);
	spi_pending(41, 0x30, 0)->group1 = false; /* Group 0 */
	dist.ctlr = GRP0_ON;        /* Group 1 off */
	CHECK_EQ(pick(0), 9);       /* SGIs/PPIs are not gated here */
	p->pending = false;
	CHECK_EQ(pick(0), 41);
	dist.ctlr = GRP1_ON;        /* Group 0 off */
	CHECK_EQ(pick(0), 40);
	dist.ctlr = 0;
	CHECK_EQ(pick(0), VGIC_SPURIOUS);
	s->group1 = false;
	dist.ctlr = GRP0_ON;
	CHECK_EQ(pick(0), 40);
	CHECK(vgic_deliverable(&dist, &dist.spi[40 - 32]));
	dist.ctlr = GRP1_ON;
	CHECK(!vgic_deliverable(&dist, &dist.spi[40 - 32]));
	/* the group gate alone (direct injection: the interrupt is not pending yet) */
	s->pending = false;
	CHECK(!vgic_group_enabled(&dist, s));
	dist.ctlr = GRP0_ON;
	CHECK(vgic_group_enabled(&dist, s));
	s->group1 = true;
	CHECK(!vgic_group_enabled(&dist, s));
	dist.ctlr = GRP1_ON;
	CHECK(vgic_group_enabled(&dist, s));
}

TEST(private_ones_come_from_the_bitmap)
{
	reset();
	priv_pending(12, 0x10);
	vc.pend_priv = 0;           /* pending but not in pend_priv: not visited */
	CHECK_EQ(pick(0), VGIC_SPURIOUS);
	vc.pend_priv = 1u << 12;
	CHECK_EQ(pick(0), 12);
	priv_pending(0, 0x10);      /* SGI 0 is a valid answer */
	CHECK_EQ(pick(0), 0);
	priv_pending(31, 0x00);     /* the last PPI */
	CHECK_EQ(pick(0), 31);
}

TEST(spis_go_to_their_target_vcpu)
{
	reset();
	spi_pending(40, 0x80, 1);
	spi_pending(41, 0x90, 0);
	CHECK_EQ(pick(1), 40);
	CHECK_EQ(pick(0), 41);
	spi_pending(42, 0x10, 7);   /* no vCPU 7 among 2: delivered to vCPU 0 */
	CHECK_EQ(pick(0), 42);
	CHECK_EQ(pick(1), 40);
	CHECK_EQ(vgic_spi_vcpu(&dist.spi[42 - 32], 2), 0);
	CHECK_EQ(vgic_spi_vcpu(&dist.spi[42 - 32], 8), 7);
	CHECK_EQ(vgic_spi_vcpu(&dist.spi[40 - 32], 2), 1);
	CHECK_EQ(vgic_spi_vcpu(&dist.spi[40 - 32], 1), 0);
}

/* vgic_flush's loop: pick, take a free list register, present it, until full. */
TEST(filling_list_registers_goes_by_priority)
{
	static const u32 want[4] = { 44, 2, 33, 30 };
	u32 got[8] = { 0 };
	u32 used = 0, n = 0;
	int slot;

	reset();
	priv_pending(30, 0x70);
	priv_pending(2, 0x20);
	spi_pending(33, 0x60, 0);
	spi_pending(44, 0x10, 0);
	spi_pending(45, 0x80, 0);
	while ((slot = vgic_lr_free(used, 4)) >= 0 && n < 8) {
		u32 intid = pick(0);
		struct virq *q = intid < 32 ? &vc.priv[intid] : &dist.spi[intid - 32];

		if (intid == VGIC_SPURIOUS)
			break;
		CHECK_EQ(slot, n);
		got[n++] = intid;
		used |= 1u << slot;
		q->pending = false;
		q->in_lr = true;
	}
	CHECK_EQ(n, 4);
	for (u32 i = 0; i < 4; i++)
		CHECK_EQ(got[i], want[i]);
	CHECK_EQ(vgic_lr_free(used, 4), -1);
	CHECK_EQ(pick(0), 45);      /* what waits for the next free list register */
}

TEST(free_list_register)
{
	CHECK_EQ(vgic_lr_free(0, 4), 0);
	CHECK_EQ(vgic_lr_free(0x1, 4), 1);
	CHECK_EQ(vgic_lr_free(0xb, 4), 2);        /* 0b1011 */
	CHECK_EQ(vgic_lr_free(0x7, 4), 3);
	CHECK_EQ(vgic_lr_free(0xf, 4), -1);       /* full */
	CHECK_EQ(vgic_lr_free(0xfff0, 4), 0);     /* bits beyond nr_lrs do not matter */
	CHECK_EQ(vgic_lr_free(0xe, 4), 0);
	CHECK_EQ(vgic_lr_free(0, 1), 0);
	CHECK_EQ(vgic_lr_free(1, 1), -1);
	CHECK_EQ(vgic_lr_free(0x7fff, 16), 15);
	CHECK_EQ(vgic_lr_free(0xffff, 16), -1);
	CHECK_EQ(vgic_lr_free(0xbfff, 16), 14);
	CHECK_EQ(vgic_lr_free(0xffff, 0), -1);    /* no list registers at all */
	CHECK_EQ(vgic_lr_free(0x7fffffff, 31), -1);
	CHECK_EQ(vgic_lr_free(0x3fffffff, 31), 30);
}

static struct virq irq(u8 prio, bool group1, bool hw, bool edge)
{
	return (struct virq){ .priority = prio, .group1 = group1, .hw = hw, .edge = edge };
}

TEST(lr_encoding_hw)
{
	struct virq q = irq(0xa0, true, true, false);

	/* State 01 | HW | Group 1 | Priority 0xa0 | pINTID 27 | vINTID 27 */
	CHECK_EQ(vgic_lr_make(&q, 27), 0x70a0001b0000001bULL);
	q.edge = true;              /* trigger mode does not matter with HW */
	CHECK_EQ(vgic_lr_make(&q, 27), 0x70a0001b0000001bULL);
	q = irq(0x80, false, true, true);
	CHECK_EQ(vgic_lr_make(&q, 48), 0x6080003000000030ULL);      /* Group 0 */
	q = irq(0xff, true, true, false);
	CHECK_EQ(vgic_lr_make(&q, 1019), 0x70ff03fb000003fbULL);    /* highest SPI INTID */
	CHECK_EQ((vgic_lr_make(&q, 1019) >> 41) & 1, 1);            /* pINTID bit 9, not EOI */
}

TEST(lr_encoding_software)
{
	struct virq q = irq(0x80, false, false, false);

	/* level, Group 0: State 01 | Priority 0x80 | EOI | vINTID 33 */
	CHECK_EQ(vgic_lr_make(&q, 33), 0x4080020000000021ULL);
	q.edge = true;              /* edge: no EOI maintenance */
	CHECK_EQ(vgic_lr_make(&q, 33), 0x4080000000000021ULL);
	q = irq(0x00, true, false, true);
	CHECK_EQ(vgic_lr_make(&q, 1), 0x5000000000000001ULL);       /* SGI 1, Group 1 */
	CHECK_EQ(vgic_lr_make(&q, 0), 0x5000000000000000ULL);       /* SGI 0 */
	q = irq(0xf8, true, false, false);
	CHECK_EQ(vgic_lr_make(&q, 270), 0x50f802000000010eULL);
}

TEST(lr_encoding_field_by_field)
{
	for (u32 p = 0; p < 256; p++) {
		struct virq q = irq((u8)p, false, false, true);
		u64 lr = vgic_lr_make(&q, 40);

		CHECK_EQ(lr >> 48 & 0xff, p);
		CHECK_EQ(lr >> 62, 1);                 /* pending, not active */
		CHECK_EQ(lr & 0xffffffffULL, 40);
		CHECK_EQ(lr & 0x0f00ffff00000000ULL, 0); /* nothing in pINTID/EOI/NMI/RES0 */
	}
	for (u32 id = 0; id < 1020; id++) {
		struct virq q = irq(0x80, true, true, false);
		u64 lr = vgic_lr_make(&q, id);

		CHECK_EQ(lr & 0xffffffffULL, id);
		CHECK_EQ(lr >> 32 & 0x1fff, id);
		CHECK_EQ(lr >> 59 & 1, 0);             /* NMI [59] clear */
	}
}

/* A mapped, pending, enabled LPI (vITS MAPTI) in slot k, for the vCPU of its collection. */
static struct virq *lpi_pending(u32 k, u32 intid, u8 prio, u32 target)
{
	struct vlpi *l = &dist.lpi[k];

	l->intid = (u16)intid;
	l->q.owned = true;
	l->q.priority = prio;
	l->q.enabled = true;
	l->q.pending = true;
	l->q.group1 = true;
	l->q.edge = true;
	l->q.target = target;
	vc.nr_pending++;
	vc.pend_lpi |= 1ULL << k; /* vc stands for both vCPUs here: pick() checks the target */
	return &l->q;
}

TEST(lpis_need_enable_lpis_of_their_redistributor)
{
	reset();
	lpi_pending(3, 8192 + 5, 0x80, 0);
	CHECK_EQ(pick(0), VGIC_SPURIOUS); /* GICR_CTLR.EnableLPIs clear */
	vc.lpis_on = true;
	CHECK_EQ(pick(0), 8197);
	CHECK_EQ(pick(1), VGIC_SPURIOUS); /* vc is vCPU 0's, the LPI targets 0 */
}

TEST(lpis_compete_by_priority_and_target)
{
	struct virq *q;

	reset();
	vc.lpis_on = true;
	spi_pending(40, 0x90, 0);
	lpi_pending(0, 8200, 0xa0, 0);
	CHECK_EQ(pick(0), 40);
	lpi_pending(7, 9000, 0x80, 0);
	CHECK_EQ(pick(0), 9000);
	lpi_pending(2, 8300, 0x10, 1);          /* higher priority, other vCPU's collection */
	CHECK_EQ(pick(0), 9000);
	CHECK_EQ(vgic_lpi_pick(&dist, vc.pend_lpi, 1, VGIC_SPURIOUS, 0x100), 8300);
	CHECK_EQ(vgic_lpi_pick(&dist, 1ULL << 0, 1, VGIC_SPURIOUS, 0x100), VGIC_SPURIOUS);
	CHECK_EQ(vgic_lpi_pick(&dist, 0, 1, VGIC_SPURIOUS, 0x100), VGIC_SPURIOUS); /* none in pend */
	CHECK_EQ(vgic_lpi_pick(&dist, 1ULL << 7, 0, VGIC_SPURIOUS, 0x100), 9000); /* only slot 7 */
	q = lpi_pending(5, 16383, 0x08, 0);     /* the last LPI INTID of the VM */
	CHECK_EQ(pick(0), 16383);
	q->enabled = false;                     /* its property byte says disabled */
	CHECK_EQ(pick(0), 9000);
	q->enabled = true;
	q->owned = false;                       /* unmapped (waiting to leave a list register) */
	CHECK_EQ(pick(0), 9000);
	q->owned = true;
	q->in_lr = true;
	CHECK_EQ(pick(0), 9000);
	dist.ctlr = GRP0_ON;                    /* LPIs are Group 1 */
	CHECK_EQ(pick(0), VGIC_SPURIOUS);
}

/* nr_pending equal to the pending private interrupts: no SPI or LPI is pending for this
 * vCPU (vgic_set_pending keeps both exact), so pick() does not search them; one more
 * counted, and they are searched again. */
TEST(spis_searched_only_when_counted)
{
	reset();
	vc.lpis_on = true;
	priv_pending(9, 0x80);
	spi_pending(40, 0x10, 0);
	lpi_pending(1, 8200, 0x08, 0);
	CHECK_EQ(pick(0), 8200);
	vc.nr_pending = 1;                      /* only the SGI counted */
	CHECK_EQ(pick(0), 9);
	vc.nr_pending = 2;
	CHECK_EQ(pick(0), 8200);
	reset();
	spi_pending(40, 0x10, 0);
	vc.nr_pending = 0;
	CHECK_EQ(pick(0), VGIC_SPURIOUS);
}

TEST(lpi_list_register_is_software_edge)
{
	struct virq *q;
	u64 lr;

	reset();
	q = lpi_pending(0, 12345, 0x40, 0);
	lr = vgic_lr_make(q, 12345);
	CHECK_EQ(lr & 0xffffffffULL, 12345);
	CHECK_EQ(lr >> 62, 1);                  /* pending */
	CHECK_EQ((lr >> 61) & 1, 0);            /* no HW: a physical LPI has no active state */
	CHECK_EQ((lr >> 41) & 1, 0);            /* edge: no EOI maintenance */
	CHECK_EQ((lr >> 48) & 0xff, 0x40);
	CHECK_EQ((lr >> 60) & 1, 1);
}

int main(void)
{
	RUN(nothing_pending_is_spurious);
	RUN(lowest_priority_value_wins);
	RUN(ties_resolve_deterministically);
	RUN(undeliverable_ones_are_skipped);
	RUN(group_enables_gate_spis_only);
	RUN(private_ones_come_from_the_bitmap);
	RUN(spis_go_to_their_target_vcpu);
	RUN(filling_list_registers_goes_by_priority);
	RUN(free_list_register);
	RUN(lr_encoding_hw);
	RUN(lr_encoding_software);
	RUN(lr_encoding_field_by_field);
	RUN(lpis_need_enable_lpis_of_their_redistributor);
	RUN(lpis_compete_by_priority_and_target);
	RUN(spis_searched_only_when_counted);
	RUN(lpi_list_register_is_software_edge);
	HARNESS_END("test_vgic_lr");
}
