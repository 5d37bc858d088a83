// SPDX-License-Identifier: GPL-2.0-only
/*
 * kvp.c: the key-value pair (data exchange) integration component.  The host's
 * requests (get, set, delete, enumerate a pool; get or set a NIC's IP settings) are
 * handed to a userspace daemon through /dev/vmbus/hv_kvp, one at a time, and its
 * answer goes back to the host.  The device speaks upstream's protocol, so both
 * hvis-kvpd and Debian's hv_kvp_daemon work: a daemon writes a REGISTER1 message and
 * reads back the driver version "3.1"; afterwards every read and write is one whole
 * struct hv_kvp_msg, the first 4 bytes of an answer being its status
 * (drivers/hv/hv_kvp.c, drivers/hv/hv_utils_transport.c).  A legacy daemon's REGISTER
 * is accepted too, as upstream does: it gets no IP requests, and an empty key in its
 * answer is the failure (lib/kvp_msg.c hvis_kvp_parse_register and friends).
 *
 * Host input is checked before the daemon sees it (lib/kvp_msg.c): an unknown
 * operation or pool, an oversized key or value, or a short message is answered at
 * once with an error status and logged; nothing reaches the daemon.
 */
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/delay.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include "ic.h"
#include "kvp_msg.h"

/* Message versions, newest first (drivers/hv/hv_kvp.c kvp_versions). */
static const struct ic_version kvp_versions[] = { { 4, 0 }, { 3, 0 }, { 1, 0 } };

/* How long the daemon may take to answer (hv_kvp.c HV_UTIL_TIMEOUT: 30 s). */
#define KVP_DAEMON_TIMEOUT	(30 * HZ)
/*
 * How long the host's version negotiation waits for a daemon (hv_kvp.c
 * HV_UTIL_NEGO_TIMEOUT): the host sends its requests, e.g. a failover IP address,
 * right after negotiating, and without a daemon they would fail.
 */
static unsigned int negotiation_hold = 55;
module_param(negotiation_hold, uint, 0644);
MODULE_PARM_DESC(negotiation_hold,
		 "Seconds the host's KVP negotiation waits for the daemon to register (0: no wait)");

/* Host requests waiting for the daemon; more are refused. */
#define KVP_QUEUE_MAX		16
/* Ring-full retries of an answer, 1-2 ms apart. */
#define KVP_REPLY_TRIES		2000

struct kvp_req {
	struct list_head node;
	u32 len;
	u64 trans_id;
	u8 pkt[];
};

enum kvp_state {
	KVP_IDLE,		/* no request with the daemon */
	KVP_TO_DAEMON,		/* msg waits for the daemon's read */
	KVP_AT_DAEMON,		/* read; waiting for its write */
};

/* One KVP device per guest; the char device lives as long as the module. */
static struct kvp_dev {
	struct mutex lock;		/* everything but the queue */
	spinlock_t qlock;		/* queue, qlen, ic (read in softirq) */
	struct list_head queue;
	unsigned int qlen;
	struct hvis_ic *ic;		/* NULL while no channel is bound */
	bool open;
	bool registered;
	int reg_op;			/* KVP_OP_REGISTER1 or the legacy KVP_OP_REGISTER */
	bool reg_answer;		/* the registration answer waits for a read */
	enum kvp_state state;
	struct kvp_req *cur;
	struct hv_kvp_msg msg;		/* to the daemon */
	struct hv_kvp_msg in;		/* from the daemon */
	wait_queue_head_t wq;
	struct work_struct work;
	struct delayed_work timeout;
} kvp;

static void kvp_log_refusal(struct kvp_req *r, u32 status, const char *why)
{
	struct device *d = kvp.ic ? &kvp.ic->dev->dev : NULL;
	const u8 *data = r->pkt + ICMSG_HDR;

	dev_warn_ratelimited(d, "KVP: host request refused (op %u pool %u): %s, status %#x\n",
			     r->len > ICMSG_HDR ? data[0] : 0,
			     r->len > ICMSG_HDR + 1 ? data[1] : 0, why, status);
}

/*
 * Answers @r and frees it.  Caller holds kvp.lock (process context).  An answer is
 * 7.5 KB and the ring 12 KB, so it may have to wait for the host to read the last one.
 */
static void kvp_answer(struct kvp_req *r, u32 status)
{
	int rc, tries = 0;

	while (kvp.ic) {
		rc = hvis_ic_reply(kvp.ic, r->pkt, r->len, r->trans_id, status);
		if (rc != -EAGAIN)
			break;
		if (++tries > KVP_REPLY_TRIES) {
			dev_err(&kvp.ic->dev->dev, "KVP: answer dropped, outbound ring full\n");
			break;
		}
		usleep_range(1000, 2000);
	}
	kfree(r);
}

static struct kvp_req *kvp_dequeue(void)
{
	struct kvp_req *r;

	spin_lock_bh(&kvp.qlock);
	r = list_first_entry_or_null(&kvp.queue, struct kvp_req, node);
	if (r) {
		list_del(&r->node);
		kvp.qlen--;
	}
	spin_unlock_bh(&kvp.qlock);
	return r;
}

/* Hands the next queued request to the daemon.  Caller holds kvp.lock. */
static void kvp_next(void)
{
	struct kvp_req *r;
	const char *why;
	u32 status;

	while (kvp.state == KVP_IDLE && (r = kvp_dequeue())) {
		if (!kvp.registered) {
			kvp_log_refusal(r, HV_E_FAIL, "no KVP daemon registered");
			kvp_answer(r, HV_E_FAIL);
			continue;
		}
		if (r->len > ICMSG_HDR && !hvis_kvp_daemon_handles(kvp.reg_op, r->pkt[ICMSG_HDR])) {
			kvp_log_refusal(r, HV_E_FAIL, "the legacy KVP daemon does no IP injection");
			kvp_answer(r, HV_E_FAIL);
			continue;
		}
		status = hvis_kvp_from_host(r->pkt + ICMSG_HDR, r->len - ICMSG_HDR, &kvp.msg,
					    &why);
		if (status != HV_S_OK) {
			kvp_log_refusal(r, status, why);
			kvp_answer(r, status);
			continue;
		}
		kvp.cur = r;
		kvp.state = KVP_TO_DAEMON;
		mod_delayed_work(system_wq, &kvp.timeout, KVP_DAEMON_TIMEOUT);
		wake_up_interruptible(&kvp.wq);
	}
}

static void kvp_work_fn(struct work_struct *w)
{
	mutex_lock(&kvp.lock);
	kvp_next();
	mutex_unlock(&kvp.lock);
}

/* Fails the request with the daemon.  Caller holds kvp.lock. */
static void kvp_abort_cur(const char *why)
{
	if (!kvp.cur)
		return;
	kvp_log_refusal(kvp.cur, HV_E_FAIL, why);
	kvp_answer(kvp.cur, HV_E_FAIL);
	kvp.cur = NULL;
	kvp.state = KVP_IDLE;
}

static void kvp_timeout_fn(struct work_struct *w)
{
	mutex_lock(&kvp.lock);
	if (kvp.cur) {
		pr_warn("KVP: timeout waiting for daemon to reply\n");
		kvp_abort_cur("daemon timeout");
		kvp_next();
	}
	mutex_unlock(&kvp.lock);
}

static u32 kvp_handle(struct hvis_ic *ic, struct hvis_ic_view *msg)
{
	struct kvp_req *r;

	spin_lock(&kvp.qlock);
	if (kvp.qlen >= KVP_QUEUE_MAX) {
		spin_unlock(&kvp.qlock);
		dev_warn_ratelimited(&ic->dev->dev, "KVP: %u requests queued, request refused\n",
				     KVP_QUEUE_MAX);
		return HV_E_FAIL;
	}
	spin_unlock(&kvp.qlock);
	r = kmalloc(struct_size(r, pkt, ic->len), GFP_ATOMIC);
	if (!r)
		return HV_E_FAIL;
	r->len = ic->len;
	r->trans_id = ic->trans_id;
	memcpy(r->pkt, ic->buf, ic->len);
	spin_lock(&kvp.qlock);
	list_add_tail(&r->node, &kvp.queue);
	kvp.qlen++;
	spin_unlock(&kvp.qlock);
	schedule_work(&kvp.work);
	return HVIS_IC_DEFER;
}

static bool kvp_hold_negotiation(struct hvis_ic *ic)
{
	return !READ_ONCE(kvp.registered) && READ_ONCE(negotiation_hold);
}

static const struct hvis_ic_service kvp_service = {
	.name = "KVP",
	.hold_negotiation = kvp_hold_negotiation,
	.hold_secs = &negotiation_hold,
	.msgtype = ICMSGTYPE_KVPEXCHANGE,
	.versions = kvp_versions,
	.n_versions = ARRAY_SIZE(kvp_versions),
	.min_data_len = sizeof(struct hv_kvp_hdr),	/* per-operation sizes: kvp_msg.c */
	.handle = kvp_handle,
};

/* ---- /dev/vmbus/hv_kvp ---- */

static int kvp_open(struct inode *inode, struct file *f)
{
	int rc = 0;

	mutex_lock(&kvp.lock);
	if (kvp.open)
		rc = -EBUSY;
	else
		kvp.open = true;
	mutex_unlock(&kvp.lock);
	return rc;
}

static int kvp_release(struct inode *inode, struct file *f)
{
	mutex_lock(&kvp.lock);
	kvp_abort_cur("the daemon closed /dev/vmbus/hv_kvp");
	kvp.open = false;
	WRITE_ONCE(kvp.registered, false);
	kvp.reg_answer = false;
	mutex_unlock(&kvp.lock);
	cancel_delayed_work_sync(&kvp.timeout);
	pr_info("KVP: daemon disconnected\n");
	return 0;
}

static bool kvp_readable(void)
{
	return kvp.reg_answer || kvp.state == KVP_TO_DAEMON;
}

static ssize_t kvp_read(struct file *f, char __user *buf, size_t count, loff_t *ppos)
{
	struct hv_kvp_msg *reg = NULL;
	ssize_t rc;

	if (count < sizeof(struct hv_kvp_msg))
		return -EINVAL;
	for (;;) {
		mutex_lock(&kvp.lock);
		if (kvp_readable())
			break;
		mutex_unlock(&kvp.lock);
		if (f->f_flags & O_NONBLOCK)
			return -EAGAIN;
		rc = wait_event_interruptible(kvp.wq, kvp_readable());
		if (rc)
			return rc;
	}
	if (kvp.reg_answer) {
		reg = kzalloc(sizeof(*reg), GFP_KERNEL);
		if (!reg) {
			mutex_unlock(&kvp.lock);
			return -ENOMEM;
		}
		hvis_kvp_build_register(kvp.reg_op, reg);
		rc = copy_to_user(buf, reg, sizeof(*reg)) ? -EFAULT : sizeof(*reg);
		if (rc > 0)
			kvp.reg_answer = false;
		kfree(reg);
	} else {
		rc = copy_to_user(buf, &kvp.msg, sizeof(kvp.msg)) ? -EFAULT : sizeof(kvp.msg);
		if (rc > 0)
			kvp.state = KVP_AT_DAEMON;
	}
	mutex_unlock(&kvp.lock);
	return rc;
}

static ssize_t kvp_write(struct file *f, const char __user *buf, size_t count, loff_t *ppos)
{
	u32 status;
	u8 op;

	if (count != sizeof(struct hv_kvp_msg))
		return -EINVAL;
	mutex_lock(&kvp.lock);
	if (copy_from_user(&kvp.in, buf, sizeof(kvp.in))) {
		mutex_unlock(&kvp.lock);
		return -EFAULT;
	}
	if (!kvp.registered) {
		int reg_op = hvis_kvp_parse_register(&kvp.in, sizeof(kvp.in));

		if (reg_op < 0) {
			pr_err("KVP: incompatible daemon (registration op %u)\n",
			       kvp.in.kvp_hdr.operation);
			mutex_unlock(&kvp.lock);
			return -EINVAL;
		}
		kvp.reg_op = reg_op;
		WRITE_ONCE(kvp.registered, true);
		kvp.reg_answer = true;
		wake_up_interruptible(&kvp.wq);
		if (reg_op == KVP_OP_REGISTER)
			pr_info("KVP: legacy daemon registered: no IP injection; upgrade the KVP daemon\n");
		pr_info("KVP: daemon registered, driver version %s\n", HV_DRV_VERSION);
		spin_lock_bh(&kvp.qlock);
		if (kvp.ic)
			hvis_ic_release_negotiation(kvp.ic);
		spin_unlock_bh(&kvp.qlock);
		mutex_unlock(&kvp.lock);
		return count;
	}
	if (kvp.state != KVP_AT_DAEMON || !kvp.cur) {
		/* An answer after its timeout: the host already got HV_E_FAIL. */
		pr_warn_ratelimited("KVP: daemon answer with no request pending dropped\n");
		mutex_unlock(&kvp.lock);
		return count;
	}
	op = kvp.msg.kvp_hdr.operation;
	status = hvis_kvp_daemon_status(kvp.reg_op, &kvp.in);
	if (status == HV_S_OK)
		status = hvis_kvp_to_host(op, &kvp.in, kvp.cur->pkt + ICMSG_HDR,
					  kvp.cur->len - ICMSG_HDR);
	if (status == HV_E_FAIL && hvis_kvp_daemon_status(kvp.reg_op, &kvp.in) == HV_S_OK)
		kvp_log_refusal(kvp.cur, status, "daemon answer does not fit the host's fields");
	kvp_answer(kvp.cur, status);
	kvp.cur = NULL;
	kvp.state = KVP_IDLE;
	cancel_delayed_work(&kvp.timeout);
	kvp_next();
	mutex_unlock(&kvp.lock);
	return count;
}

static __poll_t kvp_poll(struct file *f, poll_table *wait)
{
	__poll_t mask = 0;

	poll_wait(f, &kvp.wq, wait);
	mutex_lock(&kvp.lock);
	if (kvp_readable())
		mask |= EPOLLIN | EPOLLRDNORM;
	mutex_unlock(&kvp.lock);
	return mask;
}

static const struct file_operations kvp_fops = {
	.owner = THIS_MODULE,
	.open = kvp_open,
	.release = kvp_release,
	.read = kvp_read,
	.write = kvp_write,
	.poll = kvp_poll,
	.llseek = noop_llseek,
};

static struct miscdevice kvp_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "vmbus/hv_kvp",
	.fops = &kvp_fops,
};

/* ---- the VMBus device ---- */

static int kvp_probe(struct hvis_device *dev, const struct hvis_device_id *id)
{
	int rc;

	mutex_lock(&kvp.lock);
	if (kvp.ic) {
		mutex_unlock(&kvp.lock);
		dev_err(&dev->dev, "KVP: a second KVP device is not supported\n");
		return -EBUSY;
	}
	rc = hvis_ic_probe(dev, &kvp_service, &kvp);
	if (!rc) {
		spin_lock_bh(&kvp.qlock);
		kvp.ic = hvis_ic_get(dev);
		/* A daemon that registered while the channel opened releases the hold too. */
		if (kvp.registered)
			hvis_ic_release_negotiation(kvp.ic);
		spin_unlock_bh(&kvp.qlock);
	}
	mutex_unlock(&kvp.lock);
	return rc;
}

static void kvp_drop_all(void)
{
	struct kvp_req *r;

	while ((r = kvp_dequeue()))
		kvp_answer(r, HV_E_FAIL);
	kvp_abort_cur("KVP device removed");
}

static void kvp_remove(struct hvis_device *dev)
{
	mutex_lock(&kvp.lock);
	/* Closing the channel stops kvp_handle; nothing is answered after it. */
	hvis_ic_remove(dev);
	spin_lock_bh(&kvp.qlock);
	kvp.ic = NULL;
	spin_unlock_bh(&kvp.qlock);
	kvp_drop_all();
	mutex_unlock(&kvp.lock);
	cancel_work_sync(&kvp.work);
	cancel_delayed_work_sync(&kvp.timeout);
}

static const struct hvis_device_id kvp_ids[] = {
	{ .guid = HV_KVP_GUID },
	{ }
};

static struct hvis_driver kvp_driver = {
	.name = "hvis_kvp",
	.id_table = kvp_ids,
	.probe = kvp_probe,
	.remove = kvp_remove,
};

static int __init kvp_init(void)
{
	int rc;

	mutex_init(&kvp.lock);
	spin_lock_init(&kvp.qlock);
	INIT_LIST_HEAD(&kvp.queue);
	init_waitqueue_head(&kvp.wq);
	INIT_WORK(&kvp.work, kvp_work_fn);
	INIT_DELAYED_WORK(&kvp.timeout, kvp_timeout_fn);
	rc = misc_register(&kvp_misc);
	if (rc)
		return rc;
	rc = hvis_driver_register(&kvp_driver);
	if (rc)
		misc_deregister(&kvp_misc);
	return rc;
}

static void __exit kvp_exit(void)
{
	hvis_driver_unregister(&kvp_driver);
	misc_deregister(&kvp_misc);
}

module_init(kvp_init);
module_exit(kvp_exit);

MODULE_ALIAS("vmbus:e7f4a0a9455a964db8278a841e8c03e6");
MODULE_DESCRIPTION("hvis key-value pair (data exchange) integration component");
MODULE_LICENSE("GPL");
