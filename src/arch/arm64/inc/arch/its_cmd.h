/*
 * ITS commands (IHI 0069 5.3 "ITS commands", 6.3 command formats): 32 bytes, four
 * little-endian doublewords, the command number in DW0 [7:0]. Pure encoders for the
 * commands rtvisor issues on the physical ITS (its.c) and decoders for the ones a guest
 * writes to its virtual ITS (vits.c); its_cmd.c, unit-tested.
 */
#ifndef ARCH_ITS_CMD_H
#define ARCH_ITS_CMD_H

#include <types.h>

#define ITS_CMD_SIZE 32u

enum its_op {
	ITS_MOVI = 0x01,
	ITS_INT = 0x03,
	ITS_CLEAR = 0x04,
	ITS_SYNC = 0x05,
	ITS_MAPD = 0x08,
	ITS_MAPC = 0x09,
	ITS_MAPTI = 0x0a,
	ITS_MAPI = 0x0b,
	ITS_INV = 0x0c,
	ITS_INVALL = 0x0d,
	ITS_MOVALL = 0x0e,
	ITS_DISCARD = 0x0f,
	/* GICv4.0 (IHI 0069 6.3, "VMAPP" ... "VSYNC"): virtual LPIs, rtvisor's own only */
	ITS_VMOVI = 0x21,
	ITS_VSYNC = 0x25,
	ITS_VMAPP = 0x29,
	ITS_VMAPTI = 0x2a,
	ITS_VINVALL = 0x2d,
};

#define ITS_NO_DOORBELL 1023u /* VMAPTI/VMOVI Doorbell pINTID: none */

struct its_cmd {
	u64 dw[4];
};

/* Fields (decoders take the command as the guest wrote it, unchecked). */
static inline u32 its_cmd_op(const struct its_cmd *c) { return (u32)(c->dw[0] & 0xff); }
static inline u32 its_cmd_devid(const struct its_cmd *c) { return (u32)(c->dw[0] >> 32); }
static inline u32 its_cmd_event(const struct its_cmd *c) { return (u32)c->dw[1]; }
static inline u32 its_cmd_intid(const struct its_cmd *c) { return (u32)(c->dw[1] >> 32); }
static inline u32 its_cmd_size(const struct its_cmd *c) { return (u32)(c->dw[1] & 0x1f); }
static inline u64 its_cmd_itt(const struct its_cmd *c)
{
	return c->dw[2] & (((1ULL << 52) - 1) & ~0xffULL);  /* ITT_addr [51:8] */
}
static inline bool its_cmd_valid(const struct its_cmd *c) { return c->dw[2] >> 63; }
static inline u32 its_cmd_icid(const struct its_cmd *c) { return (u32)(c->dw[2] & 0xffff); }
/* RDbase [50:16]: with GITS_TYPER.PTA = 0 a processor number (what rtvisor shows). */
static inline u64 its_cmd_rdbase(const struct its_cmd *c) { return (c->dw[2] >> 16) & ((1ULL << 35) - 1); }
static inline u64 its_cmd_rdbase2(const struct its_cmd *c) { return (c->dw[3] >> 16) & ((1ULL << 35) - 1); }

/* Encoders. */
void its_cmd_mapd(struct its_cmd *c, u32 devid, u32 event_bits, u64 itt_pa, bool valid);
void its_cmd_mapc(struct its_cmd *c, u32 icid, u64 rdbase, bool valid);
void its_cmd_mapti(struct its_cmd *c, u32 devid, u32 event, u32 intid, u32 icid);
void its_cmd_sync(struct its_cmd *c, u64 rdbase);
void its_cmd_invall(struct its_cmd *c, u32 icid);
/* DISCARD, INV, INT or CLEAR (op) of event of devid. */
void its_cmd_dev_event(struct its_cmd *c, u32 op, u32 devid, u32 event);
/* GICv4.0: vPE vpeid resident on redistributor rdbase, its virtual pending table at
 * vpt_pa (64 KiB aligned) covering vintid_bits; valid = false unmaps it. */
void its_cmd_vmapp(struct its_cmd *c, u32 vpeid, u64 rdbase, u64 vpt_pa, u32 vintid_bits,
		   bool valid);
/* GICv4.0: event of devid becomes vLPI vintid of vPE vpeid; doorbell: a physical LPI
 * raised when the vPE is not resident, or ITS_NO_DOORBELL. */
void its_cmd_vmapti(struct its_cmd *c, u32 devid, u32 event, u32 vpeid, u32 vintid,
		    u32 doorbell);
void its_cmd_vmovi(struct its_cmd *c, u32 devid, u32 event, u32 vpeid, u32 doorbell);
void its_cmd_vsync(struct its_cmd *c, u32 vpeid);
void its_cmd_vinvall(struct its_cmd *c, u32 vpeid);

/* EventID bits a MAPD must give for nr events (at least 1 bit: Size + 1 >= 1). */
u32 its_event_bits(u32 nr);

#endif
