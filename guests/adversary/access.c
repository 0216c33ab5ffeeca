/*
 * Single loads and stores of 1, 2, 4 or 8 bytes, each one instruction with
 * plain register addressing (a trapped access has a valid syndrome), under
 * the library's expect-fault: a refused access is counted and skipped.
 */
#include "guest/fault.h"
#include "adversary.h"

static uint64_t access_load(uintptr_t a, unsigned size_log2)
{
	uint64_t v;

	switch (size_log2) {
	case 0: __asm__ volatile("ldrb %w0, [%1]" : "=r"(v) : "r"(a) : "memory"); break;
	case 1: __asm__ volatile("ldrh %w0, [%1]" : "=r"(v) : "r"(a) : "memory"); break;
	case 2: __asm__ volatile("ldr %w0, [%1]" : "=r"(v) : "r"(a) : "memory"); break;
	default: __asm__ volatile("ldr %0, [%1]" : "=r"(v) : "r"(a) : "memory"); break;
	}
	return v;
}

static void access_store(uintptr_t a, unsigned size_log2, uint64_t v)
{
	switch (size_log2) {
	case 0: __asm__ volatile("strb %w0, [%1]" : : "r"(v), "r"(a) : "memory"); break;
	case 1: __asm__ volatile("strh %w0, [%1]" : : "r"(v), "r"(a) : "memory"); break;
	case 2: __asm__ volatile("str %w0, [%1]" : : "r"(v), "r"(a) : "memory"); break;
	default: __asm__ volatile("str %0, [%1]" : : "r"(v), "r"(a) : "memory"); break;
	}
}

/* Returns the number of exceptions; *v is 0 if the load was refused. */
unsigned access_read(uintptr_t addr, unsigned size_log2, uint64_t *v)
{
	struct fault_info f;
	unsigned n;
	uint64_t r;

	fault_expect_begin(FAULT_RESUME_NEXT);
	r = access_load(addr, size_log2);
	n = fault_expect_end(&f);
	adv_fault_account(n, f.esr);
	*v = n ? 0 : r;
	return n;
}

unsigned access_write(uintptr_t addr, unsigned size_log2, uint64_t v)
{
	struct fault_info f;
	unsigned n;

	fault_expect_begin(FAULT_RESUME_NEXT);
	access_store(addr, size_log2, v);
	n = fault_expect_end(&f);
	adv_fault_account(n, f.esr);
	return n;
}
