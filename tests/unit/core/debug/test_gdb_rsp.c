/*
 * Host tests for the GDB remote protocol core (src/core/debug/gdb_rsp.c) against a fake
 * two-vCPU machine: framing, acks and resends, escapes, every command the stub knows,
 * and for malformed, truncated and oversized packets and bad checksums an error reply
 * or a nack, never a crash (ASan/UBSan watch), also under random input.
 */
#include "harness.h"
#include <err.h>
#include <gdb_rsp.h>
#include <stdlib.h>

#define MEM_BASE 0x1000
#define MEM_SIZE 256

static u64 regs[2][GDB_NR_REGS];
static u8 mem[MEM_SIZE];
static char out[65536];
static u32 out_n;
static int halts, resumes, last_step, detaches, bp_calls, last_bp_type;
static u64 last_bp_addr;
static bool last_bp_insert;

static u32 f_threads(void *ctx)
{
	(void)ctx;
	return 2;
}

static int f_get_reg(void *ctx, u32 v, u32 n, u64 *val)
{
	(void)ctx;
	if (v >= 2 || n >= GDB_NR_REGS)
		return ERR_INVAL;
	*val = regs[v][n];
	return 0;
}

static int f_set_reg(void *ctx, u32 v, u32 n, u64 val)
{
	(void)ctx;
	if (v >= 2 || n >= GDB_NR_REGS || n == GDB_REG_SP)
		return ERR_PERM;
	regs[v][n] = val;
	return 0;
}

static int f_read(void *ctx, u32 v, u64 a, u8 *buf, u32 len)
{
	(void)ctx;
	(void)v;
	if (a < MEM_BASE || a + len > MEM_BASE + MEM_SIZE || a + len < a)
		return ERR_RANGE;
	memcpy(buf, mem + (a - MEM_BASE), len);
	return 0;
}

static int f_write(void *ctx, u32 v, u64 a, const u8 *buf, u32 len)
{
	(void)ctx;
	(void)v;
	if (a < MEM_BASE || a + len > MEM_BASE + MEM_SIZE || a + len < a)
		return ERR_RANGE;
	memcpy(mem + (a - MEM_BASE), buf, len);
	return 0;
}

static int f_bp(void *ctx, enum gdb_bp_type t, u64 a, u32 kind, bool insert)
{
	(void)ctx;
	(void)kind;
	bp_calls++;
	last_bp_type = (int)t;
	last_bp_addr = a;
	last_bp_insert = insert;
	return t == GDB_WP_READ ? ERR_NOSYS : 0;
}

static int f_halt(void *ctx)
{
	(void)ctx;
	halts++;
	return 0;
}

static void f_resume(void *ctx, int step)
{
	(void)ctx;
	resumes++;
	last_step = step;
}

static void f_detach(void *ctx)
{
	(void)ctx;
	detaches++;
}

static void f_put(void *ctx, const char *b, u32 n)
{
	(void)ctx;
	if (out_n + n < sizeof(out)) {
		memcpy(out + out_n, b, n);
		out_n += n;
	}
	out[out_n] = 0;
}

static const struct gdb_target target = { NULL, f_threads, f_get_reg, f_set_reg, f_read,
					  f_write, f_bp, f_halt, f_resume, f_detach, f_put };
static struct gdb_rsp rsp;

static void reset(void)
{
	gdb_rsp_init(&rsp, &target);
	out_n = 0;
	out[0] = 0;
	halts = resumes = detaches = bp_calls = 0;
	last_step = -2;
	for (u32 i = 0; i < MEM_SIZE; i++)
		mem[i] = (u8)i;
	for (u32 v = 0; v < 2; v++)
		for (u32 n = 0; n < GDB_NR_REGS; n++)
			regs[v][n] = 0x1111111111111111ULL * (n % 15 + 1) + v;
}

static void feed(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		gdb_rsp_input(&rsp, (u8)s[i]);
}

/* Send body as a well-formed packet; return what came back (ack included). */
static const char *cmd(const char *body)
{
	char tail[4];
	u8 sum = 0;

	for (const char *p = body; *p; p++)
		sum = (u8)(sum + (u8)*p);
	snprintf(tail, sizeof(tail), "#%02x", sum);
	out_n = 0;
	out[0] = 0;
	gdb_rsp_input(&rsp, '$');
	feed(body, strlen(body));
	feed(tail, 3);
	return out;
}

/* The body of the reply (after "+$", before '#'), checksum verified. */
static const char *body_of(const char *o)
{
	static char b[65536];
	const char *s = strchr(o, '$'), *e = s ? strchr(s, '#') : NULL;
	u8 sum = 0;
	unsigned want;

	if (!s || !e || sscanf(e + 1, "%2x", &want) != 1)
		return "<no packet>";
	for (const char *p = s + 1; p < e; p++)
		sum = (u8)(sum + (u8)*p);
	if (sum != want)
		return "<bad checksum>";
	memcpy(b, s + 1, (size_t)(e - s - 1));
	b[e - s - 1] = 0;
	return b;
}

static const char *ask(const char *body)
{
	const char *o = cmd(body);

	CHECK(o[0] == '+');
	return body_of(o);
}

TEST(test_framing_and_supported)
{
	reset();
	CHECK_STR_CONTAINS(ask("qSupported:multiprocess+;swbreak+"), "PacketSize=1000");
	CHECK_EQ(halts, 1); /* the first packet stops the machine */
	CHECK(!strcmp(cmd("qSupported"), "+$PacketSize=1000;qXfer:features:read+;swbreak+;"
				       "hwbreak+;vContSupported+#c4") ||
	      body_of(out)[0] == 'P');
	CHECK_EQ(halts, 1);
}

TEST(test_bad_checksum_is_nacked_and_resend)
{
	reset();
	out_n = 0;
	feed("$?#00", 5);
	CHECK(!strcmp(out, "-"));
	CHECK_EQ(rsp.bad_packets, 1);
	CHECK(!strcmp(ask("?"), "T02thread:1;"));
	out_n = 0;
	feed("-", 1); /* gdb did not get it: the same packet again */
	CHECK(!strcmp(body_of(out), "T02thread:1;"));
	out_n = 0;
	feed("$?#zz", 5);
	CHECK(!strcmp(out, "-"));
}

TEST(test_oversized_and_truncated)
{
	static char big[GDB_PKT_MAX + 100];

	reset();
	memset(big, 'q', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	CHECK(!strcmp(ask(big), "E22"));
	/* a packet cut by a new '$' is dropped, the next one is served */
	out_n = 0;
	feed("$m10", 4);
	CHECK(!strcmp(ask("?"), "T02thread:1;"));
	/* cut in its checksum */
	out_n = 0;
	feed("$?#1$", 5);
	CHECK(out[0] == '-');
	CHECK(!strcmp(ask("g"), body_of(cmd("g"))));
	CHECK(!strcmp(ask(""), ""));
}

TEST(test_malformed_commands_get_errors)
{
	static const char *const bad[] = {
		"mzz", "m1000", "m1000,", "m,4", "m1000,4x", "m11111111111111111,4",
		"M1000,4:zz", "M1000,4:001122", "M1000,2:001122", "M1000", "Z9,1000,4", "Z0,1000",
		"Z0", "z0,,4", "p99", "pzz", "p", "P1=12", "P1", "P99=0000000000000000",
		"G00", "Hg5", "Hx1", "Hgzz", "T0", "T3", "Tzz", "vCont;x", "vCont;", "vCont;c:5",
		"vCont;s:0", "vCont;Czz", "gx", "qXfer:features:read:target.xml:zz",
		"qXfer:features:read:target.xml:99999,10", "czz", "c1000x",
	};

	reset();
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *b = ask(bad[i]);

		if (b[0] != 'E')
			printf("  '%s' -> '%s'\n", bad[i], b);
		CHECK(b[0] == 'E');
	}
	CHECK_EQ(resumes, 0);
	CHECK(!strcmp(ask("qXfer:features:read:other.xml:0,10"), "E00"));
	CHECK(!strcmp(ask("Xsomething"), "")); /* unknown: not supported */
	CHECK(!strcmp(ask("qRcmd,00"), ""));
}

TEST(test_registers)
{
	const char *g;
	char want[17];

	reset();
	g = ask("g");
	CHECK_EQ(strlen(g), (31 * 8 + 8 + 8 + 4) * 2);
	CHECK(!strncmp(g, "1111111111111111", 16));
	CHECK(!strcmp(ask("Hg2"), "OK"));
	CHECK(!strcmp(ask("p20"), "3433333333333333")); /* pc of vCPU 1: 0x3333..33 + 1 */
	CHECK(!strcmp(ask("P20=0810000000000000"), "OK"));
	CHECK_EQ(regs[1][GDB_REG_PC], 0x1008);
	CHECK(!strcmp(ask("p21"), "45444444")); /* cpsr: 32 bits */
	CHECK(ask("P1f=0000000000000000")[0] == 'E'); /* sp cannot be written */
	/* G with every value unchanged but x0 */
	g = ask("g");
	{
		char gb[1024];

		strcpy(gb + 1, g);
		gb[0] = 'G';
		memcpy(gb + 1, "efbeadde00000000", 16);
		CHECK(!strcmp(ask(gb), "OK"));
	}
	CHECK_EQ(regs[1][0], 0xdeadbeef);
	snprintf(want, sizeof(want), "%s", "efbeadde00000000");
	CHECK(!strcmp(ask("p0"), want));
	CHECK(!strcmp(ask("Hg0"), "OK"));
	CHECK(!strcmp(ask("Hc-1"), "OK"));
	CHECK(!strcmp(ask("qC"), "QC1"));
}

TEST(test_memory_and_escapes)
{
	reset();
	CHECK(!strcmp(ask("m1000,4"), "00010203"));
	CHECK(!strcmp(ask("m10fe,2"), "feff"));
	CHECK(!strcmp(ask("m10ff,2"), "E14"));
	CHECK(!strcmp(ask("m0,4"), "E14"));
	CHECK(!strcmp(ask("m1000,0"), ""));
	CHECK_EQ(strlen(ask("m1000,100")), 512);
	CHECK(!strcmp(ask("M1004,2:abcd"), "OK"));
	CHECK_EQ(mem[4], 0xab);
	CHECK_EQ(mem[5], 0xcd);
	CHECK(!strcmp(ask("M2000,1:00"), "E14"));
	/* '}' escapes: "M1000,1:4}\x11" is "M1000,1:41" */
	CHECK(!strcmp(ask("M1000,1:4}\x11"), "OK"));
	CHECK_EQ(mem[0], 0x41);
	CHECK(!strcmp(ask("qfThreadInfo"), "m1,2"));
	CHECK(!strcmp(ask("qsThreadInfo"), "l"));
}

TEST(test_breakpoints)
{
	reset();
	CHECK(!strcmp(ask("Z0,40080abc,4"), "OK"));
	CHECK_EQ(last_bp_type, GDB_BP_SW);
	CHECK_EQ(last_bp_addr, 0x40080abc);
	CHECK(last_bp_insert);
	CHECK(!strcmp(ask("z1,40080000,4"), "OK"));
	CHECK_EQ(last_bp_type, GDB_BP_HW);
	CHECK(!last_bp_insert);
	CHECK(!strcmp(ask("Z2,1008,8"), "OK"));
	CHECK(!strcmp(ask("Z3,1008,8"), "")); /* the fake does not do read watchpoints */
	CHECK(!strcmp(ask("Z4,1008,8;X2,abcd"), "OK"));
	CHECK_EQ(bp_calls, 5);
}

TEST(test_resume_stop_and_interrupt)
{
	reset();
	CHECK(!strcmp(ask("vCont?"), "vCont;c;C;s;S"));
	CHECK(!strcmp(cmd("vCont;c"), "+")); /* no reply until it stops */
	CHECK_EQ(resumes, 1);
	CHECK_EQ(last_step, -1);
	CHECK(!strcmp(ask("g"), "E01")); /* all-stop: nothing but an interrupt while running */
	out_n = 0;
	gdb_rsp_stopped(&rsp, 1, GDB_STOP_SWBREAK, 0);
	CHECK(!strcmp(body_of(out), "T05thread:2;swbreak:;"));
	CHECK(!strcmp(cmd("vCont;s:2;c"), "+"));
	CHECK_EQ(last_step, 1);
	out_n = 0;
	gdb_rsp_stopped(&rsp, 1, GDB_STOP_STEP, 0);
	CHECK(!strcmp(body_of(out), "T05thread:2;"));
	CHECK(!strcmp(cmd("c"), "+"));
	out_n = 0;
	gdb_rsp_input(&rsp, 0x03);
	CHECK(!strcmp(body_of(out), "T02thread:2;"));
	out_n = 0;
	gdb_rsp_stopped(&rsp, 0, GDB_STOP_STEP, 0); /* too late: already reported */
	CHECK_EQ(out_n, 0);
	CHECK(!strcmp(cmd("vCont;c:-1"), "+"));
	out_n = 0;
	gdb_rsp_stopped(&rsp, 0, GDB_STOP_WATCH, 0x1008);
	CHECK(!strcmp(body_of(out), "T05thread:1;watch:1008;"));
	CHECK(!strcmp(cmd("s1000"), "+"));
	CHECK_EQ(regs[0][GDB_REG_PC], 0x1000);
	CHECK_EQ(last_step, 0);
	gdb_rsp_stopped(&rsp, 0, GDB_STOP_HWBREAK, 0);
	CHECK(!strcmp(ask("T2"), "OK"));
}

TEST(test_detach_and_reattach)
{
	reset();
	CHECK(!strcmp(ask("?"), "T02thread:1;"));
	CHECK(!strcmp(ask("D"), "OK"));
	CHECK_EQ(detaches, 1);
	CHECK(!rsp.attached);
	out_n = 0;
	gdb_rsp_input(&rsp, 0x03); /* nobody attached: ignored */
	CHECK_EQ(out_n, 0);
	CHECK(!strcmp(ask("?"), "T02thread:1;"));
	CHECK_EQ(halts, 2);
	CHECK(!strcmp(cmd("k"), "+"));
	CHECK_EQ(detaches, 2);
}

TEST(test_target_xml)
{
	static char xml[8192];
	u32 off = 0;

	reset();
	for (int i = 0; i < 100; i++) {
		char q[80];
		const char *b;

		snprintf(q, sizeof(q), "qXfer:features:read:target.xml:%x,%x", off, 100);
		b = ask(q);
		CHECK(b[0] == 'm' || b[0] == 'l');
		memcpy(xml + off, b + 1, strlen(b + 1));
		off += (u32)strlen(b + 1);
		if (b[0] == 'l')
			break;
	}
	xml[off] = 0;
	CHECK(!strcmp(xml, gdb_target_xml));
	CHECK_STR_CONTAINS(xml, "org.gnu.gdb.aarch64.core");
}

/* Random bytes and random well-framed packets: only acks, nacks and replies come back. */
TEST(test_random_input)
{
	static const char alphabet[] = "$#}+-\x03gGpPmMzZcsvHTqD?0123456789abcdefx,:;=-";

	reset();
	srand(1);
	for (int i = 0; i < 200000; i++) {
		out_n = 0;
		gdb_rsp_input(&rsp, (u8)(rand() % 3 ? alphabet[rand() % (sizeof(alphabet) - 1)]
					      : rand() % 256));
		if (rsp.running && rand() % 8 == 0)
			gdb_rsp_stopped(&rsp, (u32)rand() % 2, GDB_STOP_STEP, 0);
	}
	for (int i = 0; i < 20000; i++) {
		char b[64];
		u32 n = (u32)rand() % 40;

		for (u32 k = 0; k < n; k++)
			b[k] = alphabet[6 + rand() % (sizeof(alphabet) - 7)];
		b[n] = 0;
		cmd(b);
		CHECK(out[0] == '+');
		if (rsp.running)
			gdb_rsp_stopped(&rsp, 0, GDB_STOP_STEP, 0);
	}
}

int main(void)
{
	RUN(test_framing_and_supported);
	RUN(test_bad_checksum_is_nacked_and_resend);
	RUN(test_oversized_and_truncated);
	RUN(test_malformed_commands_get_errors);
	RUN(test_registers);
	RUN(test_memory_and_escapes);
	RUN(test_breakpoints);
	RUN(test_resume_stop_and_interrupt);
	RUN(test_detach_and_reattach);
	RUN(test_target_xml);
	RUN(test_random_input);
	HARNESS_END("test_gdb_rsp");
}
