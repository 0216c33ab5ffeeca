/* Hypervisor console output: serialised lines on the physical UART. */
#ifndef RTV_PRINTK_H
#define RTV_PRINTK_H

#include <stdarg.h>
#include <types.h>

#define RTV_MAJOR 0
#define RTV_MINOR 1

int printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void console_raw_write(const char *s, size_t n); /* caller holds no lock */
void console_vm_emit(int id, const char *name, char c);   /* focused VM: at once */
void console_end_partial(void);
void console_vm_line(const char *name, const char *line, size_t n); /* a whole line */
void hyp_panic_msg(const char *msg) __attribute__((noreturn));

#endif
