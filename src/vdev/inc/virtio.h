/*
 * virtio-mmio devices (docs/virtio.md): the transport (virtio_mmio.c, register layout
 * version 2, virtio 1.2 section 4.2.2) and the backends it drives (virtio_console.c,
 * ...). The transport owns the register page, feature negotiation, the status state
 * machine, the queues' set-up and the interrupt; a backend owns what the device does
 * with the buffers.
 *
 * Rules for a backend:
 *   - notify() runs on the pCPU of the vCPU that wrote QueueNotify, with the device's
 *     lock held. It does at most VIRTIO_BUDGET_BYTES of copying and VIRTIO_BUDGET_CHAINS
 *     chains, then returns ERR_AGAIN if work is left: the vCPU re-executes its
 *     QueueNotify store (TRAP_RETRY) and the next exit does the next part. It never does
 *     work for another VM.
 *   - A broken ring (vq_pop's ERR_INVAL) is returned with its reason: the transport sets
 *     DEVICE_NEEDS_RESET, raises a configuration-change interrupt and reports once.
 */
#ifndef RTV_VIRTIO_H
#define RTV_VIRTIO_H

#include <asm/spinlock.h>
#include <types.h>
#include <virtq.h>

struct vm;
struct cfg_virtio;

#define VIRTIO_MAX_QUEUES 4U
#define VIRTIO_BUDGET_BYTES 4096U   /* bytes a backend copies per exit */
#define VIRTIO_BUDGET_CHAINS 32U    /* chains a backend completes per exit */
#define VIRTIO_BLK_BUDGET 65536U    /* virtio-blk: bytes per exit before it stops (plus at
				       most one request of VIRTIO_BLK_MAX_REQ) */
#define VIRTIO_BLK_MAX_REQ (128U * 1024) /* data bytes of one request: seg_max x size_max */
#define VIRTIO_NET_BUDGET 32U       /* virtio-net: frames a port sends per exit, */
#define VIRTIO_NET_BUDGET_BYTES 65536U /* or frame bytes before it stops (plus at most one
				       TSO frame of 64 KiB) */

/* Device IDs (virtio 1.2 section 5). */
#define VIRTIO_ID_NET 1U
#define VIRTIO_ID_BLK 2U
#define VIRTIO_ID_CONSOLE 3U

/* Feature bits (6: reserved feature bits). */
#define VIRTIO_F_INDIRECT_DESC 28U
#define VIRTIO_F_VERSION_1 32U

/* Status bits (2.1). */
#define VIRTIO_STATUS_ACKNOWLEDGE 1U
#define VIRTIO_STATUS_DRIVER 2U
#define VIRTIO_STATUS_DRIVER_OK 4U
#define VIRTIO_STATUS_FEATURES_OK 8U
#define VIRTIO_STATUS_NEEDS_RESET 0x40U
#define VIRTIO_STATUS_FAILED 0x80U

/* InterruptStatus bits (4.2.2). */
#define VIRTIO_ISR_USED 1U
#define VIRTIO_ISR_CONFIG 2U

struct virtio_dev;

struct virtio_backend {
	const char *name;
	u32 device_id;
	u64 features;       /* device-specific bits; the transport adds its own */
	u32 nr_queues;
	u32 config_size;    /* bytes of its configuration space (at 0x100) */
	/* The VM is being created: take what the device needs (a disk). 0 or an ERR_* code
	 * with msg. May be NULL. */
	int (*create)(struct virtio_dev *d, char *msg, size_t len);
	/* Device reset (status 0, VM reset): back to power-on state. Lock held. */
	void (*reset)(struct virtio_dev *d);
	/* The driver set DRIVER_OK (lock held): start what waited for it. May be NULL. */
	int (*driver_ok)(struct virtio_dev *d, const char **why);
	/* Read size bytes (1, 2 or 4) of the configuration space at off (< config_size). */
	u32 (*config_read)(struct virtio_dev *d, u32 off, u32 size);
	/* Queue q was notified: 0, ERR_AGAIN (budget used up, work left) or ERR_INVAL
	 * (broken ring, *why says how). Lock held. */
	int (*notify)(struct virtio_dev *d, u32 q, const char **why);
	/* The shell's vdev (housekeeping pCPU, no lock): one line of its own. May be NULL. */
	void (*show)(struct virtio_dev *d);
	/* Failover (core/failover.c through the unit's fo_fence/fo_promote hooks, no lock
	 * held): the device's link goes up or down if it is a port of one of the networks
	 * in the NUL-separated list [networks, networks + len). May be NULL: no link. */
	void (*link_set)(struct virtio_dev *d, const char *networks, u32 len, bool up);
};

struct virtio_dev {
	struct vm *vm;
	const struct cfg_virtio *cfg;
	const struct virtio_backend *be;
	u32 index;               /* in the VM's virtio@ list */
	u64 dev_features;        /* the backend's bits for this device (create may add some) */
	/* The lock of the device's state: its own, or one it shares with the devices whose
	 * rings it writes (the ports of a virtual network, virtio_net.c). */
	spinlock_t *lock;
	spinlock_t own_lock;
	struct vq_mem mem;
	u32 status, isr;
	u32 dev_features_sel, drv_features_sel, queue_sel;
	u64 drv_features;
	u32 config_gen;
	bool stopped;            /* the VM is stopped or resetting: touch no ring */
	bool reported;           /* the broken ring was reported (once per device reset) */
	struct virtq vq[VIRTIO_MAX_QUEUES];
	struct vq_chain chain;   /* a backend's chain in progress (too large for a stack) */
	/* Counters for the shell (never reset): */
	u64 notifies, irqs, bytes_in, bytes_out, refusals;
};

/* For backends, lock held: */
/* Chains were returned on queue q: raise the used-buffer interrupt if the driver wants it. */
void virtio_used(struct virtio_dev *d, u32 q);
/*
 * The end of a notify's bounded batch on queue q: the used-buffer interrupt if `done`
 * chains went back; then the batch's result: ERR_INVAL (a broken ring) as it is, else
 * ERR_AGAIN while `more` work is left (the notify runs again, TRAP_RETRY), else 0.
 */
int virtio_batch_end(struct virtio_dev *d, u32 q, u32 done, int r, bool more);
/* The ring is broken: NEEDS_RESET, configuration-change interrupt, one report. */
void virtio_broken(struct virtio_dev *d, const char *why);
/* The configuration space changed (a link): ConfigGeneration moves on, and once the
 * driver is running (DRIVER_OK) InterruptStatus bit 1 and the interrupt (4.2.2). */
void virtio_config_changed(struct virtio_dev *d);
/* Is the device live (DRIVER_OK, not NEEDS_RESET, the VM running) and queue q ready? */
bool virtio_queue_live(const struct virtio_dev *d, u32 q);
/* The VM's first device of this device ID, or NULL. */
struct virtio_dev *virtio_find(const struct vm *vm, u32 device_id);

/* The shell's `vdev` (housekeeping pCPU): every VM's virtio devices, their status,
 * queues, counters. */

extern const struct virtio_backend virtio_console_backend;
extern const struct virtio_backend virtio_blk_backend;
extern const struct virtio_backend virtio_net_backend;

#endif
