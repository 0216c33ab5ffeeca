/*
 * Crash snapshots of debuggable VMs (debug.h, docs/debugging.md): when the fault
 * policy stops a VM, or a vCPU keeps faulting at the same PC (an exception loop the
 * "inject" policy would feed forever), the faulting vCPU's state, the fault and the
 * VM's last console output are kept for `crash <vm>`. Taken on the vCPU's own pCPU.
 */
#include <asm/barrier.h>
#include <console.h>
#include <debug.h>
#include <lib.h>
#include <printk.h>
#include <sched.h>
#include <vm.h>

#define CRASH_LOOP_REPEATS 64   /* same fault at the same PC this often in a row: a loop */
#define CRASH_CONSOLE 768       /* bytes of the VM's last output kept */

struct crash {
	volatile bool valid;
	char why[48];
	u64 at;                     /* sched_now() */
	struct fault_info fi;
	struct vcpu vcpu;           /* the faulting vCPU as it was */
	char console[CRASH_CONSOLE];
	size_t console_len;
};

struct loop_watch {
	u64 pc, esr;
	u32 n;
};

static struct crash crashes[CFG_MAX_VMS];
static struct loop_watch watch[CFG_MAX_VMS][CFG_MAX_VCPUS];

void crash_capture(struct vcpu *v, const struct fault_info *fi, const char *why)
{
	struct crash *c = &crashes[v->vm->id];

	if (!v->vm->cfg->debug)
		return;
	c->valid = false;
	smp_mb();
	vcpu_save_state(v);
	c->vcpu = *v;
	c->fi = *fi;
	c->at = sched_now();
	rtv_strlcpy(c->why, why, sizeof(c->why));
	c->console_len = console_ring_read(v->vm->id, c->console, sizeof(c->console));
	smp_mb();
	c->valid = true;
}

/* A fault the policy answers by injecting: capture once if it repeats at one PC. */
void crash_watch(struct vcpu *v, const struct fault_info *fi)
{
	struct loop_watch *w = &watch[v->vm->id][v->id];
	u64 pc = vcpu_pc(v);

	if (w->pc != pc || w->esr != fi->esr) {
		*w = (struct loop_watch){ pc, fi->esr, 1 };
		return;
	}
	if (++w->n == CRASH_LOOP_REPEATS)
		crash_capture(v, fi, "exception loop (same fault, same PC)");
}

/* For `crash <vm>`: the snapshot, or NULL if none was taken. */
const struct vcpu *crash_snapshot(const struct vm *vm, const struct fault_info **fi,
				  const char **why, u64 *age_us)
{
	const struct crash *c = &crashes[vm->id];

	if (!c->valid)
		return NULL;
	*fi = &c->fi;
	*why = c->why;
	*age_us = (sched_now() - c->at) * 1000000 / sched_us_to_ticks(1000000);
	return &c->vcpu;
}

void crash_print_console(const struct vm *vm)
{
	const struct crash *c = &crashes[vm->id];
	char line[CRASH_CONSOLE + 1];
	size_t start = 0;

	printk("last console output of vm '%s' before the crash:\n", vm->cfg->name);
	for (size_t i = 0; i <= c->console_len; i++) {
		if (i < c->console_len && c->console[i] != '\n')
			continue;
		if (i > start) {
			memcpy(line, c->console + start, i - start);
			line[i - start] = '\0';
			printk("  | %s\n", line);
		}
		start = i + 1;
	}
}
