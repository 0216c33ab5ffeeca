/*
 * Physical memory range allocator: sorted, coalesced array of free ranges.
 * Invariants after every successful call:
 *   r[i].size > 0, r[i].base + r[i].size <= UINT64_MAX,
 *   r[i].base + r[i].size < r[i + 1].base (sorted, disjoint, not touching).
 * Every failing call leaves the structure unchanged.
 */
#include <err.h>
#include <pmem.h>

static u64 range_end(const struct pmem_range *r)
{
	return r->base + r->size;
}

static int check_range(u64 base, u64 size)
{
	if (size == 0)
		return ERR_INVAL;
	if (base > UINT64_MAX - size)
		return ERR_RANGE;
	return 0;
}

static void remove_at(struct pmem *pm, u32 i)
{
	for (u32 j = i; j + 1 < pm->count; j++)
		pm->r[j] = pm->r[j + 1];
	pm->count--;
}

static int insert_at(struct pmem *pm, u32 i, u64 base, u64 size)
{
	if (pm->count >= PMEM_MAX_RANGES)
		return ERR_FULL;
	for (u32 j = pm->count; j > i; j--)
		pm->r[j] = pm->r[j - 1];
	pm->r[i] = (struct pmem_range){ .base = base, .size = size };
	pm->count++;
	return 0;
}

/* Index of the first range whose base is above 'base' (count if none). */
static u32 upper_index(const struct pmem *pm, u64 base)
{
	u32 i = 0;

	while (i < pm->count && pm->r[i].base <= base)
		i++;
	return i;
}

/* Insert a free range, merging with touching neighbours. */
static int insert_free(struct pmem *pm, u64 base, u64 size)
{
	u32 i = upper_index(pm, base);
	struct pmem_range *prev = i > 0 ? &pm->r[i - 1] : NULL;
	struct pmem_range *next = i < pm->count ? &pm->r[i] : NULL;
	u64 end = base + size;
	bool join_prev, join_next;

	if ((prev && range_end(prev) > base) || (next && end > next->base))
		return ERR_EXIST;
	join_prev = prev && range_end(prev) == base;
	join_next = next && next->base == end;
	if (join_prev && join_next) {
		prev->size += size + next->size;
		remove_at(pm, i);
	} else if (join_prev) {
		prev->size += size;
	} else if (join_next) {
		next->base = base;
		next->size += size;
	} else {
		return insert_at(pm, i, base, size);
	}
	return 0;
}

/* Remove [base, base + size), which lies inside r[i], from the free list. */
static int carve(struct pmem *pm, u32 i, u64 base, u64 size)
{
	struct pmem_range *r = &pm->r[i];
	u64 end = base + size;
	u64 rend = range_end(r);

	if (base == r->base && end == rend) {
		remove_at(pm, i);
	} else if (base == r->base) {
		r->base = end;
		r->size = rend - end;
	} else if (end == rend) {
		r->size = base - r->base;
	} else {
		if (pm->count >= PMEM_MAX_RANGES)
			return ERR_FULL;
		r->size = base - r->base;
		return insert_at(pm, i + 1, end, rend - end);
	}
	return 0;
}

void pmem_init(struct pmem *pm)
{
	if (pm)
		pm->count = 0; /* entries beyond count are never read */
}

int pmem_add(struct pmem *pm, u64 base, u64 size)
{
	int rc;

	if (!pm)
		return ERR_INVAL;
	rc = check_range(base, size);
	return rc ? rc : insert_free(pm, base, size);
}

/* Freeing is adding back: refused (ERR_EXIST) if some of it is already free. */
int pmem_free(struct pmem *pm, u64 base, u64 size)
{
	return pmem_add(pm, base, size);
}

int pmem_reserve(struct pmem *pm, u64 base, u64 size)
{
	int rc;

	if (!pm)
		return ERR_INVAL;
	rc = check_range(base, size);
	if (rc)
		return rc;
	/* Ranges are coalesced, so a free interval lies inside a single range. */
	for (u32 i = 0; i < pm->count; i++) {
		const struct pmem_range *r = &pm->r[i];

		if (r->base <= base && base + size <= range_end(r))
			return carve(pm, i, base, size);
	}
	return ERR_BUSY;
}

int pmem_alloc(struct pmem *pm, u64 size, u64 align, u64 *base)
{
	if (!pm || !base || size == 0 || align == 0 || (align & (align - 1)))
		return ERR_INVAL;
	for (u32 i = 0; i < pm->count; i++) {
		const struct pmem_range *r = &pm->r[i];
		u64 rend = range_end(r);
		u64 a;
		int rc;

		if (r->base > UINT64_MAX - (align - 1))
			break; /* rounding up would wrap; later ranges are higher */
		a = ALIGN_UP(r->base, align);
		if (a >= rend || rend - a < size)
			continue;
		rc = carve(pm, i, a, size);
		if (rc)
			return rc;
		*base = a;
		return 0;
	}
	return ERR_NOMEM;
}

u64 pmem_free_bytes(const struct pmem *pm)
{
	u64 sum = 0;

	if (!pm)
		return 0;
	for (u32 i = 0; i < pm->count; i++)
		sum += pm->r[i].size;
	return sum;
}
