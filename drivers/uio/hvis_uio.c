// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvis_uio.c: the generic user-space I/O driver for hvis's VMBus devices, registered
 * as "uio_hv_generic" like drivers/uio/uio_hv_generic.c upstream, so DPDK's and
 * upstream's tools (tools/hv/hv_fcopy_uio_daemon.c) work unchanged.
 *
 * It binds nothing by itself (no device table, no module alias): a user gives it a
 * device with the bus's new_id, bind or driver_override files (docs/uio.md).  For the
 * bound device it registers a uio device whose maps are, in this order and with these
 * names (uio_hv_generic.c enum hv_uio_map in 6.12):
 *   0 "txrx_rings"   the primary channel's ring block (outbound ring, then inbound),
 *                    allocated at probe and kept while bound, so it never moves
 *   1 "int_page"     the connection's interrupt page
 *   2 "monitor_page" the guest's monitor page (vmbus_connection.monitor_pages[1])
 *   3 "recv:<gpadl>" network class only: a 31 MiB receive buffer with its GPADL
 *   4 "send:<gpadl>" network class only: a 16 MiB send buffer with its GPADL
 * The first open of /dev/uioN opens the primary channel, the last close closes it.
 * write(fd, &(s32){0 or 1}, 4) masks / unmasks the inbound interrupts of the primary
 * and every open subchannel (an unmask signals the host, as hv_uio_irqcontrol); a
 * host signal on any of them wakes read(fd) (uio_event_notify).  Subchannels the host
 * offers while the device is open are opened with 2 MiB rings and their ring is
 * mapped through channels/<relid>/ring, as upstream's hv_uio_new_channel.
 *
 * Ring sizes are upstream's (drivers/hv/channel_mgmt.c vmbus_devs pref_ring_size,
 * through VMBUS_RING_SIZE): file copy 16 KiB of data plus its header page, a class
 * upstream does not know 0x11000 bytes, every other known class 2 MiB.
 *
 * The kernel reads nothing the host writes into the rings: the indices and packets
 * are user space's to check (DPDK's and the daemon's bufring code).
 */
#include <linux/io.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/uio_driver.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>
#include <hvis/vmbus.h>

#define UIO_HV_VERSION		"0.02.1"	/* upstream's DRIVER_VERSION, for tools */

/* drivers/uio/uio_hv_generic.c: SEND_BUFFER_SIZE, RECV_BUFFER_SIZE. */
#define HV_UIO_SEND_BUF_BYTES	(16 * 1024 * 1024)
#define HV_UIO_RECV_BUF_BYTES	(31 * 1024 * 1024)
/* drivers/uio/uio_hv_generic.c hv_uio_new_channel: SZ_2M per ring, header included. */
#define HV_UIO_SUBCHAN_RING	SZ_2M
#define HV_RING_HDR_BYTES	4096	/* struct hv_ring_buffer, include/linux/hyperv.h */

enum hv_uio_map {
	TXRX_RING_MAP = 0,
	INT_PAGE_MAP,
	MON_PAGE_MAP,
	RECV_BUF_MAP,
	SEND_BUF_MAP,
};

struct hv_uio_sc {
	struct list_head node;
	struct hvis_channel *ch;
	struct work_struct close_work;	/* the host rescinded it */
	struct hv_uio *hu;
};

struct hv_uio {
	struct uio_info info;
	struct hvis_device *hdev;
	struct mutex lock;		/* opens, scs */
	unsigned int opens;
	struct list_head scs;		/* open subchannels */
	u32 ring_data;			/* data bytes of each primary ring */

	void *recv_buf;
	u32 recv_gpadl;
	char recv_name[32];		/* "recv:4294967295" */
	void *send_buf;
	u32 send_gpadl;
	char send_name[32];
};

static const guid_t nic_class = HV_NIC_GUID;
static const guid_t fcopy_class = HV_FCOPY_GUID;

/* Classes drivers/hv/channel_mgmt.c vmbus_devs knows with no preferred ring size. */
static const guid_t known_classes[] = {
	HV_IDE_GUID, HV_SCSI_GUID, HV_SYNTHFC_GUID, HV_NIC_GUID, HV_SYNTHVID_GUID,
	HV_KBD_GUID, HV_MOUSE_GUID, HV_KVP_GUID, HV_TS_GUID, HV_HEARTBEAT_GUID,
	HV_SHUTDOWN_GUID, HV_VSS_GUID, HV_DM_GUID,
};

/* Bytes of one ring, its header page included (hv_dev_ring_size + VMBUS_RING_SIZE). */
static u32 hv_uio_ring_bytes(const guid_t *class)
{
	unsigned int i;

	if (guid_equal(class, &fcopy_class))
		return 0x4000 + HV_RING_HDR_BYTES;	/* pref 0x4000 is under 8 headers */
	for (i = 0; i < ARRAY_SIZE(known_classes); i++)
		if (guid_equal(class, &known_classes[i]))
			return SZ_2M;
	return 0x11000;					/* HV_UNKNOWN */
}

/* Channel callback (tasklet, inbound interrupts left as user space set them). */
static void hv_uio_channel_cb(void *context)
{
	struct hv_uio *hu = context;

	uio_event_notify(&hu->info);
}

static int hv_uio_irqcontrol(struct uio_info *info, s32 irq_state)
{
	struct hv_uio *hu = info->priv;
	struct hv_uio_sc *sc;

	hvis_channel_irq_control(hu->hdev->channel, irq_state);
	mutex_lock(&hu->lock);
	list_for_each_entry(sc, &hu->scs, node)
		hvis_channel_irq_control(sc->ch, irq_state);
	mutex_unlock(&hu->lock);
	return 0;
}

static void hv_uio_sc_cb(void *context)
{
	struct hv_uio_sc *sc = context;

	uio_event_notify(&sc->hu->info);
}

/* The host rescinded an open subchannel: close it here unless the primary's close did. */
static void hv_uio_sc_close_work(struct work_struct *work)
{
	struct hv_uio_sc *sc = container_of(work, struct hv_uio_sc, close_work);
	struct hv_uio *hu = sc->hu;
	bool listed = false;
	struct hv_uio_sc *it;

	mutex_lock(&hu->lock);
	list_for_each_entry(it, &hu->scs, node)
		if (it == sc)
			listed = true;
	if (listed)
		list_del(&sc->node);
	mutex_unlock(&hu->lock);
	if (!listed)
		return;		/* hv_uio_close_all took it, and frees it after us */
	hvis_channel_close(sc->ch);
	kfree(sc);
}

/* Runs with the channel's lock held: only queue the close. */
static void hv_uio_sc_rescind(void *context)
{
	struct hv_uio_sc *sc = context;

	schedule_work(&sc->close_work);
}

/* A subchannel the host offered (process context): open it as upstream does. */
static void hv_uio_new_channel(struct hvis_channel *ch)
{
	struct hv_uio *hu = hvis_get_drvdata(hvis_channel_device(ch));
	struct device *dev = &hvis_channel_device(ch)->dev;
	const u32 data = HV_UIO_SUBCHAN_RING - HV_RING_HDR_BYTES;
	struct hv_uio_sc *sc;
	int ret;

	if (!hu)
		return;
	sc = kzalloc(sizeof(*sc), GFP_KERNEL);
	if (!sc)
		return;
	sc->ch = ch;
	sc->hu = hu;
	INIT_WORK(&sc->close_work, hv_uio_sc_close_work);
	mutex_lock(&hu->lock);
	if (!hu->opens) {
		mutex_unlock(&hu->lock);
		kfree(sc);
		return;
	}
	hvis_channel_set_read_direct(ch, true);
	hvis_channel_set_rescind_callback(ch, hv_uio_sc_rescind);
	ret = hvis_channel_open(ch, data, data, NULL, 0, hv_uio_sc_cb, sc);
	if (ret) {
		mutex_unlock(&hu->lock);
		dev_err(dev, "subchannel %u: open failed: %d\n", hvis_channel_relid(ch), ret);
		kfree(sc);
		return;
	}
	list_add_tail(&sc->node, &hu->scs);
	mutex_unlock(&hu->lock);
	ret = hvis_channel_set_ring_sysfs(ch, true);
	if (ret)
		dev_err(dev, "subchannel %u: ring file: %d\n", hvis_channel_relid(ch), ret);
}

static int hv_uio_open(struct uio_info *info, struct inode *inode)
{
	struct hv_uio *hu = info->priv;
	struct hvis_channel *ch = hu->hdev->channel;
	int ret = 0;

	mutex_lock(&hu->lock);
	if (hu->opens++)
		goto out;
	hvis_channel_set_read_direct(ch, true);
	hvis_channel_set_subchannel_callback(ch, hv_uio_new_channel);
	ret = hvis_channel_open(ch, hu->ring_data, hu->ring_data, NULL, 0, hv_uio_channel_cb, hu);
	if (ret) {
		hu->opens--;
		hvis_channel_set_subchannel_callback(ch, NULL);
	}
out:
	mutex_unlock(&hu->lock);
	return ret;
}

/*
 * Lock held.  Closes the primary and its subchannels; the subchannels' entries move
 * to @gone, for hv_uio_free_gone once the lock is dropped (a rescind's close work
 * may be waiting for it).
 */
static void hv_uio_close_all(struct hv_uio *hu, struct list_head *gone)
{
	hvis_channel_set_subchannel_callback(hu->hdev->channel, NULL);
	list_splice_init(&hu->scs, gone);
	/* hvis_channel_close of a primary closes its subchannels first. */
	hvis_channel_close(hu->hdev->channel);
}

static void hv_uio_free_gone(struct list_head *gone)
{
	struct hv_uio_sc *sc, *n;

	list_for_each_entry_safe(sc, n, gone, node) {
		cancel_work_sync(&sc->close_work);
		kfree(sc);
	}
}

static int hv_uio_release(struct uio_info *info, struct inode *inode)
{
	struct hv_uio *hu = info->priv;
	LIST_HEAD(gone);

	mutex_lock(&hu->lock);
	if (hu->opens && !--hu->opens)
		hv_uio_close_all(hu, &gone);
	mutex_unlock(&hu->lock);
	hv_uio_free_gone(&gone);
	return 0;
}

/* A buffer the host did not give back stays allocated (the core's rule). */
static void hv_uio_free_buffer(struct hvis_channel *ch, void **buf, u32 *gpadl)
{
	if (!*gpadl || !hvis_channel_gpadl_teardown(ch, *gpadl))
		vfree(*buf);
	*buf = NULL;
	*gpadl = 0;
}

static void hv_uio_free_buffers(struct hv_uio *hu)
{
	hv_uio_free_buffer(hu->hdev->channel, &hu->send_buf, &hu->send_gpadl);
	hv_uio_free_buffer(hu->hdev->channel, &hu->recv_buf, &hu->recv_gpadl);
}

/* Network class: receive and send buffers with their GPADLs, as upstream's probe. */
static int hv_uio_add_buffers(struct hv_uio *hu)
{
	struct hvis_channel *ch = hu->hdev->channel;
	struct uio_mem *mem = hu->info.mem;
	int ret;

	hu->recv_buf = vzalloc(HV_UIO_RECV_BUF_BYTES);
	if (!hu->recv_buf)
		return -ENOMEM;
	ret = hvis_channel_gpadl_create(ch, hu->recv_buf, HV_UIO_RECV_BUF_BYTES, &hu->recv_gpadl);
	if (ret)
		return ret;
	snprintf(hu->recv_name, sizeof(hu->recv_name), "recv:%u", hu->recv_gpadl);
	mem[RECV_BUF_MAP].name = hu->recv_name;
	mem[RECV_BUF_MAP].addr = (uintptr_t)hu->recv_buf;
	mem[RECV_BUF_MAP].size = HV_UIO_RECV_BUF_BYTES;
	mem[RECV_BUF_MAP].memtype = UIO_MEM_VIRTUAL;

	hu->send_buf = vzalloc(HV_UIO_SEND_BUF_BYTES);
	if (!hu->send_buf)
		return -ENOMEM;
	ret = hvis_channel_gpadl_create(ch, hu->send_buf, HV_UIO_SEND_BUF_BYTES, &hu->send_gpadl);
	if (ret)
		return ret;
	snprintf(hu->send_name, sizeof(hu->send_name), "send:%u", hu->send_gpadl);
	mem[SEND_BUF_MAP].name = hu->send_name;
	mem[SEND_BUF_MAP].addr = (uintptr_t)hu->send_buf;
	mem[SEND_BUF_MAP].size = HV_UIO_SEND_BUF_BYTES;
	mem[SEND_BUF_MAP].memtype = UIO_MEM_VIRTUAL;
	return 0;
}

static int hv_uio_probe(struct hvis_device *hdev, const struct hvis_device_id *id)
{
	struct hvis_channel *ch = hdev->channel;
	void *int_page = hvis_vmbus_int_page();
	void *mon_page = hvis_vmbus_monitor_page(1);
	struct uio_mem *mem;
	struct hv_uio *hu;
	size_t ring_bytes;
	void *ring;
	int ret;

	if (!int_page || !mon_page)
		return -ENODEV;
	hu = kzalloc(sizeof(*hu), GFP_KERNEL);
	if (!hu)
		return -ENOMEM;
	hu->hdev = hdev;
	mutex_init(&hu->lock);
	INIT_LIST_HEAD(&hu->scs);
	hu->ring_data = hv_uio_ring_bytes(&hdev->class_id) - HV_RING_HDR_BYTES;
	ret = hvis_channel_keep_ring(ch, hu->ring_data, hu->ring_data);
	if (ret)
		goto err_free;
	ring = hvis_channel_kept_ring(ch, &ring_bytes);

	hu->info.name = "uio_hv_generic";
	hu->info.version = UIO_HV_VERSION;
	hu->info.irqcontrol = hv_uio_irqcontrol;
	hu->info.open = hv_uio_open;
	hu->info.release = hv_uio_release;
	hu->info.irq = UIO_IRQ_CUSTOM;
	hu->info.priv = hu;

	mem = hu->info.mem;
	mem[TXRX_RING_MAP].name = "txrx_rings";
	mem[TXRX_RING_MAP].addr = virt_to_phys(ring);
	mem[TXRX_RING_MAP].size = ring_bytes;
	mem[TXRX_RING_MAP].memtype = UIO_MEM_IOVA;

	mem[INT_PAGE_MAP].name = "int_page";
	mem[INT_PAGE_MAP].addr = (uintptr_t)int_page;
	mem[INT_PAGE_MAP].size = PAGE_SIZE;
	mem[INT_PAGE_MAP].memtype = UIO_MEM_LOGICAL;

	mem[MON_PAGE_MAP].name = "monitor_page";
	mem[MON_PAGE_MAP].addr = (uintptr_t)mon_page;
	mem[MON_PAGE_MAP].size = PAGE_SIZE;
	mem[MON_PAGE_MAP].memtype = UIO_MEM_LOGICAL;

	if (guid_equal(&hdev->class_id, &nic_class)) {
		ret = hv_uio_add_buffers(hu);
		if (ret)
			goto err_buffers;
	}

	hvis_set_drvdata(hdev, hu);
	ret = uio_register_device(&hdev->dev, &hu->info);
	if (ret) {
		dev_err(&hdev->dev, "uio device: %d\n", ret);
		goto err_drvdata;
	}
	/* After the ring exists: the file's size is the ring block's. */
	ret = hvis_channel_set_ring_sysfs(ch, true);
	if (ret)
		dev_warn(&hdev->dev, "channel %u: ring file: %d\n", hvis_channel_relid(ch), ret);
	return 0;

err_drvdata:
	hvis_set_drvdata(hdev, NULL);
err_buffers:
	hv_uio_free_buffers(hu);
	hvis_channel_free_ring(ch);
err_free:
	kfree(hu);
	return ret;
}

static void hv_uio_remove(struct hvis_device *hdev)
{
	struct hv_uio *hu = hvis_get_drvdata(hdev);
	LIST_HEAD(gone);

	if (!hu)
		return;
	hvis_channel_set_ring_sysfs(hdev->channel, false);
	/* Wakes readers (-EIO from then on); our release is not called after this. */
	uio_unregister_device(&hu->info);
	mutex_lock(&hu->lock);
	if (hu->opens) {
		hu->opens = 0;
		hv_uio_close_all(hu, &gone);
	}
	mutex_unlock(&hu->lock);
	hv_uio_free_gone(&gone);
	hv_uio_free_buffers(hu);
	hvis_channel_free_ring(hdev->channel);
	hvis_set_drvdata(hdev, NULL);
	kfree(hu);
}

/* No table: hvis's class drivers stay the default; users bind this one (docs/uio.md). */
static struct hvis_driver hv_uio_drv = {
	.name = "uio_hv_generic",
	.probe = hv_uio_probe,
	.remove = hv_uio_remove,
};
module_hvis_driver(hv_uio_drv);

MODULE_LICENSE("GPL");
MODULE_VERSION(UIO_HV_VERSION);
MODULE_DESCRIPTION("hvis: generic UIO driver for VMBus devices (uio_hv_generic)");
