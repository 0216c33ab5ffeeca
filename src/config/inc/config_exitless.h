/*
 * The scenario rules of exit-less mode (config_exitless.c, docs/config.md "exitless"),
 * part of config_check(). Not for other callers.
 */
#ifndef RTV_CONFIG_EXITLESS_H
#define RTV_CONFIG_EXITLESS_H

#include <config.h>

/* VM i, when it asks for exit-less mode: everything it has must work without injection. */
int config_check_exitless(const struct scenario *s, u32 i, const struct cfg_limits *l,
			  struct cfg_error *e);

#endif
