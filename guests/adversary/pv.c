/*
 * Paravirtual class (issue 16): random SCMI messages through the VM's shared memory
 * (docs/power.md: page at 0x090c0000, doorbell 0x86000010) and random stolen-time calls
 * (Arm DEN 0057A: 0xC5000020/21, record page at 0x090d0000). Random lengths, headers
 * (protocol, message id, type, token), clock ids, rates and channel words; the doorbell
 * rung by HVC or SMC with random x1..x3. Every result register and every word read back
 * from both pages is leak-checked; a write to the read-only stolen-time page that is not
 * refused counts as unrefused, as does a stolen-time record IPA other than the one the
 * VM's vCPU 0 owns.
 */
#include "adversary.h"

#define SCMI_SHM 0x090c0000UL
#define SCMI_DOORBELL 0x86000010U
#define PVT_PAGE 0x090d0000UL
#define PVT_FEATURES 0xc5000020U
#define PVT_ST 0xc5000021U
#define PAGE 0x1000U
#define SHM_WORDS 40U /* channel header (0x1c) + 128-byte payload + some, in words */

static const uint32_t rates_mhz[] = { 600, 1000, 1400, 1800, 2000 };

static uint32_t random_header(void)
{
	uint32_t proto = rng_below(4) ? (rng_below(2) ? 0x10U : 0x14U) : (uint32_t)rng_below(0x100);
	uint32_t msg = rng_below(4) ? (uint32_t)rng_below(12) : (uint32_t)rng_below(0x100);
	uint32_t type = rng_below(8) ? 0 : (uint32_t)rng_below(4);

	return msg | type << 8 | proto << 10 | (uint32_t)rng_below(0x400) << 18;
}

/* A payload word: a clock id, a rate (exact or not), flags, or anything. */
static uint32_t random_param(void)
{
	switch (rng_below(5)) {
	case 0: return (uint32_t)rng_below(4);
	case 1: return rates_mhz[rng_below(5)] * 1000000U + (rng_below(4) ? 0 : (uint32_t)rng());
	case 2: return (uint32_t)rng_below(16);
	default: return (uint32_t)rng_value();
	}
}

static uint32_t random_length(void)
{
	switch (rng_below(4)) {
	case 0: return (uint32_t)rng_value();
	case 1: return (uint32_t)rng_below(8);
	default: return 4U + 4U * (uint32_t)rng_below(34);
	}
}

/* The SCMI page is the VM's own memory: a write there is never refused (a fault would
 * show in the faults count). */
static void page_write32(uintptr_t a, uint32_t v)
{
	(void)access_write(a, 2, v);
}

/*
 * BASE DISCOVER_VENDOR, DISCOVER_SUB_VENDOR and DISCOVER_AGENT (DEN 0056 4.2.2) answer
 * with names by design: "rtvisor" and "rtvisor-vm" at payload byte 4 (0x20 in the page),
 * or agent id then "rtvisor" (the platform agent). The page keeps them after later,
 * shorter replies and random writes, so those bytes at 0x20 are exempt whatever the
 * header and the agent-id word say.
 */
#define NAME_VENDOR 0x00726f7369767472ULL    /* "rtvisor\0" */
#define NAME_SUB_VENDOR 0x2d726f7369767472ULL /* "rtvisor-" */

static bool public_name(uintptr_t a, uint64_t v)
{
	return a == SCMI_SHM + 0x20 &&
	       (v == NAME_VENDOR || v == NAME_SUB_VENDOR ||
		(v >> 32) == ADV_RTVI_LE);
}

static void leak_scan(uintptr_t base, unsigned words)
{
	uint64_t v;

	for (unsigned i = 0; i < words; i += 2)
		if (!access_read(base + 4U * i, 3, &v) && !public_name(base + 4U * i, v))
			leak_check(ADV_PV, base + 4U * i, v, 8);
}

static void call(uint32_t fn, uint64_t x1)
{
	struct adv_smccc r = { { fn, x1, rng_value(), rng_value() } };

	adv_call_random(&r);
	for (unsigned i = 0; i < 4; i++)
		leak_check(ADV_PV, fn, r.x[i], 8);
	if (fn == PVT_ST && r.x[0] != PVT_PAGE && r.x[0] != ~0ULL)
		unrefused(ADV_PV, r.x[0], false); /* not vCPU 0's record, nor NOT_SUPPORTED */
}

static void scmi_message(void)
{
	unsigned n = (unsigned)rng_below(SHM_WORDS);

	page_write32(SCMI_SHM + 0x04, rng_below(4) ? 0 : (uint32_t)rng_value());
	page_write32(SCMI_SHM + 0x14, random_length());
	page_write32(SCMI_SHM + 0x18, random_header());
	for (unsigned i = 0; i < n; i++)
		page_write32(SCMI_SHM + 0x1c + 4U * i, random_param());
	call(SCMI_DOORBELL, rng_value());
	leak_scan(SCMI_SHM, SHM_WORDS);
}

/* Random words anywhere in the SCMI page, then the doorbell: whatever the page holds. */
static void scmi_scribble(void)
{
	for (unsigned k = (unsigned)rng_below(8); k; k--)
		page_write32(SCMI_SHM + 4U * (uint32_t)rng_below(PAGE / 4), (uint32_t)rng_value());
	call(SCMI_DOORBELL, rng_value());
	leak_scan(SCMI_SHM + 8U * (uint32_t)rng_below(PAGE / 8 - SHM_WORDS / 2), SHM_WORDS);
}

static void pvtime(void)
{
	uint64_t fn = rng_below(2) ? PVT_FEATURES + rng_below(3) : (uint32_t)rng_value();
	uintptr_t a = PVT_PAGE + 8U * (uint32_t)rng_below(PAGE / 8);

	if (rng_below(2))
		call(PVT_FEATURES, rng_below(2) ? fn : rng_value());
	else
		call(PVT_ST, fn);
	leak_scan(a, 2);
	if (!access_write(a, rng_size_log2(), rng_value()))
		unrefused(ADV_PV, a, true); /* the record page is read-only for the guest */
}

void op_pv(void)
{
	switch (rng_below(3)) {
	case 0: scmi_message(); break;
	case 1: scmi_scribble(); break;
	default: pvtime(); break;
	}
}
