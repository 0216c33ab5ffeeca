/*
 * The scenario rules for virtio-mmio devices (config_virtio.c), part of config_check().
 * Not for other callers.
 */
#ifndef RTV_CONFIG_VIRTIO_H
#define RTV_CONFIG_VIRTIO_H

#include <config.h>

/* Virtio device k of VM i against the machine and everything else of VM i. */
int config_check_virtio(const struct scenario *s, u32 i, u32 k, const struct cfg_limits *l,
			struct cfg_error *e);

/* RAM the VM's virtio disks take (each counted if at most CFG_VIRTIO_DISK_MAX). */
u64 config_virtio_disk_bytes(const struct cfg_vm *vm);

#endif
