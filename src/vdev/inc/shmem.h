/*
 * Shared memory between VMs (vdev/shmem.c, docs/shmem.md): what the shell shows.
 */
#ifndef RTV_SHMEM_H
#define RTV_SHMEM_H

/* `shmem`: every VM's shared regions, their placement and doorbell counts. */
void shmem_show(void);

#endif
