/*
 * Host tests for the SCMI BASE and CLOCK protocols (src/vdev/scmi_msg.c): the replies
 * Linux's probe reads, the rates, requests and the rate read back, and an SCMI status
 * (never more than a status) for every malformed message.
 */
#include "harness.h"
#include <freq.h>
#include <scmi_msg.h>

static u32 levels[2] = { 4, 4 };
static u32 last_clock = 99, last_level = 99;

static u32 level_of(void *ctx, u32 clock)
{
	(void)ctx;
	return levels[clock];
}

static void request(void *ctx, u32 clock, u32 level)
{
	(void)ctx;
	last_clock = clock;
	last_level = level;
}

static struct scmi_agent agent = { "guest", 2, 3, NULL, level_of, request };
static struct scmi_msg out;

static s32 call_len(u32 proto, u32 msg, const u32 *p, u32 n, u32 len)
{
	struct scmi_msg in;
	s32 status;

	memset(&in, 0, sizeof(in));
	in.len = len;
	in.header = msg | proto << 10 | 0x2aU << 18; /* token 42 */
	if (n)
		memcpy(in.payload, p, n * 4);
	scmi_handle(&agent, &in, &out);
	memcpy(&status, out.payload, 4);
	CHECK_EQ(out.header, in.header);
	return status;
}

static s32 call(u32 proto, u32 msg, const u32 *p, u32 n)
{
	return call_len(proto, msg, p, n, 4 + 4 * n);
}

static u32 res(u32 i)
{
	u32 v;

	memcpy(&v, out.payload + 4 + 4 * i, 4);
	return v;
}

TEST(base_probe_as_linux_reads_it)
{
	u32 skip = 0;

	CHECK_EQ(call(SCMI_PROTO_BASE, 0, NULL, 0), 0);
	CHECK_EQ(res(0), 0x20000);
	CHECK_EQ(out.len, 12);
	CHECK_EQ(call(SCMI_PROTO_BASE, 1, NULL, 0), 0);
	CHECK_EQ(res(0), 0x101); /* one agent, one protocol besides BASE */
	CHECK_EQ(call(SCMI_PROTO_BASE, 3, NULL, 0), 0);
	CHECK(strcmp((const char *)out.payload + 4, "rtvisor") == 0);
	CHECK_EQ(out.len, 8 + 16);
	CHECK_EQ(call(SCMI_PROTO_BASE, 6, &skip, 1), 0);
	CHECK_EQ(res(0), 1);
	CHECK_EQ(res(1), SCMI_PROTO_CLOCK);
	CHECK_EQ(out.len, 16); /* the list is padded to a word, no more */
	skip = 1;
	CHECK_EQ(call(SCMI_PROTO_BASE, 6, &skip, 1), 0);
	CHECK_EQ(res(0), 0);
	skip = 0xffffffffU;
	CHECK_EQ(call(SCMI_PROTO_BASE, 7, &skip, 1), 0);
	CHECK_EQ(res(0), 1);
	CHECK(strcmp((const char *)out.payload + 8, "guest") == 0);
}

TEST(clock_attributes_and_rates)
{
	u32 p[2] = { 1, 0 };

	CHECK_EQ(call(SCMI_PROTO_CLOCK, 1, NULL, 0), 0);
	CHECK_EQ(res(0), 2);
	CHECK_EQ(call(SCMI_PROTO_CLOCK, 3, p, 1), 0);
	CHECK_EQ(res(0), 1);
	CHECK(strcmp((const char *)out.payload + 8, "vcpu1") == 0);
	CHECK_EQ(call(SCMI_PROTO_CLOCK, 4, p, 2), 0);
	CHECK_EQ(res(0), FREQ_NR_LEVELS); /* a list, all of them, none remaining */
	for (u32 i = 0; i < FREQ_NR_LEVELS; i++) {
		CHECK_EQ(res(1 + 2 * i), freq_opps[i].khz * 1000ULL);
		CHECK_EQ(res(2 + 2 * i), 0);
	}
	p[1] = 3;
	CHECK_EQ(call(SCMI_PROTO_CLOCK, 4, p, 2), 0);
	CHECK_EQ(res(0), FREQ_NR_LEVELS - 3);
	CHECK_EQ(res(1), freq_opps[3].khz * 1000ULL);
	p[1] = FREQ_NR_LEVELS + 1;
	CHECK_EQ(call(SCMI_PROTO_CLOCK, 4, p, 2), SCMI_OUT_OF_RANGE);
	CHECK_EQ(out.len, 8); /* an error is a status alone */
}

TEST(rate_set_is_a_request_and_get_is_the_real_rate)
{
	u32 set[4] = { 0, 1, freq_opps[1].khz * 1000, 0 }, get = 1;

	CHECK_EQ(call(SCMI_PROTO_CLOCK, 5, set, 4), 0);
	CHECK_EQ(last_clock, 1);
	CHECK_EQ(last_level, 1);
	CHECK_EQ(call(SCMI_PROTO_CLOCK, 6, &get, 1), 0);
	CHECK_EQ(res(0), freq_opps[4].khz * 1000ULL); /* the governor kept it at level 4 */
	set[2] = freq_opps[1].khz * 1000 + 1;
	CHECK_EQ(call(SCMI_PROTO_CLOCK, 5, set, 4), SCMI_OUT_OF_RANGE);
	set[0] = 0x8; /* auto-round down */
	CHECK_EQ(call(SCMI_PROTO_CLOCK, 5, set, 4), 0);
	CHECK_EQ(last_level, 1);
	set[0] = 0xc; /* auto-round up */
	CHECK_EQ(call(SCMI_PROTO_CLOCK, 5, set, 4), 0);
	CHECK_EQ(last_level, 2);
	set[2] = 1;
	set[0] = 0x8; /* below the lowest: nothing to round down to */
	CHECK_EQ(call(SCMI_PROTO_CLOCK, 5, set, 4), SCMI_OUT_OF_RANGE);
}

TEST(config_set_enables_and_disables)
{
	u32 p[2] = { 0, 0 };

	CHECK_EQ(call(SCMI_PROTO_CLOCK, 7, p, 2), 0);
	CHECK_EQ(agent.enabled, 2);
	p[1] = 1;
	CHECK_EQ(call(SCMI_PROTO_CLOCK, 7, p, 2), 0);
	CHECK_EQ(agent.enabled, 3);
	p[1] = 2;
	CHECK_EQ(call(SCMI_PROTO_CLOCK, 7, p, 2), SCMI_INVALID_PARAMETERS);
	CHECK_EQ(agent.enabled, 3);
}

TEST(malformed_messages_get_a_status)
{
	u32 set[4] = { 0, 2, freq_opps[0].khz * 1000, 0 };

	last_clock = 99;
	CHECK_EQ(call(0x99, 0, NULL, 0), SCMI_NOT_SUPPORTED);
	CHECK_EQ(call(SCMI_PROTO_CLOCK, 0x42, NULL, 0), SCMI_NOT_SUPPORTED);
	CHECK_EQ(call_len(SCMI_PROTO_CLOCK, 5, set, 4, 4 + 12), SCMI_PROTOCOL_ERROR);
	CHECK_EQ(call_len(SCMI_PROTO_BASE, 0, NULL, 0, 3), SCMI_PROTOCOL_ERROR);
	CHECK_EQ(call_len(SCMI_PROTO_BASE, 0, NULL, 0, 0xffffffffU), SCMI_PROTOCOL_ERROR);
	CHECK_EQ(call_len(SCMI_PROTO_BASE, 0, NULL, 0, 4 + SCMI_PAYLOAD_MAX + 1),
		 SCMI_PROTOCOL_ERROR);
	CHECK_EQ(call(SCMI_PROTO_CLOCK, 5, set, 4), SCMI_NOT_FOUND); /* clock 2 of 2 */
	set[1] = 0xffffffffU;
	CHECK_EQ(call(SCMI_PROTO_CLOCK, 6, &set[1], 1), SCMI_NOT_FOUND);
	set[1] = 0;
	set[0] = 1; /* asynchronous */
	CHECK_EQ(call(SCMI_PROTO_CLOCK, 5, set, 4), SCMI_NOT_SUPPORTED);
	set[0] = 0x10; /* a reserved flag */
	CHECK_EQ(call(SCMI_PROTO_CLOCK, 5, set, 4), SCMI_INVALID_PARAMETERS);
	CHECK_EQ(last_clock, 99); /* none of them reached the governor */
	CHECK_EQ(out.len, 8);
}

TEST(notifications_and_delayed_responses_are_not_commands)
{
	struct scmi_msg in;

	memset(&in, 0, sizeof(in));
	in.len = 4;
	in.header = SCMI_PROTO_BASE << 10 | 2U << 8; /* type 2: delayed response */
	scmi_handle(&agent, &in, &out);
	CHECK_EQ(out.len, 8);
	CHECK_EQ(out.payload[0], 0xff); /* -1 NOT_SUPPORTED, little-endian */
}

int main(void)
{
	RUN(base_probe_as_linux_reads_it);
	RUN(clock_attributes_and_rates);
	RUN(rate_set_is_a_request_and_get_is_the_real_rate);
	RUN(config_set_enables_and_disables);
	RUN(malformed_messages_get_a_status);
	RUN(notifications_and_delayed_responses_are_not_commands);
	HARNESS_END("test_scmi_msg");
}
