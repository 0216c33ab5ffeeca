/* BAR allocation: natural alignment, one 4 KiB page at least, window limits. */
#include <err.h>
#include <pci_alloc.h>

#include "harness.h"

TEST(small_bars_get_a_page_each)
{
	struct pci_alloc a;
	u64 x = 0, y = 0;

	pci_alloc_init(&a, 0x1000, 0xf000);   /* the I/O window without port 0 */
	CHECK_EQ(pci_alloc_take(&a, 8, &x), 0);
	CHECK_EQ(pci_alloc_take(&a, 0x100, &y), 0);
	CHECK_EQ(x, 0x1000);
	CHECK_EQ(y, 0x2000);                 /* never in x's page */
}

TEST(large_bars_are_naturally_aligned)
{
	struct pci_alloc a;
	u64 x = 0, y = 0;

	pci_alloc_init(&a, 0x10000000, 0x2eff0000);
	CHECK_EQ(pci_alloc_take(&a, 0x1000, &x), 0);
	CHECK_EQ(pci_alloc_take(&a, 0x100000, &y), 0);
	CHECK_EQ(x, 0x10000000);
	CHECK_EQ(y, 0x10100000);
	CHECK_EQ(pci_alloc_align(&a, 0x100000), 0);
	CHECK_EQ(a.next, 0x10200000);
}

TEST(window_full_and_bad_sizes)
{
	struct pci_alloc a;
	u64 x = 0;

	pci_alloc_init(&a, 0x1000, 0x2000);
	CHECK_EQ(pci_alloc_take(&a, 0x3000, &x), ERR_INVAL);   /* not a power of two */
	CHECK_EQ(pci_alloc_take(&a, 0, &x), ERR_INVAL);
	CHECK_EQ(pci_alloc_take(&a, 0x2000, &x), ERR_NOMEM);   /* aligned to 0x2000: past it */
	CHECK_EQ(pci_alloc_take(&a, 0x1000, &x), 0);
	CHECK_EQ(pci_alloc_take(&a, 0x1000, &x), 0);
	CHECK_EQ(pci_alloc_take(&a, 0x1000, &x), ERR_NOMEM);
	pci_alloc_init(&a, ~0ULL - 0xfff, 0x10000);            /* clamps, never wraps */
	CHECK_EQ(pci_alloc_take(&a, 0x2000, &x), ERR_NOMEM);
}

int main(void)
{
	RUN(small_bars_get_a_page_each);
	RUN(large_bars_are_naturally_aligned);
	RUN(window_full_and_bad_sizes);
	HARNESS_END("test_pci_alloc");
}
