/*
 * The GDB remote serial protocol (GDB manual, appendix "Remote Protocol"), as a pure
 * state machine: bytes from the line go in one at a time (gdb_rsp_input), replies go
 * out through the target's put(), and everything the protocol asks of the debugged
 * machine goes through the callbacks of struct gdb_target. It touches no register
 * and no VM, so a host unit test drives it with any byte sequence (docs/debugging.md).
 *
 * Threads are the VM's vCPUs: thread id n (1-based, as gdb wants them positive) is
 * vCPU n - 1; the callbacks get the 0-based index. Registers are gdb's aarch64 core
 * set: x0-x30 (0-30), sp (31), pc (32), cpsr (33, 32 bits).
 */
#ifndef RTV_GDB_RSP_H
#define RTV_GDB_RSP_H

#include <types.h>

#define GDB_PKT_MAX 4096  /* PacketSize announced: longest packet body accepted */
#define GDB_NR_REGS 34
#define GDB_REG_SP 31
#define GDB_REG_PC 32
#define GDB_REG_CPSR 33

enum gdb_bp_type { /* the Z/z packet's type field */
	GDB_BP_SW = 0,
	GDB_BP_HW = 1,
	GDB_WP_WRITE = 2,
	GDB_WP_READ = 3,
	GDB_WP_ACCESS = 4,
};

enum gdb_stop_why {
	GDB_STOP_INTERRUPT, /* Ctrl-C or the attach: SIGINT */
	GDB_STOP_SWBREAK,   /* a BRK the stub wrote: SIGTRAP, swbreak */
	GDB_STOP_HWBREAK,   /* a hardware breakpoint: SIGTRAP, hwbreak */
	GDB_STOP_STEP,      /* a single step completed: SIGTRAP */
	GDB_STOP_WATCH,     /* a watchpoint: SIGTRAP, watch/rwatch/awatch with the address */
	GDB_STOP_RWATCH,
	GDB_STOP_AWATCH,
};

/* What the debugged machine provides. Every int function returns 0 or ERR_*. */
struct gdb_target {
	void *ctx;
	u32 (*nr_threads)(void *ctx);
	int (*get_reg)(void *ctx, u32 vcpu, u32 regno, u64 *val);
	int (*set_reg)(void *ctx, u32 vcpu, u32 regno, u64 val);
	int (*read_mem)(void *ctx, u32 vcpu, u64 addr, u8 *buf, u32 len);
	int (*write_mem)(void *ctx, u32 vcpu, u64 addr, const u8 *buf, u32 len);
	/* Insert (or remove) a breakpoint/watchpoint; ERR_NOSYS: type not supported. */
	int (*breakpoint)(void *ctx, enum gdb_bp_type type, u64 addr, u32 kind, bool insert);
	/* Stop the machine now (attach, Ctrl-C); 0 once it is stopped. */
	int (*halt)(void *ctx);
	/* Let it run: step only vCPU step (the others stay stopped), or all if step < 0.
	 * The target calls gdb_rsp_stopped() when it stops again. */
	void (*resume)(void *ctx, int step);
	void (*detach)(void *ctx);   /* remove every breakpoint, let it run on */
	void (*put)(void *ctx, const char *buf, u32 len); /* bytes to the line */
};

enum gdb_rx_state { GDB_RX_IDLE, GDB_RX_DATA, GDB_RX_CSUM1, GDB_RX_CSUM2 };

struct gdb_rsp {
	const struct gdb_target *t;
	enum gdb_rx_state rx;
	bool escape, overflow;
	bool attached;    /* a debugger is talking to us: the machine is under its control */
	bool running;     /* resumed: the next thing sent is a stop reply */
	u8 sum, their_sum;
	u32 len, out_len;
	u32 g_vcpu, c_vcpu;                /* Hg, Hc (0-based) */
	u32 stop_vcpu;                     /* the last stop: for `?` */
	enum gdb_stop_why stop_why;
	u64 stop_addr;
	u32 bad_packets;                   /* bad checksums, overflows: for the shell */
	char in[GDB_PKT_MAX + 1];          /* body of the packet being received */
	char out[2 * GDB_PKT_MAX + 8];     /* the last packet sent (for a nack) */
};

void gdb_rsp_init(struct gdb_rsp *r, const struct gdb_target *t);
/* One byte from the line. */
void gdb_rsp_input(struct gdb_rsp *r, u8 c);
/* The target stopped after resume(): report it (if gdb waits for it). */
void gdb_rsp_stopped(struct gdb_rsp *r, u32 vcpu, enum gdb_stop_why why, u64 addr);

/* gdb's aarch64 target description (org.gnu.gdb.aarch64.core), for the unit test. */
extern const char gdb_target_xml[];

#endif
