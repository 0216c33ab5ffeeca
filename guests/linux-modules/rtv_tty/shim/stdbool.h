/* SPDX-License-Identifier: GPL-2.0 */
/* guests/lib's shm_ring.c is built into the module: the kernel's bool, true, false. */
#ifndef RTV_TTY_SHIM_STDBOOL_H
#define RTV_TTY_SHIM_STDBOOL_H
#include <linux/types.h>
#include <linux/stddef.h>
#endif
