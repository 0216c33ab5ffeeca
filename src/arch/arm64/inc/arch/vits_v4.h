/*
 * The virtual ITS of a `gicv4` VM (gic/vits_v4.c): the guest's checked translations
 * mirrored onto the physical ITS as virtual LPIs (docs/pci.md "GICv4 direct injection").
 */
#ifndef ARCH_VITS_V4_H
#define ARCH_VITS_V4_H

#include <arch/vits_cmd.h>
#include <types.h>

struct vm;

/* After a vITS command or reset (vITS lock held): issue the translations that changed. */
void vits_v4_sync(struct vm *vm, const struct vits_tables *t);
/* The physical or virtual form of an INV, INVALL, INT or CLEAR effect. */
void vits_v4_effect(struct vm *vm, const struct vits_tables *t, const struct vits_effect *fx);
/* A physical LPI of event of fn arrived: if the event is a vLPI it is the doorbell of a
 * non-resident vPE: wake the vCPU and return true. */
bool vits_v4_doorbell(struct vm *vm, u32 fn, u32 event);
/* The shell's `its <vm>`: counts (doorbells, failed commands), and an event's state. */
const char *vits_v4_summary(const struct vm *vm);
void vits_v4_show_event(const struct vm *vm, u32 fn, u32 event);

#endif
