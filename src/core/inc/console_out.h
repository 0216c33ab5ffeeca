/*
 * Rendering of console output on the physical UART (console_out.c). Callers
 * serialise: the housekeeping pCPU's drain, or the boot CPU before it.
 */
#ifndef RTV_CONSOLE_OUT_H
#define RTV_CONSOLE_OUT_H

#include <types.h>

void cons_out_text(const char *s, size_t n);                      /* hypervisor text */
void cons_out_vm_line(const char *name, const char *line, size_t n); /* a VM's whole line */
void cons_out_vm_bytes(int id, const char *name, const char *s, size_t n); /* focused VM */
void cons_out_shell(const char *s, size_t n);    /* the shell's prompt, echo, answers */
void cons_out_end_partial(void);
void cons_out_emergency(const char *s, size_t n);

#endif
