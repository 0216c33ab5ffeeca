/*
 * Management shell on the hypervisor console (Ctrl-T s to enter, Ctrl-T 1..8
 * to leave to a VM). Commands are listed by `help` and in docs/shell.md.
 */
#ifndef RTV_SHELL_H
#define RTV_SHELL_H

#include <rtv_limits.h>
#include <types.h>

#define SHELL_MAX_ARGS LIM_SHELL_ARGS
#define SHELL_LINE_MAX LIM_SHELL_LINE

void shell_enter(void);
void shell_input(u8 c);
/* Run one command line (also used by tests through the console). */
void shell_exec(char *line);

struct shell_cmd {
	const char *name;   /* "vm", "pool", "load", ... */
	const char *sub;    /* second word or NULL */
	u32 min_args, max_args; /* arguments after name (and sub) */
	const char *usage;
	void (*fn)(int argc, char **argv);
};

/* The shell's own commands (shell_cmds.c). */
extern const struct shell_cmd shell_cmds[];
extern const u32 shell_nr_cmds;

/*
 * A command that a device unit or subsystem adds from its own file, so the shell names
 * no device: `SHELL_CMD(vdev) = { "vdev", NULL, 0, 0, "vdev", cmd_vdev };`. The linker
 * gathers them after the shell's own (linker.ld: .rtv_shell_cmds, sorted by id).
 */
#define SHELL_CMD(id)                                                                     \
	static const struct shell_cmd shell_cmd_##id                                      \
		__attribute__((used, aligned(8), section(".rtv_shell_cmds." #id)))

/* Every command, the shell's own first: how many, and the i-th. */
u32 shell_nr_all(void);
const struct shell_cmd *shell_cmd_at(u32 i);

/* Helpers for commands: parse or print a one-line error. */
struct vm *shell_vm_arg(const char *s);
bool shell_u32_arg(const char *s, u32 *out);
bool shell_addr_arg(const char *s, u64 *out);  /* hexadecimal, 0x optional */
void shell_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
