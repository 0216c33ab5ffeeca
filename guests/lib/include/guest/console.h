/*
 * Console on the PL011: whole lines under a spinlock (IRQs masked while
 * held), so lines from different CPUs and from IRQ handlers never
 * interleave. "\n" is sent as "\r\n".
 */
#ifndef GUEST_CONSOLE_H
#define GUEST_CONSOLE_H

#include <stddef.h>

#define CONSOLE_LINE_MAX 256

int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void console_puts(const char *s);

#endif
