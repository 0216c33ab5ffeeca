/*
 * Memory management: host-physical RAM allocation (pmem), the hypervisor's
 * own EL2 identity map, and VM stage-2 tables built with the table builder.
 */
#ifndef RTV_MM_H
#define RTV_MM_H

#include <arch/pgtable.h>
#include <rtv_limits.h>
#include <types.h>

#define MM_S2_IPA_BITS LIM_IPA_BITS

struct vm;

int mm_init(u64 dtb, u64 dtb_size);  /* boot CPU: RAM list + EL2 tables */
void mm_cpu_enable(void);            /* every CPU: turn on the EL2 MMU */
void mm_report(void);                /* boot log: the EL2 map read back (W^X, guard pages) */
int mm_reserve(u64 pa, u64 size);
int mm_alloc(u64 size, u64 *pa);
int mm_s2_init(struct pgtable *pt);
int mm_s2_map(struct pgtable *pt, u64 ipa, u64 pa, u64 size, bool device);
u64 mm_vtcr(void);
int mm_ipa_to_pa(const struct vm *vm, u64 ipa, u64 size, u64 *pa);
void mm_clean_dcache(u64 pa, u64 size);
void mm_sync_icache(void);
u64 mm_hv_base(void);
u64 mm_hv_size(void);

#endif
