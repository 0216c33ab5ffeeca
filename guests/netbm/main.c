/*
 * netbm: a bare-metal VM on a virtual network (docs/virtio.md). It drives the virtio-net
 * port at 0x0a000000 (INTID 48) with the guest library's driver (guests/lib/virtio_net.c,
 * net.c), takes the address 10.0.0.<100 + VM index> (the VM index is byte 4 of the MAC
 * rtvisor assigns, 02:52:54:56:<vm>:<dev>), answers ARP and ping, and on a UDP datagram
 * "stream <n> <port>" to its port 7000 sends n datagrams of NETBM_DGRAM bytes to the
 * sender's address and <port>. Datagram k (from 0) holds the bytes
 * 'a' + (7k + j) mod 26 for j < NETBM_DGRAM - 1 and a '\n' last, so the receiver can check
 * the whole stream. Console lines (guests/README.md):
 *   netbm: up mac=<mac> ip=<ip>
 *   netbm: first frame received           (once, at the first frame it receives)
 *   netbm: stream <n> to <ip>:<port>      (a request arrived)
 *   netbm: stream sent <n> udp_out=<n>    (the last datagram went out)
 *   netbm: no virtio-net device           (vnet_init failed; halts)
 */
#include "guest/console.h"
#include "guest/cpu.h"
#include "guest/gic.h"
#include "guest/irq.h"
#include "guest/net.h"
#include "guest/string.h"
#include "guest/timer.h"
#include "guest/virtio_net.h"

#define NETBM_DEV 0x0a000000UL
#define NETBM_INTID 48U
#define NETBM_PORT 7000U
#define NETBM_DGRAM 1000U
#define NETBM_MAX_STREAM 100000U

static uint8_t mac[6], ip[4] = { 10, 0, 0, 0 };
static uint8_t dgram[NETBM_DGRAM];
static struct {
	uint8_t ip[4];
	uint16_t port;
	uint32_t sent, total;
} stream;

static void vnet_irq(uint32_t intid, void *arg)
{
	(void)intid;
	(void)arg;
	(void)vnet_irq_ack(); /* net_poll() in the main loop reads the ring */
}

static void tick(void)
{
}

static unsigned parse_uint(const uint8_t **p, const uint8_t *end)
{
	unsigned v = 0;

	while (*p < end && **p == ' ')
		(*p)++;
	while (*p < end && **p >= '0' && **p <= '9' && v < 1000000U)
		v = v * 10U + (unsigned)(*(*p)++ - '0');
	return v;
}

static void on_udp(const uint8_t src[4], uint16_t sport, uint16_t dport, const uint8_t *d,
		   unsigned len)
{
	const uint8_t *p = d + 6, *end = d + len;
	unsigned n, port;

	(void)sport;
	if (dport != NETBM_PORT || len < 6 || d[0] != 's' || d[1] != 't' || d[2] != 'r' ||
	    d[3] != 'e' || d[4] != 'a' || d[5] != 'm')
		return;
	n = parse_uint(&p, end);
	port = parse_uint(&p, end);
	if (n == 0 || n > NETBM_MAX_STREAM || port == 0 || port > 0xffffU)
		return;
	memcpy(stream.ip, src, 4);
	stream.port = (uint16_t)port;
	stream.sent = 0;
	stream.total = n;
	printf("netbm: stream %u to %u.%u.%u.%u:%u\n", n, src[0], src[1], src[2], src[3], port);
}

static void stream_step(void)
{
	while (stream.sent < stream.total) {
		for (unsigned j = 0; j < NETBM_DGRAM - 1; j++)
			dgram[j] = (uint8_t)('a' + (7U * stream.sent + j) % 26U);
		dgram[NETBM_DGRAM - 1] = '\n';
		if (net_udp_send(stream.ip, NETBM_PORT, stream.port, dgram, NETBM_DGRAM))
			return; /* no buffer or no ARP entry yet: the next wake-up goes on */
		if (++stream.sent == stream.total)
			printf("netbm: stream sent %u udp_out=%u\n", stream.total,
			       net_stats()->udp_out);
	}
}

int main(void)
{
	uint32_t first = 0;

	gic_dist_init();
	gic_cpu_init();
	if (vnet_init(NETBM_DEV, mac)) {
		printf("netbm: no virtio-net device\n");
		cpu_halt();
	}
	ip[3] = (uint8_t)(100U + mac[4]);
	irq_register(NETBM_INTID, vnet_irq, 0);
	gic_irq_enable(NETBM_INTID, GIC_PRIO_DEFAULT);
	timer_tick_start(100, tick); /* wakes the loop when a transmit ring was full */
	net_init(mac, ip, on_udp);
	printf("netbm: up mac=%02x:%02x:%02x:%02x:%02x:%02x ip=%u.%u.%u.%u\n", mac[0], mac[1],
	       mac[2], mac[3], mac[4], mac[5], ip[0], ip[1], ip[2], ip[3]);
	for (;;) {
		net_poll();
		if (!first && net_stats()->frames) {
			first = 1;
			printf("netbm: first frame received\n");
		}
		stream_step();
		cpu_wfi();
	}
}
