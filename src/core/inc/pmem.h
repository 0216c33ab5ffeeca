/*
 * Physical memory range allocator for host-physical RAM: a fixed-capacity,
 * address-sorted list of free ranges, always fully coalesced (no two ranges
 * touch). No dynamic memory; not thread-safe (callers serialise).
 *
 * Byte granular: callers choose sizes/alignments (normally page multiples).
 * Every range [base, base + size) must satisfy size > 0 and
 * base + size <= 2^64 - 1 (the end must be representable), else
 * PMEM_ERR_RANGE. Allocated ranges are not tracked: pmem_free only checks
 * that the range does not overlap free memory (catches double frees), it
 * cannot detect freeing memory that was never added.
 */
#ifndef RTV_PMEM_H
#define RTV_PMEM_H

#include <rtv_limits.h>
#include <types.h>

#define PMEM_MAX_RANGES ((u32)LIM_PMEM_RANGES)

/* Negative error codes, all distinct */
#define PMEM_ERR_INVAL      (-1) /* NULL argument, size 0, align not a power of two */
#define PMEM_ERR_RANGE      (-2) /* base + size overflows */
#define PMEM_ERR_OVERLAP    (-3) /* pmem_add: overlaps memory already free */
#define PMEM_ERR_FULL       (-4) /* range table full (the operation would need a new slot) */
#define PMEM_ERR_NOTFREE    (-5) /* pmem_reserve: range not entirely free */
#define PMEM_ERR_NOMEM      (-6) /* pmem_alloc: no free range fits */
#define PMEM_ERR_DOUBLEFREE (-7) /* pmem_free: overlaps memory already free */

struct pmem_range {
	u64 base;
	u64 size;
};

struct pmem {
	u32 count;                              /* used entries of r[] */
	struct pmem_range r[PMEM_MAX_RANGES];   /* sorted by base, coalesced */
};

void pmem_init(struct pmem *pm);
/* Add free RAM. Coalesces with neighbours; refuses overlap with free RAM. */
int pmem_add(struct pmem *pm, u64 base, u64 size);
/* Take a fixed range out; it must be entirely free. */
int pmem_reserve(struct pmem *pm, u64 base, u64 size);
/* First fit at the lowest address: *base is the lowest address aligned to
 * align (a power of two) with [*base, *base + size) free. If the chosen
 * placement needs a range split while the table is full, PMEM_ERR_FULL. */
int pmem_alloc(struct pmem *pm, u64 size, u64 align, u64 *base);
/* Return an allocated/reserved range; coalesces; refuses overlap with free
 * memory (double free). */
int pmem_free(struct pmem *pm, u64 base, u64 size);
u64 pmem_free_bytes(const struct pmem *pm);

#endif
