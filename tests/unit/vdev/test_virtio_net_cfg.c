/*
 * The virtio-net configuration space (src/vdev/virtio_net_cfg.c, virtio 1.2 5.1.4): the
 * MAC at 0..5, the le16 status at 6 with LINK_UP following the port's link, every access
 * size, and reads past the end as zero.
 */
#include <virtio_net_cfg.h>

#include "harness.h"

static const u8 mac[6] = { 0x02, 0x52, 0x54, 0x56, 0x03, 0x01 };

TEST(mac_bytes)
{
	for (u32 i = 0; i < 6; i++)
		CHECK_EQ(vnet_config_bytes(mac, true, i, 1), mac[i]);
	CHECK_EQ(vnet_config_bytes(mac, false, 0, 4), 0x56545202U);
	CHECK_EQ(vnet_config_bytes(mac, false, 4, 2), 0x0103U);
}

TEST(status_follows_link)
{
	CHECK_EQ(vnet_config_bytes(mac, true, 6, 2), VNET_S_LINK_UP);
	CHECK_EQ(vnet_config_bytes(mac, false, 6, 2), 0);
	CHECK_EQ(vnet_config_bytes(mac, true, 6, 1), 1);
	CHECK_EQ(vnet_config_bytes(mac, true, 7, 1), 0);     /* le16: high byte */
	/* a 4-byte read of 4..7: mac[4], mac[5], status */
	CHECK_EQ(vnet_config_bytes(mac, true, 4, 4), 0x00010103U);
	CHECK_EQ(vnet_config_bytes(mac, false, 4, 4), 0x00000103U);
}

TEST(past_the_end)
{
	CHECK_EQ(VNET_CONFIG, 8);
	CHECK_EQ(vnet_config_bytes(mac, true, 8, 4), 0);
	CHECK_EQ(vnet_config_bytes(mac, true, 6, 4), 1);     /* 8, 9 read as zero */
	CHECK_EQ(vnet_config_bytes(mac, true, 0x100, 1), 0);
}

int main(void)
{
	RUN(mac_bytes);
	RUN(status_follows_link);
	RUN(past_the_end);
	HARNESS_END("test_virtio_net_cfg");
}
