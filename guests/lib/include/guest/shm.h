/*
 * rtvisor shared memory from a bare-metal guest (docs/shmem.md, docs/hypercalls.md):
 * the doorbell hypercall and the guest's own VM id (peers are named by VM id). The
 * channel logic is guest/shm_ring.h.
 */
#ifndef GUEST_SHM_H
#define GUEST_SHM_H

#include <stdint.h>

#define RTV_HC_VM_INFO 0xc6000001u
#define RTV_HC_SHM_DOORBELL 0xc6000008u

#define SHM_DOORBELL_OK 0
#define SHM_DOORBELL_INVALID (-2)   /* not a region the caller maps, or not a peer of it */
#define SHM_DOORBELL_PEER_DOWN (-4) /* the peer maps it but is not running: not rung */

/* Raise the doorbell of region `region` in VM `peer` (full 64-bit arguments, as passed). */
int64_t shm_doorbell(uint64_t region, uint64_t peer);
/* This VM's id (RTV_HC_VM_INFO x1): its index in the scenario. */
uint32_t shm_vm_id(void);

#endif
