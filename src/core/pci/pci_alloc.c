/* Bump allocation of naturally aligned BAR ranges (pci_alloc.h). */
#include <err.h>
#include <pci_alloc.h>

void pci_alloc_init(struct pci_alloc *a, u64 base, u64 size)
{
	a->next = base;
	a->end = size <= ~(u64)0 - base ? base + size : ~(u64)0;
}

#define NO_ROOM (~(u64)0) /* never an aligned address: align is at least 2 */

/* next rounded up to align, or NO_ROOM if that wraps or leaves the window. */
static u64 aligned_next(const struct pci_alloc *a, u64 align)
{
	u64 at = (a->next + align - 1) & ~(align - 1);

	return at < a->next || at > a->end ? NO_ROOM : at;
}

int pci_alloc_align(struct pci_alloc *a, u64 align)
{
	u64 at = aligned_next(a, align);

	if (at == NO_ROOM)
		return ERR_NOMEM;
	a->next = at;
	return 0;
}

/* Nothing changes when the range does not fit. */
int pci_alloc_take(struct pci_alloc *a, u64 size, u64 *addr)
{
	u64 sz = size < PCI_ALLOC_MIN ? PCI_ALLOC_MIN : size;
	u64 at;

	if (!size || (size & (size - 1)))
		return ERR_INVAL;
	at = aligned_next(a, sz);
	if (at == NO_ROOM || sz > a->end - at)
		return ERR_NOMEM;
	*addr = at;
	a->next = at + sz;
	return 0;
}
