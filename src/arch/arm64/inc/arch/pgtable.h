/*
 * VMSAv8-64 translation-table builder, 4 KiB granule, no inline assembly.
 * Used for guest stage-2 tables (PT_STAGE2) and the hypervisor's own EL2
 * (non-VHE, single VA range) stage-1 tables (PT_EL2). Compiles for the host
 * (unit tests) and the target.
 *
 * Memory for tables comes from the caller through struct pt_ops. Tables must
 * live in Normal Write-Back cacheable memory: the VTCR/TCR values built here
 * make table walks Inner/Outer WBWA, so no cache maintenance is needed, only
 * barriers and TLB invalidation (see "Caller obligations" below).
 *
 * Mapping semantics (pt_map):
 *   - Uses 1 GiB (level 1) / 2 MiB (level 2) blocks where va, pa and the
 *     remaining size allow, else 4 KiB pages.
 *   - Mapping over an existing mapping with the SAME output address for every
 *     page is allowed: identical attributes are a no-op, different attributes
 *     replace them (splitting blocks when only part of a block changes).
 *   - Overlapping an existing mapping to a DIFFERENT output address is refused
 *     with ERR_EXIST (no replace semantics: unmap first).
 *   - Existing tables are never merged back into blocks.
 * pt_unmap removes whatever is mapped in the range (holes are fine) and
 * splits blocks that are only partly unmapped. Emptied tables stay allocated
 * until pt_destroy.
 *
 * Failure atomicity: pt_map and pt_unmap validate the whole range and count
 * the tables they will need in a dry run over the existing tables, then
 * allocate all of them, and only then modify anything. On any error nothing
 * has been changed and no table memory is kept.
 *
 * Caller obligations (barriers / TLB maintenance; Arm ARM D8, "Using
 * break-before-make when updating translation table entries" and the TLB
 * maintenance requirements):
 *   - ops->wbarrier (optional, "DSB ISHST"): called before a newly filled
 *     table is linked into the hierarchy and once at the end of every
 *     pt_map/pt_unmap that changed something. If NULL the caller must issue
 *     DSB ISHST after pt_map/pt_unmap, and must not modify tables that are
 *     live on another CPU.
 *   - ops->tlbi (optional): called after a VALID descriptor has been
 *     replaced by an invalid one and before anything new is written to it
 *     (break-before-make). It must complete the invalidation of the entry for
 *     (va, level) before returning: DSB ISHST; TLBI IPAS2E1IS (stage 2, with
 *     the VM's VMID current; then DSB ISH; TLBI VMALLE1IS) or TLBI VAE2IS
 *     (EL2); DSB ISH. That covers: pt_unmap of mapped pages, block splits
 *     (pt_map/pt_unmap) and attribute changes (pt_map).
 *     If tlbi is NULL descriptors are overwritten directly: fine while the
 *     tables are not in use by any PE (built before VTTBR/TTBR is loaded).
 *     For live tables without tlbi the caller must invalidate the whole
 *     range after pt_unmap (TLBI + DSB ISH), and must not split blocks or
 *     change attributes of live mappings (no break-before-make possible).
 *   - pt_map onto unmapped addresses never needs TLB invalidation (invalid
 *     entries are not cached); EL2 must still ISB after the DSB before using
 *     a new mapping of its own.
 *   - pt_init, pt_lookup, pt_vtcr_el2, pt_tcr_el2: no barriers needed.
 *     pt_destroy: caller must have stopped using the tables and invalidated
 *     the TLBs (TLBI VMALLS12E1IS for the VMID / ALLE2IS) beforehand.
 */
#ifndef RTV_ARCH_PGTABLE_H
#define RTV_ARCH_PGTABLE_H

#include <err.h>
#include <types.h>

/*
 * ---- errors (err.h) ----
 * ERR_INVAL  bad kind / ia_bits / ops / zero size / allocator broke its contract
 * ERR_ALIGN  va, pa or size not 4 KiB aligned
 * ERR_RANGE  va range beyond 2^ia_bits (or wraps), pa range beyond 2^48
 * ERR_EXIST  overlaps a mapping to a different output address
 * ERR_NOMEM  alloc_tables returned NULL
 * ERR_NOENT  pt_lookup: va not mapped
 * ERR_PERM   attribute combination not allowed for this kind (see the rules below)
 */

/* ---- attributes (kind independent) ---- */
#define PT_R      (1u << 0)
#define PT_W      (1u << 1)
#define PT_X      (1u << 2)
#define PT_DEVICE (1u << 3) /* Device-nGnRE, else Normal WB inner-shareable */
#define PT_ATTR_MASK (PT_R | PT_W | PT_X | PT_DEVICE)
/*
 * Rules: at least one of R/W/X; DEVICE must not have X (device memory is
 * always mapped execute-never); PT_EL2 requires R (the EL2 single-range
 * regime cannot express no-read). Stage 2 allows any other combination
 * (S2AP write-only and execute-only are legal). Anything else: ERR_PERM.
 */

/* ---- geometry ---- */
#define PT_PAGE_SHIFT     12
#define PT_PAGE_SIZE      (1ULL << PT_PAGE_SHIFT)
#define PT_ENTRIES        512u
#define PT_MIN_IA_BITS    32u
#define PT_MAX_IA_BITS    48u
#define PT_MAX_OA_BITS    48u  /* 4 KiB granule without FEAT_LPA2 */
#define PT_MAX_ROOT_PAGES 16u  /* stage-2 initial-level concatenation limit */
#define PT_LEVEL_SHIFT(l) (PT_PAGE_SHIFT + 9u * (3u - (u32)(l)))
#define PT_LEVEL_SIZE(l)  (1ULL << PT_LEVEL_SHIFT(l))

/* ---- descriptor fields (Arm ARM D8.3, VMSAv8-64 descriptor formats) ---- */
#define PT_DESC_VALID      BIT(0)
#define PT_DESC_TYPE_MASK  0x3ULL
#define PT_DESC_TABLE      0x3ULL /* levels 0-2 */
#define PT_DESC_PAGE       0x3ULL /* level 3 */
#define PT_DESC_BLOCK      0x1ULL /* levels 1-2 with 4 KiB granule */
#define PT_DESC_OA_MASK    0x0000fffffffff000ULL /* bits [47:12] */
#define PT_DESC_AF         BIT(10)
#define PT_DESC_SH_SHIFT   8
#define PT_DESC_SH_INNER   (3ULL << PT_DESC_SH_SHIFT)
#define PT_DESC_XN         BIT(54) /* stage 2 XN[1] / EL2 single-range XN */
/* stage 2 block/page (Arm ARM D8.3.2, D8.5 stage 2 memory attributes) */
#define PT_S2_MEMATTR_SHIFT 2
#define PT_S2_MEMATTR_MASK  (0xfULL << PT_S2_MEMATTR_SHIFT)
#define PT_S2_MEMATTR_NORMAL_WB (0xfULL << PT_S2_MEMATTR_SHIFT) /* outer WB, inner WB */
#define PT_S2_MEMATTR_DEV_nGnRE (0x1ULL << PT_S2_MEMATTR_SHIFT)
#define PT_S2AP_R          BIT(6)
#define PT_S2AP_W          BIT(7)
/* EL2 stage 1 block/page */
#define PT_S1_ATTRIDX_SHIFT 2
#define PT_S1_ATTRIDX_MASK  (0x7ULL << PT_S1_ATTRIDX_SHIFT)
#define PT_S1_AP1          BIT(6) /* RES1 in the EL2 (E2H=0) single-range regime */
#define PT_S1_AP2_RO       BIT(7)

/* ---- MAIR_EL2 (the EL2 stage-1 AttrIndx values used here) ---- */
#define PT_MAIR_IDX_NORMAL   0u
#define PT_MAIR_IDX_DEVICE   1u
#define PT_MAIR_NORMAL_WB    0xffULL /* Normal, Inner/Outer WB non-transient RA WA */
#define PT_MAIR_DEVICE_nGnRE 0x04ULL
#define PT_MAIR_EL2_VALUE \
	((PT_MAIR_NORMAL_WB << (8 * PT_MAIR_IDX_NORMAL)) | (PT_MAIR_DEVICE_nGnRE << (8 * PT_MAIR_IDX_DEVICE)))

/* ---- TCR_EL2 (E2H=0) / VTCR_EL2 fields ---- */
#define PT_TCR_T0SZ(x)     ((u64)(x) & 0x3f)
#define PT_VTCR_SL0_SHIFT  6       /* 4K granule: 0 = start level 2, 1 = level 1, 2 = level 0 */
#define PT_TCR_IRGN0_WBWA  (1ULL << 8)
#define PT_TCR_ORGN0_WBWA  (1ULL << 10)
#define PT_TCR_SH0_INNER   (3ULL << 12)
#define PT_TCR_TG0_4K      (0ULL << 14)
#define PT_TCR_PS_SHIFT    16
#define PT_TCR_EL2_RES1    (BIT(31) | BIT(23))
#define PT_VTCR_EL2_RES1   BIT(31)

/* ---- caller-supplied table memory and maintenance hooks ---- */
struct pt_ops {
	/* n in {1,2,4,8,16}: n physically contiguous, zeroed 4 KiB pages whose
	 * physical address is aligned to n * 4 KiB, or NULL. n > 1 only for a
	 * concatenated stage-2 root. Required. */
	void *(*alloc_tables)(void *ctx, u32 n);
	/* Give back pages from alloc_tables (same n). Optional: if NULL, pages
	 * are leaked on failure paths and by pt_destroy. */
	void (*free_tables)(void *ctx, void *va, u32 n);
	u64 (*to_phys)(void *ctx, void *va);  /* required */
	void *(*to_virt)(void *ctx, u64 pa);  /* required */
	void (*wbarrier)(void *ctx);          /* optional, see header comment */
	void (*tlbi)(void *ctx, u64 va, u32 level); /* optional, see header comment */
	void *ctx;
};

enum pt_kind { PT_STAGE2, PT_EL2 };

struct pgtable {
	enum pt_kind kind;
	u32 ia_bits;     /* input address size: IPA (stage 2) or VA (EL2) */
	u32 start_level; /* initial lookup level (0..2) */
	u32 root_pages;  /* 1, or 2..16 concatenated stage-2 root tables */
	u64 *root;
	u64 root_pa;     /* for VTTBR_EL2.BADDR / TTBR0_EL2 */
	const struct pt_ops *ops;
};

/*
 * ia_bits 32..48. Stage 2 uses the initial level with the fewest levels,
 * concatenating up to 16 root tables (Arm ARM D8.2, concatenated initial
 * tables): 32-34 bits -> level 2 with 4/8/16 tables, 35-39 -> level 1,
 * 40-43 -> level 1 with 2/4/8/16 tables, 44-48 -> level 0. EL2 stage 1 never
 * concatenates: 32-39 -> level 1, 40-48 -> level 0.
 */
int pt_init(struct pgtable *pt, enum pt_kind kind, u32 ia_bits, const struct pt_ops *ops);
/* Frees every table including the root (needs ops->free_tables). */
void pt_destroy(struct pgtable *pt);
int pt_map(struct pgtable *pt, u64 va, u64 pa, u64 size, u32 attr);
int pt_unmap(struct pgtable *pt, u64 va, u64 size);
/* Software walk. Any out pointer may be NULL. pa includes va's offset within
 * the page/block; level is the leaf level (1, 2 or 3). */
int pt_lookup(const struct pgtable *pt, u64 va, u64 *pa, u32 *attr, u32 *level);
/*
 * Register values (Arm ARM D19 system register descriptions). pa_range_bits
 * is the PA size (e.g. from ID_AA64MMFR0_EL1.PARange: 32,36,40,42,44,48;
 * other values round down to the nearest encoding, >48 is treated as 48).
 * VTCR_EL2: T0SZ, SL0, IRGN0/ORGN0 WBWA, SH0 inner, TG0 4K, PS, RES1; VS, HA,
 * HD etc. left 0 for the caller to OR in. Returns 0 if pt is not PT_STAGE2,
 * pa_range_bits < 32, or ia_bits > pa_range_bits (the IPA size must not
 * exceed the PA size).
 * TCR_EL2 (E2H=0): T0SZ, IRGN0/ORGN0 WBWA, SH0 inner, TG0 4K, PS, RES1
 * bits 31 and 23; TBI/HA/HD/HPD 0. Returns 0 if pt is not PT_EL2 or
 * pa_range_bits < 32.
 */
/*
 * PARange (ID_AA64MMFR0_EL1, Arm ARM D19.2.64) and {V}TCR_EL2.PS share one encoding.
 * pt_parange_of: encoding for a PA size, rounded down; -1 if pa_bits < 32.
 * pt_parange_bits: PA size for an encoding; 52 bits (0b0110) gives 48, unknown ones 32.
 */
int pt_parange_of(u32 pa_bits);
u32 pt_parange_bits(u64 enc);
u64 pt_vtcr_el2(const struct pgtable *pt, u32 pa_range_bits);
u64 pt_tcr_el2(const struct pgtable *pt, u32 pa_range_bits);

#endif
