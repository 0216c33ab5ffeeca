/*
 * Memory policy: who owns which host-physical RAM (pmem), and a VM's IPA-to-PA
 * view. The tables that enforce it are the architecture's (mm.h, last section).
 */
#include <err.h>
#include <lib.h>
#include <mm.h>
#include <platform_info.h>
#include <pmem.h>
#include <printk.h>
#include <shell.h>
#include <vm.h>

extern u8 _image_start[], _image_end[];

static struct pmem ram;

u64 mm_hv_base(void)
{
	return (u64)(uintptr_t)_image_start;
}

u64 mm_hv_size(void)
{
	return (u64)(uintptr_t)_image_end - (u64)(uintptr_t)_image_start;
}

/* The firmware DTB stays readable (the console may still be told about it): keep it. */
static int reserve_dtb(u64 dtb, u64 dtb_size)
{
	if (dtb < plat.ram_base || !dtb_size)
		return 0;
	return pmem_reserve(&ram, ALIGN_DOWN(dtb, SZ_4K), ALIGN_UP(dtb_size, SZ_4K) + SZ_4K);
}

int mm_init(u64 dtb, u64 dtb_size)
{
	int r;

	pmem_init(&ram);
	r = pmem_add(&ram, plat.ram_base, plat.ram_size);
	if (!r)
		r = pmem_reserve(&ram, mm_hv_base(), mm_hv_size());
	if (!r)
		r = reserve_dtb(dtb, dtb_size);
	return r ? r : arch_mmu_init();
}

int mm_reserve(u64 pa, u64 size)
{
	return pmem_reserve(&ram, pa, size);
}

int mm_alloc(u64 size, u64 *pa)
{
	return pmem_alloc(&ram, size, size >= SZ_2M ? SZ_2M : SZ_4K, pa);
}

/* Hypervisor data sized at run time (a VM's MMIO table): zeroed RAM, never freed. */
void *mm_alloc_hyp(u64 size)
{
	u64 pa;

	if (pmem_alloc(&ram, ALIGN_UP(size, SZ_4K), SZ_4K, &pa))
		return NULL;
	memset((void *)(uintptr_t)pa, 0, ALIGN_UP(size, SZ_4K));
	return (void *)(uintptr_t)pa;
}

void *mm_vm_page(struct vm *vm, u64 ipa, u64 size, bool read_only, const char *what,
		 char *msg, size_t len)
{
	void *page = mm_alloc_hyp(size);
	u64 pa = (u64)(uintptr_t)page;

	if (!page) {
		snprintf(msg, len, "%s: no RAM for it", what);
		return NULL;
	}
	if (read_only ? vm_arch_map_ro(vm, ipa, pa, size) : vm_arch_map(vm, ipa, pa, size, false)) {
		snprintf(msg, len, "%s: stage-2 map failed", what);
		return NULL;
	}
	return page;
}

int mm_ipa_to_pa(const struct vm *vm, u64 ipa, u64 size, u64 *pa)
{
	for (u32 i = 0; i < vm->cfg->nr_mem; i++) {
		const struct vm_mem *m = &vm->mem[i];

		if (ipa >= m->ipa && size <= m->size && ipa - m->ipa <= m->size - size) {
			*pa = m->pa + (ipa - m->ipa);
			return 0;
		}
	}
	return ERR_RANGE;
}

/* ---- shell: `mm`, what a leak check compares (make soak's failover part) ---- */

static void mm_show(int argc, char **argv)
{
	u64 free = 0, largest = 0;
	u32 used, total;

	(void)argc;
	(void)argv;
	for (u32 i = 0; i < ram.count; i++) {
		free += ram.r[i].size;
		largest = ram.r[i].size > largest ? ram.r[i].size : largest;
	}
	arch_mmu_tables(&used, &total);
	printk("  mm: free RAM %lu bytes in %u ranges (largest %lu); translation tables %u of "
	       "%u pages\n", free, ram.count, largest, used, total);
}

SHELL_CMD(mm) = { "mm", NULL, 0, 0, "mm", mm_show };
