/* ITS command encoding (see arch/its_cmd.h; IHI 0069 6.3). */
#include <arch/its_cmd.h>

static void clear(struct its_cmd *c, u32 op)
{
	c->dw[0] = op;
	c->dw[1] = c->dw[2] = c->dw[3] = 0;
}

/* MAPD: DeviceID [63:32] of DW0, Size [4:0] of DW1 (EventID bits - 1), ITT_addr, V [63]. */
void its_cmd_mapd(struct its_cmd *c, u32 devid, u32 event_bits, u64 itt_pa, bool valid)
{
	clear(c, ITS_MAPD);
	c->dw[0] |= (u64)devid << 32;
	c->dw[1] = event_bits ? (event_bits - 1) & 0x1f : 0;
	c->dw[2] = (itt_pa & (((1ULL << 52) - 1) & ~0xffULL)) | (valid ? 1ULL << 63 : 0);
}

/* MAPC: ICID [15:0], RDbase [50:16], V [63] of DW2. */
void its_cmd_mapc(struct its_cmd *c, u32 icid, u64 rdbase, bool valid)
{
	clear(c, ITS_MAPC);
	c->dw[2] = (icid & 0xffff) | (rdbase & ((1ULL << 35) - 1)) << 16 |
		   (valid ? 1ULL << 63 : 0);
}

/* MAPTI: DeviceID, EventID [31:0] and pINTID [63:32] of DW1, ICID. */
void its_cmd_mapti(struct its_cmd *c, u32 devid, u32 event, u32 intid, u32 icid)
{
	clear(c, ITS_MAPTI);
	c->dw[0] |= (u64)devid << 32;
	c->dw[1] = event | (u64)intid << 32;
	c->dw[2] = icid & 0xffff;
}

void its_cmd_sync(struct its_cmd *c, u64 rdbase)
{
	clear(c, ITS_SYNC);
	c->dw[2] = (rdbase & ((1ULL << 35) - 1)) << 16;
}

void its_cmd_invall(struct its_cmd *c, u32 icid)
{
	clear(c, ITS_INVALL);
	c->dw[2] = icid & 0xffff;
}

u32 its_event_bits(u32 nr)
{
	u32 bits = 1;

	while (bits < 32 && (1ULL << bits) < nr)
		bits++;
	return bits;
}
