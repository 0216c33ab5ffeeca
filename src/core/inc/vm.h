/*
 * A virtual machine: its configuration, memory, vCPUs and the table of its emulated
 * MMIO windows. Emulated devices keep their per-VM state in their own files
 * (device units, vdev.h); the architecture's part is vm.arch (asm/vcpu.h).
 */
#ifndef RTV_VM_H
#define RTV_VM_H

#include <asm/spinlock.h>
#include <asm/vcpu.h>
#include <config.h>
#include <mmio.h>
#include <types.h>
#include <vcpu.h>

enum vm_state {
	VM_STOPPED,
	VM_RUNNING,
	VM_RESETTING,
	VM_PAUSED,
};

struct vm_mem {
	u64 ipa, pa, size;
};

/* Refused or unhandled guest actions (fault.c): counted always, reported rate-limited. */
struct vm_debug;

struct vm_faults {
	u64 total;       /* every one */
	u64 reported;    /* reported in full */
	u64 unreported;  /* not yet named in a summary line */
	u64 summary_at;  /* counter value of the last summary (or of the burst's end) */
};

struct vm {
	const struct cfg_vm *cfg;
	u32 id;
	u32 vmid;
	volatile enum vm_state state;
	spinlock_t lock;
	struct vm_mem mem[CFG_MAX_MEM];
	struct vm_arch arch;
	struct vcpu vcpus[CFG_MAX_VCPUS];
	u32 nr_vcpus;
	struct mmio_table mmio;
	struct vm_faults faults;
	u32 resets;
	u32 starts;         /* runs begun (vm_start): tells one run from the next */
	struct vm_debug *volatile dbg; /* a GDB session controls it (debug.h); NULL: none */
	bool created;       /* vm_create() succeeded: the VM may start */
	char create_error[CFG_ERR_LEN]; /* why vm_create() failed ("" if it did not) */
};

extern struct vm vms[CFG_MAX_VMS];
extern u32 nr_vms;

/* 0 on success; else the VM stays stopped for good, vm->create_error says why. */
int vm_create(struct vm *vm, u32 id, const struct cfg_vm *cfg);
int vm_start(struct vm *vm);  /* 0: running; else stopped, and it said why */
void vm_stop(struct vm *vm, const char *why);
void vm_request_reset(struct vm *vm);
int vm_pause(struct vm *vm);
int vm_resume(struct vm *vm);
const char *vm_pool_name(const struct vm *vm);
struct cpu;
void vm_service(struct cpu *c);
struct vm *vm_by_name(const char *name);
const char *vm_state_name(enum vm_state s);
const char *vm_status_name(const struct vm *vm); /* the state, or "failed" if never created */

/*
 * Provided by the architecture (src/arch/<arch>/):
 */
int vm_arch_init(struct vm *vm);           /* at creation: stage-2 root, arch state */
int vm_arch_map(struct vm *vm, u64 ipa, u64 pa, u64 size, bool device); /* stage 2 */
int vm_arch_map_ro(struct vm *vm, u64 ipa, u64 pa, u64 size); /* normal memory, read-only */
/* Out of its live stage 2, every pCPU's TLB entries for it invalidated before it returns;
 * the tables stay allocated, so mapping the range again allocates nothing. */
int vm_arch_unmap(struct vm *vm, u64 ipa, u64 size);
void vm_arch_load(struct vm *vm);          /* its EL2 configuration into this pCPU */
void vm_arch_revoke(struct vm *vm); /* its RAM out of stage 2 until its next start, TLBs of
				     * every pCPU invalidated (the exit-less backstop) */

#endif
