// SPDX-License-Identifier: GPL-2.0-only
/*
 * vss.c: the live-backup (VSS) integration component.  The host's FREEZE, THAW and
 * HOT_BACKUP requests go to a userspace daemon through /dev/vmbus/hv_vss and its
 * answer goes back to the host; GET_DM_INFO is answered here.  The device speaks
 * upstream's protocol (drivers/hv/hv_snapshot.c, drivers/hv/hv_utils_transport.c), so
 * hvis-vssd and Debian's hv_vss_daemon both work: the daemon writes a 12-byte
 * struct hv_vss_msg with VSS_OP_REGISTER1 and reads back a 4-byte version; afterwards
 * every read and write is one whole struct hv_vss_msg, the answer's first 4 bytes
 * being its status.  The host sends one request at a time; a second one while the
 * first is with the daemon is refused.
 */
#include <linux/delay.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include "ic.h"
#include "hvis/vss_abi.h"

/* Message version 5.0 only, as upstream (FREEZE/THAW need 5.0). */
static const struct ic_version vss_versions[] = { { 5, 0 } };

/* How long the daemon may take: 15 min for FREEZE, 30 s otherwise (hv_snapshot.c). */
#define VSS_FREEZE_TIMEOUT	(15 * 60 * HZ)
#define VSS_TIMEOUT		(30 * HZ)

enum vss_state {
	VSS_IDLE,
	VSS_TO_DAEMON,		/* msg waits for the daemon's read */
	VSS_AT_DAEMON,		/* read; waiting for its write */
	VSS_ANSWERED,		/* status set; the work item sends it */
};

static struct vss_dev {
	spinlock_t lock;		/* everything below */
	struct hvis_ic *ic;		/* NULL while no channel is bound */
	bool open;
	bool registered;
	bool reg_answer;		/* the REGISTER1 answer waits for a read */
	enum vss_state state;
	u8 op;				/* of the request with the daemon */
	u32 status;			/* its answer */
	u8 *pkt;			/* copy of the request */
	u32 len;
	u64 trans_id;
	wait_queue_head_t wq;
	struct work_struct work;
	struct delayed_work timeout;
} vss;

static const char *vss_op_name(u8 op)
{
	switch (op) {
	case VSS_OP_FREEZE:
		return "FREEZE";
	case VSS_OP_THAW:
		return "THAW";
	case VSS_OP_HOT_BACKUP:
		return "HOT_BACKUP";
	default:
		return "?";
	}
}

/* Sends the answer of the finished request; process context. */
static void vss_work_fn(struct work_struct *w)
{
	struct hvis_ic *ic;
	u8 *pkt = NULL;
	u32 len = 0, status = 0;
	u64 trans_id = 0;
	int rc, tries = 0;
	u8 op = 0;

	spin_lock_bh(&vss.lock);
	if (vss.state == VSS_ANSWERED) {
		pkt = vss.pkt;
		len = vss.len;
		trans_id = vss.trans_id;
		status = vss.status;
		op = vss.op;
		vss.pkt = NULL;
		vss.state = VSS_IDLE;
	}
	ic = vss.ic;
	spin_unlock_bh(&vss.lock);
	if (!pkt)
		return;
	if (ic && op == VSS_OP_HOT_BACKUP && status == HV_S_OK)
		((struct hv_vss_msg *)(pkt + ICMSG_HDR))->flags = VSS_HBU_NO_AUTO_RECOVERY;
	while (ic) {
		rc = hvis_ic_reply(ic, pkt, len, trans_id, status);
		if (rc != -EAGAIN)
			break;
		if (++tries > 2000) {
			dev_err(&ic->dev->dev, "VSS: answer dropped, outbound ring full\n");
			break;
		}
		usleep_range(1000, 2000);
	}
	kfree(pkt);
}

/* Finishes the request with the daemon with @status.  Caller holds vss.lock. */
static void vss_finish(u32 status)
{
	if (vss.state != VSS_TO_DAEMON && vss.state != VSS_AT_DAEMON)
		return;
	vss.status = status;
	vss.state = VSS_ANSWERED;
	schedule_work(&vss.work);
}

static void vss_timeout_fn(struct work_struct *w)
{
	spin_lock_bh(&vss.lock);
	if (vss.state == VSS_TO_DAEMON || vss.state == VSS_AT_DAEMON) {
		pr_warn("VSS: timeout waiting for daemon to reply (op %s)\n", vss_op_name(vss.op));
		vss_finish(HV_E_FAIL);
	}
	spin_unlock_bh(&vss.lock);
}

static u32 vss_handle(struct hvis_ic *ic, struct hvis_ic_view *msg)
{
	struct hv_vss_msg *m = (struct hv_vss_msg *)msg->data;
	u8 op = m->vss_hdr.operation;
	const char *why = NULL;
	u8 *pkt;

	switch (op) {
	case VSS_OP_GET_DM_INFO:
		m->flags = 0;
		return HV_S_OK;
	case VSS_OP_FREEZE:
	case VSS_OP_THAW:
	case VSS_OP_HOT_BACKUP:
		break;
	default:
		dev_warn_ratelimited(&ic->dev->dev, "VSS: host request refused (op %u): unknown operation\n",
				     op);
		return HV_E_FAIL;
	}
	spin_lock(&vss.lock);
	if (!vss.registered)
		why = "no VSS daemon registered";
	else if (vss.state != VSS_IDLE)
		why = "a request is already with the daemon";
	spin_unlock(&vss.lock);
	if (why) {
		dev_warn_ratelimited(&ic->dev->dev, "VSS: host request refused (op %s): %s\n",
				     vss_op_name(op), why);
		return HV_E_FAIL;
	}
	pkt = kmemdup(ic->buf, ic->len, GFP_ATOMIC);
	if (!pkt)
		return HV_E_FAIL;
	spin_lock(&vss.lock);
	if (vss.state != VSS_IDLE || !vss.registered) {
		spin_unlock(&vss.lock);
		kfree(pkt);
		return HV_E_FAIL;
	}
	vss.pkt = pkt;
	vss.len = ic->len;
	vss.trans_id = ic->trans_id;
	vss.op = op;
	vss.state = VSS_TO_DAEMON;
	spin_unlock(&vss.lock);
	mod_delayed_work(system_wq, &vss.timeout,
			 op == VSS_OP_FREEZE ? VSS_FREEZE_TIMEOUT : VSS_TIMEOUT);
	wake_up_interruptible(&vss.wq);
	return HVIS_IC_DEFER;
}

static const struct hvis_ic_service vss_service = {
	.name = "VSS",
	.msgtype = ICMSGTYPE_VSS,
	.versions = vss_versions,
	.n_versions = ARRAY_SIZE(vss_versions),
	.min_data_len = sizeof(struct hv_vss_msg),
	.handle = vss_handle,
};

/* ---- /dev/vmbus/hv_vss ---- */

static int vss_open(struct inode *inode, struct file *f)
{
	int rc = 0;

	spin_lock_bh(&vss.lock);
	if (vss.open)
		rc = -EBUSY;
	else
		vss.open = true;
	spin_unlock_bh(&vss.lock);
	return rc;
}

static int vss_release(struct inode *inode, struct file *f)
{
	spin_lock_bh(&vss.lock);
	if (vss.state == VSS_TO_DAEMON || vss.state == VSS_AT_DAEMON) {
		pr_warn("VSS: daemon closed /dev/vmbus/hv_vss with a request pending; host told it failed\n");
		vss_finish(HV_E_FAIL);
	}
	vss.open = false;
	vss.registered = false;
	vss.reg_answer = false;
	spin_unlock_bh(&vss.lock);
	pr_info("VSS: daemon disconnected\n");
	return 0;
}

static bool vss_readable(void)
{
	bool r;

	spin_lock_bh(&vss.lock);
	r = vss.reg_answer || vss.state == VSS_TO_DAEMON;
	spin_unlock_bh(&vss.lock);
	return r;
}

static ssize_t vss_read(struct file *f, char __user *buf, size_t count, loff_t *ppos)
{
	struct hv_vss_msg m = { };
	u32 ver = VSS_OP_REGISTER1;
	bool reg = false;
	int rc;

	for (;;) {
		spin_lock_bh(&vss.lock);
		if (vss.reg_answer) {
			if (count < sizeof(ver)) {
				spin_unlock_bh(&vss.lock);
				return -EINVAL;
			}
			vss.reg_answer = false;
			reg = true;
			break;
		}
		if (vss.state == VSS_TO_DAEMON) {
			if (count < sizeof(m)) {
				spin_unlock_bh(&vss.lock);
				return -EINVAL;
			}
			m.vss_hdr.operation = vss.op;
			vss.state = VSS_AT_DAEMON;
			break;
		}
		spin_unlock_bh(&vss.lock);
		if (f->f_flags & O_NONBLOCK)
			return -EAGAIN;
		rc = wait_event_interruptible(vss.wq, vss_readable());
		if (rc)
			return rc;
	}
	spin_unlock_bh(&vss.lock);
	if (reg)
		return copy_to_user(buf, &ver, sizeof(ver)) ? -EFAULT : sizeof(ver);
	if (copy_to_user(buf, &m, sizeof(m))) {
		/* The daemon never saw it: fail the request rather than wait 15 min. */
		spin_lock_bh(&vss.lock);
		vss_finish(HV_E_FAIL);
		spin_unlock_bh(&vss.lock);
		return -EFAULT;
	}
	return sizeof(m);
}

static ssize_t vss_write(struct file *f, const char __user *buf, size_t count, loff_t *ppos)
{
	struct hv_vss_msg m;
	u32 status;

	if (count != sizeof(m))
		return -EINVAL;
	if (copy_from_user(&m, buf, sizeof(m)))
		return -EFAULT;
	spin_lock_bh(&vss.lock);
	if (!vss.registered) {
		if (m.vss_hdr.operation != VSS_OP_REGISTER1 &&
		    m.vss_hdr.operation != VSS_OP_REGISTER) {
			spin_unlock_bh(&vss.lock);
			pr_err("VSS: incompatible daemon (registration op %u)\n",
			       m.vss_hdr.operation);
			return -EINVAL;
		}
		vss.registered = true;
		vss.reg_answer = m.vss_hdr.operation == VSS_OP_REGISTER1;
		spin_unlock_bh(&vss.lock);
		wake_up_interruptible(&vss.wq);
		pr_info("VSS: daemon registered (%s)\n",
			m.vss_hdr.operation == VSS_OP_REGISTER1 ? "REGISTER1" : "legacy REGISTER");
		return count;
	}
	if (vss.state != VSS_AT_DAEMON) {
		spin_unlock_bh(&vss.lock);
		pr_warn_ratelimited("VSS: daemon answer with no request pending dropped\n");
		return count;
	}
	status = m.error ? HV_E_FAIL : HV_S_OK;
	if (status != HV_S_OK)
		pr_warn("VSS: daemon failed %s; host told it failed\n", vss_op_name(vss.op));
	vss_finish(status);
	spin_unlock_bh(&vss.lock);
	cancel_delayed_work(&vss.timeout);
	return count;
}

static __poll_t vss_poll(struct file *f, poll_table *wait)
{
	poll_wait(f, &vss.wq, wait);
	return vss_readable() ? EPOLLIN | EPOLLRDNORM : 0;
}

static const struct file_operations vss_fops = {
	.owner = THIS_MODULE,
	.open = vss_open,
	.release = vss_release,
	.read = vss_read,
	.write = vss_write,
	.poll = vss_poll,
	.llseek = noop_llseek,
};

static struct miscdevice vss_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "vmbus/hv_vss",
	.fops = &vss_fops,
};

/* ---- the VMBus device ---- */

static int vss_probe(struct hvis_device *dev, const struct hvis_device_id *id)
{
	int rc;

	/*
	 * Hosts before Windows Server 2012 R2 (VMBus 3.0) have no usable guest backup
	 * service; upstream refuses them the same way (drivers/hv/hv_snapshot.c).
	 */
	if (hvis_vmbus_protocol_version() < VERSION_WIN8_1) {
		dev_info(&dev->dev,
			 "VSS: backup (volume snapshot) is not supported on VMBus %u.%u hosts; needs 3.0\n",
			 VMBUS_VERSION_MAJOR(hvis_vmbus_protocol_version()),
			 VMBUS_VERSION_MINOR(hvis_vmbus_protocol_version()));
		return -ENODEV;
	}
	spin_lock_bh(&vss.lock);
	rc = vss.ic ? -EBUSY : 0;
	spin_unlock_bh(&vss.lock);
	if (rc) {
		dev_err(&dev->dev, "VSS: a second VSS device is not supported\n");
		return rc;
	}
	rc = hvis_ic_probe(dev, &vss_service, &vss);
	if (!rc) {
		spin_lock_bh(&vss.lock);
		vss.ic = hvis_ic_get(dev);
		spin_unlock_bh(&vss.lock);
	}
	return rc;
}

static void vss_remove(struct hvis_device *dev)
{
	u8 *pkt;

	/*
	 * The answer work takes vss.ic under the lock and then sends on it, so the
	 * pointer goes first and a work item that already has it is waited for: only
	 * then may hvis_ic_remove() free the IC state.  A daemon answer that comes after
	 * this finds no channel and is dropped.
	 */
	spin_lock_bh(&vss.lock);
	vss.ic = NULL;
	spin_unlock_bh(&vss.lock);
	cancel_work_sync(&vss.work);
	/* Closing the channel stops vss_handle; nothing is answered after it. */
	hvis_ic_remove(dev);
	spin_lock_bh(&vss.lock);
	pkt = vss.pkt;
	vss.pkt = NULL;
	vss.state = VSS_IDLE;
	spin_unlock_bh(&vss.lock);
	cancel_delayed_work_sync(&vss.timeout);
	cancel_work_sync(&vss.work);
	kfree(pkt);
}

static const struct hvis_device_id vss_ids[] = {
	{ .guid = HV_VSS_GUID },
	{ }
};

static struct hvis_driver vss_driver = {
	.name = "hvis_vss",
	.id_table = vss_ids,
	.probe = vss_probe,
	.remove = vss_remove,
};

static int __init vss_init(void)
{
	int rc;

	spin_lock_init(&vss.lock);
	init_waitqueue_head(&vss.wq);
	INIT_WORK(&vss.work, vss_work_fn);
	INIT_DELAYED_WORK(&vss.timeout, vss_timeout_fn);
	rc = misc_register(&vss_misc);
	if (rc)
		return rc;
	rc = hvis_driver_register(&vss_driver);
	if (rc)
		misc_deregister(&vss_misc);
	return rc;
}

static void __exit vss_exit(void)
{
	hvis_driver_unregister(&vss_driver);
	misc_deregister(&vss_misc);
}

module_init(vss_init);
module_exit(vss_exit);

MODULE_ALIAS("vmbus:292efa3523ea364296ae3a6ebacba440");
MODULE_DESCRIPTION("hvis live backup (VSS) integration component");
MODULE_LICENSE("GPL");
