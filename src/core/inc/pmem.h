/*
 * Physical memory range allocator for host-physical RAM: a fixed-capacity,
 * address-sorted list of free ranges, always fully coalesced (no two ranges
 * touch). No dynamic memory; not thread-safe (callers serialise).
 *
 * Byte granular: callers choose sizes/alignments (normally page multiples).
 * Every range [base, base + size) must satisfy size > 0 and
 * base + size <= 2^64 - 1 (the end must be representable), else
 * ERR_RANGE. Allocated ranges are not tracked: pmem_free only checks
 * that the range does not overlap free memory (catches double frees), it
 * cannot detect freeing memory that was never added.
 */
#ifndef RTV_PMEM_H
#define RTV_PMEM_H

#include <err.h>
#include <rtv_limits.h>
#include <types.h>

#define PMEM_MAX_RANGES ((u32)LIM_PMEM_RANGES)

/*
 * Errors (err.h): ERR_INVAL NULL argument, size 0, align not a power of two;
 * ERR_RANGE base + size overflows; ERR_EXIST pmem_add/pmem_free overlap memory
 * already free (pmem_free: a double free); ERR_BUSY pmem_reserve of a range not
 * entirely free; ERR_NOMEM pmem_alloc found no free range that fits; ERR_FULL the
 * range table is full (the operation would need a new slot).
 */

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
 * placement needs a range split while the table is full, ERR_FULL. */
int pmem_alloc(struct pmem *pm, u64 size, u64 align, u64 *base);
/* Return an allocated/reserved range; coalesces; refuses overlap with free
 * memory (double free). */
int pmem_free(struct pmem *pm, u64 base, u64 size);
u64 pmem_free_bytes(const struct pmem *pm);

#endif
