/*
 * Software-only guest debugging (docs/debugging.md). Only VMs marked `debug;` in the
 * scenario can be inspected. An inspection first stops the VM (paused) and has each
 * loaded vCPU's pCPU put its state to memory, so what is printed is one consistent
 * snapshot; the VM then runs on exactly as before. Guest memory is read through the
 * VM's own RAM map (never device memory); nothing here writes guest state.
 */
#ifndef RTV_DEBUG_H
#define RTV_DEBUG_H

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
 * Provided by the architecture (arm64: arch/arm64/debug_*.c), on a stopped VM:
 */
void arch_debug_regs(const struct vcpu *v);     /* general registers, PC, PSTATE, EL1 state */
void arch_debug_sysregs(const struct vcpu *v);  /* EL1 system registers, decoded */
void arch_debug_virq(const struct vm *vm);      /* virtual interrupt controller state */
/* Translate a guest VA with v's own stage 1 (printing each level if print), then stage 2.
 * 0 with *ipa and *pa, or ERR_NOENT (not mapped) / ERR_NOSYS (a format not walked). */
int arch_debug_walk(const struct vcpu *v, u64 va, bool print, u64 *ipa, u64 *pa);

#endif
