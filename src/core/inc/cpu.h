/*
 * Per physical CPU state. TPIDR_EL2 holds a pointer to the running CPU's
 * struct cpu; cpu() reads it. All per-CPU data lives here (one home).
 */
#ifndef RTV_CPU_H
#define RTV_CPU_H

#include <asm/percpu.h>
#include <platform_info.h>
#include <sched.h>
#include <stats.h>
#include <types.h>

#define MAX_CPUS PLAT_MAX_CPUS
#define CPU_STACK_SIZE 0x4000
/* Each EL2 stack sits above an unmapped guard page (mm.c): an overflow faults. */
#define CPU_STACK_GUARD 0x1000
#define CPU_STACK_SLOT (CPU_STACK_GUARD + CPU_STACK_SIZE)
/* Stack for hyp_panic(): an EL2 fault switches to it (entry.S), so even a stack overflow is
 * reported. */
#define CPU_PANIC_STACK_SIZE 0x1000

struct vcpu;
struct vcpu_regs;

struct cpu {
	struct vcpu_regs *guest_regs; /* entry.S: where the exit frame goes (offset 0) */
	u32 id;
	u64 mpidr;
	bool online;
	struct cpu_sched sched;
	volatile u64 idle_since;      /* in the idle vCPU since (counter), 0 if not idle */
	volatile u32 kick_pending;
	struct cpu_stats stats;
	bool irq_from_guest;          /* the interrupts being handled interrupted a guest */
	/*
	 * What keeps an exit off the fast path (the architecture's exit handling before the
	 * loop, docs/architecture.md "Running guests"): `go_round` is nonzero while any of
	 * these is set, so the fast path tests all of them with one load.
	 */
	union {
		struct {
			/* the loop must look before entering a vCPU again: set by every writer of
			 * what the loop checks (a vCPU's or VM's state, its load, migration and
			 * debugger holds) after the change (sched_set_need_resched) */
			volatile bool need_resched;
			volatile bool housekeeper; /* this pCPU drives the console (housekeep.c) */
			bool exitless;             /* runs an exit-less vCPU: the hypervisor's
						    * interrupts here are Group 0
						    * (docs/architecture.md "Exit-less mode") */
			volatile bool arch_hold;   /* the architecture wants every exit round the
						    * loop (arm64: debug registers programmed) */
		};
		volatile u32 go_round;
	};
};

extern struct cpu cpus[MAX_CPUS];
extern u32 nr_cpus;

static inline struct cpu *cpu(void)
{
	return arch_cpu_local();
}

void cpu_loop(void) __attribute__((noreturn));
void cpu_secondary_main(u32 id) __attribute__((noreturn));
void cpu_init_common(void);
void cpu_kick(u32 id);
extern u8 cpu_stacks[][CPU_STACK_SLOT];
int cpu_stack_guard_of(u64 addr);
int cpu_start_secondaries(void);  /* 0, or ERR_BUSY if a pCPU did not come up */

/*
 * Provided by the architecture (src/arch/<arch>/):
 */
int arch_cpu_start(u32 id);       /* power on pCPU id at its entry (firmware call) */

#endif
