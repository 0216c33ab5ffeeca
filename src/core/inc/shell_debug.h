/* The shell's inspection commands (shell_debug.c), listed in shell_cmds.c. */
#ifndef RTV_SHELL_DEBUG_H
#define RTV_SHELL_DEBUG_H

void cmd_regs(int argc, char **argv);
void cmd_sysregs(int argc, char **argv);
void cmd_gic(int argc, char **argv);
void cmd_walk(int argc, char **argv);
void cmd_mem(int argc, char **argv);
void cmd_crash(int argc, char **argv);
void cmd_dmesg(int argc, char **argv);

#endif
