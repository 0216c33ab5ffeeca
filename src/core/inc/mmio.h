/*
 * Per-VM table of emulated MMIO regions, sorted by base and binary-searched
 * on a stage-2 data abort. A handler returns a trap status; accesses no region
 * claims go to the fault policy (core/fault.c).
 */
#ifndef RTV_MMIO_H
#define RTV_MMIO_H

#include <rtv_limits.h>
#include <trap.h>
#include <types.h>

#define MMIO_MAX_REGIONS LIM_MMIO_REGIONS

struct vcpu;

struct mmio_access {
	u64 addr;     /* IPA */
	u64 offset;   /* from the region base */
	u32 size;     /* 1, 2, 4 or 8 bytes */
	bool write;
	u64 val;      /* value written, or filled in by a read handler */
};

typedef enum trap_status (*mmio_fn)(struct vcpu *v, struct mmio_access *a, void *opaque);

struct mmio_region {
	u64 base, size;
	mmio_fn handler;
	void *opaque;
};

struct mmio_table {
	u32 nr;
	struct mmio_region r[MMIO_MAX_REGIONS];
};

int mmio_register(struct mmio_table *t, u64 base, u64 size, mmio_fn fn, void *opaque);
const struct mmio_region *mmio_find(const struct mmio_table *t, u64 addr);

#endif
