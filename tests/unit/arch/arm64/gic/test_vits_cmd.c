/*
 * Host tests for the virtual ITS's command checking (src/arch/arm64/gic/vits_cmd.c) and
 * the ITS command encoders (its_cmd.c; IHI 0069 6.3). Commands are built with the same
 * encoders rtvisor uses on the physical ITS, so a field in the wrong place fails both.
 */
#include "harness.h"

#include <arch/vits_cmd.h>

#define FN_A 0x20u   /* 00:04.0, 2 events reserved */
#define FN_B 0x28u   /* 00:05.0, 1 event */
#define OTHER 0x30u  /* another VM's function */
#define LPI_END 16384u

static struct vits_tables t;
static struct vits_effect fx[VITS_MAX_EFFECTS];
static u32 nfx;

static void setup(void)
{
	vits_tables_init(&t, 2, LPI_END);
	CHECK_EQ(vits_tables_add_fn(&t, FN_A, 2), 0);
	CHECK_EQ(vits_tables_add_fn(&t, FN_B, 1), 0);
}

static enum vits_refusal run(const struct its_cmd *c)
{
	return vits_cmd_apply(&t, c, fx, &nfx);
}

static enum vits_refusal mapd(u32 devid, u32 bits, bool v)
{
	struct its_cmd c;

	its_cmd_mapd(&c, devid, bits, 0x40000000, v);
	return run(&c);
}

static enum vits_refusal mapc(u32 icid, u32 vcpu)
{
	struct its_cmd c;

	its_cmd_mapc(&c, icid, vcpu, true);
	return run(&c);
}

static enum vits_refusal mapti(u32 devid, u32 ev, u32 intid, u32 icid)
{
	struct its_cmd c;

	its_cmd_mapti(&c, devid, ev, intid, icid);
	return run(&c);
}

static struct its_cmd event_cmd(u32 op, u32 devid, u32 ev, u32 icid)
{
	struct its_cmd c = { { op | (u64)devid << 32, ev, icid, 0 } };

	return c;
}

TEST(encoders_put_fields_where_the_spec_says)
{
	struct its_cmd c;

	its_cmd_mapd(&c, 0x1234, 5, 0x40001200, true);
	CHECK_EQ(c.dw[0], 0x0000123400000008ULL);
	CHECK_EQ(c.dw[1], 4);                        /* Size = bits - 1 */
	CHECK_EQ(c.dw[2], 0x8000000040001200ULL);    /* V, ITT_addr [51:8] */
	its_cmd_mapti(&c, 0x28, 3, 0x2001, 2);
	CHECK_EQ(c.dw[0], 0x000000280000000aULL);
	CHECK_EQ(c.dw[1], 0x0000200100000003ULL);
	CHECK_EQ(c.dw[2], 2);
	its_cmd_mapc(&c, 7, 3, true);
	CHECK_EQ(c.dw[2], 0x8000000000030007ULL);    /* RDbase [50:16] */
	CHECK_EQ(its_cmd_rdbase(&c), 3);
	CHECK_EQ(its_cmd_icid(&c), 7);
	CHECK_EQ(its_event_bits(1), 1);
	CHECK_EQ(its_event_bits(2), 1);
	CHECK_EQ(its_event_bits(3), 2);
	CHECK_EQ(its_event_bits(32), 5);
}

/* GICv4.0 forms (IHI 0069 6.3 VMAPP, VMAPTI, VMOVI, VSYNC, VINVALL), as QEMU 7.2 decodes
 * them: the trace of tests/boot/test_pci_msi_v4.py shows the same fields. */
TEST(gicv4_encoders_put_fields_where_the_spec_says)
{
	struct its_cmd c;

	its_cmd_vmapp(&c, 5, 2, 0x400e0000, 14, true);
	CHECK_EQ(c.dw[0], 0x29);
	CHECK_EQ(c.dw[1], 0x0000000500000000ULL);    /* vPEID [47:32] */
	CHECK_EQ(c.dw[2], 0x8000000000020000ULL);    /* V, RDbase [50:16] */
	CHECK_EQ(c.dw[3], 0x00000000400e000dULL);    /* VPT_addr [51:16], VPT_size = bits - 1 */
	its_cmd_vmapp(&c, 5, 2, 0x400e1234, 14, false);
	CHECK_EQ(c.dw[2], 0x0000000000020000ULL);
	CHECK_EQ(c.dw[3], 0x00000000400e000dULL);    /* below 64 KiB dropped */
	its_cmd_vmapti(&c, 0x20, 1, 5, 8292, 0x2000);
	CHECK_EQ(c.dw[0], 0x000000200000002aULL);
	CHECK_EQ(c.dw[1], 0x0000000500000001ULL);    /* EventID, vPEID [63:32] */
	CHECK_EQ(c.dw[2], 0x0000200000002064ULL);    /* vINTID, Doorbell pINTID [63:32] */
	its_cmd_vmovi(&c, 0x20, 1, 6, 0x2000);
	CHECK_EQ(c.dw[0], 0x0000002000000021ULL);
	CHECK_EQ(c.dw[1], 0x0000000600000001ULL);
	CHECK_EQ(c.dw[2], 0x0000200000000001ULL);    /* D [0]: the doorbell is valid */
	its_cmd_vmovi(&c, 0x20, 1, 6, ITS_NO_DOORBELL);
	CHECK_EQ(c.dw[2], 0);
	its_cmd_vsync(&c, 7);
	CHECK_EQ(c.dw[0], 0x25);
	CHECK_EQ(c.dw[1], 0x0000000700000000ULL);
	its_cmd_vinvall(&c, 7);
	CHECK_EQ(c.dw[0], 0x2d);
	CHECK_EQ(c.dw[1], 0x0000000700000000ULL);
	its_cmd_dev_event(&c, ITS_DISCARD, 0x28, 3);
	CHECK_EQ(c.dw[0], 0x000000280000000fULL);
	CHECK_EQ(c.dw[1], 3);
	CHECK_EQ(c.dw[2], 0);
}

TEST(linux_sequence_maps_an_lpi)
{
	const struct vits_ite *ite;
	u32 vcpu = 99;

	setup();
	CHECK_EQ(mapc(0, 0), VITS_OK);
	CHECK_EQ(mapc(1, 1), VITS_OK);
	CHECK_EQ(mapd(FN_A, 1, true), VITS_OK);
	CHECK_EQ(mapti(FN_A, 1, 8192 + 33, 1), VITS_OK);
	CHECK_EQ(nfx, 1);
	CHECK_EQ(fx[0].kind, VFX_MAP);
	CHECK_EQ(fx[0].intid, 8225);
	CHECK_EQ(fx[0].vcpu, 1);
	ite = vits_translate(&t, 0, 1, &vcpu);
	CHECK(ite && ite->vintid == 8225 && vcpu == 1);
	CHECK(!vits_translate(&t, 0, 0, &vcpu));     /* event 0 not mapped */
	CHECK(!vits_translate(&t, 1, 0, &vcpu));     /* device B not mapped */
}

TEST(foreign_or_unreserved_ids_are_refused_and_change_nothing)
{
	struct vits_tables before;

	setup();
	CHECK_EQ(mapc(0, 0), VITS_OK);
	CHECK_EQ(mapd(FN_B, 1, true), VITS_OK);
	memcpy(&before, &t, sizeof(t));
	CHECK_EQ(mapd(OTHER, 1, true), VITS_FOREIGN_DEV);
	CHECK_EQ(mapti(OTHER, 0, 8192, 0), VITS_FOREIGN_DEV);
	CHECK_EQ(mapti(FN_A, 0, 8192, 0), VITS_DEV_UNMAPPED);
	CHECK_EQ(mapti(FN_B, 1, 8192, 0), VITS_EVENT_RANGE);   /* B reserves 1 event */
	CHECK_EQ(mapti(FN_B, 0xffffffffu, 8192, 0), VITS_EVENT_RANGE);
	CHECK_EQ(mapti(FN_B, 0, 8191, 0), VITS_INTID_RANGE);   /* an SPI/PPI number */
	CHECK_EQ(mapti(FN_B, 0, LPI_END, 0), VITS_INTID_RANGE);
	CHECK_EQ(mapti(FN_B, 0, 8192, 1), VITS_COLL_UNMAPPED);
	CHECK_EQ(mapti(FN_B, 0, 8192, VITS_COLLECTIONS), VITS_COLL_RANGE);
	CHECK_EQ(mapc(0, 2), VITS_TARGET);                       /* VM has vCPUs 0, 1 */
	CHECK_EQ(mapd(FN_A, VITS_EVENT_BITS + 1, true), VITS_SIZE);
	CHECK(memcmp(&before, &t, sizeof(t)) == 0);
	CHECK_EQ(nfx, 0);
}

TEST(mapd_size_bounds_events_too)
{
	setup();
	CHECK_EQ(mapc(0, 0), VITS_OK);
	CHECK_EQ(mapd(FN_A, 0, true), VITS_OK);   /* Size 0 would be 1 bit: 2 events */
	CHECK_EQ(mapti(FN_A, 1, 9000, 0), VITS_OK);
	CHECK_EQ(mapd(FN_A, 1, true), VITS_OK);   /* 1 bit: events 0, 1; remap drops old */
	CHECK_EQ(nfx, 1);
	CHECK_EQ(fx[0].kind, VFX_UNMAP);
	CHECK_EQ(fx[0].intid, 9000);
}

TEST(one_vintid_translates_one_event)
{
	setup();
	CHECK_EQ(mapc(0, 0), VITS_OK);
	CHECK_EQ(mapd(FN_A, 1, true), VITS_OK);
	CHECK_EQ(mapd(FN_B, 1, true), VITS_OK);
	CHECK_EQ(mapti(FN_A, 0, 8200, 0), VITS_OK);
	CHECK_EQ(mapti(FN_B, 0, 8200, 0), VITS_INTID_BUSY);
	CHECK_EQ(mapti(FN_A, 0, 8200, 0), VITS_OK);   /* the same mapping again: fine */
	CHECK_EQ(mapti(FN_A, 0, 8201, 0), VITS_OK);   /* remapped: the old vLPI goes */
	CHECK_EQ(nfx, 2);
	CHECK_EQ(fx[0].kind, VFX_UNMAP);
	CHECK_EQ(fx[0].intid, 8200);
	CHECK_EQ(fx[1].kind, VFX_MAP);
	CHECK_EQ(mapti(FN_B, 0, 8200, 0), VITS_OK);
}

TEST(event_commands_and_affinity)
{
	struct its_cmd c;
	u32 vcpu;

	setup();
	CHECK_EQ(mapc(0, 0), VITS_OK);
	CHECK_EQ(mapc(1, 1), VITS_OK);
	CHECK_EQ(mapd(FN_A, 1, true), VITS_OK);
	CHECK_EQ(mapti(FN_A, 0, 8300, 0), VITS_OK);
	c = event_cmd(ITS_MOVI, FN_A, 0, 1);
	CHECK_EQ(run(&c), VITS_OK);
	CHECK(nfx == 1 && fx[0].kind == VFX_MOVE && fx[0].vcpu == 1);
	CHECK(vits_translate(&t, 0, 0, &vcpu) && vcpu == 1);
	CHECK_EQ(mapc(1, 0), VITS_OK);                 /* remapping the collection moves it */
	CHECK(nfx == 1 && fx[0].kind == VFX_MOVE && fx[0].vcpu == 0 && fx[0].intid == 8300);
	c = event_cmd(ITS_INV, FN_A, 0, 0);
	CHECK(run(&c) == VITS_OK && nfx == 1 && fx[0].kind == VFX_INV);
	c = event_cmd(ITS_INT, FN_A, 0, 0);
	CHECK(run(&c) == VITS_OK && nfx == 1 && fx[0].kind == VFX_INT && fx[0].intid == 8300);
	c = event_cmd(ITS_CLEAR, FN_A, 0, 0);
	CHECK(run(&c) == VITS_OK && fx[0].kind == VFX_CLEAR);
	c = event_cmd(ITS_INT, FN_A, 1, 0);
	CHECK_EQ(run(&c), VITS_EVENT_UNMAPPED);
	c = (struct its_cmd){ { ITS_MOVALL, 0, 0 << 16, 1ULL << 16 } };
	CHECK_EQ(run(&c), VITS_OK);
	CHECK(nfx == 1 && fx[0].vcpu == 1);
	CHECK(vits_translate(&t, 0, 0, &vcpu) && vcpu == 1);
	c = (struct its_cmd){ { ITS_MOVALL, 0, 0, 5ULL << 16 } };
	CHECK_EQ(run(&c), VITS_TARGET);
	c = event_cmd(ITS_DISCARD, FN_A, 0, 0);
	CHECK(run(&c) == VITS_OK && nfx == 1 && fx[0].kind == VFX_UNMAP);
	CHECK(!vits_translate(&t, 0, 0, &vcpu));
	CHECK_EQ(run(&c), VITS_EVENT_UNMAPPED);
}

TEST(other_commands)
{
	struct its_cmd c = { { ITS_SYNC, 0, 1ULL << 16, 0 } };

	setup();
	CHECK_EQ(run(&c), VITS_OK);
	c.dw[2] = 2ULL << 16;
	CHECK_EQ(run(&c), VITS_TARGET);
	c = (struct its_cmd){ { ITS_INVALL, 0, 0, 0 } };
	CHECK_EQ(run(&c), VITS_COLL_UNMAPPED);
	CHECK_EQ(mapc(0, 1), VITS_OK);
	CHECK(run(&c) == VITS_OK && nfx == 1 && fx[0].kind == VFX_INVALL && fx[0].vcpu == 1);
	for (u32 op = 0; op < 256; op++) {
		c = (struct its_cmd){ { op, 0, 0, 0 } };
		if (op == 0x20 || op == 0x21 || op == 0x22 || op == 0x2a || op == 0x29 ||
		    op == 0x27 || op == 0x25 || op == 0x2d || op == 0x0 || op == 0x2 ||
		    op == 0x6 || op == 0x7 || op >= 0x10)
			CHECK_EQ(run(&c), VITS_BAD_OP); /* GICv4 and undefined numbers */
	}
	CHECK(strlen(vits_refusal_name(VITS_FOREIGN_DEV)) > 10);
}

int main(void)
{
	RUN(encoders_put_fields_where_the_spec_says);
	RUN(gicv4_encoders_put_fields_where_the_spec_says);
	RUN(linux_sequence_maps_an_lpi);
	RUN(foreign_or_unreserved_ids_are_refused_and_change_nothing);
	RUN(mapd_size_bounds_events_too);
	RUN(one_vintid_translates_one_event);
	RUN(event_commands_and_affinity);
	RUN(other_commands);
	HARNESS_END("test_vits_cmd");
}
