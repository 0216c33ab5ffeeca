// SPDX-License-Identifier: GPL-2.0
/*
 * rtv_uio: each rtvisor shared region ("rtvisor,shmem-v1" node, docs/shmem.md) whose
 * name does not start with "tty" (those are rtv_tty's) becomes a UIO device, so
 * userspace sees the region and its doorbell through the stock UIO interface
 * (Documentation/driver-api/uio-howto.rst):
 *   /sys/class/uio/uioN/name        the region's name (rtvisor,name)
 *   /sys/class/uio/uioN/event       doorbells taken since the module loaded
 *   /sys/class/uio/uioN/maps/map0/  the region's guest-physical address and size
 *   read(/dev/uioN, 4 bytes)        blocks until the next doorbell, returns the count
 * Debian's arm64 kernels build UIO but not uio_pdrv_genirq, which would do the same for
 * a node named by its of_id parameter; this is its few lines for rtvisor's nodes.
 * The doorbell is an edge SPI (its DT node says so): nothing to acknowledge, so the
 * handler only tells UIO that it came (no irqcontrol: it is never masked).
 * The failover demo's backup waits here for its promotion notice (docs/failover.md).
 */
#include <linux/module.h>
#include <linux/of.h>
#include <linux/platform_device.h>
#include <linux/uio_driver.h>

static irqreturn_t rtv_uio_doorbell(int irq, struct uio_info *info)
{
	return IRQ_HANDLED; /* UIO counts it and wakes the readers */
}

static bool rtv_uio_is_mine(struct device_node *np, const char **name)
{
	return !of_property_read_string(np, "rtvisor,name", name) && strncmp(*name, "tty", 3);
}

static int rtv_uio_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct uio_info *info;
	struct resource *res;
	const char *name;
	int irq;

	if (!rtv_uio_is_mine(dev->of_node, &name))
		return -ENODEV;
	res = platform_get_resource(pdev, IORESOURCE_MEM, 0);
	irq = platform_get_irq(pdev, 0);
	if (!res || irq < 0)
		return dev_err_probe(dev, irq < 0 ? irq : -EINVAL, "no region or doorbell\n");
	info = devm_kzalloc(dev, sizeof(*info), GFP_KERNEL);
	if (!info)
		return -ENOMEM;
	info->name = name;
	info->version = "1";
	info->mem[0].name = name;
	info->mem[0].addr = res->start;
	info->mem[0].size = resource_size(res);
	info->mem[0].memtype = UIO_MEM_PHYS;
	info->irq = irq;
	info->handler = rtv_uio_doorbell;
	dev_info(dev, "region '%s' at %pa, %pa bytes, doorbell irq %d\n", name, &res->start,
		 &info->mem[0].size, irq);
	return devm_uio_register_device(dev, info);
}

static const struct of_device_id rtv_uio_match[] = {
	{ .compatible = "rtvisor,shmem-v1" },
	{}
};
MODULE_DEVICE_TABLE(of, rtv_uio_match);

static struct platform_driver rtv_uio_driver = {
	.probe = rtv_uio_probe,
	.driver = {
		.name = "rtv_uio",
		.of_match_table = rtv_uio_match,
	},
};
module_platform_driver(rtv_uio_driver);

MODULE_DESCRIPTION("rtvisor shared region and doorbell as a UIO device");
MODULE_LICENSE("GPL");
