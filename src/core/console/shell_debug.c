/*
 * The shell's inspection commands for VMs marked `debug;` (docs/debugging.md): each
 * stops the VM for one consistent snapshot (debug_stop), prints, and lets it run on.
 */
#include <debug.h>
#include <err.h>
#include <lib.h>
#include <printk.h>
#include <shell.h>
#include <shell_debug.h>
#include <vm.h>

#define MEM_MAX 256 /* bytes `mem` shows at most */
#define DMESG_RECORDS 50 /* records `dmesg` shows unless told */

/* The VM named by name, stopped for inspection; NULL (with the reason printed) if not. */
static struct vm *stop_vm(const char *name, bool *paused)
{
	struct vm *vm = shell_vm_arg(name);
	char msg[96];

	if (!vm)
		return NULL;
	if (debug_allowed(vm, msg, sizeof(msg))) {
		shell_error("%s", msg);
		return NULL;
	}
	if (debug_stop(vm, paused))
		printk("note: a pCPU did not answer in time: its vCPU's values may be live\n");
	return vm;
}

/* argv[k] if given is a vCPU index of vm, else vCPU 0. */
static const struct vcpu *vcpu_of(const struct vm *vm, int argc, char **argv, int k)
{
	u32 id = 0;

	if (argc > k && (!shell_u32_arg(argv[k], &id) || id >= vm->nr_vcpus)) {
		shell_error("vm '%s' has no vCPU '%s'", vm->cfg->name, argv[k]);
		return NULL;
	}
	return &vm->vcpus[id];
}

static void with_vcpu(int argc, char **argv, void (*show)(const struct vcpu *v))
{
	bool paused;
	struct vm *vm = stop_vm(argv[0], &paused);
	const struct vcpu *v = vm ? vcpu_of(vm, argc, argv, 1) : NULL;

	if (v) {
		printk("vm '%s' vcpu %u (%s):\n", vm->cfg->name, v->id,
		       paused ? "stopped for this snapshot" : "paused");
		show(v);
	}
	if (vm)
		debug_continue(vm, paused);
}

void cmd_regs(int argc, char **argv)
{
	with_vcpu(argc, argv, arch_debug_regs);
}

void cmd_sysregs(int argc, char **argv)
{
	with_vcpu(argc, argv, arch_debug_sysregs);
}

void cmd_gic(int argc, char **argv)
{
	bool paused;
	struct vm *vm = stop_vm(argv[0], &paused);

	(void)argc;
	if (!vm)
		return;
	arch_debug_virq(vm);
	debug_continue(vm, paused);
}

void cmd_walk(int argc, char **argv)
{
	bool paused;
	struct vm *vm = stop_vm(argv[0], &paused);
	const struct vcpu *v = vm ? vcpu_of(vm, argc, argv, 2) : NULL;
	u64 va, ipa, pa;
	int r;

	if (v && !shell_addr_arg(argv[1], &va))
		shell_error("'%s' is not a hexadecimal address", argv[1]);
	else if (v) {
		printk("walk of VA %016lx in vm '%s' vcpu %u:\n", va, vm->cfg->name, v->id);
		r = arch_debug_walk(v, va, true, &ipa, &pa);
		if (r)
			printk("  not translated: %s\n", r == ERR_NOSYS ? "a translation format the "
			       "walker does not read (only the 4 KiB granule)" : "translation fault");
	}
	if (vm)
		debug_continue(vm, paused);
}

/* The snapshot the fault policy or the loop detector kept; the VM need not run. */
void cmd_crash(int argc, char **argv)
{
	struct vm *vm = shell_vm_arg(argv[0]);
	const struct fault_info *fi;
	const struct vcpu *v;
	const char *why;
	u64 age_us;

	(void)argc;
	if (!vm)
		return;
	if (!vm->cfg->debug) {
		shell_error("vm '%s' is not debuggable (add 'debug;' to it in the scenario)",
			    vm->cfg->name);
		return;
	}
	v = crash_snapshot(vm, &fi, &why, &age_us);
	if (!v) {
		printk("vm '%s': no crash recorded\n", vm->cfg->name);
		return;
	}
	printk("vm '%s' vcpu %u: %s, %lu ms ago: %s at 0x%lx (esr 0x%lx, pc 0x%lx)\n",
	       vm->cfg->name, v->id, why, age_us / 1000, fault_kind_name(fi->kind), fi->addr,
	       fi->esr, vcpu_pc(v));
	arch_debug_regs(v);
	arch_debug_sysregs(v);
	crash_print_console(vm);
}

static void hex_dump(u64 addr, const u8 *b, u32 n)
{
	for (u32 i = 0; i < n; i += 16) {
		char line[64];
		u32 k, pos = 0;

		for (k = i; k < n && k < i + 16; k++)
			pos += (u32)snprintf(line + pos, sizeof(line) - pos, " %02x", b[k]);
		printk("%016lx:%s\n", addr + i, line);
	}
}

/* The IPA of addr: itself (ipa) or translated with vCPU 0's page tables (va). */
static int mem_ipa(const struct vm *vm, const char *kind, u64 addr, u64 *ipa)
{
	u64 pa;

	if (!strcmp(kind, "ipa")) {
		*ipa = addr;
		return 0;
	}
	if (!strcmp(kind, "va"))
		return arch_debug_walk(&vm->vcpus[0], addr, false, ipa, &pa);
	return ERR_INVAL;
}

void cmd_mem(int argc, char **argv)
{
	bool paused;
	struct vm *vm = stop_vm(argv[0], &paused);
	u8 buf[MEM_MAX];
	u64 addr, ipa;
	u32 n = 64;

	if (!vm)
		return;
	if (!shell_addr_arg(argv[2], &addr) || (argc > 3 && !shell_u32_arg(argv[3], &n)) ||
	    !n || n > MEM_MAX)
		shell_error("usage: mem <vm> ipa|va <hex address> [bytes 1..%u]", MEM_MAX);
	else if (mem_ipa(vm, argv[1], addr, &ipa))
		shell_error("%s %lx: not translated (or not 'ipa'/'va')", argv[1], addr);
	else if (debug_read_ipa(vm, ipa, buf, n))
		shell_error("IPA %lx+%u is not in vm '%s''s RAM", ipa, n, vm->cfg->name);
	else
		hex_dump(addr, buf, n);
	debug_continue(vm, paused);
}

/* The last records of a Linux VM's kernel log, from its memory (dmesg.c). */
void cmd_dmesg(int argc, char **argv)
{
	bool paused;
	struct vm *vm = stop_vm(argv[0], &paused);
	char msg[192];
	u32 n = DMESG_RECORDS;

	if (!vm)
		return;
	if (argc > 1 && (!shell_u32_arg(argv[1], &n) || !n))
		shell_error("usage: dmesg <vm> [records, at least 1]");
	else if (debug_dmesg(vm, n, msg, sizeof(msg)))
		shell_error("dmesg %s: %s", vm->cfg->name, msg);
	debug_continue(vm, paused);
}
