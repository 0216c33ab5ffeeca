/*
 * Per-VM table of emulated MMIO windows, sorted by base and binary-searched on a
 * stage-2 data abort. Its size comes from the device units (vdev_mmio_windows()),
 * its storage from the VM's creation. A handler returns a trap status; accesses
 * no window claims go to the fault policy (core/fault.c).
 */
#ifndef RTV_MMIO_H
#define RTV_MMIO_H

#include <trap.h>
#include <types.h>

struct vcpu;

struct mmio_access {
	u64 addr;     /* IPA */
	u64 offset;   /* from the window base */
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
	u32 nr, cap;
	struct mmio_region *r;   /* cap entries */
};

void mmio_table_init(struct mmio_table *t, struct mmio_region *storage, u32 cap);
/* 0, ERR_INVAL (empty or wrapping window), ERR_EXIST (overlaps one) or ERR_FULL. */
int mmio_register(struct mmio_table *t, u64 base, u64 size, mmio_fn fn, void *opaque);
const struct mmio_region *mmio_find(const struct mmio_table *t, u64 addr);

#endif
