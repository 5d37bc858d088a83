// SPDX-License-Identifier: GPL-2.0-only
/*
 * mouse.c: hvis_mouse, the guest driver of Hyper-V's synthetic HID device
 * (HV_MOUSE_GUID), the console's absolute pointer.
 *
 * Probe opens the channel, asks for synthhid protocol 2.0, waits for the host's
 * approval and its device info (vendor, product, HID and report descriptors), which
 * the channel callback keeps and acknowledges.  Probe then creates a HID device
 * (bus BUS_VIRTUAL) whose low-level driver is this module: its parse hands the host's
 * report descriptor to the HID core, which binds hid-generic (or a driver matching
 * vendor and product), and every input report from the host goes to
 * hid_input_report().  Nothing is sent to the host after the acknowledgment (output
 * and feature reports are not part of the protocol: raw_request answers 0, as
 * upstream drivers/hid/hid-hyperv.c).  Parsing and order rules are lib/hid_msg.c;
 * what the host gets wrong is dropped with a rate-limited error naming the field and
 * counted in the debugfs file hvis_mouse/<relid>.
 */
#include <linux/module.h>
#include <linux/completion.h>
#include <linux/debugfs.h>
#include <linux/hid.h>
#include <linux/slab.h>
#include <hvis/vmbus.h>
#include "hid_msg.h"

/* hid-hyperv.c: 36 KiB rings with their header page, i.e. 32 KiB of data */
#define MOUSE_RING_BYTES	(32 * 1024)
/* hid-hyperv.c waits 5 s for the response, then 5 s for the device info */
#define MOUSE_STEP_TIMEOUT	(5 * HZ)
#define MOUSE_MAX_PACKET	(sizeof(struct vmpacket_descriptor) + HVIS_SYNTHHID_MAX_PACKET)
/* hid-hyperv.c: the name Hyper-V's mouse has in Linux */
#define MOUSE_NAME		"Microsoft Vmbus HID-compliant Mouse"

struct mouse_dev {
	struct hvis_device *hdev;
	struct hid_device *hid;
	struct dentry *dbg;
	spinlock_t lock;		/* session, info, rdesc, ready */
	struct hvis_hid_session session;
	bool ready;			/* the HID device is added: reports go to it */
	struct completion answered;
	struct completion have_info;
	u8 approved;
	int info_status;		/* 0, or why the device info was not taken */
	struct hvis_hid_dev_info info;
	u8 *rdesc;
	u32 rdesc_len;
	/* counters, written by the channel callback only */
	u64 reports;
	u64 refused;
	u8 pkt[MOUSE_MAX_PACKET];
};

static struct dentry *mouse_root;

static void mouse_refused(struct mouse_dev *md, const struct hvis_hid_fault *f)
{
	md->refused++;
	dev_err_ratelimited(&md->hdev->dev, "refused a host message: %s %llu (%s)\n",
			    f->field, f->value, f->why);
}

/* Sends one synthhid message in a pipe data message. */
static int mouse_send(struct mouse_dev *md, const void *msg, u32 len)
{
	struct {
		struct hvis_pipe_hdr pipe;
		u8 msg[sizeof(struct hvis_synthhid_protocol_request)];
	} __packed pkt = { .pipe = { .type = HVIS_PIPE_MESSAGE_DATA, .size = len } };

	if (len > sizeof(pkt.msg))
		return -EINVAL;
	memcpy(pkt.msg, msg, len);
	return hvis_channel_send(md->hdev->channel, &pkt, sizeof(pkt.pipe) + len, 0,
				 VM_PKT_DATA_INBAND, VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED);
}

/* The device info: keep the descriptors, acknowledge (hid-hyperv.c does both here). */
static void mouse_device_info(struct mouse_dev *md, const struct hvis_hid_msg *m)
{
	struct hvis_synthhid_device_info_ack ack = {
		.hdr = { .type = HVIS_SYNTHHID_INITIAL_DEVICE_INFO_ACK, .size = 1 },
	};
	u8 *rdesc = kmemdup(m->rdesc, m->rdesc_len, GFP_ATOMIC);

	md->info = m->info;
	md->rdesc = rdesc;
	md->rdesc_len = m->rdesc_len;
	md->info_status = rdesc ? mouse_send(md, &ack, sizeof(ack)) : -ENOMEM;
	complete(&md->have_info);
}

static void mouse_message(struct mouse_dev *md, const u8 *buf, u32 len)
{
	struct hvis_hid_fault f;
	struct hvis_hid_msg m;
	bool ready;
	int rc;

	if (hvis_hid_parse(buf, len, true, &m, &f))
		return mouse_refused(md, &f);
	spin_lock(&md->lock);
	rc = hvis_hid_session_check(&md->session, &m, &f);
	ready = md->ready;
	spin_unlock(&md->lock);
	if (rc)
		return mouse_refused(md, &f);

	switch (m.type) {
	case HVIS_SYNTHHID_PROTOCOL_RESPONSE:
		md->approved = m.approved;
		complete(&md->answered);
		break;
	case HVIS_SYNTHHID_INITIAL_DEVICE_INFO:
		mouse_device_info(md, &m);
		break;
	case HVIS_SYNTHHID_INPUT_REPORT:
		/* Reports before the HID device exists have nowhere to go (as upstream). */
		if (!ready)
			break;
		/* The HID core may write to the buffer: it is our packet copy. */
		hid_input_report(md->hid, HID_INPUT_REPORT, (u8 *)m.report, m.report_len, 1);
		md->reports++;
		pm_wakeup_hard_event(&md->hdev->dev);
		break;
	}
}

static void mouse_callback(void *context)
{
	struct mouse_dev *md = context;
	const struct vmpacket_descriptor *d = (const void *)md->pkt;
	int len;

	for (;;) {
		len = hvis_channel_recv_raw(md->hdev->channel, md->pkt, sizeof(md->pkt));
		if (len == -ENOBUFS) {
			md->refused++;
			continue;
		}
		if (len < 0)
			break;
		if (d->type == VM_PKT_COMP)
			continue;	/* the host completing our request */
		if (d->type != VM_PKT_DATA_INBAND) {
			md->refused++;
			dev_err_ratelimited(&md->hdev->dev,
					    "refused a host packet: type %u (not in-band)\n",
					    d->type);
			continue;
		}
		mouse_message(md, md->pkt + d->offset8 * 8u, len - d->offset8 * 8u);
	}
}

/* ---- the HID low-level driver ---- */

static struct mouse_dev *mouse_of(struct hid_device *hid)
{
	return dev_get_drvdata(hid->dev.parent);
}

static int mouse_ll_parse(struct hid_device *hid)
{
	struct mouse_dev *md = mouse_of(hid);

	return hid_parse_report(hid, md->rdesc, md->rdesc_len);
}

static int mouse_ll_start(struct hid_device *hid)
{
	return 0;
}

static void mouse_ll_stop(struct hid_device *hid)
{
}

static int mouse_ll_open(struct hid_device *hid)
{
	return 0;
}

static void mouse_ll_close(struct hid_device *hid)
{
}

static int mouse_ll_raw_request(struct hid_device *hid, unsigned char reportnum, __u8 *buf,
				size_t len, unsigned char rtype, int reqtype)
{
	return 0;
}

static struct hid_ll_driver mouse_ll_driver = {
	.parse = mouse_ll_parse,
	.start = mouse_ll_start,
	.stop = mouse_ll_stop,
	.open = mouse_ll_open,
	.close = mouse_ll_close,
	.raw_request = mouse_ll_raw_request,
};

/* ---- probe and remove ---- */

static int mouse_connect(struct mouse_dev *md)
{
	struct hvis_synthhid_protocol_request req = {
		.hdr = { .type = HVIS_SYNTHHID_PROTOCOL_REQUEST, .size = sizeof(u32) },
		.version_requested = HVIS_SYNTHHID_VERSION,
	};
	struct hvis_channel *ch = md->hdev->channel;
	int rc;

	spin_lock_bh(&md->lock);
	hvis_hid_session_request(&md->session);
	spin_unlock_bh(&md->lock);
	rc = mouse_send(md, &req, sizeof(req));
	if (rc)
		return rc;
	if (!wait_for_completion_timeout(&md->answered, MOUSE_STEP_TIMEOUT))
		return hvis_channel_rescinded(ch) ? -ENODEV : -ETIMEDOUT;
	if (!md->approved) {
		dev_err(&md->hdev->dev, "host refused synthhid protocol %#x\n",
			HVIS_SYNTHHID_VERSION);
		return -ENODEV;
	}
	if (!wait_for_completion_timeout(&md->have_info, MOUSE_STEP_TIMEOUT))
		return hvis_channel_rescinded(ch) ? -ENODEV : -ETIMEDOUT;
	return md->info_status;
}

static int mouse_stats_show(struct seq_file *s, void *unused)
{
	struct mouse_dev *md = s->private;

	seq_printf(s, "reports=%llu refused=%llu vendor=%#06x product=%#06x rdesc_len=%u\n",
		   READ_ONCE(md->reports), READ_ONCE(md->refused), md->info.vendor,
		   md->info.product, md->rdesc_len);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(mouse_stats);

static int mouse_add_hid(struct mouse_dev *md)
{
	struct hvis_device *hdev = md->hdev;
	struct hid_device *hid;
	int rc;

	if (hvis_hid_fix_descriptor(md->rdesc, md->rdesc_len))
		dev_info(&hdev->dev, "fixed the report descriptor's usage maximum (byte 14)\n");
	hid = hid_allocate_device();
	if (IS_ERR(hid))
		return PTR_ERR(hid);
	hid->ll_driver = &mouse_ll_driver;
	hid->dev.parent = &hdev->dev;
	hid->bus = BUS_VIRTUAL;
	hid->vendor = md->info.vendor;
	hid->product = md->info.product;
	hid->version = md->info.version;
	strscpy(hid->name, MOUSE_NAME, sizeof(hid->name));
	strscpy(hid->phys, dev_name(&hdev->dev), sizeof(hid->phys));
	md->hid = hid;
	rc = hid_add_device(hid);
	if (rc) {
		hid_destroy_device(hid);
		md->hid = NULL;
		return rc;
	}
	spin_lock_bh(&md->lock);
	md->ready = true;
	spin_unlock_bh(&md->lock);
	return 0;
}

static int mouse_probe(struct hvis_device *hdev, const struct hvis_device_id *id)
{
	struct mouse_dev *md;
	char name[16];
	int rc;

	md = kzalloc(sizeof(*md), GFP_KERNEL);
	if (!md)
		return -ENOMEM;
	md->hdev = hdev;
	spin_lock_init(&md->lock);
	init_completion(&md->answered);
	init_completion(&md->have_info);
	hvis_set_drvdata(hdev, md);

	hvis_channel_set_max_packet(hdev->channel, MOUSE_MAX_PACKET);
	rc = hvis_channel_open(hdev->channel, MOUSE_RING_BYTES, MOUSE_RING_BYTES, NULL, 0,
			       mouse_callback, md);
	if (rc) {
		dev_err(&hdev->dev, "cannot open the mouse channel: %d\n", rc);
		goto err_free;
	}
	rc = mouse_connect(md);
	if (rc) {
		dev_err(&hdev->dev, "synthhid protocol not established: %d\n", rc);
		goto err_close;
	}
	rc = mouse_add_hid(md);
	if (rc) {
		dev_err(&hdev->dev, "cannot add the HID device: %d\n", rc);
		goto err_close;
	}
	device_init_wakeup(&hdev->dev, true);
	snprintf(name, sizeof(name), "%u", hvis_channel_relid(hdev->channel));
	md->dbg = debugfs_create_file(name, 0444, mouse_root, md, &mouse_stats_fops);
	return 0;

err_close:
	hvis_channel_close(hdev->channel);
err_free:
	kfree(md->rdesc);
	kfree(md);
	return rc;
}

static void mouse_remove(struct hvis_device *hdev)
{
	struct mouse_dev *md = hvis_get_drvdata(hdev);

	debugfs_remove(md->dbg);
	device_init_wakeup(&hdev->dev, false);
	/* No callback runs after the close, so no report races the HID device's end. */
	hvis_channel_close(hdev->channel);
	hid_destroy_device(md->hid);
	kfree(md->rdesc);
	kfree(md);
}

static const struct hvis_device_id mouse_ids[] = {
	{ .guid = HV_MOUSE_GUID },
	{ }
};

static struct hvis_driver mouse_driver = {
	.name = "hvis_mouse",
	.id_table = mouse_ids,
	.probe = mouse_probe,
	.remove = mouse_remove,
};

static int __init mouse_init(void)
{
	int rc;

	mouse_root = debugfs_create_dir("hvis_mouse", NULL);
	rc = hvis_driver_register(&mouse_driver);
	if (rc)
		debugfs_remove_recursive(mouse_root);
	return rc;
}

static void __exit mouse_exit(void)
{
	hvis_driver_unregister(&mouse_driver);
	debugfs_remove_recursive(mouse_root);
}

module_init(mouse_init);
module_exit(mouse_exit);

MODULE_ALIAS("vmbus:9eb6a8cf4a5bc04cb98b8ba1a1f3f95a");
MODULE_DESCRIPTION("hvis Hyper-V synthetic mouse (HID) driver");
MODULE_LICENSE("GPL");
