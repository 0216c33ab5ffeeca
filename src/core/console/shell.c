/* Shell line editing, word splitting and command dispatch. */
#include <err.h>
#include <lib.h>
#include <printk.h>
#include <shell.h>
#include <vm.h>

static char line[SHELL_LINE_MAX];
static u32 len;

static void prompt(void)
{
	printk("rtvisor> ");
}

void shell_enter(void)
{
	printk("rtvisor: shell (type 'help'; Ctrl-T 1-8 returns to a VM)\n");
	len = 0;
	prompt();
}

void shell_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintk_wrapped("error: ", "\n", fmt, ap);
	va_end(ap);
}

bool shell_u32_arg(const char *s, u32 *out)
{
	u64 v = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > 0xffffffffULL / 10)
			return false;
		v = v * 10 + (u64)(*s - '0');
	}
	if (v > 0xffffffffULL)
		return false;
	*out = (u32)v;
	return true;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)(c | 0x20);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* A 64-bit address: hexadecimal, with or without 0x. */
bool shell_addr_arg(const char *s, u64 *out)
{
	u64 v = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	if (!*s || strlen(s) > 16)
		return false;
	for (; *s; s++) {
		int d = hex_digit(*s);

		if (d < 0)
			return false;
		v = v << 4 | (u64)d;
	}
	*out = v;
	return true;
}

struct vm *shell_vm_arg(const char *s)
{
	struct vm *vm = vm_by_name(s);
	u32 idx;

	if (!vm && shell_u32_arg(s, &idx) && idx >= 1 && idx <= nr_vms)
		vm = &vms[idx - 1];
	if (!vm)
		shell_error("no VM '%s' (see 'vm list')", s);
	return vm;
}

static int split(char *s, char **argv)
{
	int n = 0;

	while (*s) {
		while (*s == ' ')
			*s++ = '\0';
		if (!*s)
			break;
		if (n == SHELL_MAX_ARGS)
			return ERR_RANGE;
		argv[n++] = s;
		while (*s && *s != ' ')
			s++;
	}
	return n;
}

extern const struct shell_cmd __shell_cmds_start[], __shell_cmds_end[];

u32 shell_nr_all(void)
{
	return shell_nr_cmds + (u32)(__shell_cmds_end - __shell_cmds_start);
}

const struct shell_cmd *shell_cmd_at(u32 i)
{
	return i < shell_nr_cmds ? &shell_cmds[i] : &__shell_cmds_start[i - shell_nr_cmds];
}

static const struct shell_cmd *find(int argc, char **argv, bool *name_known)
{
	*name_known = false;
	for (u32 i = 0; i < shell_nr_all(); i++) {
		const struct shell_cmd *c = shell_cmd_at(i);

		if (strcmp(c->name, argv[0]))
			continue;
		*name_known = true;
		if (!c->sub || (argc > 1 && !strcmp(c->sub, argv[1])))
			return c;
	}
	return NULL;
}

void shell_exec(char *l)
{
	char *argv[SHELL_MAX_ARGS];
	int argc = split(l, argv), skip;
	const struct shell_cmd *c;
	bool known;

	if (argc < 0) {
		shell_error("too many words");
		return;
	}
	if (argc == 0)
		return;
	c = find(argc, argv, &known);
	if (!c) {
		shell_error(known ? "'%s' needs a subcommand (see 'help')" : "unknown command '%s' "
			    "(see 'help')", argv[0]);
		return;
	}
	skip = c->sub ? 2 : 1;
	if ((u32)(argc - skip) < c->min_args || (u32)(argc - skip) > c->max_args) {
		shell_error("usage: %s", c->usage);
		return;
	}
	c->fn(argc - skip, argv + skip);
}

void shell_input(u8 ch)
{
	if (ch == '\r' || ch == '\n') {
		printk("\n");
		line[len] = '\0';
		shell_exec(line);
		len = 0;
		prompt();
	} else if ((ch == 0x7f || ch == 0x08) && len) {
		len--;
		printk("\b \b");
	} else if (ch >= 0x20 && ch < 0x7f && len + 1 < SHELL_LINE_MAX) {
		line[len++] = (char)ch;
		printk("%c", ch);
	}
}
