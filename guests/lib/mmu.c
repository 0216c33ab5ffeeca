/*
 * guest/mmu.h. Translation regime EL1&0, 4 KiB granule, T0SZ = 25 (39-bit VA): the walk
 * starts at level 1, whose 512 entries are 1 GiB block descriptors (Arm ARM DDI 0487,
 * D8.2 "Translation table walk", D8.3 "Translation table descriptor formats").
 */
#include "guest/mmu.h"
#include "guest/sysreg.h"

#define BLOCK_SHIFT 30
#define ENTRIES 512u
#define DESC_BLOCK 0x1ull
#define DESC_ATTR(i) ((uint64_t)(i) << 2)    /* AttrIndx, into MAIR_EL1 */
#define DESC_SH_INNER (3ull << 8)
#define DESC_AF (1ull << 10)
#define DESC_PXN (1ull << 53)
#define DESC_UXN (1ull << 54)
#define ATTR_DEVICE 0u                       /* MAIR attr0: Device-nGnRE (0x04) */
#define ATTR_NORMAL 1u                       /* MAIR attr1: Normal, inner/outer WB RW-allocate */
#define MAIR_VALUE (0x04ull | 0xffull << 8)
/* TCR_EL1 (D13.2.131): T0SZ 25, IRGN0/ORGN0 write-back write-allocate, SH0 inner,
 * TG0 4 KiB, EPD1 (no TTBR1 walks), IPS 40 bits. */
#define TCR_VALUE (25ull | 1ull << 8 | 1ull << 10 | 3ull << 12 | 1ull << 23 | 2ull << 32)
#define SCTLR_M (1ull << 0)
#define SCTLR_C (1ull << 2)
#define SCTLR_I (1ull << 12)

static uint64_t l1[ENTRIES] __attribute__((aligned(4096)));

static uint64_t block(uint64_t i, uint64_t ram_block)
{
	uint64_t d = i << BLOCK_SHIFT | DESC_BLOCK | DESC_AF;

	if (i == ram_block)
		return d | DESC_ATTR(ATTR_NORMAL) | DESC_SH_INNER | DESC_UXN;
	return d | DESC_ATTR(ATTR_DEVICE) | DESC_PXN | DESC_UXN;
}

void mmu_enable_identity(uintptr_t ram)
{
	uint64_t ram_block = (uint64_t)ram >> BLOCK_SHIFT;

	for (uint64_t i = 0; i < ENTRIES; i++)
		l1[i] = block(i, ram_block);
	dsb(ish);                /* the table in memory before the walker reads it */
	sysreg_write(mair_el1, MAIR_VALUE);
	sysreg_write(tcr_el1, TCR_VALUE);
	sysreg_write(ttbr0_el1, (uint64_t)(uintptr_t)l1);
	isb();
	__asm__ volatile("tlbi vmalle1" ::: "memory");
	dsb(nsh);
	isb();
	sysreg_write(sctlr_el1, sysreg_read(sctlr_el1) | SCTLR_M | SCTLR_C | SCTLR_I);
	isb();
}

int mmu_on(void)
{
	uint64_t s = sysreg_read(sctlr_el1);

	return (s & (SCTLR_M | SCTLR_C)) == (SCTLR_M | SCTLR_C);
}
