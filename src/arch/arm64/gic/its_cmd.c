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

/* DISCARD / INV / INT / CLEAR: DeviceID, EventID [31:0] of DW1. */
void its_cmd_dev_event(struct its_cmd *c, u32 op, u32 devid, u32 event)
{
	clear(c, op);
	c->dw[0] |= (u64)devid << 32;
	c->dw[1] = event;
}

/* VMAPP (GICv4.0): vPEID [47:32] of DW1; V [63], RDbase [50:16] of DW2; VPT_addr [51:16]
 * and VPT_size [4:0] (vINTID bits - 1) of DW3. */
void its_cmd_vmapp(struct its_cmd *c, u32 vpeid, u64 rdbase, u64 vpt_pa, u32 vintid_bits,
		   bool valid)
{
	clear(c, ITS_VMAPP);
	c->dw[1] = (u64)(vpeid & 0xffff) << 32;
	c->dw[2] = (rdbase & ((1ULL << 35) - 1)) << 16 | (valid ? 1ULL << 63 : 0);
	c->dw[3] = (vpt_pa & (((1ULL << 52) - 1) & ~0xffffULL)) |
		   (vintid_bits ? (vintid_bits - 1) & 0x1f : 0);
}

/* VMAPTI: DeviceID; EventID [31:0], vPEID [63:32] of DW1; vINTID [31:0], Doorbell pINTID
 * [63:32] of DW2. */
void its_cmd_vmapti(struct its_cmd *c, u32 devid, u32 event, u32 vpeid, u32 vintid,
		    u32 doorbell)
{
	clear(c, ITS_VMAPTI);
	c->dw[0] |= (u64)devid << 32;
	c->dw[1] = event | (u64)vpeid << 32;
	c->dw[2] = vintid | (u64)doorbell << 32;
}

/* VMOVI: DeviceID; EventID, vPEID of DW1; D [0] (doorbell valid), Doorbell [63:32] of DW2. */
void its_cmd_vmovi(struct its_cmd *c, u32 devid, u32 event, u32 vpeid, u32 doorbell)
{
	clear(c, ITS_VMOVI);
	c->dw[0] |= (u64)devid << 32;
	c->dw[1] = event | (u64)vpeid << 32;
	c->dw[2] = doorbell == ITS_NO_DOORBELL ? 0 : 1ULL | (u64)doorbell << 32;
}

/* VSYNC / VINVALL: vPEID [47:32] of DW1. */
void its_cmd_vsync(struct its_cmd *c, u32 vpeid)
{
	clear(c, ITS_VSYNC);
	c->dw[1] = (u64)(vpeid & 0xffff) << 32;
}

void its_cmd_vinvall(struct its_cmd *c, u32 vpeid)
{
	clear(c, ITS_VINVALL);
	c->dw[1] = (u64)(vpeid & 0xffff) << 32;
}

u32 its_event_bits(u32 nr)
{
	u32 bits = 1;

	while (bits < 32 && (1ULL << bits) < nr)
		bits++;
	return bits;
}
