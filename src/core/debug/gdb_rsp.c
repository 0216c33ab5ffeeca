/*
 * GDB remote serial protocol (gdb_rsp.h). Framing per the GDB manual, "Remote
 * Protocol" / "Overview": `$body#cc`, cc the two-hex-digit sum of the body's bytes
 * modulo 256, answered `+` (good) or `-` (resend); `}` escapes the next byte (xor
 * 0x20); a lone 0x03 outside a packet is an interrupt. A packet that is too long, or
 * whose fields do not parse, is acknowledged and answered with an error (`E01`
 * malformed, `E14` memory not accessible, `E22` too long); one with a bad checksum is
 * nacked. Unknown packets get the empty reply, which tells gdb they are not supported.
 */
#include <err.h>
#include <gdb_rsp.h>
#include <lib.h>

#define SIGINT 2
#define SIGTRAP 5
#define MEM_MAX ((GDB_PKT_MAX - 8) / 2) /* bytes one m packet returns */

const char gdb_target_xml[] =
	"<?xml version=\"1.0\"?>\n"
	"<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
	"<target version=\"1.0\">\n"
	"<architecture>aarch64</architecture>\n"
	"<feature name=\"org.gnu.gdb.aarch64.core\">\n"
	"<reg name=\"x0\" bitsize=\"64\" regnum=\"0\"/>\n"
	"<reg name=\"x1\" bitsize=\"64\"/><reg name=\"x2\" bitsize=\"64\"/>\n"
	"<reg name=\"x3\" bitsize=\"64\"/><reg name=\"x4\" bitsize=\"64\"/>\n"
	"<reg name=\"x5\" bitsize=\"64\"/><reg name=\"x6\" bitsize=\"64\"/>\n"
	"<reg name=\"x7\" bitsize=\"64\"/><reg name=\"x8\" bitsize=\"64\"/>\n"
	"<reg name=\"x9\" bitsize=\"64\"/><reg name=\"x10\" bitsize=\"64\"/>\n"
	"<reg name=\"x11\" bitsize=\"64\"/><reg name=\"x12\" bitsize=\"64\"/>\n"
	"<reg name=\"x13\" bitsize=\"64\"/><reg name=\"x14\" bitsize=\"64\"/>\n"
	"<reg name=\"x15\" bitsize=\"64\"/><reg name=\"x16\" bitsize=\"64\"/>\n"
	"<reg name=\"x17\" bitsize=\"64\"/><reg name=\"x18\" bitsize=\"64\"/>\n"
	"<reg name=\"x19\" bitsize=\"64\"/><reg name=\"x20\" bitsize=\"64\"/>\n"
	"<reg name=\"x21\" bitsize=\"64\"/><reg name=\"x22\" bitsize=\"64\"/>\n"
	"<reg name=\"x23\" bitsize=\"64\"/><reg name=\"x24\" bitsize=\"64\"/>\n"
	"<reg name=\"x25\" bitsize=\"64\"/><reg name=\"x26\" bitsize=\"64\"/>\n"
	"<reg name=\"x27\" bitsize=\"64\"/><reg name=\"x28\" bitsize=\"64\"/>\n"
	"<reg name=\"x29\" bitsize=\"64\"/><reg name=\"x30\" bitsize=\"64\"/>\n"
	"<reg name=\"sp\" bitsize=\"64\" type=\"data_ptr\"/>\n"
	"<reg name=\"pc\" bitsize=\"64\" type=\"code_ptr\"/>\n"
	"<reg name=\"cpsr\" bitsize=\"32\"/>\n"
	"</feature>\n"
	"</target>\n";

/* ---- output ---- */

static const char hexdig[] = "0123456789abcdef";

static bool needs_escape(char c)
{
	return c == '$' || c == '#' || c == '}' || c == '*';
}

/* Frame body[0..n) as a packet in r->out (kept for a resend) and send it. */
static void send_packet(struct gdb_rsp *r, const char *body, u32 n)
{
	u32 o = 0;
	u8 sum = 0;

	r->out[o++] = '$';
	for (u32 i = 0; i < n && o < sizeof(r->out) - 4; i++) {
		char c = body[i];

		if (needs_escape(c)) {
			r->out[o++] = '}';
			sum = (u8)(sum + '}');
			c = (char)(c ^ 0x20);
		}
		r->out[o++] = c;
		sum = (u8)(sum + (u8)c);
	}
	r->out[o++] = '#';
	r->out[o++] = hexdig[sum >> 4];
	r->out[o++] = hexdig[sum & 15];
	r->out_len = o;
	r->t->put(r->t->ctx, r->out, o);
}

static void reply(struct gdb_rsp *r, const char *s)
{
	send_packet(r, s, (u32)strlen(s));
}

static void reply_err(struct gdb_rsp *r, int err)
{
	reply(r, err == ERR_RANGE || err == ERR_NOENT ? "E14" : "E01");
}

/* A small text buffer for building replies. */
struct obuf {
	char *p;
	u32 n, cap;
};

static void ob_char(struct obuf *b, char c)
{
	if (b->n < b->cap)
		b->p[b->n++] = c;
}

static void ob_str(struct obuf *b, const char *s)
{
	while (*s)
		ob_char(b, *s++);
}

static void ob_byte(struct obuf *b, u8 v)
{
	ob_char(b, hexdig[v >> 4]);
	ob_char(b, hexdig[v & 15]);
}

static void ob_hex(struct obuf *b, u64 v) /* big-endian number, no leading zeros */
{
	int s = 60;

	while (s > 0 && !((v >> s) & 15))
		s -= 4;
	for (; s >= 0; s -= 4)
		ob_char(b, hexdig[(v >> s) & 15]);
}

static void ob_le(struct obuf *b, u64 v, u32 bytes) /* target byte order */
{
	for (u32 i = 0; i < bytes; i++)
		ob_byte(b, (u8)(v >> (8 * i)));
}

/* ---- parsing ---- */

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* A hex number at *p (at least one digit, at most 16); *p moves past it. */
static bool parse_hex(const char **p, u64 *v)
{
	u32 n = 0;
	int d;

	*v = 0;
	while ((d = hexval(**p)) >= 0) {
		if (++n > 16)
			return false;
		*v = *v << 4 | (u64)d;
		(*p)++;
	}
	return n > 0;
}

static bool expect(const char **p, char c)
{
	if (**p != c)
		return false;
	(*p)++;
	return true;
}

/* n bytes from 2n hex digits. */
static bool parse_bytes(const char *p, u8 *out, u32 n)
{
	for (u32 i = 0; i < n; i++) {
		int hi = hexval(p[2 * i]), lo = hi < 0 ? -1 : hexval(p[2 * i + 1]);

		if (lo < 0)
			return false;
		out[i] = (u8)(hi << 4 | lo);
	}
	return true;
}

static bool parse_le(const char *p, u32 bytes, u64 *v)
{
	u8 b[8];

	if (bytes > 8 || !parse_bytes(p, b, bytes))
		return false;
	*v = 0;
	for (u32 i = 0; i < bytes; i++)
		*v |= (u64)b[i] << (8 * i);
	return true;
}

static u32 reg_bytes(u32 regno)
{
	return regno == GDB_REG_CPSR ? 4 : 8;
}

/* A thread id: -1 (all), 0 (any) or 1..n; *vcpu its vCPU (all and any: vCPU 0). */
static bool parse_thread(struct gdb_rsp *r, const char *p, u32 *vcpu)
{
	u64 id;

	if (p[0] == '-' && p[1] == '1' && !p[2]) {
		*vcpu = 0;
		return true;
	}
	if (!parse_hex(&p, &id) || *p)
		return false;
	if (id > r->t->nr_threads(r->t->ctx))
		return false;
	*vcpu = id ? (u32)id - 1 : 0;
	return true;
}

/* ---- commands ---- */

static void stop_reply(struct gdb_rsp *r)
{
	char buf[64];
	struct obuf b = { buf, 0, sizeof(buf) - 1 };
	static const char *const watch[] = { "watch", "rwatch", "awatch" };

	ob_char(&b, 'T');
	ob_byte(&b, r->stop_why == GDB_STOP_INTERRUPT ? SIGINT : SIGTRAP);
	ob_str(&b, "thread:");
	ob_hex(&b, r->stop_vcpu + 1);
	ob_char(&b, ';');
	if (r->stop_why == GDB_STOP_SWBREAK)
		ob_str(&b, "swbreak:;");
	else if (r->stop_why == GDB_STOP_HWBREAK)
		ob_str(&b, "hwbreak:;");
	else if (r->stop_why >= GDB_STOP_WATCH) {
		ob_str(&b, watch[r->stop_why - GDB_STOP_WATCH]);
		ob_char(&b, ':');
		ob_hex(&b, r->stop_addr);
		ob_char(&b, ';');
	}
	send_packet(r, buf, b.n);
}

static void cmd_read_regs(struct gdb_rsp *r)
{
	char buf[GDB_NR_REGS * 16 + 1];
	struct obuf b = { buf, 0, sizeof(buf) };

	for (u32 i = 0; i < GDB_NR_REGS; i++) {
		u64 v;
		int e = r->t->get_reg(r->t->ctx, r->g_vcpu, i, &v);

		if (e) {
			reply_err(r, e);
			return;
		}
		ob_le(&b, v, reg_bytes(i));
	}
	send_packet(r, buf, b.n);
}

static void cmd_write_regs(struct gdb_rsp *r, const char *p, u32 len)
{
	u32 off = 0;
	int e = 0;

	if (len != (GDB_NR_REGS * 8 - 4) * 2) {
		reply(r, "E01");
		return;
	}
	for (u32 i = 0; i < GDB_NR_REGS && !e; i++) {
		u64 v, old;

		if (!parse_le(p + off, reg_bytes(i), &v))
			e = ERR_INVAL;
		else if (!r->t->get_reg(r->t->ctx, r->g_vcpu, i, &old) && old == v)
			; /* unchanged: nothing to write (sp cannot be written) */
		else
			e = r->t->set_reg(r->t->ctx, r->g_vcpu, i, v);
		off += 2 * reg_bytes(i);
	}
	if (e)
		reply_err(r, e);
	else
		reply(r, "OK");
}

static void cmd_read_reg(struct gdb_rsp *r, const char *p)
{
	char buf[20];
	struct obuf b = { buf, 0, sizeof(buf) };
	u64 n, v;
	int e;

	if (!parse_hex(&p, &n) || *p || n >= GDB_NR_REGS) {
		reply(r, "E01");
		return;
	}
	e = r->t->get_reg(r->t->ctx, r->g_vcpu, (u32)n, &v);
	if (e) {
		reply_err(r, e);
		return;
	}
	ob_le(&b, v, reg_bytes((u32)n));
	send_packet(r, buf, b.n);
}

static void cmd_write_reg(struct gdb_rsp *r, const char *p)
{
	u64 n, v;
	int e;

	if (!parse_hex(&p, &n) || !expect(&p, '=') || n >= GDB_NR_REGS ||
	    strlen(p) != 2 * reg_bytes((u32)n) || !parse_le(p, reg_bytes((u32)n), &v)) {
		reply(r, "E01");
		return;
	}
	e = r->t->set_reg(r->t->ctx, r->g_vcpu, (u32)n, v);
	if (e)
		reply_err(r, e);
	else
		reply(r, "OK");
}

/* "addr,len" then end (or, for M, ':'). */
static bool parse_addr_len(const char **p, u64 *addr, u64 *len)
{
	return parse_hex(p, addr) && expect(p, ',') && parse_hex(p, len);
}

static void cmd_read_mem(struct gdb_rsp *r, const char *p)
{
	static u8 data[MEM_MAX]; /* one stub per protocol instance runs at a time */
	char *buf = r->in;       /* the request is parsed: its buffer holds the reply */
	struct obuf b = { buf, 0, GDB_PKT_MAX };
	u64 addr, len;
	int e;

	if (!parse_addr_len(&p, &addr, &len) || *p) {
		reply(r, "E01");
		return;
	}
	if (len > MEM_MAX)
		len = MEM_MAX; /* a shorter answer is allowed; gdb asks for the rest */
	e = r->t->read_mem(r->t->ctx, r->g_vcpu, addr, data, (u32)len);
	if (e) {
		reply_err(r, e);
		return;
	}
	for (u32 i = 0; i < len; i++)
		ob_byte(&b, data[i]);
	send_packet(r, buf, b.n);
}

static void cmd_write_mem(struct gdb_rsp *r, const char *p)
{
	static u8 data[MEM_MAX];
	u64 addr, len;
	int e;

	if (!parse_addr_len(&p, &addr, &len) || !expect(&p, ':') || len > MEM_MAX ||
	    strlen(p) != 2 * len || !parse_bytes(p, data, (u32)len)) {
		reply(r, "E01");
		return;
	}
	e = len ? r->t->write_mem(r->t->ctx, r->g_vcpu, addr, data, (u32)len) : 0;
	if (e)
		reply_err(r, e);
	else
		reply(r, "OK");
}

static void cmd_breakpoint(struct gdb_rsp *r, const char *p, bool insert)
{
	u64 type, addr, kind;
	int e;

	if (!parse_hex(&p, &type) || !expect(&p, ',') || !parse_hex(&p, &addr) ||
	    !expect(&p, ',') || !parse_hex(&p, &kind) || (*p && *p != ';') || type > 4 ||
	    kind > 0xffffffffULL) {
		reply(r, "E01");
		return;
	}
	e = r->t->breakpoint(r->t->ctx, (enum gdb_bp_type)type, addr, (u32)kind, insert);
	if (e == ERR_NOSYS)
		reply(r, "");
	else if (e)
		reply_err(r, e);
	else
		reply(r, "OK");
}

static void resume(struct gdb_rsp *r, int step)
{
	r->running = true;
	r->t->resume(r->t->ctx, step);
}

/* c [addr] / s [addr]: the Hc thread (the step) at addr if given. */
static void cmd_continue(struct gdb_rsp *r, const char *p, bool step)
{
	u64 addr;

	if (*p && (!parse_hex(&p, &addr) || *p ||
		   r->t->set_reg(r->t->ctx, r->c_vcpu, GDB_REG_PC, addr))) {
		reply(r, "E01");
		return;
	}
	resume(r, step ? (int)r->c_vcpu : -1);
}

/*
 * vCont;action[:thread]... (c, C sig, s, S sig; signals are not delivered to a VM).
 * One stepping thread at most; a step stops the others (they do not run meanwhile).
 */
static void cmd_vcont(struct gdb_rsp *r, const char *p)
{
	int step = -1;
	bool any = false;

	while (*p == ';') {
		char a = *++p;
		u64 sig, id;

		p++;
		if ((a == 'C' || a == 'S') && !parse_hex(&p, &sig))
			break;
		if (a != 'c' && a != 'C' && a != 's' && a != 'S')
			break;
		id = r->c_vcpu + 1;
		if (expect(&p, ':') && !(p[0] == '-' && p[1] == '1' && (p += 2)) &&
		    (!parse_hex(&p, &id) || !id || id > r->t->nr_threads(r->t->ctx)))
			break;
		if ((a == 's' || a == 'S') && step < 0)
			step = (int)id - 1;
		any = true;
	}
	if (*p || !any) {
		reply(r, "E01");
		return;
	}
	resume(r, step);
}

static void cmd_thread_list(struct gdb_rsp *r)
{
	char buf[8 * 64 + 2];
	struct obuf b = { buf, 0, sizeof(buf) };
	u32 n = r->t->nr_threads(r->t->ctx);

	ob_char(&b, 'm');
	for (u32 i = 0; i < n; i++) {
		if (i)
			ob_char(&b, ',');
		ob_hex(&b, i + 1);
	}
	send_packet(r, buf, b.n);
}

/* qXfer:features:read:target.xml:offset,length */
static void cmd_xfer(struct gdb_rsp *r, const char *p)
{
	static const char annex[] = "target.xml:";
	u32 size = (u32)sizeof(gdb_target_xml) - 1;
	u64 off, len;
	char *buf = r->in;

	if (strncmp(p, annex, sizeof(annex) - 1)) {
		reply(r, "E00");
		return;
	}
	p += sizeof(annex) - 1;
	if (!parse_addr_len(&p, &off, &len) || *p || off > size) {
		reply(r, "E01");
		return;
	}
	if (len > GDB_PKT_MAX - 1)
		len = GDB_PKT_MAX - 1;
	if (len > size - off)
		len = size - off;
	buf[0] = off + len < size ? 'm' : 'l';
	memcpy(buf + 1, gdb_target_xml + off, len);
	send_packet(r, buf, (u32)len + 1);
}

static bool prefix(const char *s, const char *p)
{
	return !strncmp(s, p, strlen(p));
}

static void cmd_query(struct gdb_rsp *r, const char *p)
{
	char buf[24];
	struct obuf b = { buf, 0, sizeof(buf) };

	if (prefix(p, "qSupported")) {
		reply(r, "PacketSize=1000;qXfer:features:read+;swbreak+;hwbreak+;vContSupported+");
	} else if (prefix(p, "qXfer:features:read:")) {
		cmd_xfer(r, p + 20);
	} else if (!strcmp(p, "qfThreadInfo")) {
		cmd_thread_list(r);
	} else if (!strcmp(p, "qsThreadInfo")) {
		reply(r, "l");
	} else if (!strcmp(p, "qC")) {
		ob_str(&b, "QC");
		ob_hex(&b, r->g_vcpu + 1);
		send_packet(r, buf, b.n);
	} else if (prefix(p, "qAttached")) {
		reply(r, "1"); /* an existing machine: quitting gdb detaches, never kills */
	} else {
		reply(r, "");
	}
}

static void cmd_set_thread(struct gdb_rsp *r, const char *p)
{
	u32 v;

	if ((p[0] != 'g' && p[0] != 'c') || !parse_thread(r, p + 1, &v)) {
		reply(r, "E01");
		return;
	}
	if (p[0] == 'g')
		r->g_vcpu = v;
	else
		r->c_vcpu = v;
	reply(r, "OK");
}

static void cmd_alive(struct gdb_rsp *r, const char *p)
{
	u64 id;

	if (parse_hex(&p, &id) && !*p && id && id <= r->t->nr_threads(r->t->ctx))
		reply(r, "OK");
	else
		reply(r, "E01");
}

static void cmd_detach(struct gdb_rsp *r, bool answer)
{
	r->t->detach(r->t->ctx);
	r->attached = false;
	r->running = false;
	if (answer)
		reply(r, "OK");
}

/* The first packet of a session stops the machine: gdb expects it stopped. */
static bool attach(struct gdb_rsp *r)
{
	int e;

	if (r->attached)
		return true;
	e = r->t->halt(r->t->ctx);
	if (e) {
		reply(r, "E01"); /* e.g. the VM is not debuggable or not running */
		return false;
	}
	r->attached = true;
	r->running = false;
	r->g_vcpu = r->c_vcpu = r->stop_vcpu = 0;
	r->stop_why = GDB_STOP_INTERRUPT;
	return true;
}

static void dispatch_stopped(struct gdb_rsp *r, const char *p, u32 len)
{
	switch (p[0]) {
	case '?': stop_reply(r); break;
	case 'g': p[1] ? reply(r, "E01") : cmd_read_regs(r); break;
	case 'G': cmd_write_regs(r, p + 1, len - 1); break;
	case 'p': cmd_read_reg(r, p + 1); break;
	case 'P': cmd_write_reg(r, p + 1); break;
	case 'm': cmd_read_mem(r, p + 1); break;
	case 'M': cmd_write_mem(r, p + 1); break;
	case 'Z': cmd_breakpoint(r, p + 1, true); break;
	case 'z': cmd_breakpoint(r, p + 1, false); break;
	case 'c': cmd_continue(r, p + 1, false); break;
	case 's': cmd_continue(r, p + 1, true); break;
	case 'H': cmd_set_thread(r, p + 1); break;
	case 'T': cmd_alive(r, p + 1); break;
	case 'q': cmd_query(r, p); break;
	case 'D': cmd_detach(r, true); break;
	case 'k': cmd_detach(r, false); break;
	case 'v':
		if (!strcmp(p, "vCont?"))
			reply(r, "vCont;c;C;s;S");
		else if (prefix(p, "vCont;"))
			cmd_vcont(r, p + 5);
		else
			reply(r, "");
		break;
	default: reply(r, ""); break;
	}
}

static void dispatch(struct gdb_rsp *r)
{
	r->in[r->len] = 0;
	if (r->overflow) {
		reply(r, "E22");
		return;
	}
	if (r->len == 0 || strlen(r->in) != r->len) {
		reply(r, r->len ? "E01" : ""); /* a NUL inside: not a command we know */
		return;
	}
	if (r->running) {
		reply(r, "E01"); /* all-stop: only an interrupt while it runs */
		return;
	}
	if (r->in[0] == 'D' || r->in[0] == 'k') {
		if (r->attached)
			cmd_detach(r, r->in[0] == 'D');
		else if (r->in[0] == 'D')
			reply(r, "OK");
		return;
	}
	if (attach(r))
		dispatch_stopped(r, r->in, r->len);
}

/* ---- input ---- */

static void ack(struct gdb_rsp *r, char c)
{
	r->t->put(r->t->ctx, &c, 1);
}

static void packet_end(struct gdb_rsp *r)
{
	r->rx = GDB_RX_IDLE;
	if (r->sum != r->their_sum) {
		r->bad_packets++;
		ack(r, '-');
		return;
	}
	ack(r, '+');
	if (r->overflow)
		r->bad_packets++;
	dispatch(r);
}

static void data_byte(struct gdb_rsp *r, u8 c)
{
	r->sum = (u8)(r->sum + c);
	if (!r->escape && c == '}') {
		r->escape = true;
		return;
	}
	if (r->escape)
		c ^= 0x20;
	r->escape = false;
	if (r->len >= GDB_PKT_MAX)
		r->overflow = true;
	else
		r->in[r->len++] = (char)c;
}

static void idle_byte(struct gdb_rsp *r, u8 c)
{
	if (c == '$') {
		r->rx = GDB_RX_DATA;
		r->len = 0;
		r->sum = 0;
		r->escape = r->overflow = false;
	} else if (c == '-' && r->out_len) {
		r->t->put(r->t->ctx, r->out, r->out_len); /* gdb asks for the last one again */
	} else if (c == 0x03 && r->attached && r->running) {
		if (!r->t->halt(r->t->ctx) && r->running) {
			r->running = false; /* the target had not reported a stop of its own */
			r->stop_why = GDB_STOP_INTERRUPT;
			r->stop_vcpu = r->c_vcpu;
			stop_reply(r);
		}
	}
	/* '+' and anything else between packets: nothing to do */
}

void gdb_rsp_input(struct gdb_rsp *r, u8 c)
{
	int d;

	switch (r->rx) {
	case GDB_RX_IDLE:
		idle_byte(r, c);
		break;
	case GDB_RX_DATA:
		if (c == '$') /* a new start: the previous packet was cut, resynchronise */
			idle_byte(r, c);
		else if (c == '#' && !r->escape)
			r->rx = GDB_RX_CSUM1;
		else
			data_byte(r, c);
		break;
	case GDB_RX_CSUM1:
	case GDB_RX_CSUM2:
		d = hexval((char)c);
		if (d < 0) {
			r->rx = GDB_RX_IDLE;
			r->bad_packets++;
			ack(r, '-');
		} else if (r->rx == GDB_RX_CSUM1) {
			r->their_sum = (u8)(d << 4);
			r->rx = GDB_RX_CSUM2;
		} else {
			r->their_sum = (u8)(r->their_sum | d);
			packet_end(r);
		}
		break;
	}
}

void gdb_rsp_stopped(struct gdb_rsp *r, u32 vcpu, enum gdb_stop_why why, u64 addr)
{
	if (!r->attached || !r->running)
		return;
	r->running = false;
	r->stop_vcpu = vcpu;
	r->stop_why = why;
	r->stop_addr = addr;
	r->g_vcpu = r->c_vcpu = vcpu;
	stop_reply(r);
}

void gdb_rsp_init(struct gdb_rsp *r, const struct gdb_target *t)
{
	memset(r, 0, sizeof(*r));
	r->t = t;
}
