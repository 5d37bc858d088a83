// SPDX-License-Identifier: GPL-2.0-only
/*
 * kbd.c: hvis_kbd, the guest driver of Hyper-V's synthetic keyboard (HV_KBD_GUID).
 *
 * Probe opens the channel, asks for protocol 1.0 and, once the host accepts, registers
 * a serio port of type SERIO_8042_XL, so the kernel's atkbd driver binds it as an AT
 * keyboard behind a translating i8042: each keystroke the host sends becomes the set-1
 * bytes (0xe0/0xe1 prefix, make or break code) that such a keyboard would deliver, fed
 * through serio_interrupt().  The port has no write method, so atkbd sends no commands
 * (as upstream drivers/input/serio/hyperv-keyboard.c).  Parsing and the order rules are
 * lib/kbd_msg.c; anything the host gets wrong is dropped with a rate-limited error
 * naming the field and counted in the debugfs file hvis_kbd/<relid>.
 */
#include <linux/module.h>
#include <linux/completion.h>
#include <linux/debugfs.h>
#include <linux/serio.h>
#include <linux/slab.h>
#include <hvis/vmbus.h>
#include "kbd_msg.h"

/* hyperv-keyboard.c: 36 KiB rings with their header page, i.e. 32 KiB of data */
#define KBD_RING_BYTES		(32 * 1024)
/* hyperv-keyboard.c waits 10 s for the protocol response */
#define KBD_RESPONSE_TIMEOUT	(10 * HZ)
#define KBD_MAX_PACKET		(sizeof(struct vmpacket_descriptor) + HVIS_KBD_MAX_MESSAGE)

struct kbd_dev {
	struct hvis_device *hdev;
	struct serio *serio;
	struct dentry *dbg;
	spinlock_t lock;		/* session, started */
	struct hvis_kbd_session session;
	bool started;			/* serio is between start and stop */
	struct completion answered;
	u32 proto_status;
	/* counters, written by the channel callback only */
	u64 keys;
	u64 refused;
	u64 unicode;
	u8 pkt[KBD_MAX_PACKET];
};

static struct dentry *kbd_root;

static void kbd_refused(struct kbd_dev *kd, const struct hvis_kbd_fault *f)
{
	kd->refused++;
	dev_err_ratelimited(&kd->hdev->dev, "refused a host message: %s %llu (%s)\n",
			    f->field, f->value, f->why);
}

/* One in-band message from the host. */
static void kbd_message(struct kbd_dev *kd, const u8 *buf, u32 len)
{
	struct hvis_kbd_fault f;
	struct hvis_kbd_msg m;
	unsigned int i, n;
	u8 bytes[2];
	int rc;

	if (hvis_kbd_parse(buf, len, true, &m, &f))
		return kbd_refused(kd, &f);
	spin_lock(&kd->lock);
	rc = hvis_kbd_session_check(&kd->session, &m, &f);
	if (!rc && m.type == HVIS_KBD_EVENT && kd->started) {
		n = hvis_kbd_serio_bytes(&m, bytes);
		for (i = 0; i < n; i++)
			serio_interrupt(kd->serio, bytes[i], 0);
		if (n)
			kd->keys++;
		else
			kd->unicode++;
	}
	spin_unlock(&kd->lock);
	if (rc)
		return kbd_refused(kd, &f);
	if (m.type == HVIS_KBD_PROTOCOL_RESPONSE) {
		kd->proto_status = m.proto_status;
		complete(&kd->answered);
	} else if (m.type == HVIS_KBD_EVENT && !(m.info & HVIS_KBD_INFO_BREAK)) {
		pm_wakeup_hard_event(&kd->hdev->dev);
	}
}

static void kbd_callback(void *context)
{
	struct kbd_dev *kd = context;
	const struct vmpacket_descriptor *d = (const void *)kd->pkt;
	int len;

	for (;;) {
		len = hvis_channel_recv_raw(kd->hdev->channel, kd->pkt, sizeof(kd->pkt));
		if (len == -ENOBUFS) {
			kd->refused++;
			continue;
		}
		if (len < 0)
			break;
		if (d->type == VM_PKT_COMP)
			continue;	/* the host completing our request: nothing to do */
		if (d->type != VM_PKT_DATA_INBAND) {
			kd->refused++;
			dev_err_ratelimited(&kd->hdev->dev,
					    "refused a host packet: type %u (not in-band)\n",
					    d->type);
			continue;
		}
		kbd_message(kd, kd->pkt + d->offset8 * 8u, len - d->offset8 * 8u);
	}
}

static int kbd_serio_start(struct serio *serio)
{
	struct kbd_dev *kd = serio->port_data;

	spin_lock_bh(&kd->lock);
	kd->started = true;
	spin_unlock_bh(&kd->lock);
	return 0;
}

static void kbd_serio_stop(struct serio *serio)
{
	struct kbd_dev *kd = serio->port_data;

	spin_lock_bh(&kd->lock);
	kd->started = false;
	spin_unlock_bh(&kd->lock);
}

/* Asks for protocol 1.0 and waits for the answer. */
static int kbd_connect(struct kbd_dev *kd)
{
	struct hvis_kbd_protocol_request req = {
		.hdr.type = HVIS_KBD_PROTOCOL_REQUEST,
		.version_requested = HVIS_KBD_VERSION,
	};
	int rc;

	reinit_completion(&kd->answered);
	spin_lock_bh(&kd->lock);
	hvis_kbd_session_request(&kd->session);
	spin_unlock_bh(&kd->lock);
	rc = hvis_channel_send(kd->hdev->channel, &req, sizeof(req), 0, VM_PKT_DATA_INBAND,
			       VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED);
	if (rc)
		return rc;
	if (!wait_for_completion_timeout(&kd->answered, KBD_RESPONSE_TIMEOUT))
		return hvis_channel_rescinded(kd->hdev->channel) ? -ENODEV : -ETIMEDOUT;
	if (!(kd->proto_status & HVIS_KBD_PROTOCOL_ACCEPTED)) {
		dev_err(&kd->hdev->dev, "host refused keyboard protocol %#x (status %#x)\n",
			HVIS_KBD_VERSION, kd->proto_status);
		return -ENODEV;
	}
	return 0;
}

static int kbd_stats_show(struct seq_file *s, void *unused)
{
	struct kbd_dev *kd = s->private;

	seq_printf(s, "keys=%llu refused=%llu unicode=%llu\n", READ_ONCE(kd->keys),
		   READ_ONCE(kd->refused), READ_ONCE(kd->unicode));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(kbd_stats);

static int kbd_probe(struct hvis_device *hdev, const struct hvis_device_id *id)
{
	struct kbd_dev *kd;
	struct serio *serio;
	char name[16];
	int rc;

	kd = kzalloc(sizeof(*kd), GFP_KERNEL);
	serio = kzalloc(sizeof(*serio), GFP_KERNEL);
	if (!kd || !serio) {
		rc = -ENOMEM;
		goto err_free;
	}
	kd->hdev = hdev;
	kd->serio = serio;
	spin_lock_init(&kd->lock);
	init_completion(&kd->answered);
	hvis_set_drvdata(hdev, kd);

	serio->dev.parent = &hdev->dev;
	serio->id.type = SERIO_8042_XL;
	serio->port_data = kd;
	serio->start = kbd_serio_start;
	serio->stop = kbd_serio_stop;
	strscpy(serio->name, "hvis synthetic keyboard", sizeof(serio->name));
	strscpy(serio->phys, dev_name(&hdev->dev), sizeof(serio->phys));

	hvis_channel_set_max_packet(hdev->channel, KBD_MAX_PACKET);
	rc = hvis_channel_open(hdev->channel, KBD_RING_BYTES, KBD_RING_BYTES, NULL, 0,
			       kbd_callback, kd);
	if (rc) {
		dev_err(&hdev->dev, "cannot open the keyboard channel: %d\n", rc);
		goto err_free;
	}
	rc = kbd_connect(kd);
	if (rc) {
		dev_err(&hdev->dev, "keyboard protocol not established: %d\n", rc);
		goto err_close;
	}
	serio_register_port(serio);
	device_init_wakeup(&hdev->dev, true);
	snprintf(name, sizeof(name), "%u", hvis_channel_relid(hdev->channel));
	kd->dbg = debugfs_create_file(name, 0444, kbd_root, kd, &kbd_stats_fops);
	return 0;

err_close:
	hvis_channel_close(hdev->channel);
err_free:
	kfree(serio);
	kfree(kd);
	return rc;
}

static void kbd_remove(struct hvis_device *hdev)
{
	struct kbd_dev *kd = hvis_get_drvdata(hdev);

	debugfs_remove(kd->dbg);
	device_init_wakeup(&hdev->dev, false);
	/* No callback runs after the close; serio frees its port on unregister. */
	hvis_channel_close(hdev->channel);
	serio_unregister_port(kd->serio);
	kfree(kd);
}

static const struct hvis_device_id kbd_ids[] = {
	{ .guid = HV_KBD_GUID },
	{ }
};

static struct hvis_driver kbd_driver = {
	.name = "hvis_kbd",
	.id_table = kbd_ids,
	.probe = kbd_probe,
	.remove = kbd_remove,
};

static int __init kbd_init(void)
{
	int rc;

	kbd_root = debugfs_create_dir("hvis_kbd", NULL);
	rc = hvis_driver_register(&kbd_driver);
	if (rc)
		debugfs_remove_recursive(kbd_root);
	return rc;
}

static void __exit kbd_exit(void)
{
	hvis_driver_unregister(&kbd_driver);
	debugfs_remove_recursive(kbd_root);
}

module_init(kbd_init);
module_exit(kbd_exit);

MODULE_ALIAS("vmbus:6dad12f9172bea48bd65f927a61c7684");
MODULE_DESCRIPTION("hvis Hyper-V synthetic keyboard driver");
MODULE_LICENSE("GPL");
