/* Pure facts of exception entry into a guest's EL1 (exc_entry.c; unit-tested). */
#ifndef ARCH_EXC_ENTRY_H
#define ARCH_EXC_ENTRY_H

#include <types.h>

bool exc_from_aarch32(u64 pstate);
u64 exc_sync_vector_offset(u64 pstate);

#endif
