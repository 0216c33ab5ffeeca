/*
 * Failover groups at run time (docs/failover.md). What is done so far of the issue's
 * "fence first, then promote", on the primary's watchdog WS1 (group `on-ws1` "failover",
 * the default), on the primary's stop by its fault policy, or the shell's
 * `failover <group>`:
 *   1. fence: what the group moves leaves the primary first (the units' fo_fence hook:
 *      moving regions unmapped from its stage 2, every pCPU's TLB entries invalidated
 *      by the broadcast TLBI before anything is given away; its virtio-net ports on the
 *      group's networks unplugged); then its vCPUs: its state
 *      becomes "resetting" (rebirth) or "stopped": vm_request_reset/vm_stop mark its
 *      vCPUs off, every unit quiesces what it owns at once (virtio queues, passthrough
 *      interrupts and DMA: vdev_vm_stop) and its pCPUs are kicked; nothing here waits
 *      for them (a bind pCPU never waits for this work, and neither does the
 *      housekeeper: the vCPUs leave on their own pCPUs). With fence "isolate" the VM
 *      runs on without what moved (its accesses refused and reported: fault.c asks
 *      failover_refused());
 *   2. promote: the backup gets the primary's scheduling weight (the primary the
 *      backup's, or the group's `weight` for the backup) and what moved (fo_promote
 *      hook: regions mapped, its ports on the group's networks plugged: STATUS and a
 *      configuration-change interrupt), then the promotion notice: the backup's
 *      doorbell of the group's first `shmem` region, which its software waits on;
 *   3. roles swap, so they alternate on every failure: with rebirth the fenced primary
 *      restarts (the reset in 1) as the new backup.
 * PCI functions the group moves (both VMs list them) are fenced and promoted by the vPCI
 * and vITS units' hooks like the regions (docs/failover.md "Moving PCI functions").
 * The triggers run on different pCPUs (WS1 and the shell on the housekeeper, a fault on
 * the primary's own pCPU): fo_lock makes each switch whole and the roles consistent. It
 * is taken first, never inside another lock, and held for a bounded switch.
 */
#include <asm/barrier.h>
#include <config.h>
#include <failover.h>
#include <fdt.h>
#include <printk.h>
#include <sched.h>
#include <shell.h>
#include <vdev.h>
#include <lib.h>
#include <virq.h>
#include <vm.h>

struct fo_group {
	const struct cfg_failover *cfg;
	u32 primary, backup;   /* VM ids, current roles */
	u64 count;             /* switches since boot */
	u64 last_ticks;        /* duration of the last switch (counter ticks, housekeeper) */
	const char *last_why;
	volatile bool fencing; /* a switch is under way: the primary is losing what moves */
	bool isolated;         /* the backup is the primary fenced with "isolate", still in */
	u32 isolated_starts;   /* the run it was fenced in (vm->starts): no switch back to it */
};

static struct fo_group groups[CFG_MAX_FAILOVER];
static u32 nr_groups;
static spinlock_t fo_lock = SPINLOCK_INIT;
static const struct scenario *fo_scn;

void failover_load(const struct scenario *s)
{
	fo_scn = s;
}

const struct cfg_failover *failover_pci_group(const struct vm *vm, const struct cfg_pci *c)
{
	return fo_scn ? cfg_fo_of_pci(fo_scn, vm->cfg->name, c->name) : NULL;
}

bool failover_boot_primary(const struct cfg_failover *g, const struct vm *vm)
{
	return strcmp(g->primary, vm->cfg->name) == 0;
}

static u32 fo_vm_id(const char *name)
{
	struct vm *vm = vm_by_name(name);

	return vm ? vm->id : 0; /* the check made every name a VM */
}

void failover_init(const struct scenario *s)
{
	for (u32 g = 0; g < s->nr_failover && g < CFG_MAX_FAILOVER; g++) {
		groups[g].cfg = &s->failover[g];
		groups[g].primary = fo_vm_id(s->failover[g].primary);
		groups[g].backup = fo_vm_id(s->failover[g].backup);
		if (vms[groups[g].backup].created) /* the backup owns nothing yet: its moving */
			vdev_fo_fence(&vms[groups[g].backup], groups[g].cfg); /* regions, its ports */
		printk("rtvisor: failover '%s': primary '%s', backup '%s'%s\n", s->failover[g].name,
		       s->failover[g].primary, s->failover[g].backup,
		       s->failover[g].rebirth ? ", rebirth" : "");
	}
	nr_groups = s->nr_failover;
}

/* The backup's doorbell of the group's first shmem region (0: none). */
static u32 fo_doorbell(const struct fo_group *g, const struct vm *b)
{
	const char *region = g->cfg->shmem;

	for (u32 k = 0; region && k < b->cfg->nr_shm; k++)
		if (strcmp(b->cfg->shm[k].name, region) == 0)
			return b->cfg->shm[k].doorbell;
	return 0;
}

/* Weights: the backup takes the primary's (or the group's), the primary the backup's. */
static void fo_weights(const struct fo_group *g, struct vm *p, struct vm *b)
{
	u32 wp = p->vcpus[0].sched.weight, wb = b->vcpus[0].sched.weight;
	char msg[96];

	if (sched_set_vm_weight(b, g->cfg->weight ? g->cfg->weight : wp, b->vcpus[0].sched.prio,
				msg, sizeof(msg)) ||
	    sched_set_vm_weight(p, wb, p->vcpus[0].sched.prio, msg, sizeof(msg)))
		printk("rtvisor: failover '%s': weight not moved: %s\n", g->cfg->name, msg);
}

/* 1a. What moves leaves the primary's reach first (the units' fo_fence: moving regions
 * out of its stage 2 and every TLB, its ports on the group's networks unplugged). */
static void fo_fence_units(const struct fo_group *g, struct vm *p)
{
	vdev_fo_fence(p, g->cfg);
}

/* 1b. Its vCPUs: reset (rebirth) or stopped; with fence "isolate" it runs on. */
static void fo_fence_vcpus(struct fo_group *g, struct vm *p)
{
	if (g->cfg->fence == CFG_FO_FENCE_ISOLATE) {
		g->isolated = true;
		g->isolated_starts = p->starts;
	} else if (g->cfg->rebirth) {
		vm_request_reset(p);
	} else {
		vm_stop(p, "fenced by failover");
	}
}

/* 2b. What moved is given to the backup, once the primary has lost it (the units'
 * fo_promote: regions mapped, ports plugged: STATUS and a configuration change). */
static void fo_promote_units(const struct fo_group *g, struct vm *b)
{
	vdev_fo_promote(b, g->cfg);
}

static void fo_switch(struct fo_group *g, const char *why)
{
	struct vm *p = &vms[g->primary], *b = &vms[g->backup];
	u64 t0 = sched_now();
	u32 bell = fo_doorbell(g, b);

	g->fencing = true;
	smp_mb();
	fo_fence_units(g, p);                            /* 1. fence */
	fo_fence_vcpus(g, p);
	fo_weights(g, p, b);                             /* 2. promote */
	fo_promote_units(g, b);
	if (bell)
		virq_inject(b, bell, 0);
	g->primary = b->id;                              /* 3. roles alternate */
	g->backup = p->id;
	g->count++;
	smp_mb();
	g->fencing = false;
	g->last_why = why;
	g->last_ticks = sched_now() - t0;
	printk("rtvisor: failover '%s': %s: '%s' fenced%s, '%s' promoted (switch %lu)\n",
	       g->cfg->name, why, p->cfg->name, g->cfg->fence == CFG_FO_FENCE_ISOLATE ?
	       " (isolated, running)" : "", b->cfg->name, g->count);
}

static struct fo_group *fo_of_primary(const struct vm *vm)
{
	for (u32 g = 0; g < nr_groups; g++)
		if (groups[g].primary == vm->id)
			return &groups[g];
	return NULL;
}

/* The backup is the primary fenced with "isolate", in the run it was fenced in. */
static bool fo_isolated(const struct fo_group *g)
{
	return g->isolated && vms[g->backup].starts == g->isolated_starts;
}

/* vm's group, if vm is its primary and the backup can take over (lock held). */
static struct fo_group *fo_ready(struct vm *vm)
{
	struct fo_group *g = fo_of_primary(vm);

	if (!g)
		return NULL;
	if (vms[g->backup].state != VM_RUNNING || fo_isolated(g)) {
		printk("rtvisor: failover '%s': backup '%s' is %s: no switch\n", g->cfg->name,
		       vms[g->backup].cfg->name, fo_isolated(g) ? "fenced (isolated)" :
		       vm_state_name(vms[g->backup].state));
		return NULL;
	}
	return g;
}

bool failover_on_ws1(struct vm *vm)
{
	struct fo_group *g;

	spin_lock(&fo_lock);
	g = fo_of_primary(vm);
	if (g && g->cfg->on_ws1 == CFG_FO_WS1_RESET)
		g = NULL;
	else
		g = fo_ready(vm);
	if (g)
		fo_switch(g, "watchdog WS1");
	spin_unlock(&fo_lock);
	return g != NULL;
}

bool failover_on_fault(struct vm *vm)
{
	struct fo_group *g;

	spin_lock(&fo_lock);
	g = fo_ready(vm);
	if (g)
		fo_switch(g, "fault policy");
	spin_unlock(&fo_lock);
	return g != NULL;
}

/* ---- refused accesses (fault.c) ---- */

/* vm's group if vm lacks what the group moves: its backup, or its primary mid-switch. */
static const struct fo_group *fo_without(const struct vm *vm)
{
	for (u32 g = 0; g < nr_groups; g++)
		if (groups[g].backup == vm->id ||
		    (groups[g].primary == vm->id && groups[g].fencing))
			return &groups[g];
	return NULL;
}

/* Lock-free (a report's wording): the roles may change under it, the text then names the
 * state just before or after the switch. */
bool failover_refused(const struct vm *vm, u64 ipa, char *msg, size_t len)
{
	const struct fo_group *g = fo_without(vm);
	const char *what = "", *name = g ? vdev_fo_moved_at(vm, g->cfg, ipa, &what) : NULL;

	if (!name)
		return false;
	if (g->fencing && g->primary == vm->id)
		snprintf(msg, len, "fenced by failover '%s' (%s '%s' moving to '%s')", g->cfg->name,
			 what, name, vms[g->backup].cfg->name);
	else if (g->count)
		snprintf(msg, len, "fenced by failover '%s' (%s '%s' moved to '%s')", g->cfg->name,
			 what, name, vms[g->primary].cfg->name);
	else
		snprintf(msg, len, "backup in failover '%s' (%s '%s' is '%s''s until a promotion)",
			 g->cfg->name, what, name, vms[g->primary].cfg->name);
	return true;
}

/* ---- shell: `failover [group]` ---- */

static void fo_show(void)
{
	u64 f = sched_us_to_ticks(1000000);

	for (u32 i = 0; i < nr_groups; i++) {
		const struct fo_group *g = &groups[i];

		printk("  failover '%s': primary '%s' (%s), backup '%s' (%s), switches %lu, last "
		       "%lu ns (%s)\n", g->cfg->name, vms[g->primary].cfg->name,
		       vm_state_name(vms[g->primary].state), vms[g->backup].cfg->name,
		       vm_state_name(vms[g->backup].state), g->count,
		       (unsigned long)(g->last_ticks * 1000000000 / f),
		       g->last_why ? g->last_why : "none");
	}
}

static void fo_cmd(int argc, char **argv)
{
	struct fo_group *g = NULL;

	if (argc == 0) {
		fo_show();
		return;
	}
	for (u32 i = 0; i < nr_groups; i++)
		if (strcmp(groups[i].cfg->name, argv[0]) == 0)
			g = &groups[i];
	if (!g) {
		shell_error("no failover group '%s'", argv[0]);
		return;
	}
	spin_lock(&fo_lock);
	if (vms[g->primary].state != VM_RUNNING || vms[g->backup].state != VM_RUNNING ||
	    fo_isolated(g))
		shell_error("failover '%s': primary and backup must both run (and the backup not "
			    "be isolated)", g->cfg->name);
	else
		fo_switch(g, "shell");
	spin_unlock(&fo_lock);
}

SHELL_CMD(failover) = { "failover", NULL, 0, 1, "failover [group]", fo_cmd };
