/*
 * The values a round loads, and the comparison of what it read back.
 *
 * Every 64-bit half of every register is mix64() of a different input (VM, round,
 * register, half), and mix64 is a bijection: no two halves, registers, rounds or
 * VMs ever hold the same value, so a register restored from the wrong slot, the
 * wrong half, an earlier round or another VM is always seen.
 */
#include <stdbool.h>
#include "guest/console.h"
#include "guest/printf.h"
#include "fpcheck.h"

#define SLOT_CONTROL 32U	/* the input slot of FPSR/FPCR, after V0-V31 */

/* Flags written directly; DZC comes from the division in fp_load. */
static const uint64_t fpsr_flags[] = { FPSR_IOC, FPSR_OFC, FPSR_UFC, FPSR_IXC, FPSR_IDC,
				       FPSR_QC };
static const uint64_t fpcr_flags[] = { FPCR_FZ, FPCR_DN, FPCR_AHP };

/* splitmix64's finaliser: each step (add, xor-shift, odd multiply) can be undone. */
static uint64_t mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* Distinct for vm < 2^16, round < 2^41, slot < 64, half < 2. */
static uint64_t value(unsigned vm, uint64_t round, unsigned slot, unsigned half)
{
	return mix64((uint64_t)vm << 48 | round << 7 | slot << 1 | half);
}

/* The bits of `flags` selected by the low bits of bits. */
static uint64_t pick(const uint64_t *flags, unsigned n, uint64_t bits)
{
	uint64_t out = 0;

	for (unsigned i = 0; i < n; i++)
		if (bits & (1ULL << i))
			out |= flags[i];
	return out;
}

void fp_pattern(struct fp_state *s, unsigned vm, uint64_t round)
{
	uint64_t ctl = value(vm, round, SLOT_CONTROL, 0);

	for (unsigned r = 0; r < 32; r++) {
		s->v[r][0] = value(vm, round, r, 0);
		s->v[r][1] = value(vm, round, r, 1);
	}
	s->fpsr = FPSR_DZC | pick(fpsr_flags, 6, ctl);
	s->fpcr = (ctl >> 8 & 3) << FPCR_RMODE_SHIFT | pick(fpcr_flags, 3, ctl >> 10);
}

/* One line per wrong register: 128-bit V registers as 32 hex digits, bits 127:0. */
static void report(unsigned vm, uint64_t round, const char *reg, const uint64_t *want,
		   const uint64_t *got, bool vreg)
{
	unsigned long long r = round;

	if (vreg)
		printf("fpcheck %u: MISMATCH round %llu %s expected %016llx%016llx "
		       "got %016llx%016llx\n", vm, r, reg, (unsigned long long)want[1],
		       (unsigned long long)want[0], (unsigned long long)got[1],
		       (unsigned long long)got[0]);
	else
		printf("fpcheck %u: MISMATCH round %llu %s expected %llx got %llx\n", vm, r, reg,
		       (unsigned long long)*want, (unsigned long long)*got);
}

/* Print a line for every register that differs; the number of them. */
unsigned fp_compare(const struct fp_state *want, const struct fp_state *got, unsigned vm,
		    uint64_t round)
{
	char name[4];
	unsigned bad = 0;

	for (unsigned r = 0; r < 32; r++) {
		if (want->v[r][0] != got->v[r][0] || want->v[r][1] != got->v[r][1]) {
			snprintf(name, sizeof(name), "v%u", r);
			report(vm, round, name, want->v[r], got->v[r], true);
			bad++;
		}
	}
	if (want->fpsr != got->fpsr) {
		report(vm, round, "fpsr", &want->fpsr, &got->fpsr, false);
		bad++;
	}
	if (want->fpcr != got->fpcr) {
		report(vm, round, "fpcr", &want->fpcr, &got->fpcr, false);
		bad++;
	}
	return bad;
}
