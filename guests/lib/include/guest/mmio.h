/*
 * MMIO accessors. Each is exactly one load/store with plain register
 * addressing (no writeback), so a trapped access has a valid syndrome
 * (ESR ISV=1) and a fault can be skipped by resuming at ELR+4.
 */
#ifndef GUEST_MMIO_H
#define GUEST_MMIO_H

#include <stdint.h>

/* mmio_read<bits>() / mmio_write<bits>(): ld/st<sfx> with register operand <r>. */
#define GUEST_MMIO_ACCESSORS(bits, type, sfx, r)                                        \
	static inline type mmio_read##bits(uintptr_t addr)                              \
	{                                                                               \
		type v;                                                                 \
		__asm__ volatile("ldr" sfx " %" r "0, [%1]" : "=r"(v) : "r"(addr) : "memory"); \
		return v;                                                               \
	}                                                                               \
	static inline void mmio_write##bits(uintptr_t addr, type v)                     \
	{                                                                               \
		__asm__ volatile("str" sfx " %" r "0, [%1]" : : "r"(v), "r"(addr) : "memory"); \
	}

GUEST_MMIO_ACCESSORS(8, uint8_t, "b", "w")
GUEST_MMIO_ACCESSORS(16, uint16_t, "h", "w")
GUEST_MMIO_ACCESSORS(32, uint32_t, "", "w")
GUEST_MMIO_ACCESSORS(64, uint64_t, "", "")

#endif
