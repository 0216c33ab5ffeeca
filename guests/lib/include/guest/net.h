/*
 * A minimal IPv4 stack for bare-metal guests over guest/virtio_net.h: ARP (RFC 826,
 * answers requests for its address, a small cache of replies and requesters), ICMP echo
 * (RFC 792: answers ping) and UDP (RFC 768: a receive callback, net_udp_send). No
 * fragments, no options sent, no routing: every peer is on the link.
 */
#ifndef GUEST_NET_H
#define GUEST_NET_H

#include <stdint.h>

typedef void (*net_udp_fn)(const uint8_t src_ip[4], uint16_t sport, uint16_t dport,
			   const uint8_t *data, unsigned len);

struct net_stats {
	uint32_t frames, arp_replies, echo_replies, udp_in, udp_out, dropped;
};

#define NET_UDP_MAX 1472U    /* 1500 - IPv4 header - UDP header */

/* Our addresses and the UDP receiver (may be NULL). Sends a gratuitous ARP. */
void net_init(const uint8_t mac[6], const uint8_t ip[4], net_udp_fn udp);
/* Handle every frame the device has received. */
void net_poll(void);
/* Handle one received Ethernet frame (net_poll's step; exposed for tests). */
void net_input(const uint8_t *frame, unsigned len);
/* Send a UDP datagram (len <= NET_UDP_MAX): 0; -1 when the peer's MAC is not known yet
 * (an ARP request went out: try again later) or no transmit buffer is free. */
int net_udp_send(const uint8_t ip[4], uint16_t sport, uint16_t dport, const void *data,
		 unsigned len);
const struct net_stats *net_stats(void);

#endif
