/*
 * The hypervisor console multiplexes the VMs' emulated UARTs onto the one
 * physical UART: every line is tagged "[vm] "; the VM with the input focus is
 * shown as it writes, the others a whole line at a time. Output of VMs and of
 * the hypervisor goes through one lock-free queue that the housekeeping pCPU
 * (housekeep.h) drains to the UART. Each VM keeps a ring of its recent output,
 * and input goes to the VM that has the focus.
 * Escape: Ctrl-T (0x14) then a digit 1-8 focuses that VM, 'h' shows the console
 * help/status, 's' the shell, Ctrl-T again sends a literal Ctrl-T.
 */
#ifndef RTV_CONSOLE_H
#define RTV_CONSOLE_H

#include <rtv_limits.h>
#include <types.h>

#define CONSOLE_ESCAPE 0x14
#define CONSOLE_RING_SIZE LIM_CONSOLE_RING
#define CONSOLE_LINE_MAX LIM_CONSOLE_LINE

void console_init(void);
void console_start_async(void);  /* from now on output is queued, not printed by the writer */
void console_vm_putc(u32 vm_id, char c);
/* n bytes of a VM's output at once (a virtio console's buffer). */
void console_vm_write(u32 vm_id, const char *s, size_t n);
void console_hyp_text(const char *s, size_t n);
void console_input(u8 c);
/* Where bytes typed for a VM go (its emulated UART registers itself): 0, or ERR_NOMEM
 * when it had no room (the byte is dropped and counted). */
struct vm;
typedef int (*console_input_fn)(struct vm *vm, u8 c);
void console_set_input(u32 vm_id, console_input_fn fn);
void console_set_focus(u32 vm_id);
size_t console_ring_read(u32 vm_id, char *buf, size_t len); /* oldest-first copy */
bool console_drain(u32 budget);  /* housekeeping pCPU only; true if records remain */

#endif
