/*
 * Memory: host-physical RAM ownership (pmem), a VM's IPA-to-PA view, and the
 * architecture's translation tables and caches that enforce and use them.
 */
#ifndef RTV_MM_H
#define RTV_MM_H

#include <rtv_limits.h>
#include <types.h>

#define MM_S2_IPA_BITS LIM_IPA_BITS

struct vm;

int mm_init(u64 dtb, u64 dtb_size);  /* boot CPU: RAM list, then the EL2 tables */
int mm_reserve(u64 pa, u64 size);
int mm_alloc(u64 size, u64 *pa);
void *mm_alloc_hyp(u64 size);        /* zeroed hypervisor data, or NULL */
/* Zeroed hypervisor memory that vm also sees at ipa (normal memory, read-only or not),
 * or NULL with msg saying, under what's name, why (no RAM, stage-2 table pool full). */
void *mm_vm_page(struct vm *vm, u64 ipa, u64 size, bool read_only, const char *what,
		 char *msg, size_t len);
int mm_ipa_to_pa(const struct vm *vm, u64 ipa, u64 size, u64 *pa);
u64 mm_hv_base(void);
u64 mm_hv_size(void);

/*
 * Provided by the architecture (src/arch/<arch>/):
 */
int arch_mmu_init(void);             /* boot CPU: the hypervisor's own map (W^X, guards) */
void arch_mmu_cpu_enable(void);      /* every CPU: turn that map on */
void arch_mmu_report(void);          /* boot log: the map read back */
/* Pages of the translation-table pool in use (EL2 and every stage 2), and in all. */
void arch_mmu_tables(u32 *used, u32 *total);
/* Boot CPU, before the other pCPUs start: device memory above RAM (the PCIe ECAM) into
 * the hypervisor's map, RW, execute-never. 0 or ERR_* (ERR_NOMEM: table pool full). */
int arch_mmu_map_device(u64 pa, u64 size);
/* Device memory anywhere (a 64-bit PCI window beyond the hypervisor's VA range): mapped,
 * its VA in *va (the PA where the identity map reaches it). Boot CPU, VM creation. */
int arch_mmu_map_device_va(u64 pa, u64 size, u64 *va);
void arch_dcache_clean(u64 pa, u64 size); /* to the point of coherency */
void arch_dcache_clean_inval(u64 pa, u64 size); /* and drop the lines (memory a guest maps
                                                   non-cacheable: both see RAM) */
void arch_icache_sync(void);         /* after writing instructions (guest images) */
void arch_icache_sync_all(void);     /* the same on every pCPU (a running VM's code) */

#endif
