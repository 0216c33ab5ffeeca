/*
 * The arm64 memory-management unit as rtvisor uses it: the EL2 stage-1 identity
 * map of the hypervisor (W^X, stack guard pages), stage-2 tables for VMs, the
 * page-table page pool both draw from, and cache maintenance by VA to PoC.
 * Registers: Arm ARM D19.2 (SCTLR_EL2, TCR_EL2, TTBR0_EL2, MAIR_EL2, VTCR_EL2).
 */
#include <arch/mmu.h>
#include <arch/pgtable.h>
#include <arch/sysregs.h>
#include <cpu.h>
#include <lib.h>
#include <mm.h>
#include <platform_info.h>
#include <printk.h>
#include <vm.h>

#define PT_POOL_PAGES LIM_PT_POOL_PAGES
#define EL2_VA_BITS 39
#define SCTLR_EL2_RES1 0x30c50830ULL
#define SCTLR_M BIT(0)
#define SCTLR_C BIT(2)
#define SCTLR_SA BIT(3)
#define SCTLR_I BIT(12)
#define SCTLR_WXN BIT(19)

extern u8 _text_end[], _rodata_end[];

static u8 pt_pool[PT_POOL_PAGES][4096] __attribute__((aligned(65536)));
static u32 pt_pool_used;
static struct pgtable hyp_pt;
static u32 pa_bits;
static u64 vtcr;

static void *pool_alloc(void *ctx, u32 n)
{
	u32 start = ALIGN_UP(pt_pool_used, n);

	(void)ctx;
	if (start + n > PT_POOL_PAGES)
		return NULL;
	pt_pool_used = start + n;
	memset(pt_pool[start], 0, (size_t)n * 4096);
	return pt_pool[start];
}

static u64 ident_phys(void *ctx, void *va)
{
	(void)ctx;
	return (u64)(uintptr_t)va;
}

static void *ident_virt(void *ctx, u64 pa)
{
	(void)ctx;
	return (void *)(uintptr_t)pa;
}

static void wbarrier(void *ctx)
{
	(void)ctx;
	dsb(ishst);
}

static const struct pt_ops pool_ops = {
	.alloc_tables = pool_alloc,
	.to_phys = ident_phys,
	.to_virt = ident_virt,
	.wbarrier = wbarrier,
};

static u64 sym(const u8 *s)
{
	return (u64)(uintptr_t)s;
}

/*
 * W^X for the hypervisor's own image (issue 19). EL2 stage 1 in the single-range regime
 * (Arm ARM DDI 0487, D8 "The AArch64 Virtual Memory System Architecture", stage 1 data
 * access permissions and execute-never): AP[2] (bit 7) = 1 makes a page read-only, and
 * XN (bit 54) makes it execute-never; pgtable.c sets them from PT_W / PT_X. Text is
 * R+X, rodata R, everything else RW+XN (RAM was mapped so); the guard page below each
 * EL2 stack is unmapped, so an overflow faults (reported by hyp_panic, entry.S).
 */
static int protect_image(void)
{
	int r = pt_map(&hyp_pt, mm_hv_base(), mm_hv_base(), sym(_text_end) - mm_hv_base(),
		       PT_R | PT_X);

	if (!r)
		r = pt_map(&hyp_pt, sym(_text_end), sym(_text_end),
			   sym(_rodata_end) - sym(_text_end), PT_R);
	for (u32 i = 0; !r && i < MAX_CPUS; i++)
		r = pt_unmap(&hyp_pt, sym(cpu_stacks[i]), CPU_STACK_GUARD);
	return r;
}

int arch_mmu_init(void)
{
	int r;

	pa_bits = pt_parange_bits(read_sysreg(id_aa64mmfr0_el1) & 0xf);
	r = pt_init(&hyp_pt, PT_EL2, EL2_VA_BITS, &pool_ops);
	/* All RAM (the hypervisor loads guest images through it), RW and execute-never, and
	 * the device window below it; then the image's own permissions. */
	if (!r)
		r = pt_map(&hyp_pt, plat.ram_base, plat.ram_base, plat.ram_size, PT_R | PT_W);
	if (!r)
		r = pt_map(&hyp_pt, 0, 0, ALIGN_DOWN(plat.ram_base, SZ_2M),
			   PT_R | PT_W | PT_DEVICE);
	return r ? r : protect_image();
}

/* New entries only fill invalid ones (no break-before-make); the barrier publishes them. */
int arch_mmu_map_device(u64 pa, u64 size)
{
	int r = pt_map(&hyp_pt, pa, pa, size, PT_R | PT_W | PT_DEVICE);

	dsb(ish);
	isb();
	return r;
}

/*
 * Device memory beyond the EL2 VA range (a PCIe 64-bit window at 512 GiB): mapped at
 * VAs handed out from a window high in the range that nothing else uses. Below the
 * range the identity map is used (the device window below RAM is mapped already).
 */
#define IOREMAP_BASE 0x7000000000ULL
#define IOREMAP_END 0x7f00000000ULL
static u64 ioremap_next = IOREMAP_BASE;

int arch_mmu_map_device_va(u64 pa, u64 size, u64 *va)
{
	u64 off = pa & (SZ_4K - 1), len = ALIGN_UP(size + off, SZ_4K);
	int r;

	if (pa + size <= plat.ram_base) {
		*va = pa;
		return 0;
	}
	if (pa + size <= (1ULL << EL2_VA_BITS) && (pa + size <= IOREMAP_BASE || pa >= IOREMAP_END)) {
		*va = pa;
		return arch_mmu_map_device(pa, size);
	}
	if (len > IOREMAP_END - ioremap_next)
		return ERR_NOMEM;
	r = pt_map(&hyp_pt, ioremap_next, pa - off, len, PT_R | PT_W | PT_DEVICE);
	dsb(ish);
	isb();
	if (r)
		return r;
	*va = ioremap_next + off;
	ioremap_next += len;
	return 0;
}

/* Read the EL2 map back: 1 if it is W^X as protect_image() meant, for the boot log. */
static bool hyp_map_is_wx(void)
{
	u32 text = 0, ro = 0, data = 0, guard;
	bool ok;

	ok = !pt_lookup(&hyp_pt, mm_hv_base(), NULL, &text, NULL) &&
	     !pt_lookup(&hyp_pt, sym(_text_end), NULL, &ro, NULL) &&
	     !pt_lookup(&hyp_pt, sym(_rodata_end), NULL, &data, NULL);
	guard = (u32)pt_lookup(&hyp_pt, sym(cpu_stacks[0]), NULL, NULL, NULL);
	return ok && text == (PT_R | PT_X) && ro == PT_R && data == (PT_R | PT_W) && guard;
}

void arch_mmu_report(void)
{
	printk("rtvisor: mm: EL2 map %s: text 0x%lx RX, rodata 0x%lx R, data 0x%lx RW XN, "
	       "%u stack guard pages\n", hyp_map_is_wx() ? "W^X" : "NOT W^X", mm_hv_base(),
	       sym(_text_end), sym(_rodata_end), (u32)MAX_CPUS);
}

void arch_mmu_tables(u32 *used, u32 *total)
{
	*used = pt_pool_used;
	*total = PT_POOL_PAGES;
}

void arch_mmu_cpu_enable(void)
{
	write_sysreg(mair_el2, PT_MAIR_EL2_VALUE);
	write_sysreg(tcr_el2, pt_tcr_el2(&hyp_pt, pa_bits));
	write_sysreg(ttbr0_el2, hyp_pt.root_pa);
	dsb(ish);
	__asm__ volatile("tlbi alle2" : : : "memory");
	dsb(ish);
	isb();
	/* WXN: any writable page is also execute-never (Arm ARM D19.2 SCTLR_EL2.WXN) */
	write_sysreg(sctlr_el2, SCTLR_EL2_RES1 | SCTLR_M | SCTLR_C | SCTLR_SA | SCTLR_I | SCTLR_WXN);
	isb();
}

int vm_arch_init(struct vm *vm)
{
	int r = pt_init(&vm->arch.s2, PT_STAGE2, MM_S2_IPA_BITS, &pool_ops);

	if (!r && !vtcr)
		vtcr = pt_vtcr_el2(&vm->arch.s2, pa_bits);
	return r;
}

int vm_arch_map(struct vm *vm, u64 ipa, u64 pa, u64 size, bool device)
{
	return pt_map(&vm->arch.s2, ipa, pa, size, device ? PT_R | PT_W | PT_DEVICE : PT_R | PT_W | PT_X);
}

/* Stage-2 S2AP = read-only, XN (Arm ARM D8.3.2): a guest write is a permission fault. */
int vm_arch_map_ro(struct vm *vm, u64 ipa, u64 pa, u64 size)
{
	return pt_map(&vm->arch.s2, ipa, pa, size, PT_R);
}

/*
 * Stage-2 TLB maintenance for the VM's VMID from EL2 (Arm ARM DDI 0487 D8 "TLB
 * maintenance" and C5.5 "TLB maintenance instructions"): the instructions act on the
 * VMID in this pCPU's VTTBR_EL2, so it is borrowed (nothing at EL2 translates through
 * stage 2). DSB ISHST first, so the invalid descriptors are seen before the
 * invalidation; TLBI IPAS2E1IS per page removes the stage-2 entries, and as entries
 * combining stage 1 and stage 2 may hold the old output address, a DSB ISH and then
 * TLBI VMALLE1IS removes those; the final DSB ISH waits until every PE of the Inner
 * Shareable domain has completed the invalidation (D8, "Ordering and completion of TLB
 * maintenance instructions"). Broadcast by the hardware: no other pCPU does any work.
 * A larger range takes TLBI VMALLS12E1IS (every stage 1 and stage 2 entry of the VMID).
 */
#define S2_TLBI_PAGES 16U

static void s2_tlbi_range(struct vm *vm, u64 ipa, u64 size)
{
	u64 vttbr = read_sysreg(vttbr_el2);

	dsb(ishst);
	write_sysreg(vttbr_el2, (u64)vm->vmid << 48 | vm->arch.s2.root_pa);
	isb();
	if (size / SZ_4K <= S2_TLBI_PAGES) {
		for (u64 a = ipa; a < ipa + size; a += SZ_4K)
			__asm__ volatile("tlbi ipas2e1is, %0" : : "r"(a >> 12) : "memory");
		dsb(ish);
		__asm__ volatile("tlbi vmalle1is" : : : "memory");
	} else {
		__asm__ volatile("tlbi vmalls12e1is" : : : "memory");
	}
	dsb(ish);
	write_sysreg(vttbr_el2, vttbr);
	isb();
}

/* Whole mappings only (pt_unmap then splits no block: no break-before-make needed). */
int vm_arch_unmap(struct vm *vm, u64 ipa, u64 size)
{
	int r = pt_unmap(&vm->arch.s2, ipa, size);

	s2_tlbi_range(vm, ipa, size);
	return r;
}

u64 mmu_vtcr(void)
{
	return vtcr;
}

static u64 dcache_line(void)
{
	return 4ULL << ((read_sysreg(ctr_el0) >> 16) & 0xf);
}

void arch_dcache_clean(u64 pa, u64 size)
{
	u64 line = dcache_line();

	for (u64 a = ALIGN_DOWN(pa, line); a < pa + size; a += line)
		__asm__ volatile("dc cvac, %0" : : "r"(a) : "memory");
	dsb(ish);
}

/* DC CIVAC (Arm ARM C5.3.17): clean and invalidate by VA to the point of coherency. */
void arch_dcache_clean_inval(u64 pa, u64 size)
{
	u64 line = dcache_line();

	dsb(ish);
	for (u64 a = ALIGN_DOWN(pa, line); a < pa + size; a += line)
		__asm__ volatile("dc civac, %0" : : "r"(a) : "memory");
	dsb(ish);
}

/* IC IALLUIS: broadcast to the Inner Shareable domain, so the pCPUs of a VM whose code
 * was written (a debugger's breakpoint) fetch it anew (Arm ARM D7 "Instruction cache
 * maintenance"); the data was cleaned first. */
void arch_icache_sync_all(void)
{
	dsb(ish);
	__asm__ volatile("ic ialluis" : : : "memory");
	dsb(ish);
	isb();
}

void arch_icache_sync(void)
{
	__asm__ volatile("ic iallu" : : : "memory");
	dsb(ish);
	isb();
}
