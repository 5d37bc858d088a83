// SPDX-License-Identifier: GPL-2.0-only
/*
 * fcopy.c: the host-to-guest file copy integration component (message version 1.1,
 * framework 3.0, as drivers/hv/hv_fcopy.c before 6.10 and tools/hv/
 * hv_fcopy_uio_daemon.c now).  Upstream moved the service to a uio daemon; hvis keeps
 * the kernel driver and its char device, /dev/vmbus/hv_fcopy, with the pre-6.10 ABI
 * (include/hvis/fcopy_abi.h), served by hvis-fcopyd or Debian's hv_fcopy_daemon.
 *
 * The driver checks what the daemon can't trust: a known operation, a message long
 * enough for it and a WRITE_TO_FILE chunk no larger than DATA_FRAGMENT and inside the
 * packet, START_FILE_COPY names that are NUL-terminated, valid UTF-16 (converted to
 * UTF-8 here, as upstream did).  Anything else is refused here with a log line and
 * never reaches the daemon, which checks paths and offsets.  The host sends one
 * request at a time.
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
#include "hvis/fcopy_abi.h"
#include "utf16.h"

static const struct ic_version fcopy_versions[] = { { 1, 1 } };

/* How long the daemon may take to answer one message (hv_fcopy.c: 30 s). */
#define FCOPY_TIMEOUT	(30 * HZ)

enum fcopy_state {
	FCOPY_IDLE,
	FCOPY_TO_DAEMON,
	FCOPY_AT_DAEMON,
	FCOPY_ANSWERED,
};

static struct fcopy_dev {
	spinlock_t lock;		/* everything below */
	struct hvis_ic *ic;
	bool open;
	bool registered;
	bool reg_answer;		/* our version waits for the daemon's read */
	enum fcopy_state state;
	u32 status;
	u8 *pkt;
	u32 len;
	u64 trans_id;
	wait_queue_head_t wq;
	struct work_struct work;
	struct delayed_work timeout;
} fc;

static void fcopy_work_fn(struct work_struct *w)
{
	struct hvis_ic *ic;
	u8 *pkt = NULL;
	u32 len = 0, status = 0;
	u64 trans_id = 0;
	int rc, tries = 0;

	spin_lock_bh(&fc.lock);
	if (fc.state == FCOPY_ANSWERED) {
		pkt = fc.pkt;
		len = fc.len;
		trans_id = fc.trans_id;
		status = fc.status;
		fc.pkt = NULL;
		fc.state = FCOPY_IDLE;
	}
	ic = fc.ic;
	spin_unlock_bh(&fc.lock);
	if (!pkt)
		return;
	while (ic) {
		rc = hvis_ic_reply(ic, pkt, len, trans_id, status);
		if (rc != -EAGAIN)
			break;
		if (++tries > 2000) {
			dev_err(&ic->dev->dev, "FCopy: answer dropped, outbound ring full\n");
			break;
		}
		usleep_range(1000, 2000);
	}
	kfree(pkt);
}

/* Caller holds fc.lock. */
static void fcopy_finish(u32 status)
{
	if (fc.state != FCOPY_TO_DAEMON && fc.state != FCOPY_AT_DAEMON)
		return;
	fc.status = status;
	fc.state = FCOPY_ANSWERED;
	schedule_work(&fc.work);
}

static void fcopy_timeout_fn(struct work_struct *w)
{
	spin_lock_bh(&fc.lock);
	if (fc.state == FCOPY_TO_DAEMON || fc.state == FCOPY_AT_DAEMON) {
		pr_warn("FCopy: timeout waiting for daemon to reply\n");
		fcopy_finish(HV_E_FAIL);
	}
	spin_unlock_bh(&fc.lock);
}

/* Why the message can't go to the daemon, or NULL. */
static const char *fcopy_check(const u8 *data, u32 len, u32 *op)
{
	const struct hv_do_fcopy *w = (const void *)data;

	*op = ((const struct hv_fcopy_hdr *)data)->operation;
	switch (*op) {
	case START_FILE_COPY:
		return len < sizeof(struct hv_start_fcopy) ? "short START_FILE_COPY" : NULL;
	case WRITE_TO_FILE:
		if (len < offsetof(struct hv_do_fcopy, data))
			return "short WRITE_TO_FILE";
		if (w->size > DATA_FRAGMENT)
			return "chunk larger than 6144 bytes";
		if (w->size > len - offsetof(struct hv_do_fcopy, data))
			return "chunk runs past the end of the packet";
		return NULL;
	case COMPLETE_FCOPY:
	case CANCEL_FCOPY:
		return NULL;
	default:
		return "unknown operation";
	}
}

/*
 * Rewrites a START_FILE_COPY's two UTF-16 name fields of the daemon's copy (@m) as
 * NUL-terminated UTF-8 in the same fields.  Why not, or NULL.
 */
static const char *fcopy_names_to_utf8(struct hv_start_fcopy *m)
{
	u8 *fields[] = { (u8 *)m + offsetof(struct hv_start_fcopy, file_name),
			 (u8 *)m + offsetof(struct hv_start_fcopy, path_name) };
	char utf8[sizeof(m->file_name)];
	unsigned int i;
	int n;

	for (i = 0; i < ARRAY_SIZE(fields); i++) {
		n = hvis_utf16_to_utf8_strict(fields[i], W_MAX_PATH, utf8, sizeof(utf8));
		if (n == -ENOSPC)
			return "name too long once in UTF-8";
		if (n < 0)
			return "name is not NUL-terminated UTF-16";
		memset(fields[i], 0, sizeof(m->file_name));
		memcpy(fields[i], utf8, n + 1);
	}
	return NULL;
}

static u32 fcopy_handle(struct hvis_ic *ic, struct hvis_ic_view *msg)
{
	const char *why;
	u8 *pkt;
	u32 op;

	why = fcopy_check(msg->data, msg->data_len, &op);
	spin_lock(&fc.lock);
	if (!why && !fc.registered)
		why = "no file copy daemon registered";
	else if (!why && fc.state != FCOPY_IDLE)
		why = "a request is already with the daemon";
	spin_unlock(&fc.lock);
	if (why) {
		dev_warn_ratelimited(&ic->dev->dev, "FCopy: host request refused (op %u): %s\n",
				     op, why);
		return op == WRITE_TO_FILE || op >= FCOPY_OP_COUNT ? HV_INVALIDARG : HV_E_FAIL;
	}
	pkt = kmemdup(ic->buf, ic->len, GFP_ATOMIC);
	if (!pkt)
		return HV_E_FAIL;
	why = op == START_FILE_COPY ?
	      fcopy_names_to_utf8((struct hv_start_fcopy *)(pkt + ICMSG_HDR)) : NULL;
	if (why) {
		kfree(pkt);
		dev_warn_ratelimited(&ic->dev->dev, "FCopy: host request refused (op %u): %s\n",
				     op, why);
		return HV_INVALIDARG;
	}
	spin_lock(&fc.lock);
	if (fc.state != FCOPY_IDLE || !fc.registered) {
		spin_unlock(&fc.lock);
		kfree(pkt);
		return HV_E_FAIL;
	}
	fc.pkt = pkt;
	fc.len = ic->len;
	fc.trans_id = ic->trans_id;
	fc.state = FCOPY_TO_DAEMON;
	spin_unlock(&fc.lock);
	mod_delayed_work(system_wq, &fc.timeout, FCOPY_TIMEOUT);
	wake_up_interruptible(&fc.wq);
	return HVIS_IC_DEFER;
}

static const struct hvis_ic_service fcopy_service = {
	.name = "FCopy",
	.msgtype = ICMSGTYPE_FCOPY,
	.versions = fcopy_versions,
	.n_versions = ARRAY_SIZE(fcopy_versions),
	.min_data_len = sizeof(struct hv_fcopy_hdr),
	.handle = fcopy_handle,
};

/* ---- /dev/vmbus/hv_fcopy ---- */

static int fcopy_open(struct inode *inode, struct file *f)
{
	int rc = 0;

	spin_lock_bh(&fc.lock);
	if (fc.open)
		rc = -EBUSY;
	else
		fc.open = true;
	spin_unlock_bh(&fc.lock);
	return rc;
}

static int fcopy_release(struct inode *inode, struct file *f)
{
	spin_lock_bh(&fc.lock);
	if (fc.state == FCOPY_TO_DAEMON || fc.state == FCOPY_AT_DAEMON) {
		pr_warn("FCopy: daemon closed /dev/vmbus/hv_fcopy with a request pending; host told it failed\n");
		fcopy_finish(HV_E_FAIL);
	}
	fc.open = false;
	fc.registered = false;
	fc.reg_answer = false;
	spin_unlock_bh(&fc.lock);
	pr_info("FCopy: daemon disconnected\n");
	return 0;
}

static bool fcopy_readable(void)
{
	bool r;

	spin_lock_bh(&fc.lock);
	r = fc.reg_answer || fc.state == FCOPY_TO_DAEMON;
	spin_unlock_bh(&fc.lock);
	return r;
}

static ssize_t fcopy_read(struct file *f, char __user *buf, size_t count, loff_t *ppos)
{
	struct hv_do_fcopy *data;	/* the largest message */
	u32 n;
	int rc;

	/* A copy: the packet may be freed (timeout, remove) while we copy to user. */
	data = kmalloc(sizeof(*data), GFP_KERNEL);
	if (!data)
		return -ENOMEM;
	for (;;) {
		spin_lock_bh(&fc.lock);
		if (fc.reg_answer || fc.state == FCOPY_TO_DAEMON)
			break;
		spin_unlock_bh(&fc.lock);
		rc = -EAGAIN;
		if (!(f->f_flags & O_NONBLOCK))
			rc = wait_event_interruptible(fc.wq, fcopy_readable());
		if (rc) {
			kfree(data);
			return rc;
		}
	}
	if (fc.reg_answer) {
		u32 v = FCOPY_CURRENT_VERSION;

		if (count < sizeof(v)) {
			spin_unlock_bh(&fc.lock);
			kfree(data);
			return -EINVAL;
		}
		fc.reg_answer = false;
		spin_unlock_bh(&fc.lock);
		kfree(data);
		return copy_to_user(buf, &v, sizeof(v)) ? -EFAULT : sizeof(v);
	}
	/* Daemons read into a union of the messages: none is longer than hv_do_fcopy. */
	n = min_t(u32, fc.len - ICMSG_HDR, sizeof(*data));
	if (count < n) {
		spin_unlock_bh(&fc.lock);
		kfree(data);
		return -EINVAL;
	}
	memcpy(data, fc.pkt + ICMSG_HDR, n);
	fc.state = FCOPY_AT_DAEMON;
	spin_unlock_bh(&fc.lock);
	rc = copy_to_user(buf, data, n) ? -EFAULT : n;
	kfree(data);
	if (rc < 0) {
		spin_lock_bh(&fc.lock);
		fcopy_finish(HV_E_FAIL);
		spin_unlock_bh(&fc.lock);
	}
	return rc;
}

static ssize_t fcopy_write(struct file *f, const char __user *buf, size_t count, loff_t *ppos)
{
	u32 v;

	if (count != sizeof(v))
		return -EINVAL;
	if (copy_from_user(&v, buf, sizeof(v)))
		return -EFAULT;
	spin_lock_bh(&fc.lock);
	if (!fc.registered) {
		if (v != FCOPY_VERSION_0 && v != FCOPY_VERSION_1) {
			spin_unlock_bh(&fc.lock);
			pr_err("FCopy: incompatible daemon (version %u)\n", v);
			return -EINVAL;
		}
		fc.registered = true;
		/* A version-1 daemon reads ours back first (hv_fcopy.c handshake). */
		fc.reg_answer = v == FCOPY_VERSION_1;
		spin_unlock_bh(&fc.lock);
		wake_up_interruptible(&fc.wq);
		pr_info("FCopy: daemon registered (version %u)\n", v);
		return count;
	}
	if (fc.state != FCOPY_AT_DAEMON) {
		spin_unlock_bh(&fc.lock);
		pr_warn_ratelimited("FCopy: daemon answer with no request pending dropped\n");
		return count;
	}
	fcopy_finish(v);
	spin_unlock_bh(&fc.lock);
	cancel_delayed_work(&fc.timeout);
	return count;
}

static __poll_t fcopy_poll(struct file *f, poll_table *wait)
{
	poll_wait(f, &fc.wq, wait);
	return fcopy_readable() ? EPOLLIN | EPOLLRDNORM : 0;
}

static const struct file_operations fcopy_fops = {
	.owner = THIS_MODULE,
	.open = fcopy_open,
	.release = fcopy_release,
	.read = fcopy_read,
	.write = fcopy_write,
	.poll = fcopy_poll,
	.llseek = noop_llseek,
};

static struct miscdevice fcopy_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "vmbus/hv_fcopy",
	.fops = &fcopy_fops,
};

static int fcopy_probe(struct hvis_device *dev, const struct hvis_device_id *id)
{
	int rc;

	spin_lock_bh(&fc.lock);
	rc = fc.ic ? -EBUSY : 0;
	spin_unlock_bh(&fc.lock);
	if (rc) {
		dev_err(&dev->dev, "FCopy: a second file copy device is not supported\n");
		return rc;
	}
	rc = hvis_ic_probe(dev, &fcopy_service, &fc);
	if (!rc) {
		spin_lock_bh(&fc.lock);
		fc.ic = hvis_ic_get(dev);
		spin_unlock_bh(&fc.lock);
	}
	return rc;
}

static void fcopy_remove(struct hvis_device *dev)
{
	u8 *pkt;

	/*
	 * fcopy_work_fn takes fc.ic under the lock and then sends on it: clear the
	 * pointer and wait for a work item that already has it before
	 * hvis_ic_remove() frees the IC state.  A later daemon answer is dropped.
	 */
	spin_lock_bh(&fc.lock);
	fc.ic = NULL;
	spin_unlock_bh(&fc.lock);
	cancel_work_sync(&fc.work);
	hvis_ic_remove(dev);
	spin_lock_bh(&fc.lock);
	pkt = fc.pkt;
	fc.pkt = NULL;
	fc.state = FCOPY_IDLE;
	spin_unlock_bh(&fc.lock);
	cancel_delayed_work_sync(&fc.timeout);
	cancel_work_sync(&fc.work);
	kfree(pkt);
}

static const struct hvis_device_id fcopy_ids[] = {
	{ .guid = HV_FCOPY_GUID },
	{ }
};

static struct hvis_driver fcopy_driver = {
	.name = "hvis_fcopy",
	.id_table = fcopy_ids,
	.probe = fcopy_probe,
	.remove = fcopy_remove,
};

static int __init fcopy_init(void)
{
	int rc;

	spin_lock_init(&fc.lock);
	init_waitqueue_head(&fc.wq);
	INIT_WORK(&fc.work, fcopy_work_fn);
	INIT_DELAYED_WORK(&fc.timeout, fcopy_timeout_fn);
	rc = misc_register(&fcopy_misc);
	if (rc)
		return rc;
	rc = hvis_driver_register(&fcopy_driver);
	if (rc)
		misc_deregister(&fcopy_misc);
	return rc;
}

static void __exit fcopy_exit(void)
{
	hvis_driver_unregister(&fcopy_driver);
	misc_deregister(&fcopy_misc);
}

module_init(fcopy_init);
module_exit(fcopy_exit);

MODULE_ALIAS("vmbus:e34bd134e4dec8419ae76b174977c192");
MODULE_DESCRIPTION("hvis host-to-guest file copy integration component");
MODULE_LICENSE("GPL");
