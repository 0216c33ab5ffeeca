/* SPDX-License-Identifier: GPL-2.0 */
/* guests/lib's shm_ring.c is built into the module: the kernel's fixed-width types. */
#ifndef RTV_TTY_SHIM_STDINT_H
#define RTV_TTY_SHIM_STDINT_H
#include <linux/types.h>
#endif
