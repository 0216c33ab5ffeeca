/*
 * virtio-net backend (virtio 1.2 section 5.1) and the virtual networks it attaches to
 * (docs/virtio.md). Each net device is a port of the network its scenario names; a frame a
 * port transmits is switched to the ports of that network only: to the port that last
 * sent from the destination MAC (learned), to every other port for a broadcast, multicast
 * or unknown destination. Never to a port of another network.
 *
 * The device offers VIRTIO_NET_F_MAC (02:52:54:56:<vm>:<index>, unique in the scenario)
 * and nothing else: no offloads, no mergeable buffers, so every frame is at most
 * VNET_FRAME_MAX bytes and fits one receive buffer of the driver's (Linux's "small"
 * buffers: a 12-byte header and 1518 bytes). The header (5.1.6, 12 bytes with VERSION_1)
 * is all zeros both ways but num_buffers = 1 on receive.
 *
 * Work: a transmit notify on the sender's pCPU copies each frame once, from its transmit
 * buffer into the receivers' receive buffers (one copy per receiver), at most
 * VIRTIO_NET_BUDGET frames per exit. The ports of one network share one lock (d->lock):
 * the sender holds it while it writes into a receiver's ring, so no ring is written from
 * two pCPUs and no lock order can cycle. A pCPU of another port may wait for it for one
 * bounded batch; put real-time VMs on networks of their own. A frame for a port without a
 * receive buffer (or not running) is dropped and counted, as a full NIC would.
 */
#include <config.h>
#include <err.h>
#include <lib.h>
#include <printk.h>
#include <virtio.h>
#include <vm.h>

#define VNET_F_MAC 5U
#define VNET_RXQ 0U
#define VNET_TXQ 1U
#define VNET_HDR 12U
#define VNET_ETH_HDR 14U
#define VNET_FRAME_MAX 1518U   /* 1500-byte payload, Ethernet and VLAN headers */
#define VNET_CONFIG 6U         /* mac only (STATUS, MQ, MTU not offered) */

struct vnet;

struct vnet_port {
	struct virtio_dev *dev;
	struct vnet *net;
	u8 mac[6];                 /* its configured address (config space) */
	u8 learned[6];             /* the source address it last sent from */
	u64 tx, rx, drops;         /* frames sent, received, dropped on the way to it */
};

struct vnet {
	char name[CFG_NAME_LEN];
	spinlock_t lock;
	u32 nr;
	struct vnet_port *port[CFG_MAX_NET_PORTS];
	u8 frame[VNET_FRAME_MAX];  /* the frame being switched (under lock) */
};

static struct vnet nets[CFG_MAX_NETWORKS];
static u32 nr_nets;
static struct vnet_port ports[CFG_MAX_VMS][CFG_MAX_VIRTIO];

static struct vnet_port *port_of(const struct virtio_dev *d)
{
	return &ports[d->vm->id][d->index];
}

/* The network named name, created at its first port (boot CPU, VM creation). */
static struct vnet *vnet_get(const char *name)
{
	for (u32 i = 0; i < nr_nets; i++)
		if (strcmp(nets[i].name, name) == 0)
			return &nets[i];
	if (nr_nets == CFG_MAX_NETWORKS)
		return NULL;
	rtv_strlcpy(nets[nr_nets].name, name, sizeof(nets[0].name));
	return &nets[nr_nets++];
}

static int vnet_create(struct virtio_dev *d, char *msg, size_t len)
{
	struct vnet_port *p = port_of(d);
	struct vnet *n = vnet_get(d->cfg->network);
	const u8 mac[6] = { 0x02, 0x52, 0x54, 0x56, (u8)d->vm->id, (u8)d->index };

	if (!n || n->nr == CFG_MAX_NET_PORTS) { /* the scenario check refuses this */
		snprintf(msg, len, "virtio %s: network '%s' is full", d->cfg->name,
			 d->cfg->network);
		return ERR_FULL;
	}
	memset(p, 0, sizeof(*p));
	p->dev = d;
	p->net = n;
	memcpy(p->mac, mac, sizeof(mac));
	memcpy(p->learned, mac, sizeof(mac));
	n->port[n->nr++] = p;
	d->lock = &n->lock;
	return 0;
}

static void vnet_reset(struct virtio_dev *d)
{
	struct vnet_port *p = port_of(d);

	memcpy(p->learned, p->mac, sizeof(p->mac));
}

static u32 vnet_config_read(struct virtio_dev *d, u32 off, u32 size)
{
	u32 v = 0;

	memcpy(&v, port_of(d)->mac + off, size); /* the transport checked the range */
	return v;
}

/* Copy the network's current frame into one receive buffer of port to. */
static void vnet_deliver(struct vnet_port *to, u32 len)
{
	struct virtio_dev *d = to->dev;
	u8 hdr[VNET_HDR] = { 0 };
	const char *why = NULL;
	int r;

	hdr[10] = 1; /* num_buffers (le16) */
	if (!virtio_queue_live(d, VNET_RXQ)) {
		to->drops++;
		return;
	}
	r = vq_pop(&d->vq[VNET_RXQ], &d->mem, &d->chain, &why);
	if (r == ERR_INVAL)
		virtio_broken(d, why);
	if (r) {
		to->drops++;
		return;
	}
	if (d->chain.in_bytes < VNET_HDR + len) {
		to->drops++;
		vq_push(&d->vq[VNET_RXQ], d->chain.head, 0);
	} else {
		(void)vq_write(&d->mem, &d->chain, 0, hdr, VNET_HDR);      /* in_bytes checked */
		(void)vq_write(&d->mem, &d->chain, VNET_HDR, to->net->frame, len);
		vq_push(&d->vq[VNET_RXQ], d->chain.head, VNET_HDR + len);
		to->rx++;
		d->bytes_in += len;
	}
	virtio_used(d, VNET_RXQ);
}

/* Switch the frame from port `from`: to the learned owner of its destination, or to
 * every other port (broadcast, multicast, unknown). */
static void vnet_switch(struct vnet_port *from, u32 len)
{
	struct vnet *n = from->net;
	const u8 *dst = n->frame;
	bool flood = dst[0] & 1;

	memcpy(from->learned, n->frame + 6, 6);
	for (u32 i = 0; !flood && i < n->nr; i++)
		if (n->port[i] != from && memcmp(n->port[i]->learned, dst, 6) == 0) {
			vnet_deliver(n->port[i], len);
			return;
		}
	for (u32 i = 0; i < n->nr; i++)
		if (n->port[i] != from)
			vnet_deliver(n->port[i], len);
}

static int vnet_tx(struct virtio_dev *d, const char **why)
{
	struct vnet_port *p = port_of(d);
	struct virtq *q = &d->vq[VNET_TXQ];
	u32 frames = 0;
	int r = 0;

	while (frames < VIRTIO_NET_BUDGET) {
		u64 len;

		r = vq_pop(q, &d->mem, &d->chain, why);
		if (r)
			break;
		len = d->chain.out_bytes - (d->chain.out_bytes < VNET_HDR ? 0 : VNET_HDR);
		if (d->chain.out_bytes < VNET_HDR + VNET_ETH_HDR || len > VNET_FRAME_MAX) {
			p->drops++; /* not a frame this device can carry */
		} else {
			(void)vq_read(&d->mem, &d->chain, VNET_HDR, p->net->frame, len);
			p->tx++;
			d->bytes_out += len;
			vnet_switch(p, (u32)len);
		}
		vq_push(q, d->chain.head, 0);
		frames++;
	}
	return virtio_batch_end(d, VNET_TXQ, frames, r, vq_pending(q));
}

/* Receive buffers added: nothing waits for them (frames are not queued). */
static int vnet_notify(struct virtio_dev *d, u32 q, const char **why)
{
	return q == VNET_TXQ ? vnet_tx(d, why) : 0;
}

/* Counters are single 64-bit words: read without the lock, each one whole. */
static void vnet_show(struct virtio_dev *d)
{
	const struct vnet_port *p = port_of(d);
	const u8 *m = p->mac;

	printk("    port of '%s': mac %02x:%02x:%02x:%02x:%02x:%02x, frames sent %llu, "
	       "received %llu, dropped on the way in %llu\n", p->net->name, m[0], m[1], m[2], m[3],
	       m[4], m[5], (unsigned long long)__atomic_load_n(&p->tx, __ATOMIC_RELAXED),
	       (unsigned long long)__atomic_load_n(&p->rx, __ATOMIC_RELAXED),
	       (unsigned long long)__atomic_load_n(&p->drops, __ATOMIC_RELAXED));
}

const struct virtio_backend virtio_net_backend = {
	.name = "net",
	.device_id = VIRTIO_ID_NET,
	.features = BIT(VNET_F_MAC),
	.nr_queues = 2,
	.config_size = VNET_CONFIG,
	.create = vnet_create,
	.reset = vnet_reset,
	.config_read = vnet_config_read,
	.notify = vnet_notify,
	.show = vnet_show,
};
