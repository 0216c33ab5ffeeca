/*
 * The scenario rules for PCI functions (config_pci.c), part of config_check(). Not for
 * other callers.
 */
#ifndef RTV_CONFIG_PCI_H
#define RTV_CONFIG_PCI_H

#include <config.h>

/* Function k of VM i against the machine, earlier functions and every VM's devices. */
int config_check_pci(const struct scenario *s, u32 i, u32 k, const struct cfg_limits *l,
		     struct cfg_error *e);

/* VM i's gdb-pci line: a valid function no VM owns and no other stub uses. */
int config_check_gdb(const struct scenario *s, u32 i, const struct cfg_limits *l,
		     struct cfg_error *e);

/* VM i's `gicv4`: MSI events to map as vLPIs, vCPUs that never change pCPU. */
int config_check_gicv4(const struct scenario *s, u32 i, const struct cfg_limits *l,
		       struct cfg_error *e);

#endif
