/* Per-VM emulated MMIO windows: sorted insert, binary search on lookup. */
#include <err.h>
#include <lib.h>
#include <mmio.h>

void mmio_table_init(struct mmio_table *t, struct mmio_region *storage, u32 cap)
{
	t->nr = 0;
	t->cap = storage ? cap : 0;
	t->r = storage;
}

int mmio_register(struct mmio_table *t, u64 base, u64 size, mmio_fn fn, void *opaque)
{
	u32 i;

	if (!size || base + size < base || !fn)
		return ERR_INVAL;
	for (i = 0; i < t->nr && t->r[i].base < base; i++)
		;
	if ((i > 0 && t->r[i - 1].base + t->r[i - 1].size > base) ||
	    (i < t->nr && base + size > t->r[i].base))
		return ERR_EXIST; /* overlaps a neighbour */
	if (t->nr == t->cap)
		return ERR_FULL;
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
