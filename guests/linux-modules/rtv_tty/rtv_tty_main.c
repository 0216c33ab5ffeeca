// SPDX-License-Identifier: GPL-2.0
/*
 * rtv_tty: serial lines over rtvisor shared-memory channels (README.md beside this file,
 * docs/shmem.md "Channel protocol").
 *
 * Binds to the guest DT's "rtvisor,shmem-v1" nodes whose rtvisor,name starts with "tty".
 * Such a region holds 2 * lines channels of equal stride (region size / (2 * lines)):
 * channel 2i is line i's receive ring (the peer produces, we consume), channel 2i+1 its
 * transmit ring (we produce, the peer consumes). Each line is /dev/ttyRTV<n>, numbered
 * across regions in probe order. The ring code is guests/lib/shm_ring.c, built in.
 *
 * Receive: the doorbell SPI (edge) wakes a threaded handler that drains every line of
 * the region into its tty and re-arms the empty rings. A line that is not open, or whose
 * tty buffer is full, is not read: its ring fills and the producer counts the bytes it
 * drops (nothing lost silently); a 10 ms poll picks such lines up again.
 * Transmit: write() copies what fits into the transmit ring (never more: the tty layer
 * keeps the rest) and rings the peer if the protocol asks (RTV_HC_SHM_DOORBELL by HVC).
 * /proc/tty/driver/rtv_tty shows each line's counters, including the receive ring's
 * overrun.
 */
#include <linux/arm-smccc.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/of.h>
#include <linux/platform_device.h>
#include <linux/seq_file.h>
#include <linux/serial.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/tty.h>
#include <linux/tty_driver.h>
#include <linux/tty_flip.h>
#include <linux/workqueue.h>

#include "guest/shm_ring.h"

#define RTV_HC_SHM_DOORBELL 0xc6000008u
#define RTV_TTY_MAX 32u             /* /dev/ttyRTV0..31 */
#define RTV_POLL_MS 10u
#define RTV_TX_THRESHOLD 1u         /* ring as soon as the consumer asks (it may poll) */
#define RTV_TX_TIMEOUT_US 0u
#define RTV_CHUNK 256u

static unsigned int lines = RTV_TTY_MAX;
module_param(lines, uint, 0444);
MODULE_PARM_DESC(lines, "lines per shared region (2 channels each), default 32");

struct rtv_line {
	struct tty_port port;
	struct rtv_region *rg;
	unsigned int index;          /* n of ttyRTV<n> */
	void *rx_base, *tx_base;
	struct shm_ring rx, tx;
	bool rx_ok;                  /* attached (the peer created the ring) */
	bool stalled;                /* left data behind: the poll looks again */
	spinlock_t tx_lock;
	u64 rx_bytes, tx_bytes, tx_bells;
};

struct rtv_region {
	struct device *dev;
	void *base;
	u32 id, peer, nlines, stride;
	int irq;
	struct mutex rx_lock;        /* one consumer per receive ring */
	struct delayed_work poll;
	u64 irqs;
	struct rtv_line *line;
};

static struct tty_driver *rtv_driver;
static struct rtv_line *rtv_lines[RTV_TTY_MAX];
static DEFINE_MUTEX(rtv_lines_lock);

static u64 rtv_now_us(void)
{
	return ktime_get_ns() / 1000u;
}

static void rtv_ring_peer(struct rtv_region *rg)
{
	struct arm_smccc_res res;

	arm_smccc_1_1_hvc(RTV_HC_SHM_DOORBELL, rg->id, rg->peer, &res);
}

/* ---------------------------------------------------------------- receive */

/* Bytes the tty can take now; 0 when nobody has the line open. */
static unsigned int rtv_rx_room(struct rtv_line *l)
{
	if (!tty_port_initialized(&l->port))
		return 0;
	return tty_buffer_space_avail(&l->port);
}

/* Move what the tty takes; true if the ring is left empty and armed. */
static bool rtv_rx_drain(struct rtv_line *l)
{
	u8 buf[RTV_CHUNK];
	unsigned int room, n, moved = 0;

	for (;;) {
		room = min(rtv_rx_room(l), RTV_CHUNK);
		if (!room || !shm_ring_available(&l->rx))
			break;
		n = shm_ring_read(&l->rx, buf, room);
		tty_insert_flip_string(&l->port, buf, n);
		moved += n;
		l->rx_bytes += n;
		if (!shm_ring_available(&l->rx) && !shm_ring_arm(&l->rx))
			break;
	}
	if (moved)
		tty_flip_buffer_push(&l->port);
	if (shm_ring_available(&l->rx))
		return false;
	return !shm_ring_arm(&l->rx);
}

static bool rtv_rx_attach(struct rtv_line *l)
{
	if (!l->rx_ok)
		l->rx_ok = !shm_ring_consumer_attach(&l->rx, l->rx_base, l->rg->stride);
	return l->rx_ok;
}

static void rtv_tx_wakeup(struct rtv_line *l)
{
	if (shm_ring_space(&l->tx))
		tty_port_tty_wakeup(&l->port);
}

static void rtv_region_service(struct rtv_region *rg)
{
	u32 i;

	mutex_lock(&rg->rx_lock);
	for (i = 0; i < rg->nlines; i++) {
		struct rtv_line *l = &rg->line[i];

		if (rtv_rx_attach(l))
			l->stalled = !rtv_rx_drain(l);
		rtv_tx_wakeup(l);
	}
	mutex_unlock(&rg->rx_lock);
}

static irqreturn_t rtv_doorbell(int irq, void *arg)
{
	struct rtv_region *rg = arg;

	rg->irqs++;
	rtv_region_service(rg);
	return IRQ_HANDLED;
}

static void rtv_poll(struct work_struct *w)
{
	struct rtv_region *rg = container_of(to_delayed_work(w), struct rtv_region, poll);

	rtv_region_service(rg);
	schedule_delayed_work(&rg->poll, msecs_to_jiffies(RTV_POLL_MS));
}

/* ---------------------------------------------------------------- tty ops */

static struct rtv_line *rtv_line_of(struct tty_struct *tty)
{
	return tty->driver_data;
}

static int rtv_install(struct tty_driver *drv, struct tty_struct *tty)
{
	struct rtv_line *l;

	mutex_lock(&rtv_lines_lock);
	l = tty->index < RTV_TTY_MAX ? rtv_lines[tty->index] : NULL;
	mutex_unlock(&rtv_lines_lock);
	if (!l)
		return -ENODEV;
	tty->driver_data = l;
	return tty_port_install(&l->port, drv, tty);
}

static int rtv_open(struct tty_struct *tty, struct file *filp)
{
	return tty_port_open(&rtv_line_of(tty)->port, tty, filp);
}

static void rtv_close(struct tty_struct *tty, struct file *filp)
{
	tty_port_close(&rtv_line_of(tty)->port, tty, filp);
}

static void rtv_hangup(struct tty_struct *tty)
{
	tty_port_hangup(&rtv_line_of(tty)->port);
}

static int rtv_write(struct tty_struct *tty, const u8 *buf, int count)
{
	struct rtv_line *l = rtv_line_of(tty);
	unsigned long flags;
	u32 n;
	bool bell;

	if (count <= 0)
		return 0;
	spin_lock_irqsave(&l->tx_lock, flags);
	n = min_t(u32, (u32)count, shm_ring_space(&l->tx));
	n = shm_ring_write(&l->tx, buf, n, rtv_now_us());
	bell = shm_ring_want_doorbell(&l->tx, rtv_now_us());
	l->tx_bytes += n;
	l->tx_bells += bell;
	spin_unlock_irqrestore(&l->tx_lock, flags);
	if (bell)
		rtv_ring_peer(l->rg);
	return (int)n;
}

static unsigned int rtv_write_room(struct tty_struct *tty)
{
	return shm_ring_space(&rtv_line_of(tty)->tx);
}

static unsigned int rtv_chars_in_buffer(struct tty_struct *tty)
{
	struct rtv_line *l = rtv_line_of(tty);

	return l->tx.size - shm_ring_space(&l->tx);
}

/* No baud rate or framing to set on a ring: keep what the user asked (stty shows it). */
static void rtv_set_termios(struct tty_struct *tty, const struct ktermios *old)
{
}

static int rtv_proc_show(struct seq_file *m, void *v)
{
	unsigned int i;

	seq_puts(m, "rtv_tty: line region rx tx rx_overrun tx_overrun tx_doorbells irqs\n");
	mutex_lock(&rtv_lines_lock);
	for (i = 0; i < RTV_TTY_MAX; i++) {
		struct rtv_line *l = rtv_lines[i];

		if (!l)
			continue;
		seq_printf(m, "%u: region=%u rx=%llu tx=%llu rx_overrun=%u tx_overrun=%u tx_doorbells=%llu irqs=%llu\n",
			   i, l->rg->id, l->rx_bytes, l->tx_bytes,
			   l->rx_ok ? shm_ring_overrun(&l->rx) : 0, shm_ring_overrun(&l->tx),
			   l->tx_bells, l->rg->irqs);
	}
	mutex_unlock(&rtv_lines_lock);
	return 0;
}

static const struct tty_operations rtv_ops = {
	.install = rtv_install,
	.open = rtv_open,
	.close = rtv_close,
	.hangup = rtv_hangup,
	.write = rtv_write,
	.write_room = rtv_write_room,
	.chars_in_buffer = rtv_chars_in_buffer,
	.set_termios = rtv_set_termios,
	.proc_show = rtv_proc_show,
};

/* Opening a line drains what waited in its ring while it was closed. */
static int rtv_activate(struct tty_port *port, struct tty_struct *tty)
{
	struct rtv_line *l = container_of(port, struct rtv_line, port);

	mod_delayed_work(system_wq, &l->rg->poll, 0);
	return 0;
}

static const struct tty_port_operations rtv_port_ops = {
	.activate = rtv_activate,
};

/* ---------------------------------------------------------------- probe */

static int rtv_region_layout(struct rtv_region *rg, resource_size_t size)
{
	u32 ring;

	if (!lines || lines > RTV_TTY_MAX)
		return -EINVAL;
	rg->nlines = lines;
	rg->stride = (u32)(size / (2u * lines)) & ~(SHM_RING_LINE - 1u);
	if (rg->stride < SHM_RING_HDR_SIZE + 64u)
		return -EINVAL;
	ring = rounddown_pow_of_two(rg->stride - SHM_RING_HDR_SIZE);
	return ring >= 64u ? (int)ring : -EINVAL;
}

static int rtv_line_add(struct rtv_region *rg, u32 i, u32 ring)
{
	struct rtv_line *l = &rg->line[i];
	struct device *tdev;
	unsigned int n;

	l->rg = rg;
	l->rx_base = (u8 *)rg->base + (2u * i) * rg->stride;
	l->tx_base = (u8 *)rg->base + (2u * i + 1u) * rg->stride;
	spin_lock_init(&l->tx_lock);
	if (shm_ring_producer_attach(&l->tx, l->tx_base, rg->stride, ring, RTV_TX_THRESHOLD,
				     RTV_TX_TIMEOUT_US))
		return -EINVAL;
	tty_port_init(&l->port);
	l->port.ops = &rtv_port_ops;
	/* what is in the transmit ring stays there across a close (the peer sends it when
	 * it runs): close never waits for it, so a stopped peer cannot hang close() */
	l->port.closing_wait = ASYNC_CLOSING_WAIT_NONE;
	mutex_lock(&rtv_lines_lock);
	for (n = 0; n < RTV_TTY_MAX && rtv_lines[n]; n++)
		;
	if (n < RTV_TTY_MAX)
		rtv_lines[n] = l;
	mutex_unlock(&rtv_lines_lock);
	if (n == RTV_TTY_MAX) {
		tty_port_destroy(&l->port);
		return -ENOSPC;
	}
	l->index = n;
	tdev = tty_port_register_device(&l->port, rtv_driver, n, rg->dev);
	if (IS_ERR(tdev)) {
		mutex_lock(&rtv_lines_lock);
		rtv_lines[n] = NULL;
		mutex_unlock(&rtv_lines_lock);
		tty_port_destroy(&l->port);
		return (int)PTR_ERR(tdev);
	}
	return 0;
}

static void rtv_line_remove(struct rtv_line *l)
{
	tty_unregister_device(rtv_driver, l->index);
	mutex_lock(&rtv_lines_lock);
	rtv_lines[l->index] = NULL;
	mutex_unlock(&rtv_lines_lock);
	tty_port_destroy(&l->port);
}

static bool rtv_is_tty_region(struct device_node *np)
{
	const char *name;

	return !of_property_read_string(np, "rtvisor,name", &name) && !strncmp(name, "tty", 3);
}

static int rtv_region_props(struct rtv_region *rg, struct device_node *np)
{
	if (of_property_read_u32(np, "rtvisor,id", &rg->id) ||
	    of_property_read_u32_index(np, "rtvisor,peers", 0, &rg->peer))
		return -EINVAL;
	return of_property_read_bool(np, "read-only") ? -EPERM : 0;
}

static int rtv_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct rtv_region *rg;
	struct resource *res;
	int ring, err;
	u32 i;

	if (!rtv_is_tty_region(dev->of_node))
		return -ENODEV;
	rg = devm_kzalloc(dev, sizeof(*rg), GFP_KERNEL);
	res = platform_get_resource(pdev, IORESOURCE_MEM, 0);
	if (!rg || !res)
		return -ENOMEM;
	rg->dev = dev;
	err = rtv_region_props(rg, dev->of_node);
	ring = rtv_region_layout(rg, resource_size(res));
	if (err || ring < 0)
		return dev_err_probe(dev, err ? err : ring, "unusable region\n");
	rg->base = devm_memremap(dev, res->start, resource_size(res), MEMREMAP_WB);
	if (IS_ERR(rg->base))
		return PTR_ERR(rg->base);
	rg->line = devm_kcalloc(dev, rg->nlines, sizeof(*rg->line), GFP_KERNEL);
	if (!rg->line)
		return -ENOMEM;
	mutex_init(&rg->rx_lock);
	INIT_DELAYED_WORK(&rg->poll, rtv_poll);
	for (i = 0; i < rg->nlines; i++) {
		err = rtv_line_add(rg, i, (u32)ring);
		if (err)
			goto undo;
	}
	rg->irq = platform_get_irq(pdev, 0);
	err = rg->irq < 0 ? rg->irq :
	      devm_request_threaded_irq(dev, rg->irq, NULL, rtv_doorbell, IRQF_ONESHOT,
					"rtv_tty", rg);
	if (err)
		goto undo;
	platform_set_drvdata(pdev, rg);
	schedule_delayed_work(&rg->poll, 0);
	dev_info(dev, "region %u: %u lines, ttyRTV%u.., ring %d bytes, peer vm%u, irq %d\n",
		 rg->id, rg->nlines, rg->line[0].index, ring, rg->peer, rg->irq);
	return 0;
undo:
	while (i--)
		rtv_line_remove(&rg->line[i]);
	return err;
}

static int rtv_remove(struct platform_device *pdev)
{
	struct rtv_region *rg = platform_get_drvdata(pdev);
	u32 i;

	devm_free_irq(&pdev->dev, rg->irq, rg);
	cancel_delayed_work_sync(&rg->poll);
	for (i = 0; i < rg->nlines; i++)
		rtv_line_remove(&rg->line[i]);
	return 0;
}

static const struct of_device_id rtv_of_match[] = {
	{ .compatible = "rtvisor,shmem-v1" },
	{}
};
MODULE_DEVICE_TABLE(of, rtv_of_match);

static struct platform_driver rtv_platform_driver = {
	.probe = rtv_probe,
	.remove = rtv_remove,
	.driver = {
		.name = "rtv_tty",
		.of_match_table = rtv_of_match,
	},
};

static int __init rtv_tty_init(void)
{
	struct tty_driver *drv;
	int err;

	drv = tty_alloc_driver(RTV_TTY_MAX, TTY_DRIVER_REAL_RAW | TTY_DRIVER_DYNAMIC_DEV);
	if (IS_ERR(drv))
		return PTR_ERR(drv);
	drv->driver_name = "rtv_tty";
	drv->name = "ttyRTV";
	drv->type = TTY_DRIVER_TYPE_SERIAL;
	drv->subtype = SERIAL_TYPE_NORMAL;
	/* data lines: raw, no echo, until someone (getty, stty) asks for more; a cooked
	 * line opened with bytes waiting would echo them to the peer */
	drv->init_termios = tty_std_termios;
	drv->init_termios.c_cflag = B115200 | CS8 | CREAD | HUPCL | CLOCAL;
	drv->init_termios.c_iflag = 0;
	drv->init_termios.c_oflag = 0;
	drv->init_termios.c_lflag = 0;
	tty_set_operations(drv, &rtv_ops);
	err = tty_register_driver(drv);
	if (err) {
		tty_driver_kref_put(drv);
		return err;
	}
	rtv_driver = drv;
	err = platform_driver_register(&rtv_platform_driver);
	if (err) {
		tty_unregister_driver(drv);
		tty_driver_kref_put(drv);
	}
	return err;
}

static void __exit rtv_tty_exit(void)
{
	platform_driver_unregister(&rtv_platform_driver);
	tty_unregister_driver(rtv_driver);
	tty_driver_kref_put(rtv_driver);
}

module_init(rtv_tty_init);
module_exit(rtv_tty_exit);
MODULE_DESCRIPTION("rtvisor shared-memory serial lines (/dev/ttyRTV*)");
MODULE_LICENSE("GPL");
