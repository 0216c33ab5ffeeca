/*
 * rtvisor's one error convention (CONTRIBUTING.md "Errors"):
 *
 * - A function that can fail returns int: 0 on success, or one of the negative
 *   codes below. Callers test `if (r)` or `if (r < 0)`, pass the code up, or
 *   decide; a result is never dropped (a deliberate `(void)` says why).
 * - Where a person must read why (scenario errors, a VM that could not be
 *   created, a refused shell or hypercall request), the same int comes back and
 *   the text goes into a caller-provided `struct err_msg` (config: cfg_error).
 * - Trap handlers return enum trap_status (trap.h): the same codes under trap
 *   names, so a handler can pass an errno-style result through unchanged.
 * - Functions that cannot fail return a value or void; predicates return bool.
 *
 * Numbers are private to rtvisor (no libc errno): tests and docs use the names.
 */
#ifndef RTV_ERR_H
#define RTV_ERR_H

#include <types.h>

#define ERR_INVAL   (-1)  /* malformed argument or input */
#define ERR_ALIGN   (-2)  /* address or size not aligned as required */
#define ERR_RANGE   (-3)  /* outside the allowed range, or wraps */
#define ERR_EXIST   (-4)  /* already there / overlaps something that is */
#define ERR_NOMEM   (-5)  /* not enough free memory (RAM, page-table pages) */
#define ERR_NOENT   (-6)  /* not found / not mapped */
#define ERR_PERM    (-7)  /* not allowed (for this VM, this state, this kind) */
#define ERR_NOSYS   (-8)  /* not implemented */
#define ERR_BUSY    (-9)  /* owned by someone else, or in the wrong state now */
#define ERR_FORMAT  (-10) /* corrupt data structure (bad magic, version, layout) */
#define ERR_TRUNC   (-11) /* data ends before the structure does */
#define ERR_FULL    (-12) /* a fixed-size table or queue has no free slot */
#define ERR_AGAIN   (-13) /* a bounded step ended with work left: call again */

/* A short name for an error code ("ERR_NOMEM"), for messages and tests. */
const char *err_name(int err);

#endif
