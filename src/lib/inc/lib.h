/*
 * The small C library the hypervisor carries (core/lib/). Host builds (tools,
 * unit tests) get the same names from the system libc, so shared core files
 * (fdt, config, stage-2 builder, allocator) compile unchanged on both sides.
 */
#ifndef RTV_LIB_H
#define RTV_LIB_H

#include <stdarg.h>
#include <types.h>

#ifdef RTV_HOST
#include <stdio.h>
#include <string.h>
#else
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
#endif

/* Copy at most size-1 bytes and always terminate (size > 0). */
size_t rtv_strlcpy(char *dst, const char *src, size_t size);

#endif
