/*
 * The virtio-net device's configuration space (virtio 1.2 section 5.1.4), pure: no
 * register or lock, so a host unit test covers every offset and size
 * (tests/unit/vdev/test_virtio_net_cfg.c). Layout offered by virtio_net.c:
 *   0x0  mac[6]                       (VIRTIO_NET_F_MAC)
 *   0x6  le16 status, bit 0 LINK_UP   (VIRTIO_NET_F_STATUS)
 * Nothing after it (MQ, MTU, speed/duplex are not offered).
 */
#ifndef RTV_VIRTIO_NET_CFG_H
#define RTV_VIRTIO_NET_CFG_H

#include <types.h>

#define VNET_F_STATUS 16U          /* the status field is valid (5.1.3) */
#define VNET_S_LINK_UP 1U          /* status bit 0 (5.1.4) */
#define VNET_CONFIG 8U             /* bytes of configuration space: mac and status */

/* size bytes (1, 2 or 4) of the configuration space at off, little-endian; bytes past
 * the end read as zero. The transport checks alignment; this checks nothing else. */
u32 vnet_config_bytes(const u8 mac[6], bool link_up, u32 off, u32 size);

#endif
