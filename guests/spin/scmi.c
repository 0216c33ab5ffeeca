/*
 * A bare-metal SCMI agent for the spin guest (docs/power.md): it writes a message into
 * the VM's SCMI shared memory, rings the doorbell (HVC RTV_SCMI) and reads the reply,
 * as Linux's "arm,scmi-smc" transport does (Arm DEN 0056 5.1). Also sends malformed
 * messages, each of which must come back with an SCMI error status.
 */
#include "guest/console.h"
#include "guest/mmio.h"
#include "guest/psci.h"
#include "spin.h"

#define SHM 0x090c0000UL
#define RTV_SCMI 0x86000010U
#define SHM_STATUS 0x04
#define SHM_LENGTH 0x14
#define SHM_HEADER 0x18
#define SHM_PAYLOAD 0x1c
#define PROTO_BASE 0x10
#define PROTO_CLOCK 0x14
#define CLOCK_DESCRIBE_RATES 4
#define CLOCK_RATE_SET 5
#define CLOCK_RATE_GET 6
#define RATE_LOW 600000000U
#define RATE_HIGH 2000000000U

static uint32_t header(uint32_t proto, uint32_t msg)
{
	return msg | proto << 10;
}

/* A raw message: length field, header, n parameter words. Returns the status word. */
static int32_t raw_call(uint32_t len, uint32_t hdr, const uint32_t *p, uint32_t n)
{
	mmio_write32(SHM + SHM_STATUS, 0);
	mmio_write32(SHM + SHM_LENGTH, len);
	mmio_write32(SHM + SHM_HEADER, hdr);
	for (uint32_t i = 0; i < n; i++)
		mmio_write32(SHM + SHM_PAYLOAD + 4 * i, p[i]);
	if (psci_call(RTV_SCMI, 0, 0, 0) != 0)
		return -100; /* the doorbell itself refused */
	return (int32_t)mmio_read32(SHM + SHM_PAYLOAD);
}

static int32_t call(uint32_t proto, uint32_t msg, const uint32_t *p, uint32_t n)
{
	return raw_call(4 + 4 * n, header(proto, msg), p, n);
}

/* Result word i (after the status) of the last reply. */
static uint32_t result(uint32_t i)
{
	return mmio_read32(SHM + SHM_PAYLOAD + 4 + 4 * i);
}

void scmi_rate_set(int high)
{
	const uint32_t p[4] = { 0, 0, high ? RATE_HIGH : RATE_LOW, 0 };

	printf("spin: scmi rate_set=%d\n", call(PROTO_CLOCK, CLOCK_RATE_SET, p, 4));
}

void scmi_rate_get(void)
{
	const uint32_t p[1] = { 0 };
	int32_t s = call(PROTO_CLOCK, CLOCK_RATE_GET, p, 1);

	printf("spin: scmi status=%d rate=%u\n", s, s ? 0 : result(0));
}

/* The rates of clock 0, in Hz, as DESCRIBE_RATES lists them. */
void scmi_rates(void)
{
	const uint32_t p[2] = { 0, 0 };
	int32_t s = call(PROTO_CLOCK, CLOCK_DESCRIBE_RATES, p, 2);
	uint32_t n = s ? 0 : result(0) & 0xfff;

	printf("spin: scmi rates status=%d n=%u:", s, n);
	for (uint32_t i = 0; i < n; i++)
		printf(" %u", result(1 + 2 * i));
	printf("\n");
}

static void bad(const char *name, int32_t status)
{
	printf("spin: scmi bad %s=%d\n", name, status);
}

/* Each must be refused with an SCMI status; none may fault or hang the VM. */
void scmi_malformed(void)
{
	const uint32_t clk99[4] = { 0, 99, RATE_LOW, 0 };
	const uint32_t rate[4] = { 0, 0, 123456789, 0 };
	const uint32_t async[4] = { 1, 0, RATE_LOW, 0 };
	const uint32_t flags[4] = { 0x100, 0, RATE_LOW, 0 };
	const uint32_t skip[1] = { 7 };

	bad("proto", call(0x42, 0, 0, 0));
	bad("msg", call(PROTO_CLOCK, 0x77, 0, 0));
	bad("type", raw_call(4, header(PROTO_BASE, 0) | 1U << 8, 0, 0));
	bad("short", call(PROTO_CLOCK, CLOCK_RATE_SET, clk99, 1));
	bad("len0", raw_call(0, header(PROTO_BASE, 0), 0, 0));
	bad("lenhuge", raw_call(0xfffffff0U, header(PROTO_BASE, 0), 0, 0));
	bad("clock", call(PROTO_CLOCK, CLOCK_RATE_SET, clk99, 4));
	bad("rate", call(PROTO_CLOCK, CLOCK_RATE_SET, rate, 4));
	bad("async", call(PROTO_CLOCK, CLOCK_RATE_SET, async, 4));
	bad("flags", call(PROTO_CLOCK, CLOCK_RATE_SET, flags, 4));
	bad("skip", call(PROTO_BASE, 6, skip, 1));
	printf("spin: scmi malformed done\n");
}
