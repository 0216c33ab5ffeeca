/*
 * The scenario rules of failover groups (config_failover.c, docs/config.md "/failover"),
 * part of config_check(). Not for other callers.
 */
#ifndef RTV_CONFIG_FAILOVER_H
#define RTV_CONFIG_FAILOVER_H

#include <config.h>

int config_check_failover(const struct scenario *s, struct cfg_error *e);

#endif
