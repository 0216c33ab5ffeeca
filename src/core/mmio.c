/* Per-VM emulated MMIO regions: sorted insert, binary search on lookup. */
#include <lib.h>
#include <mmio.h>

int mmio_register(struct mmio_table *t, u64 base, u64 size, mmio_fn fn, void *opaque)
{
	u32 i;

	if (t->nr == MMIO_MAX_REGIONS || !size || base + size < base)
		return -1;
	for (i = 0; i < t->nr && t->r[i].base < base; i++)
		;
	if ((i > 0 && t->r[i - 1].base + t->r[i - 1].size > base) ||
	    (i < t->nr && base + size > t->r[i].base))
		return -1; /* overlaps a neighbour */
	memmove(&t->r[i + 1], &t->r[i], (t->nr - i) * sizeof(t->r[0]));
	t->r[i] = (struct mmio_region){ base, size, fn, opaque };
	t->nr++;
	return 0;
}

const struct mmio_region *mmio_find(const struct mmio_table *t, u64 addr)
{
	u32 lo = 0, hi = t->nr;

	while (lo < hi) {
		u32 mid = (lo + hi) / 2;
		const struct mmio_region *r = &t->r[mid];

		if (addr < r->base)
			hi = mid;
		else if (addr - r->base >= r->size)
			lo = mid + 1;
		else
			return r;
	}
	return NULL;
}
