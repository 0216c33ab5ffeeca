/*
 * The SCMI BASE and CLOCK protocols (Arm DEN 0056 4.2 "Base protocol", 4.6 "Clock
 * management protocol"), as one function from a request to its reply (scmi_msg.h).
 * Every request is checked before it is used: a header of another message type, an
 * unknown protocol or message, parameters shorter than the message needs, a clock that
 * does not exist or a rate that is not an operating point gets an SCMI status, never a
 * fault. Rates are the platform's operating points (freq.h), one clock per vCPU.
 */
#include <freq.h>
#include <lib.h>
#include <scmi_msg.h>
#include <version.h>

/* Message header (DEN 0056 4.1.2): message_id [7:0], type [9:8], protocol_id [17:10]. */
#define HDR_MSG(h) ((h) & 0xffU)
#define HDR_TYPE(h) (((h) >> 8) & 0x3U)
#define HDR_PROTO(h) (((h) >> 10) & 0xffU)

#define BASE_VERSION 0x20000U   /* BASE protocol 2.0 */
#define CLOCK_VERSION 0x10000U  /* CLOCK protocol 1.0 */
#define NAME_LEN 16             /* the short names of DEN 0056: 16 bytes, NUL included */
#define RATES_PER_REPLY 8       /* 4 + 8 x 8 bytes: well inside the 128-byte payload */
#define AGENT_PLATFORM 0U
#define AGENT_SELF 1U
#define AGENT_CALLER 0xffffffffU
#define RATE_FLAG_ASYNC 0x1U
#define RATE_FLAG_ROUND_UP 0x4U
#define RATE_FLAG_AUTO 0x8U
#define RATE_FLAGS_KNOWN 0xfU

struct msg_row;

struct req {
	struct scmi_agent *a;
	const u8 *p;     /* parameters */
	u32 n;           /* their length */
	struct scmi_msg *out;
	const struct msg_row *rows; /* the protocol's messages */
	u32 nrows;
};

typedef int msg_fn(struct req *r);

struct msg_row {
	u8 id;
	u8 params;       /* bytes of parameters it needs */
	msg_fn *fn;
};

/* ---- reading parameters, writing results ---- */

static u32 param(const struct req *r, u32 idx)
{
	u32 v;

	memcpy(&v, r->p + idx * 4, sizeof(v));
	return v;
}

static void put32(struct req *r, u32 v)
{
	if (r->out->len + 4 <= 4 + SCMI_PAYLOAD_MAX) {
		memcpy(r->out->payload + r->out->len - 4, &v, sizeof(v));
		r->out->len += 4;
	}
}

static void put_name(struct req *r, const char *s)
{
	char name[NAME_LEN];

	memset(name, 0, sizeof(name));
	rtv_strlcpy(name, s, sizeof(name));
	for (u32 i = 0; i < NAME_LEN; i += 4) {
		u32 w;

		memcpy(&w, name + i, sizeof(w));
		put32(r, w);
	}
}

/* ---- shared by both protocols ---- */

static int version(struct req *r, u32 v)
{
	put32(r, v);
	return SCMI_SUCCESS;
}

/* PROTOCOL_MESSAGE_ATTRIBUTES: 0 attributes for a message the protocol has. */
static int msg_attributes(struct req *r)
{
	u32 id = param(r, 0);

	for (u32 i = 0; i < r->nrows; i++)
		if (r->rows[i].id == id) {
			put32(r, 0);
			return SCMI_SUCCESS;
		}
	return SCMI_NOT_FOUND;
}

/* ---- BASE (DEN 0056 4.2) ---- */

static int base_version(struct req *r) { return version(r, BASE_VERSION); }

/* 4.2.2.2: agents [15:8], protocols other than BASE [7:0]. */
static int base_attributes(struct req *r)
{
	put32(r, 1U << 8 | 1U);
	return SCMI_SUCCESS;
}

static int base_vendor(struct req *r)
{
	put_name(r, "rtvisor");
	return SCMI_SUCCESS;
}

static int base_sub_vendor(struct req *r)
{
	put_name(r, "rtvisor-vm");
	return SCMI_SUCCESS;
}

static int base_impl_version(struct req *r)
{
	put32(r, RTV_VERSION_MAJOR << 16 | RTV_VERSION_MINOR);
	return SCMI_SUCCESS;
}

/* 4.2.2.7: skip is how many to leave out; the list is bytes, padded to a word. */
static int base_list_protocols(struct req *r)
{
	u32 skip = param(r, 0);

	if (skip > 1)
		return SCMI_INVALID_PARAMETERS;
	put32(r, 1 - skip);
	if (!skip)
		put32(r, SCMI_PROTO_CLOCK);
	return SCMI_SUCCESS;
}

/* 4.2.2.8: agent 0 is the platform; this VM is agent 1 (also "the caller", ~0). */
static int base_discover_agent(struct req *r)
{
	u32 id = param(r, 0);

	if (id != AGENT_PLATFORM && id != AGENT_SELF && id != AGENT_CALLER)
		return SCMI_NOT_FOUND;
	put32(r, id == AGENT_PLATFORM ? AGENT_PLATFORM : AGENT_SELF);
	put_name(r, id == AGENT_PLATFORM ? "rtvisor" : r->a->name);
	return SCMI_SUCCESS;
}

static const struct msg_row base_rows[] = {
	{ 0x0, 0, base_version },	{ 0x1, 0, base_attributes },
	{ 0x2, 4, msg_attributes },	{ 0x3, 0, base_vendor },
	{ 0x4, 0, base_sub_vendor },	{ 0x5, 0, base_impl_version },
	{ 0x6, 4, base_list_protocols }, { 0x7, 4, base_discover_agent },
};

/* ---- CLOCK (DEN 0056 4.6) ---- */

static int clock_version(struct req *r) { return version(r, CLOCK_VERSION); }

/* 4.6.2.2: number of clocks [15:0], pending asynchronous rate changes [23:16] (none). */
static int clock_attributes(struct req *r)
{
	put32(r, r->a->nr_clocks & 0xffffU);
	return SCMI_SUCCESS;
}

static bool clock_ok(const struct req *r, u32 id)
{
	return id < r->a->nr_clocks;
}

/* 4.6.2.4: enabled [0], the name "vcpuN". */
static int clock_attrs_of(struct req *r)
{
	u32 id = param(r, 0);
	char name[NAME_LEN];

	if (!clock_ok(r, id))
		return SCMI_NOT_FOUND;
	put32(r, (r->a->enabled >> id) & 1U);
	snprintf(name, sizeof(name), "vcpu%u", id);
	put_name(r, name);
	return SCMI_SUCCESS;
}

static void put_rate(struct req *r, u64 hz)
{
	put32(r, (u32)hz);
	put32(r, (u32)(hz >> 32));
}

/* 4.6.2.5: a list (format bit 12 clear) of at most RATES_PER_REPLY from rate_index on;
 * returned [11:0], remaining [31:16]. */
static int clock_describe_rates(struct req *r)
{
	u32 id = param(r, 0), from = param(r, 1), n;

	if (!clock_ok(r, id))
		return SCMI_NOT_FOUND;
	if (from > FREQ_NR_LEVELS)
		return SCMI_OUT_OF_RANGE;
	n = FREQ_NR_LEVELS - from < RATES_PER_REPLY ? FREQ_NR_LEVELS - from : RATES_PER_REPLY;
	put32(r, n | (FREQ_NR_LEVELS - from - n) << 16);
	for (u32 i = from; i < from + n; i++)
		put_rate(r, (u64)freq_opps[i].khz * 1000);
	return SCMI_SUCCESS;
}

/* The level of rate hz: exact, or rounded as the flags ask; -1 if there is none. */
static int level_of_rate(u64 hz, u32 flags)
{
	int best = -1;

	for (u32 i = 0; i < FREQ_NR_LEVELS; i++) {
		u64 f = (u64)freq_opps[i].khz * 1000;

		if (f == hz)
			return (int)i;
		if (!(flags & RATE_FLAG_AUTO))
			continue;
		if (flags & RATE_FLAG_ROUND_UP ? (f > hz && best < 0) : f < hz)
			best = (int)i;
	}
	return best;
}

/* 4.6.2.6: flags, clock, rate low, rate high. A request: the governor decides. */
static int clock_rate_set(struct req *r)
{
	u32 flags = param(r, 0), id = param(r, 1);
	int lvl;

	if (flags & ~RATE_FLAGS_KNOWN)
		return SCMI_INVALID_PARAMETERS;
	if (flags & RATE_FLAG_ASYNC)
		return SCMI_NOT_SUPPORTED; /* no asynchronous changes (attributes say 0) */
	if (!clock_ok(r, id))
		return SCMI_NOT_FOUND;
	lvl = level_of_rate((u64)param(r, 3) << 32 | param(r, 2), flags);
	if (lvl < 0)
		return SCMI_OUT_OF_RANGE;
	r->a->request(r->a->ctx, id, (u32)lvl);
	return SCMI_SUCCESS;
}

/* 4.6.2.7: the rate the clock (the vCPU's pCPU) really runs at. */
static int clock_rate_get(struct req *r)
{
	u32 id = param(r, 0), lvl;

	if (!clock_ok(r, id))
		return SCMI_NOT_FOUND;
	lvl = r->a->level_of(r->a->ctx, id);
	put_rate(r, (u64)freq_opps[lvl < FREQ_NR_LEVELS ? lvl : FREQ_MAX_LEVEL].khz * 1000);
	return SCMI_SUCCESS;
}

/* 4.6.2.8: attributes bit 0 enables; the other bits are reserved (zero). */
static int clock_config_set(struct req *r)
{
	u32 id = param(r, 0), attr = param(r, 1);

	if (!clock_ok(r, id))
		return SCMI_NOT_FOUND;
	if (attr & ~1U)
		return SCMI_INVALID_PARAMETERS;
	r->a->enabled = (r->a->enabled & ~(1U << id)) | attr << id;
	return SCMI_SUCCESS;
}

static const struct msg_row clock_rows[] = {
	{ 0x0, 0, clock_version },	{ 0x1, 0, clock_attributes },
	{ 0x2, 4, msg_attributes },	{ 0x3, 4, clock_attrs_of },
	{ 0x4, 8, clock_describe_rates }, { 0x5, 16, clock_rate_set },
	{ 0x6, 4, clock_rate_get },	{ 0x7, 8, clock_config_set },
};

/* ---- dispatch ---- */

static int dispatch(struct req *r, const struct msg_row *rows, u32 nrows, u32 msg)
{
	r->rows = rows;
	r->nrows = nrows;
	for (u32 i = 0; i < nrows; i++) {
		if (rows[i].id != msg)
			continue;
		if (r->n < rows[i].params)
			return SCMI_PROTOCOL_ERROR; /* shorter than the message's parameters */
		return rows[i].fn(r);
	}
	return SCMI_NOT_SUPPORTED;
}

static int serve(struct req *r, u32 h)
{
	if (HDR_TYPE(h) != 0)
		return SCMI_NOT_SUPPORTED; /* only commands travel agent -> platform here */
	if (HDR_PROTO(h) == SCMI_PROTO_BASE)
		return dispatch(r, base_rows, ARRAY_SIZE(base_rows), HDR_MSG(h));
	if (HDR_PROTO(h) == SCMI_PROTO_CLOCK)
		return dispatch(r, clock_rows, ARRAY_SIZE(clock_rows), HDR_MSG(h));
	return SCMI_NOT_SUPPORTED;
}

/* Reply: the request's header, then the status, then the results. */
void scmi_handle(struct scmi_agent *a, const struct scmi_msg *in, struct scmi_msg *out)
{
	struct req r = { a, in->payload, 0, out, NULL, 0 };
	s32 status;

	memset(out, 0, sizeof(*out));
	out->header = in->header;
	out->len = 8; /* header and status */
	if (in->len < 4 || in->len > 4 + SCMI_PAYLOAD_MAX) {
		status = SCMI_PROTOCOL_ERROR;
	} else {
		r.n = in->len - 4;
		status = serve(&r, in->header);
	}
	if (status != SCMI_SUCCESS)
		out->len = 8; /* an error carries no results */
	memcpy(out->payload, &status, sizeof(status));
}
