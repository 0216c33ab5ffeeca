/*
 * virtio-net backend (virtio 1.2 section 5.1) and the virtual networks it attaches to
 * (docs/virtio.md). Each net device is a port of the network its scenario names; a frame a
 * port transmits is switched to the ports of that network only: to the port that last
 * sent from the destination MAC (learned), to every other port for a broadcast, multicast
 * or unknown destination. Never to a port of another network.
 *
 * The device offers MAC (02:52:54:56:<vm>:<index>, unique in the scenario), CSUM and
 * GUEST_CSUM, HOST_TSO4/6 and GUEST_TSO4/6, and MRG_RXBUF (5.1.3): a TCP frame of up to
 * 64 KiB crosses whole, copied once from the sender's transmit buffers straight into the
 * receiver's receive buffers (vq_copy), over several of them with MRG_RXBUF. A port that
 * did not take GUEST_CSUM gets the partial checksum finished here (vq_sum); one that did
 * not take GUEST_TSO4/6 gets no TSO frame (no software segmentation).
 *
 * Work: a transmit notify on the sender's pCPU switches at most VIRTIO_NET_BUDGET frames
 * or VIRTIO_NET_BUDGET_BYTES (plus one frame) per exit: at most 128 KiB copied per
 * receiving port (docs/virtio.md, "The bound per exit"). The ports of one network share
 * one lock (d->lock): the sender holds it while it writes into a receiver's ring, so no
 * ring is written from two pCPUs and no lock order can cycle. A pCPU of another port may
 * wait for it for one bounded batch; put real-time VMs on networks of their own. A frame
 * for a port without room (or not running) is dropped and counted, as a full NIC would;
 * nothing is queued for later.
 */
#include <config.h>
#include <err.h>
#include <fdt.h>
#include <lib.h>
#include <printk.h>
#include <virtio.h>
#include <virtio_net_cfg.h>
#include <vm.h>

/* Feature bits (5.1.3). */
#define VNET_F_CSUM 0U            /* it takes frames with a partial checksum */
#define VNET_F_GUEST_CSUM 1U      /* the driver takes them */
#define VNET_F_MAC 5U
#define VNET_F_GUEST_TSO4 7U      /* the driver takes TCP/IPv4 frames up to 64 KiB */
#define VNET_F_GUEST_TSO6 8U
#define VNET_F_HOST_TSO4 11U      /* it takes them */
#define VNET_F_HOST_TSO6 12U
#define VNET_F_MRG_RXBUF 15U      /* a frame may span several receive buffers */
/* VNET_F_STATUS (16): the link in the configuration space, virtio_net_cfg.h */
#define VNET_FEATURES (BIT(VNET_F_CSUM) | BIT(VNET_F_GUEST_CSUM) | BIT(VNET_F_MAC) |       \
		       BIT(VNET_F_GUEST_TSO4) | BIT(VNET_F_GUEST_TSO6) |                    \
		       BIT(VNET_F_HOST_TSO4) | BIT(VNET_F_HOST_TSO6) | BIT(VNET_F_MRG_RXBUF) | \
		       BIT(VNET_F_STATUS))
/* struct virtio_net_hdr (5.1.6): flags, gso_type, then le16 hdr_len, gso_size,
 * csum_start, csum_offset, num_buffers. */
#define VNET_HDR_F_NEEDS_CSUM 1U
#define VNET_GSO_NONE 0U
#define VNET_GSO_TCPV4 1U
#define VNET_GSO_TCPV6 4U
#define VNET_RXQ 0U
#define VNET_TXQ 1U
#define VNET_HDR 12U
#define VNET_ETH_HDR 14U
#define VNET_FRAME_MAX 1518U   /* 1500-byte payload, Ethernet and VLAN headers */
#define VNET_GSO_MAX (65536U + VNET_ETH_HDR + 4U) /* a TSO frame: 64 KiB and the headers */
#define VNET_RX_BUFS 64U       /* receive buffers one frame may span (MRG_RXBUF) */

struct vnet;

struct vnet_port {
	struct virtio_dev *dev;
	struct vnet *net;
	u8 mac[6];                 /* its configured address (config space) */
	u8 learned[6];             /* the source address it last sent from */
	bool link_up;              /* its link (STATUS); down: no frame in or out */
	u64 tx, rx, drops;         /* frames sent, received, dropped on the way to it */
	u64 link_drops;            /* frames it sent, or was sent, while its link was down */
};

/* The frame being switched (the sender's chain, under the network's lock). */
struct vnet_frame {
	struct virtio_dev *from;
	u8 hdr[VNET_HDR];          /* the sender's header */
	u8 eth[VNET_ETH_HDR];
	u32 len;                   /* bytes after the header */
	bool csum_done;            /* csum holds the finished checksum (for ports without
				      GUEST_CSUM) */
	u16 csum;
};

struct vnet {
	char name[CFG_NAME_LEN];
	spinlock_t lock;
	u32 nr;
	struct vnet_port *port[CFG_MAX_NET_PORTS];
	struct vnet_frame f;
	struct vq_chain first;     /* the receiver's first buffer of a frame (its header) */
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
	p->link_up = true; /* a failover group's backup: down from failover_init on */
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
	const struct vnet_port *p = port_of(d);

	return vnet_config_bytes(p->mac, p->link_up, off, size);
}

static bool has(const struct virtio_dev *d, u32 bit)
{
	return (d->drv_features & BIT(bit)) != 0;
}

static u16 le16_at(const u8 *p)
{
	return (u16)(p[0] | p[1] << 8);
}

/* The receive buffers one frame goes into (5.1.6.3.2): the first in net->first (it gets
 * the header, num_buffers last), the current one in the port's chain; the heads taken
 * and the bytes written into each. */
struct vnet_rx {
	struct vnet_port *to;
	struct vq_chain *cur;
	u32 nr;
	u64 off;                   /* bytes written into cur */
	u16 head[VNET_RX_BUFS];
	u32 used[VNET_RX_BUFS];
};

/* Take the receiver's next buffer: 0, ERR_NOENT (none left, or one buffer per frame
 * without MRG_RXBUF), or ERR_INVAL (broken ring, *why). */
static int rx_next(struct vnet_rx *w, const char **why)
{
	struct virtio_dev *d = w->to->dev;
	struct vq_chain *c = w->nr ? &d->chain : &w->to->net->first;
	int r;

	if (w->nr == VNET_RX_BUFS || (w->nr && !has(d, VNET_F_MRG_RXBUF)))
		return ERR_NOENT;
	r = vq_pop(&d->vq[VNET_RXQ], &d->mem, c, why);
	if (r)
		return r;
	w->head[w->nr] = c->head;
	w->used[w->nr++] = 0;
	w->cur = c;
	w->off = 0;
	return w->nr == 1 && c->in_bytes < VNET_HDR ? ERR_NOENT : 0; /* the header fits in one */
}

/* Append len bytes: from src, or (src NULL) straight from the sender's chain at soff. */
static int rx_put(struct vnet_rx *w, const u8 *src, u64 soff, u64 len, const char **why)
{
	const struct vnet_frame *f = &w->to->net->f;
	struct virtio_dev *d = w->to->dev;

	while (len) {
		u64 room = w->cur ? w->cur->in_bytes - w->off : 0;
		u64 k = room < len ? room : len;

		if (!room) {
			int r = rx_next(w, why);

			if (r)
				return r;
			continue;
		}
		if (src) /* popped chains lie in RAM: every byte is written */
			(void)vq_write(&d->mem, w->cur, w->off, src, k);
		else
			(void)vq_copy(&f->from->mem, &f->from->chain, soff, &d->mem, w->cur,
				      w->off, k);
		w->off += k;
		w->used[w->nr - 1] += (u32)k;
		len -= k;
		src = src ? src + k : NULL;
		soff += k;
	}
	return 0;
}

/* The frame's partial checksum finished (5.1.6.2: the sum from csum_start to the end,
 * stored at csum_start + csum_offset), for ports without GUEST_CSUM; computed once. */
static u16 vnet_csum(struct vnet_frame *f)
{
	u32 start = le16_at(f->hdr + 6);
	u64 sum;

	if (!f->csum_done) {
		sum = vq_sum(&f->from->mem, &f->from->chain, VNET_HDR + start, f->len - start);
		while (sum >> 16)
			sum = (sum & 0xffffU) + (sum >> 16);
		f->csum = (u16)~sum;
		f->csum_done = true;
	}
	return f->csum;
}

/* Header and frame into the receiver's buffers; the checksum finished here when the
 * frame has a partial one and the receiver did not take GUEST_CSUM. */
static int rx_frame(struct vnet_rx *w, const char **why)
{
	struct vnet_frame *f = &w->to->net->f;
	struct virtio_dev *d = w->to->dev;
	bool fill = (f->hdr[0] & VNET_HDR_F_NEEDS_CSUM) && !has(d, VNET_F_GUEST_CSUM);
	u8 hdr[VNET_HDR] = { 0 };
	u32 at = le16_at(f->hdr + 6) + le16_at(f->hdr + 8);
	u8 c[2];
	int r;

	if (!fill)
		memcpy(hdr, f->hdr, 10); /* flags, gso and csum fields as the sender wrote them */
	hdr[10] = 1;                 /* num_buffers, rewritten once known */
	r = rx_put(w, hdr, 0, VNET_HDR, why);
	if (r || !fill)
		return r ? r : rx_put(w, NULL, VNET_HDR, f->len, why);
	c[0] = (u8)(vnet_csum(f) >> 8);
	c[1] = (u8)vnet_csum(f);
	r = rx_put(w, NULL, VNET_HDR, at, why);
	if (!r)
		r = rx_put(w, c, 0, 2, why);
	return r ? r : rx_put(w, NULL, VNET_HDR + at + 2, f->len - at - 2, why);
}

/* Can port to take the frame: running, and a TSO frame only if it took GUEST_TSO4/6? */
static bool vnet_takes(const struct vnet_port *to, const struct vnet_frame *f)
{
	const struct virtio_dev *d = to->dev;

	if (!virtio_queue_live(d, VNET_RXQ))
		return false;
	switch (f->hdr[1]) {
	case VNET_GSO_NONE:
		return true;
	case VNET_GSO_TCPV4:
		return has(d, VNET_F_GUEST_TSO4);
	default:
		return has(d, VNET_F_GUEST_TSO6);
	}
}

/* Copy the network's current frame into port to's receive buffers: one buffer, or as
 * many as it needs with MRG_RXBUF. Without room it is dropped; the buffers taken go back
 * (nothing was returned to the driver), but a lone buffer too small is returned empty. */
static void vnet_deliver(struct vnet_port *to)
{
	struct virtio_dev *d = to->dev;
	struct virtq *q = &d->vq[VNET_RXQ];
	struct vnet_rx w = { .to = to };
	u16 saved = q->last_avail;
	const char *why = NULL;
	u8 nb[2];
	int r;

	if (!to->link_up) {
		to->link_drops++; /* unplugged: never delivered */
		return;
	}
	if (!vnet_takes(to, &to->net->f)) {
		to->drops++;
		return;
	}
	r = rx_frame(&w, &why);
	if (r == ERR_INVAL)
		virtio_broken(d, why);
	if (r) {
		to->drops++;
		if (r == ERR_NOENT && w.nr == 1 && !has(d, VNET_F_MRG_RXBUF)) {
			vq_push(q, w.head[0], 0); /* its one buffer is too small */
			virtio_used(d, VNET_RXQ);
		} else {
			q->last_avail = saved;    /* nothing was pushed: the buffers stay */
		}
		return;
	}
	nb[0] = (u8)w.nr;
	nb[1] = (u8)(w.nr >> 8);
	(void)vq_write(&d->mem, &to->net->first, 10, nb, 2); /* rx_next checked the room */
	for (u32 i = 0; i < w.nr; i++)
		vq_push(q, w.head[i], w.used[i]);
	to->rx++;
	d->bytes_in += to->net->f.len;
	virtio_used(d, VNET_RXQ);
}

/* Switch the frame from port `from`: to the learned owner of its destination, or to
 * every other port (broadcast, multicast, unknown). */
static void vnet_switch(struct vnet_port *from)
{
	struct vnet *n = from->net;
	const u8 *dst = n->f.eth;
	bool flood = dst[0] & 1;

	memcpy(from->learned, n->f.eth + 6, 6);
	for (u32 i = 0; !flood && i < n->nr; i++)
		if (n->port[i] != from && memcmp(n->port[i]->learned, dst, 6) == 0) {
			vnet_deliver(n->port[i]);
			return;
		}
	for (u32 i = 0; i < n->nr; i++)
		if (n->port[i] != from)
			vnet_deliver(n->port[i]);
}

/* May the sender send this frame: a TSO frame only with HOST_TSO4/6 (ECN and UDP
 * segmentation are not offered), a partial checksum only with CSUM and inside the frame,
 * at most VNET_FRAME_MAX bytes without TSO? */
static bool vnet_frame_ok(const struct virtio_dev *d, const struct vnet_frame *f)
{
	u32 at = (u32)le16_at(f->hdr + 6) + le16_at(f->hdr + 8);

	if (f->hdr[1] == VNET_GSO_NONE && f->len > VNET_FRAME_MAX)
		return false;
	if (f->hdr[1] != VNET_GSO_NONE &&
	    !(f->hdr[1] == VNET_GSO_TCPV4 && has(d, VNET_F_HOST_TSO4)) &&
	    !(f->hdr[1] == VNET_GSO_TCPV6 && has(d, VNET_F_HOST_TSO6)))
		return false;
	if (f->hdr[0] & VNET_HDR_F_NEEDS_CSUM)
		return has(d, VNET_F_CSUM) && at + 2 <= f->len;
	return true;
}

/* Read the next transmit chain's header and Ethernet header: is it a frame to switch? */
static bool vnet_tx_frame(struct virtio_dev *d, struct vnet_frame *f)
{
	u64 out = d->chain.out_bytes;

	if (out < VNET_HDR + VNET_ETH_HDR || out > VNET_HDR + VNET_GSO_MAX)
		return false;
	f->from = d;
	f->len = (u32)(out - VNET_HDR);
	f->csum_done = false;
	(void)vq_read(&d->mem, &d->chain, 0, f->hdr, VNET_HDR);       /* out_bytes checked */
	(void)vq_read(&d->mem, &d->chain, VNET_HDR, f->eth, VNET_ETH_HDR);
	return vnet_frame_ok(d, f);
}

static int vnet_tx(struct virtio_dev *d, const char **why)
{
	struct vnet_port *p = port_of(d);
	struct virtq *q = &d->vq[VNET_TXQ];
	u32 frames = 0;
	u64 bytes = 0;
	int r = 0;

	while (frames < VIRTIO_NET_BUDGET && bytes < VIRTIO_NET_BUDGET_BYTES) {
		r = vq_pop(q, &d->mem, &d->chain, why);
		if (r)
			break;
		if (!p->link_up) {
			p->link_drops++; /* unplugged: consumed, never switched */
		} else if (!vnet_tx_frame(d, &p->net->f)) {
			p->drops++; /* not a frame this device can carry */
		} else {
			p->tx++;
			d->bytes_out += p->net->f.len;
			bytes += p->net->f.len;
			vnet_switch(p);
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
	printk("    link %s, frames dropped at the unplugged port %llu\n",
	       __atomic_load_n(&p->link_up, __ATOMIC_RELAXED) ? "up" : "down",
	       (unsigned long long)__atomic_load_n(&p->link_drops, __ATOMIC_RELAXED));
}

/* Plug (up) or unplug the port d if it is on one of the networks: STATUS changes and, if
 * it did, the driver gets a configuration-change interrupt (virtio_config_changed). Under the
 * network's lock, so no frame is half switched to or from a port whose link changes.
 * Any pCPU (failover: the housekeeper, or the fenced primary's own). */
static void vnet_link_set(struct virtio_dev *d, const char *networks, u32 len, bool up)
{
	struct vnet_port *p = port_of(d);

	if (!fdt_stringlist_has(networks, (int)len, p->net->name))
		return;
	spin_lock(d->lock);
	if (p->link_up != up) {
		__atomic_store_n(&p->link_up, up, __ATOMIC_RELAXED);
		virtio_config_changed(d);
	}
	spin_unlock(d->lock);
}

const struct virtio_backend virtio_net_backend = {
	.name = "net",
	.device_id = VIRTIO_ID_NET,
	.features = VNET_FEATURES,
	.nr_queues = 2,
	.config_size = VNET_CONFIG,
	.create = vnet_create,
	.reset = vnet_reset,
	.config_read = vnet_config_read,
	.notify = vnet_notify,
	.show = vnet_show,
	.link_set = vnet_link_set,
};
