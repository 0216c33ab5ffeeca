/*
 * What the scenario parser (config_parse.c) and checker (config_check.c) share:
 * one message format and one name rule, so that both refuse in the same words
 * and a scenario built in memory meets the same name rule as a parsed one.
 * Not for other callers: they get the messages through struct cfg_error.
 */
#ifndef RTV_CONFIG_ERR_H
#define RTV_CONFIG_ERR_H

#include <stdarg.h>

#include <config.h>
#include <err.h>

/*
 * Fill e->msg with "vm '<vm>': <where><fmt...>", or with "scenario: <fmt...>" when
 * vm is NULL (where is then unused; NULL means ""). Returns ERR_INVAL, the code of
 * a refused scenario, so a caller can `return cfg_err(...)`.
 */
int cfg_verr(struct cfg_error *e, const char *vm, const char *where, const char *fmt,
	     va_list ap) __attribute__((format(printf, 4, 0)));
int cfg_err(struct cfg_error *e, const char *vm, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A VM or pool name: 1 to CFG_NAME_LEN - 1 characters of a-z 0-9 _ -. Reads at most
 * CFG_NAME_LEN bytes, so an unterminated array is refused, not overrun. */
bool cfg_name_ok(const char *name);

#endif
