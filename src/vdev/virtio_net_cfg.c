/*
 * The virtio-net configuration space (virtio 1.2 section 5.1.4): the port's MAC, then
 * the le16 status whose bit 0 (VIRTIO_NET_S_LINK_UP) is the port's link. Pure, for the
 * host unit test (virtio_net_cfg.h).
 */
#include <lib.h>
#include <virtio_net_cfg.h>

u32 vnet_config_bytes(const u8 mac[6], bool link_up, u32 off, u32 size)
{
	u8 space[VNET_CONFIG] = { 0 };
	u32 v = 0;

	memcpy(space, mac, 6);
	space[6] = link_up ? (u8)VNET_S_LINK_UP : 0; /* le16: the high byte stays 0 */
	for (u32 i = 0; i < size && i < 4; i++)
		if (off + i < VNET_CONFIG)
			v |= (u32)space[off + i] << (8 * i);
	return v;
}
