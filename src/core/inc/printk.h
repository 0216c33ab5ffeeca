/* Hypervisor console output: printk queues a message for the console (console.h). */
#ifndef RTV_PRINTK_H
#define RTV_PRINTK_H

#include <stdarg.h>
#include <types.h>

void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void printk_emergency(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* One console record: prefix, the formatted message, suffix (e.g. "error: ", "\n"). */
void vprintk_wrapped(const char *prefix, const char *suffix, const char *fmt, va_list ap);

#endif
