/*
 * ARP, ICMP echo and UDP over IPv4 for bare-metal guests (guest/net.h). Fields are read
 * and written byte by byte in network order (the MMU is off: no unaligned accesses).
 * Frame layout: Ethernet II (14 bytes), then ARP (28) or IPv4 (20, options accepted on
 * input), then ICMP or UDP (8-byte headers).
 */
#include "guest/net.h"
#include "guest/string.h"
#include "guest/virtio_net.h"

#define ETH_HDR 14U
#define IP_HDR 20U
#define UDP_HDR 8U
#define ETH_ARP 0x0806U
#define ETH_IP 0x0800U
#define IP_ICMP 1U
#define IP_UDP 17U
#define ARP_REQUEST 1U
#define ARP_REPLY 2U
#define ARP_SLOTS 8U

struct arp_entry {
	uint8_t ip[4], mac[6];
	int used;
};

static uint8_t my_mac[6], my_ip[4];
static net_udp_fn udp_fn;
static struct arp_entry arp_cache[ARP_SLOTS];
static unsigned arp_next;
static uint16_t ip_id;
static struct net_stats st;
static uint8_t rx_frame[VNET_FRAME_MAX];
static uint8_t tx_frame[VNET_FRAME_MAX];
static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static int same(const uint8_t *a, const uint8_t *b, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (a[i] != b[i])
			return 0;
	return 1;
}

/* RFC 1071 one's-complement sum of len bytes, added to sum. */
static uint32_t csum_add(uint32_t sum, const uint8_t *p, unsigned len)
{
	for (unsigned i = 0; i + 1 < len; i += 2)
		sum += get16(p + i);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffffU) + (sum >> 16);
	return (uint16_t)~sum;
}

static void arp_learn(const uint8_t ip[4], const uint8_t mac[6])
{
	struct arp_entry *e = &arp_cache[arp_next];

	for (unsigned i = 0; i < ARP_SLOTS; i++)
		if (arp_cache[i].used && same(arp_cache[i].ip, ip, 4)) {
			e = &arp_cache[i];
			break;
		}
	if (e == &arp_cache[arp_next])
		arp_next = (arp_next + 1) % ARP_SLOTS;
	memcpy(e->ip, ip, 4);
	memcpy(e->mac, mac, 6);
	e->used = 1;
}

static const uint8_t *arp_lookup(const uint8_t ip[4])
{
	for (unsigned i = 0; i < ARP_SLOTS; i++)
		if (arp_cache[i].used && same(arp_cache[i].ip, ip, 4))
			return arp_cache[i].mac;
	return 0;
}

static void eth_header(uint8_t *f, const uint8_t dst[6], uint16_t type)
{
	memcpy(f, dst, 6);
	memcpy(f + 6, my_mac, 6);
	put16(f + 12, type);
}

/* An ARP packet from us: op, to target (tha, tpa), in an Ethernet frame to dst. */
static int arp_send(uint16_t op, const uint8_t dst[6], const uint8_t tha[6],
		    const uint8_t tpa[4])
{
	uint8_t *a = tx_frame + ETH_HDR;

	eth_header(tx_frame, dst, ETH_ARP);
	put16(a, 1);            /* htype Ethernet */
	put16(a + 2, ETH_IP);   /* ptype IPv4 */
	a[4] = 6;
	a[5] = 4;
	put16(a + 6, op);
	memcpy(a + 8, my_mac, 6);
	memcpy(a + 14, my_ip, 4);
	memcpy(a + 18, tha, 6);
	memcpy(a + 24, tpa, 4);
	return vnet_send(tx_frame, ETH_HDR + 28U);
}

static void arp_input(const uint8_t *a, unsigned len)
{
	if (len < 28U || get16(a) != 1 || get16(a + 2) != ETH_IP || a[4] != 6 || a[5] != 4)
		return;
	if (!same(a + 24, my_ip, 4))
		return;
	arp_learn(a + 14, a + 8);  /* the sender asked us or answered us: remember it */
	if (get16(a + 6) == ARP_REQUEST && arp_send(ARP_REPLY, a + 8, a + 8, a + 14) == 0)
		st.arp_replies++;
}

/* An IPv4 header from us to dst (len: the payload's bytes), in tx_frame. */
static void ip_header(uint8_t *ip, const uint8_t dst[4], uint8_t proto, unsigned len)
{
	ip[0] = 0x45;
	ip[1] = 0;
	put16(ip + 2, (uint16_t)(IP_HDR + len));
	put16(ip + 4, ip_id++);
	put16(ip + 6, 0x4000);  /* DF, offset 0 */
	ip[8] = 64;
	ip[9] = proto;
	put16(ip + 10, 0);
	memcpy(ip + 12, my_ip, 4);
	memcpy(ip + 16, dst, 4);
	put16(ip + 10, csum_fold(csum_add(0, ip, IP_HDR)));
}

/* Echo request (type 8) -> echo reply (type 0) with the same identifier, sequence and
 * data, to the MAC it came from. */
static void icmp_input(const uint8_t *f, const uint8_t *ip, const uint8_t *icmp, unsigned len)
{
	uint8_t *r = tx_frame + ETH_HDR + IP_HDR;

	if (len < 8U || icmp[0] != 8 || csum_fold(csum_add(0, icmp, len)) != 0)
		return;
	eth_header(tx_frame, f + 6, ETH_IP);
	ip_header(tx_frame + ETH_HDR, ip + 12, IP_ICMP, len);
	memcpy(r, icmp, len);
	r[0] = 0;
	put16(r + 2, 0);
	put16(r + 2, csum_fold(csum_add(0, r, len)));
	if (vnet_send(tx_frame, ETH_HDR + IP_HDR + len) == 0)
		st.echo_replies++;
}

/* The UDP checksum over the pseudo header (RFC 768): 0 for a correct datagram when
 * u holds its checksum, the checksum to store when that field is 0. */
static uint16_t udp_sum(const uint8_t src[4], const uint8_t dst[4], const uint8_t *u,
			unsigned ulen)
{
	uint8_t pseudo[12];

	memcpy(pseudo, src, 4);
	memcpy(pseudo + 4, dst, 4);
	pseudo[8] = 0;
	pseudo[9] = IP_UDP;
	put16(pseudo + 10, (uint16_t)ulen);
	return csum_fold(csum_add(csum_add(0, pseudo, 12), u, ulen));
}

static void udp_input(const uint8_t *ip, const uint8_t *u, unsigned len)
{
	unsigned ulen;

	if (len < UDP_HDR)
		return;
	ulen = get16(u + 4);
	if (ulen < UDP_HDR || ulen > len)
		return;
	if (get16(u + 6) && udp_sum(ip + 12, ip + 16, u, ulen) != 0) {
		st.dropped++; /* a checksum that does not add up (0: none sent) */
		return;
	}
	st.udp_in++;
	if (udp_fn)
		udp_fn(ip + 12, get16(u), get16(u + 2), u + UDP_HDR, ulen - UDP_HDR);
}

static void ip_input(const uint8_t *f, const uint8_t *ip, unsigned len)
{
	unsigned ihl, total;

	if (len < IP_HDR || ip[0] >> 4 != 4)
		return;
	ihl = (ip[0] & 0xfU) * 4U;
	total = get16(ip + 2);
	if (ihl < IP_HDR || total < ihl || total > len || !same(ip + 16, my_ip, 4) ||
	    csum_fold(csum_add(0, ip, ihl)) != 0 || (get16(ip + 6) & 0x3fffU)) {
		st.dropped++; /* not for us, broken, or a fragment */
		return;
	}
	if (ip[9] == IP_ICMP)
		icmp_input(f, ip, ip + ihl, total - ihl);
	else if (ip[9] == IP_UDP)
		udp_input(ip, ip + ihl, total - ihl);
}

void net_input(const uint8_t *f, unsigned len)
{
	st.frames++;
	if (len < ETH_HDR || (!same(f, my_mac, 6) && !same(f, bcast, 6)))
		return;
	if (get16(f + 12) == ETH_ARP)
		arp_input(f + ETH_HDR, len - ETH_HDR);
	else if (get16(f + 12) == ETH_IP)
		ip_input(f, f + ETH_HDR, len - ETH_HDR);
}

void net_poll(void)
{
	unsigned len;

	while ((len = vnet_recv(rx_frame, sizeof(rx_frame))) != 0)
		net_input(rx_frame, len);
}

void net_init(const uint8_t mac[6], const uint8_t ip[4], net_udp_fn udp)
{
	const uint8_t zero[6] = { 0 };

	memcpy(my_mac, mac, 6);
	memcpy(my_ip, ip, 4);
	udp_fn = udp;
	(void)arp_send(ARP_REQUEST, bcast, zero, my_ip); /* gratuitous: announces us */
}

int net_udp_send(const uint8_t ip[4], uint16_t sport, uint16_t dport, const void *data,
		 unsigned len)
{
	const uint8_t zero[6] = { 0 };
	const uint8_t *mac = arp_lookup(ip);
	uint8_t *u = tx_frame + ETH_HDR + IP_HDR;
	uint16_t sum;

	if (len > NET_UDP_MAX || !vnet_tx_room())
		return -1;
	if (!mac) {
		(void)arp_send(ARP_REQUEST, bcast, zero, ip);
		return -1;
	}
	eth_header(tx_frame, mac, ETH_IP);
	ip_header(tx_frame + ETH_HDR, ip, IP_UDP, UDP_HDR + len);
	put16(u, sport);
	put16(u + 2, dport);
	put16(u + 4, (uint16_t)(UDP_HDR + len));
	put16(u + 6, 0);
	memcpy(u + UDP_HDR, data, len);
	sum = udp_sum(my_ip, ip, u, UDP_HDR + len);
	put16(u + 6, sum ? sum : 0xffff); /* 0 means "no checksum" (RFC 768) */
	if (vnet_send(tx_frame, ETH_HDR + IP_HDR + UDP_HDR + len))
		return -1;
	st.udp_out++;
	return 0;
}

const struct net_stats *net_stats(void)
{
	return &st;
}
