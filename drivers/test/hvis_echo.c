// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvis_echo.c: guest driver for the fake host's echo device (HVIS_ECHO_GUID), a test
 * and benchmark device that returns every in-band packet unchanged.
 *
 * debugfs, per device: hvis_echo/<relid>/run   write "COUNT [SIZE]" to send COUNT
 *                                               packets of SIZE bytes (default 64, a
 *                                               multiple of 8) as
 *                                               fast as the ring takes them; the write
 *                                               returns when every echo came back
 *                      hvis_echo/<relid>/result "sent= received= errors= ns=" of the
 *                                               last run
 * Every echo is checked: sequence number in order, length and byte pattern intact.
 */
#include <linux/module.h>
#include <linux/debugfs.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/wait.h>
#include <linux/ktime.h>
#include <linux/sched.h>
#include <linux/jiffies.h>
#include <hvis/vmbus.h>

#define ECHO_RING_BYTES		(16 * PAGE_SIZE)
#define ECHO_MAX_PAYLOAD	2048u
#define ECHO_MAGIC		0x6f686365u	/* "echo" */
#define ECHO_STALL_SECS		10

struct echo_hdr {
	u64 seq;
	u32 len;
	u32 magic;
};

struct echo_dev {
	struct hvis_device *hdev;
	struct dentry *dir;
	struct mutex run_lock;		/* one run at a time */
	wait_queue_head_t progress;
	bool dying;
	/* written by the channel callback only */
	u64 received;
	u64 errors;
	u64 expect_seq;
	u32 run_len;
	/* of the last run, for result */
	u64 sent;
	u64 elapsed_ns;
	u8 rxbuf[ECHO_MAX_PAYLOAD];
	u8 txbuf[ECHO_MAX_PAYLOAD];
};

static struct dentry *echo_root;

static u8 echo_pattern(u64 seq, u32 i)
{
	return (u8)(seq * 31 + i);
}

static bool echo_check(struct echo_dev *ed, int len)
{
	struct echo_hdr *h = (struct echo_hdr *)ed->rxbuf;
	u32 i;

	if (len != (int)ed->run_len || h->magic != ECHO_MAGIC || h->len != ed->run_len ||
	    h->seq != ed->expect_seq)
		return false;
	for (i = sizeof(*h); i < ed->run_len; i++)
		if (ed->rxbuf[i] != echo_pattern(h->seq, i))
			return false;
	return true;
}

static void echo_callback(void *context)
{
	struct echo_dev *ed = context;
	u64 trans_id;
	int len;

	for (;;) {
		len = hvis_channel_recv(ed->hdev->channel, ed->rxbuf, sizeof(ed->rxbuf), &trans_id);
		if (len == -ENOBUFS) {
			WRITE_ONCE(ed->errors, ed->errors + 1);
			continue;
		}
		if (len < 0)
			break;
		if (!echo_check(ed, len)) {
			WRITE_ONCE(ed->errors, ed->errors + 1);
			dev_err_ratelimited(&ed->hdev->dev, "echo %llu came back wrong\n",
					    ed->expect_seq);
		}
		ed->expect_seq++;
		WRITE_ONCE(ed->received, ed->received + 1);
	}
	wake_up(&ed->progress);
}

static void echo_fill(struct echo_dev *ed, u64 seq, u32 len)
{
	struct echo_hdr *h = (struct echo_hdr *)ed->txbuf;
	u32 i;

	h->seq = seq;
	h->len = len;
	h->magic = ECHO_MAGIC;
	for (i = sizeof(*h); i < len; i++)
		ed->txbuf[i] = echo_pattern(seq, i);
}

/*
 * Waits until the callback has counted at least `target` echoes; false on a stall.
 * Callers take `target` from a count read before the event they wait out (a full
 * ring), so echoes that arrive in between are not waited for again.
 */
static bool echo_wait_received(struct echo_dev *ed, u64 target)
{
	long left = wait_event_interruptible_timeout(ed->progress,
						     READ_ONCE(ed->received) >= target ||
						     READ_ONCE(ed->dying),
						     ECHO_STALL_SECS * HZ);

	return left > 0 && !READ_ONCE(ed->dying);
}

static int echo_run(struct echo_dev *ed, u64 count, u32 len)
{
	ktime_t start = ktime_get();
	u64 seq;
	int rc = 0;

	WRITE_ONCE(ed->received, 0);
	WRITE_ONCE(ed->errors, 0);
	ed->expect_seq = 0;
	ed->run_len = len;
	ed->sent = 0;

	for (seq = 0; seq < count && !rc; seq++) {
		unsigned long give_up = jiffies + ECHO_STALL_SECS * HZ;

		echo_fill(ed, seq, len);
		for (;;) {
			u64 seen = READ_ONCE(ed->received);

			rc = hvis_channel_send(ed->hdev->channel, ed->txbuf, len, seq,
					       VM_PKT_DATA_INBAND, 0);
			if (rc != -EAGAIN)
				break;
			if (READ_ONCE(ed->dying)) {
				rc = -ENODEV;
				break;
			}
			/*
			 * Ring full: the host drains it as we drain its echoes.  If every
			 * echo is back, the host has read every packet and is about to
			 * publish that: try again, but not for good, since a host that
			 * never hands the space back (or a stale echo counted) would keep
			 * this loop, and the removal that waits for it, here forever.
			 */
			if (seen == ed->sent) {
				if (time_after(jiffies, give_up)) {
					rc = -ETIMEDOUT;
					break;
				}
				if (signal_pending(current)) {
					rc = -EINTR;
					break;
				}
				cond_resched();
				continue;
			}
			if (!echo_wait_received(ed, seen + 1)) {
				rc = -ETIMEDOUT;
				break;
			}
		}
		if (!rc)
			ed->sent++;
		if (!(seq & 1023))
			cond_resched();
		if (signal_pending(current))
			rc = -EINTR;
	}
	if (!rc && !echo_wait_received(ed, ed->sent))
		rc = -ETIMEDOUT;
	ed->elapsed_ns = ktime_to_ns(ktime_sub(ktime_get(), start));
	return rc;
}

static ssize_t echo_run_write(struct file *file, const char __user *ubuf, size_t n,
			      loff_t *ppos)
{
	struct echo_dev *ed = file->private_data;
	char kbuf[48];
	unsigned long long count;
	unsigned int len = 64;
	int rc, fields;

	if (n >= sizeof(kbuf))
		return -EINVAL;
	if (copy_from_user(kbuf, ubuf, n))
		return -EFAULT;
	kbuf[n] = 0;
	fields = sscanf(kbuf, "%llu %u", &count, &len);
	if (fields < 1 || len < sizeof(struct echo_hdr) || len > ECHO_MAX_PAYLOAD || len % 8)
		return -EINVAL;

	if (mutex_lock_interruptible(&ed->run_lock))
		return -EINTR;
	rc = echo_run(ed, count, len);
	mutex_unlock(&ed->run_lock);
	if (rc)
		dev_err(&ed->hdev->dev, "echo run stopped after %llu packets: %d\n", ed->sent, rc);
	return rc ? rc : n;
}

static int echo_result_show(struct seq_file *s, void *unused)
{
	struct echo_dev *ed = s->private;

	seq_printf(s, "sent=%llu received=%llu errors=%llu ns=%llu\n", ed->sent,
		   READ_ONCE(ed->received), READ_ONCE(ed->errors), ed->elapsed_ns);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(echo_result);

static const struct file_operations echo_run_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = echo_run_write,
	.llseek = noop_llseek,
};

static int echo_probe(struct hvis_device *hdev, const struct hvis_device_id *id)
{
	struct echo_dev *ed;
	char name[16];
	int rc;

	ed = kzalloc(sizeof(*ed), GFP_KERNEL);
	if (!ed)
		return -ENOMEM;
	ed->hdev = hdev;
	mutex_init(&ed->run_lock);
	init_waitqueue_head(&ed->progress);
	hvis_set_drvdata(hdev, ed);

	rc = hvis_channel_open(hdev->channel, ECHO_RING_BYTES, ECHO_RING_BYTES, NULL, 0,
			       echo_callback, ed);
	if (rc) {
		dev_err(&hdev->dev, "cannot open the echo channel: %d\n", rc);
		kfree(ed);
		return rc;
	}
	snprintf(name, sizeof(name), "%u", hvis_channel_relid(hdev->channel));
	ed->dir = debugfs_create_dir(name, echo_root);
	debugfs_create_file("run", 0200, ed->dir, ed, &echo_run_fops);
	debugfs_create_file("result", 0444, ed->dir, ed, &echo_result_fops);
	return 0;
}

static void echo_remove(struct hvis_device *hdev)
{
	struct echo_dev *ed = hvis_get_drvdata(hdev);

	/* A run in progress sees dying (or -ENODEV from a rescinded channel) and returns. */
	WRITE_ONCE(ed->dying, true);
	wake_up(&ed->progress);
	debugfs_remove_recursive(ed->dir);
	hvis_channel_close(hdev->channel);
	kfree(ed);
}

static const struct hvis_device_id echo_ids[] = {
	{ .guid = HVIS_ECHO_GUID },
	{ }
};

static struct hvis_driver echo_driver = {
	.name = "hvis_echo",
	.id_table = echo_ids,
	.probe = echo_probe,
	.remove = echo_remove,
};

static int __init echo_init(void)
{
	int rc;

	echo_root = debugfs_create_dir("hvis_echo", NULL);
	rc = hvis_driver_register(&echo_driver);
	if (rc)
		debugfs_remove_recursive(echo_root);
	return rc;
}

static void __exit echo_exit(void)
{
	hvis_driver_unregister(&echo_driver);
	debugfs_remove_recursive(echo_root);
}

module_init(echo_init);
module_exit(echo_exit);

MODULE_ALIAS("vmbus:7a69766863656f688e5c1d0a2b409137");
MODULE_DESCRIPTION("hvis echo test device driver");
MODULE_LICENSE("GPL");
