/*
 * Software-only guest debugging (docs/debugging.md). Only VMs marked `debug;` in the
 * scenario can be inspected. An inspection first stops the VM (paused) and has each
 * loaded vCPU's pCPU put its state to memory, so what is printed is one consistent
 * snapshot; the VM then runs on exactly as before. Guest memory is read through the
 * VM's own RAM map (never device memory); nothing here writes guest state.
 */
#ifndef RTV_DEBUG_H
#define RTV_DEBUG_H

#include <rtv_limits.h>
#include <types.h>

struct vm;
struct vcpu;

/* 0, or ERR_PERM (no `debug;`) / ERR_BUSY (not created, stopped) with msg saying why. */
int debug_allowed(const struct vm *vm, char *msg, size_t len);
/*
 * Pause vm (if it runs) and bring every vCPU's state to memory. 0: consistent;
 * ERR_BUSY: a pCPU did not answer in time, the values of its vCPU may be live.
 * *paused: whether this call paused it (pass to debug_continue).
 */
int debug_stop(struct vm *vm, bool *paused);
void debug_continue(struct vm *vm, bool paused);
/* len bytes of the VM's RAM at ipa (never device memory): 0 or ERR_RANGE. */
int debug_read_ipa(const struct vm *vm, u64 ipa, void *buf, size_t len);
/*
 * Print the last n records of a stopped Linux VM's kernel log (dmesg.c; needs the
 * scenario's system-map). 0, or a negative ERR_* with msg saying why.
 */
int debug_dmesg(const struct vm *vm, u32 n, char *msg, size_t len);
/* On the vCPU's own pCPU (vm_service): a snapshot was asked for: put its state. */
void debug_sync_here(struct vcpu *v);

/* Crash snapshots (crash.c), on the faulting vCPU's pCPU; only for `debug;` VMs. */
struct fault_info;
void crash_capture(struct vcpu *v, const struct fault_info *fi, const char *why);
void crash_watch(struct vcpu *v, const struct fault_info *fi); /* loop detector */
const struct vcpu *crash_snapshot(const struct vm *vm, const struct fault_info **fi,
				  const char **why, u64 *age_us);
void crash_print_console(const struct vm *vm);

/*
 * Execution control for the GDB stub (gdb_stub.c, docs/debugging.md). While a debugger
 * is attached, vm->dbg points here: the architecture routes the VM's debug exceptions
 * to the hypervisor, programs the hardware breakpoints and watchpoints below into each
 * vCPU it enters, and steps step_vcpu one instruction. A debug exception of the VM
 * (debug_guest_stop, on the vCPU's own pCPU) records one event and pauses the VM; the
 * housekeeping pCPU reports it. Whoever changes bp/wp/step bumps gen.
 */
enum debug_stop_kind { DEBUG_STOP_BRK, DEBUG_STOP_HWBP, DEBUG_STOP_STEP, DEBUG_STOP_WATCH };
enum debug_wp_kind { DEBUG_WP_LOAD = 1, DEBUG_WP_STORE = 2, DEBUG_WP_ANY = 3 };

struct debug_wp {
	u64 addr;
	u32 len;                  /* bytes watched */
	enum debug_wp_kind kind;
};

struct vm_debug {
	u32 nr_bp, nr_wp;
	u64 bp[LIM_DEBUG_HW_BPS];           /* instruction addresses (guest VA) */
	struct debug_wp wp[LIM_DEBUG_HW_WPS];
	volatile s32 step_vcpu;             /* the vCPU stepping one instruction, -1 none */
	volatile u32 gen;
	volatile bool event;                /* a stop waits to be reported */
	u32 ev_vcpu;
	enum debug_stop_kind ev_kind;
	u64 ev_addr;                        /* watchpoint: the data address */
};

/* On the vCPU's pCPU, from a debug exception of an attached VM: record, pause the VM. */
void debug_guest_stop(struct vcpu *v, enum debug_stop_kind kind, u64 addr);
/* Write len bytes of the VM's RAM at ipa (also code: caches made coherent). */
int debug_write_ipa(const struct vm *vm, u64 ipa, const void *buf, size_t len);
/* len bytes at guest VA va as v's page tables map it, page by page: 0, the walk's
 * ERR_NOENT/ERR_NOSYS (not translated) or ERR_RANGE (not the VM's RAM). */
int debug_copy_va(const struct vcpu *v, u64 va, void *buf, size_t len, bool write);

/* The GDB stubs (gdb_stub.c): boot CPU after the VMs exist; housekeeping pCPU's loop. */
void gdb_init(void);
void gdb_poll(void);
u64 gdb_next_due(void);   /* counter value of the next poll, 0: no line */

/*
 * Provided by the architecture (arm64: arch/arm64/debug_*.c), on a stopped VM:
 */
void arch_debug_regs(const struct vcpu *v);     /* general registers, PC, PSTATE, EL1 state */
void arch_debug_sysregs(const struct vcpu *v);  /* EL1 system registers, decoded */
void arch_debug_virq(const struct vm *vm);      /* virtual interrupt controller state */
/* Translate a guest VA with v's own stage 1 (printing each level if print), then stage 2.
 * 0 with *ipa and *pa, or ERR_NOENT (not mapped) / ERR_NOSYS (a format not walked). */
int arch_debug_walk(const struct vcpu *v, u64 va, bool print, u64 *ipa, u64 *pa);
/* GDB's register n of v (gdb_rsp.h numbering); set: ERR_PERM for what cannot change. */
int arch_gdb_get_reg(const struct vcpu *v, u32 n, u64 *val);
int arch_gdb_set_reg(struct vcpu *v, u32 n, u64 val);
/* The instruction the stub writes for a software breakpoint (4 bytes, guest order). */
u32 arch_debug_brk_insn(void);
/* Prepare v (stopped) to execute one instruction with interrupts masked / undo that. */
void arch_debug_step_begin(struct vcpu *v);
void arch_debug_step_end(struct vcpu *v);
/* A hardware breakpoint / watchpoint the architecture can program: 0 or ERR_INVAL. */
int arch_debug_wp_check(u64 addr, u32 len);

#endif
