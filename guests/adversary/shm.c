/*
 * Shared-memory class (docs/shmem.md; configs/adversary.dts): the doorbell hypercall with
 * random regions and peers (valid ones, neighbours, values with high bits set), by HVC,
 * and loads and stores in the regions the adversary maps and in one it does not. What the
 * hypervisor must answer:
 *   - RTV_HC_SHM_DOORBELL: 0 or -4 (PEER_DOWN) for a region the adversary maps rung at a
 *     VM that maps it too (region 0 or 1, VM 0 'rt'), -2 for everything else; any other
 *     status, or a fault, is reported as unrefused (class shm);
 *   - region 0 (read-write): loads and stores succeed;
 *   - region 1 (read-only for the adversary): loads succeed, a store is refused;
 *   - rt's IPA of region 2 (which the adversary does not map): refused.
 * Every value read is leak-checked (rt never writes the regions: they hold zeros and the
 * adversary's own random values).
 */
#include "guest/fault.h"
#include "adversary.h"

#define FN_SHM_DOORBELL 0xc6000008U
#define RW_IPA 0x70000000UL
#define RW_SIZE 0x2000UL
#define RO_IPA 0x70010000UL
#define RO_SIZE 0x1000UL
#define OTHER_IPA 0x48020000UL  /* region 2 in rt; nothing in the adversary */
#define RT_VM 0U
#define STATUS_INVALID ((uint64_t)-2)
#define STATUS_PEER_DOWN ((uint64_t)-4)

bool adv_shm_window(uint64_t a)
{
	return (a >= RW_IPA && a < RW_IPA + RW_SIZE) || (a >= RO_IPA && a < RO_IPA + RO_SIZE);
}

static uint64_t random_region(void)
{
	switch (rng_below(4)) {
	case 0: return rng_below(4);                       /* 0, 1 mapped; 2 rt's; 3 none */
	case 1: return rng_below(2) | (rng_below(0x100) + 1) << 32; /* high bits */
	case 2: return rng_value();
	default: return rng_below(2);
	}
}

static uint64_t random_peer(void)
{
	switch (rng_below(4)) {
	case 0: return rng_below(9);                       /* rt, itself, no such VM */
	case 1: return RT_VM | (rng_below(0x100) + 1) << 32;
	case 2: return rng_value();
	default: return RT_VM;
	}
}

static void doorbell(void)
{
	struct adv_smccc r = { { FN_SHM_DOORBELL, random_region(), random_peer(), rng_value() } };
	uint64_t region = r.x[1], peer = r.x[2];
	bool valid = region <= 1 && peer == RT_VM;
	struct fault_info f;
	unsigned faults;

	fault_expect_begin(FAULT_RESUME_NEXT);
	adv_hvc(&r);
	faults = fault_expect_end(&f);
	adv_fault_account(faults, f.esr);
	for (unsigned i = 0; i < 4; i++)
		leak_check(ADV_SHM, FN_SHM_DOORBELL, r.x[i], 8);
	if (faults || (valid ? r.x[0] != 0 && r.x[0] != STATUS_PEER_DOWN : r.x[0] != STATUS_INVALID))
		unrefused(ADV_SHM, region << 8 | (peer & 0xff), false);
}

static uint64_t align(uint64_t a, unsigned sz)
{
	return a & ~(((uint64_t)1 << sz) - 1);
}

/* A load or store that must succeed (mapped rw, or a load of a ro mapping). */
static void access_ok(uint64_t a, unsigned sz, bool write)
{
	uint64_t v;

	if (write ? access_write(a, sz, rng_value()) : access_read(a, sz, &v))
		unrefused(ADV_SHM, a, write); /* refused what it should allow: reported the same way */
	else if (!write)
		leak_check(ADV_SHM, a, v, 1U << sz);
}

/* A load or store that must be refused. */
static void access_refused(uint64_t a, unsigned sz, bool write)
{
	uint64_t v;

	if (write ? !access_write(a, sz, rng_value()) : !access_read(a, sz, &v)) {
		if (!write)
			leak_check(ADV_SHM, a, v, 1U << sz);
		unrefused(ADV_SHM, a, write);
	}
}

void op_shm(void)
{
	unsigned sz = rng_size_log2();
	bool write = rng_below(2);

	switch (rng_below(4)) {
	case 0:
	case 1:
		doorbell();
		break;
	case 2:
		access_ok(align(RW_IPA + rng_below(RW_SIZE), sz), sz, write);
		break;
	default:
		if (rng_below(2))
			access_refused(align(OTHER_IPA + rng_below(0x1000), sz), sz, write);
		else if (write)
			access_refused(align(RO_IPA + rng_below(RO_SIZE), sz), sz, true);
		else
			access_ok(align(RO_IPA + rng_below(RO_SIZE), sz), sz, false);
	}
}
