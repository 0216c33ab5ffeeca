/* A virtual machine: its configuration, memory, vCPUs and emulated devices. */
#ifndef RTV_VM_H
#define RTV_VM_H

#include <arch/pgtable.h>
#include <arch/spinlock.h>
#include <config.h>
#include <mmio.h>
#include <types.h>
#include <vcpu.h>
#include <arch/vgic.h>
#include <vpl011.h>

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
	struct pgtable s2;
	struct vcpu vcpus[CFG_MAX_VCPUS];
	u32 nr_vcpus;
	struct mmio_table mmio;
	struct vgic_dist vgic;
	struct vuart uart;
	u64 cntvoff;         /* CNTVOFF_EL2: 0, so the guest's virtual clock is the physical one */
	struct vm_faults faults;
	u32 resets;
	bool created;       /* vm_create() succeeded: the VM may start */
	char create_error[CFG_ERR_LEN]; /* why vm_create() failed ("" if it did not) */
};

extern struct vm vms[CFG_MAX_VMS];
extern u32 nr_vms;

/* 0 on success; else the VM stays stopped for good, vm->create_error says why. */
int vm_create(struct vm *vm, u32 id, const struct cfg_vm *cfg);
void vm_start(struct vm *vm);
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

#endif
