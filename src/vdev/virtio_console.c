/*
 * virtio-console backend (virtio 1.2 section 5.3), one port, no features: the driver's
 * port 0 is a console (Linux: /dev/hvc0), multiplexed on the hypervisor console like a
 * PL011 (tagged lines, the input focus, the `log` ring).
 *   queue 0 (receiveq): bytes typed for the VM. They wait in a small FIFO and are copied
 *     into the driver's receive buffers by whoever has them ready: the housekeeping pCPU
 *     as it hands over a typed byte (at most VCONS_FIFO bytes per call), or the VM's own
 *     pCPU at DRIVER_OK and when the driver adds receive buffers.
 *   queue 1 (transmitq): on the notifying vCPU's pCPU, up to VIRTIO_BUDGET_BYTES per exit
 *     into the console queue in runs (console_vm_write), a buffer larger than that over
 *     several exits (the notify store is re-executed, virtio.h).
 * Configuration space (5.3.4: cols, rows, max_nr_ports, emerg_wr) reads as zero: none of
 * the features that give it meaning is offered.
 */
#include <config.h>
#include <console.h>
#include <err.h>
#include <lib.h>
#include <virtio.h>
#include <vm.h>

#define VCONS_RXQ 0U
#define VCONS_TXQ 1U
#define VCONS_FIFO 256U
#define VCONS_RUN 64U      /* bytes copied out of the guest per step */

struct vcons {
	u8 fifo[VCONS_FIFO];
	u32 head, count;
	bool tx_busy;          /* tx holds a chain not yet written out */
	u64 tx_off;
	struct vq_chain tx;
};

static struct vcons vcons[CFG_MAX_VMS];

static void vcons_reset(struct virtio_dev *d)
{
	struct vcons *c = &vcons[d->vm->id];

	c->head = c->count = 0;
	c->tx_busy = false;
	c->tx_off = 0;
}

/* Copy waiting input into the receive buffers the driver made available. */
static int vcons_rx_flush(struct virtio_dev *d, const char **why)
{
	struct vcons *c = &vcons[d->vm->id];
	struct virtq *q = &d->vq[VCONS_RXQ];
	bool pushed = false;
	int r = 0;

	/* At most one chain per FIFO byte or queue entry: a guest refilling empty buffers from
	 * another vCPU cannot keep this loop (on the housekeeping pCPU) going. */
	for (u32 k = 0; k < VQ_MAX_SIZE && c->count && virtio_queue_live(d, VCONS_RXQ); k++) {
		u32 n = 0;

		r = vq_pop(q, &d->mem, &d->chain, why);
		if (r)
			break;
		while (n < c->count && n < d->chain.in_bytes) {
			u32 run = c->count - n, at = (c->head + n) % VCONS_FIFO, got;

			run = run < VCONS_FIFO - at ? run : VCONS_FIFO - at;
			run = (u64)run < d->chain.in_bytes - n ? run : (u32)(d->chain.in_bytes - n);
			got = (u32)vq_write(&d->mem, &d->chain, n, &c->fifo[at], run);
			n += got;
			if (got < run)
				break; /* not RAM: cannot happen for a popped chain */
		}
		c->head = (c->head + n) % VCONS_FIFO;
		c->count -= n;
		d->bytes_in += n;
		vq_push(q, d->chain.head, n);
		pushed = true;
	}
	if (pushed)
		virtio_used(d, VCONS_RXQ);
	return r == ERR_NOENT ? 0 : r;
}

/* A byte typed for this VM (housekeeping pCPU); ERR_NOMEM: FIFO full, dropped. */
static int vcons_input(struct vm *vm, u8 ch)
{
	struct virtio_dev *d = virtio_find(vm, VIRTIO_ID_CONSOLE);
	struct vcons *c = &vcons[vm->id];
	const char *why = NULL;
	int r = ERR_NOMEM;

	if (!d)
		return ERR_NOENT;
	spin_lock(d->lock);
	if (c->count < VCONS_FIFO) {
		c->fifo[(c->head + c->count) % VCONS_FIFO] = ch;
		c->count++;
		r = 0;
	}
	if (vcons_rx_flush(d, &why) == ERR_INVAL)
		virtio_broken(d, why);
	spin_unlock(d->lock);
	return r;
}

/* Write out up to *budget bytes of the chain in progress; true when it is all out. */
static bool vcons_tx_chain(struct virtio_dev *d, struct vcons *c, u32 *budget)
{
	u8 buf[VCONS_RUN];

	while (c->tx_off < c->tx.out_bytes && *budget) {
		u64 n = c->tx.out_bytes - c->tx_off;

		n = n < sizeof(buf) ? n : sizeof(buf);
		n = n < *budget ? n : *budget;
		n = vq_read(&d->mem, &c->tx, c->tx_off, buf, n);
		if (!n)
			return true; /* not RAM: cannot happen for a popped chain; drop the rest */
		console_vm_write(d->vm->id, (const char *)buf, n);
		c->tx_off += n;
		*budget -= (u32)n;
		d->bytes_out += n;
	}
	return c->tx_off >= c->tx.out_bytes;
}

static int vcons_tx(struct virtio_dev *d, const char **why)
{
	struct vcons *c = &vcons[d->vm->id];
	struct virtq *q = &d->vq[VCONS_TXQ];
	u32 budget = VIRTIO_BUDGET_BYTES, chains = 0;
	int r = 0;

	while (chains < VIRTIO_BUDGET_CHAINS) {
		if (!c->tx_busy) {
			r = vq_pop(q, &d->mem, &c->tx, why);
			if (r)
				break;
			c->tx_busy = true;
			c->tx_off = 0;
		}
		if (!vcons_tx_chain(d, c, &budget))
			break; /* budget used up inside a chain */
		vq_push(q, c->tx.head, 0);
		c->tx_busy = false;
		chains++;
	}
	return virtio_batch_end(d, VCONS_TXQ, chains, r, c->tx_busy || vq_pending(q));
}

static int vcons_notify(struct virtio_dev *d, u32 q, const char **why)
{
	return q == VCONS_TXQ ? vcons_tx(d, why) : vcons_rx_flush(d, why);
}

static int vcons_driver_ok(struct virtio_dev *d, const char **why)
{
	console_set_input(d->vm->id, vcons_input);
	return vcons_rx_flush(d, why);
}

static u32 vcons_config_read(struct virtio_dev *d, u32 off, u32 size)
{
	(void)d;
	(void)off;
	(void)size;
	return 0;
}

const struct virtio_backend virtio_console_backend = {
	.name = "console",
	.device_id = VIRTIO_ID_CONSOLE,
	.features = 0,
	.nr_queues = 2,
	.config_size = 12,
	.reset = vcons_reset,
	.driver_ok = vcons_driver_ok,
	.config_read = vcons_config_read,
	.notify = vcons_notify,
};
