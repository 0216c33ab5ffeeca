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

/* A pair of 32-bit loads or stores; the values are leak-checked by the caller's class. */
unsigned access_pair(uintptr_t addr, bool write, uint64_t v[2])
{
	struct fault_info f;
	uint32_t a = (uint32_t)rng_value(), b = (uint32_t)rng_value();
	unsigned n;

	fault_expect_begin(FAULT_RESUME_NEXT);
	if (write)
		__asm__ volatile("stp %w0, %w1, [%2]" : : "r"(a), "r"(b), "r"(addr) : "memory");
	else
		__asm__ volatile("ldp %w0, %w1, [%2]" : "+r"(a), "+r"(b) : "r"(addr) : "memory");
	n = fault_expect_end(&f);
	adv_fault_account(n, f.esr);
	v[0] = n ? 0 : a;
	v[1] = n ? 0 : b;
	return n;
}
