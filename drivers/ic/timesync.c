// SPDX-License-Identifier: GPL-2.0-only
/*
 * timesync.c: the time-synchronization integration component.  The host sends its
 * time: SYNC (at boot, resume, or when asked) steps the guest clock; SAMPLEs (every
 * few seconds) feed a read-only PTP clock named "hyperv" that returns host time, for
 * chrony's `refclock PHC` (drivers/hv/hv_util.c timesync_onchannelcallback,
 * adj_guesttime, hv_ptp_clock_info).
 *
 * A v4.0 sample carries vmreferencetime, the partition reference counter when the
 * host took it; as upstream's adj_guesttime(), the guest adds the counter's advance
 * since then (hvis_vmbus_ref_counter(): Hyper-V's reference counter, or the fake-host
 * link's), so a sample that waited in the host or the ring still gives host time now.
 * From receipt on, the sample's age is measured on CLOCK_MONOTONIC_RAW (upstream: the
 * reference counter again; the two run at the same rate, and the raw clock has ns
 * resolution on every transport).
 *
 * Every line the host can trigger is rate-limited; the counters in the device's
 * `timesync` sysfs file say how many steps and refusals there were.
 */
#include <linux/module.h>
#include <linux/ratelimit.h>
#include <linux/ptp_clock_kernel.h>
#include <linux/spinlock.h>
#include <linux/timekeeping.h>
#include <linux/workqueue.h>
#include "ic.h"
#include "ts_msg.h"

/* Message versions, newest first (drivers/hv/hv_util.c ts_versions). */
static const struct ic_version ts_versions[] = { { 4, 0 }, { 3, 0 }, { 1, 0 } };

static bool timesync_implicit;
module_param(timesync_implicit, bool, 0644);
MODULE_PARM_DESC(timesync_implicit, "If set treat SAMPLE as SYNC when clock is behind");

struct ts_dev {
	struct hvis_device *dev;
	spinlock_t lock;		/* protects st */
	struct hvis_ts_state st;
	struct work_struct settime_work;
	struct ptp_clock_info ptp_info;
	struct ptp_clock *ptp;
	atomic64_t syncs;
	atomic64_t samples;
	atomic64_t steps;		/* clock steps done */
	atomic64_t refused;		/* samples refused */
	atomic64_t last_step_ms;
};

static int ts_host_now(struct ts_dev *ts, struct timespec64 *out)
{
	unsigned long flags;
	s64 host_ns;
	int rc;

	spin_lock_irqsave(&ts->lock, flags);
	rc = hvis_ts_host_now(&ts->st, ktime_get_raw_ns(), &host_ns);
	spin_unlock_irqrestore(&ts->lock, flags);
	if (rc == -ESTALE)
		pr_warn_once("TIMESYNC IC: Stale time stamp, no host sample in the last %llu s\n",
			     HVIS_TS_STALE_NS / NSEC_PER_SEC);
	if (rc)
		return rc;
	*out = ns_to_timespec64(host_ns);
	return 0;
}

static void ts_settime_fn(struct work_struct *work)
{
	struct ts_dev *ts = container_of(work, struct ts_dev, settime_work);
	struct timespec64 host, before;
	s64 step_ms;
	int rc;

	if (ts_host_now(ts, &host))
		return;
	ktime_get_real_ts64(&before);
	rc = do_settimeofday64(&host);
	step_ms = div_s64(timespec64_to_ns(&host) - timespec64_to_ns(&before), NSEC_PER_MSEC);
	if (rc) {
		dev_err_ratelimited(&ts->dev->dev, "TimeSync: setting the clock failed: %d\n", rc);
		return;
	}
	atomic64_inc(&ts->steps);
	atomic64_set(&ts->last_step_ms, step_ms);
	/* The host decides how often: at most a burst of lines, the counters keep the rest. */
	dev_info_ratelimited(&ts->dev->dev, "TimeSync: clock set to host time (step %lld ms)\n",
			     step_ms);
}

/* Host-triggered refusals share one limit: a burst of lines, then the counter. */
static DEFINE_RATELIMIT_STATE(ts_refuse_rs, 5 * HZ, 10);

/* Refuses a sample: counts it and logs one rate-limited line naming the field. */
static __printf(2, 3) u32 ts_refuse(struct ts_dev *ts, const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	atomic64_inc(&ts->refused);
	if (!__ratelimit(&ts_refuse_rs))
		return HV_E_FAIL;
	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	dev_err(&ts->dev->dev, "TimeSync: sample refused: %pV\n", &vaf);
	va_end(args);
	return HV_E_FAIL;
}

static u32 ts_handle(struct hvis_ic *ic, struct hvis_ic_view *msg)
{
	struct ts_dev *ts = ic->priv;
	struct hvis_ts_sample s;
	unsigned long flags;
	u64 now = ktime_get_raw_ns();
	u64 now_ref = 0;
	bool have_ref, step;
	int rc;

	have_ref = !hvis_vmbus_ref_counter(&now_ref);
	rc = hvis_ts_parse(msg, ic->srv, &s);
	if (rc == -ERANGE)
		return ts_refuse(ts, "parenttime out of range (before 1970 or after 2262)");
	if (rc)
		return ts_refuse(ts, "payload of %u bytes too short for message version %u.%u",
				 msg->data_len, ic->srv.major, ic->srv.minor);
	rc = hvis_ts_at_receipt(&s, have_ref, now_ref, &s.host_ns);
	if (rc == -ERANGE)
		return ts_refuse(ts, "vmreferencetime %llu ahead of the reference counter %llu",
				 s.vmref, now_ref);
	if (rc)
		return ts_refuse(ts, "vmreferencetime %llu is 600 s behind the counter %llu",
				 s.vmref, now_ref);
	spin_lock_irqsave(&ts->lock, flags);
	hvis_ts_record(&ts->st, &s, now);
	spin_unlock_irqrestore(&ts->lock, flags);

	step = s.flags & ICTIMESYNCFLAG_SYNC;
	if (step)
		atomic64_inc(&ts->syncs);
	else
		atomic64_inc(&ts->samples);
	if (!step && (s.flags & ICTIMESYNCFLAG_SAMPLE) && READ_ONCE(timesync_implicit))
		step = hvis_ts_implicit_step(ktime_get_real_ns(), s.host_ns);
	if (step)
		schedule_work(&ts->settime_work);
	return HV_S_OK;
}

static const struct hvis_ic_service ts_service = {
	.name = "TimeSync",
	.msgtype = ICMSGTYPE_TIMESYNC,
	.versions = ts_versions,
	.n_versions = ARRAY_SIZE(ts_versions),
	.min_data_len = sizeof(struct ictimesync_ref_data),	/* the shorter; parse checks v3 */
	.handle = ts_handle,
};

/* The PTP clock is read-only: chrony reads it, nobody steers it (hv_util.c). */
static int ts_ptp_gettime(struct ptp_clock_info *info, struct timespec64 *t)
{
	return ts_host_now(container_of(info, struct ts_dev, ptp_info), t);
}

static int ts_ptp_settime(struct ptp_clock_info *info, const struct timespec64 *t)
{
	return -EOPNOTSUPP;
}

static int ts_ptp_adjfine(struct ptp_clock_info *info, long delta)
{
	return -EOPNOTSUPP;
}

static int ts_ptp_adjtime(struct ptp_clock_info *info, s64 delta)
{
	return -EOPNOTSUPP;
}

static int ts_ptp_enable(struct ptp_clock_info *info, struct ptp_clock_request *req, int on)
{
	return -EOPNOTSUPP;
}

static const struct ptp_clock_info ts_ptp_template = {
	.owner = THIS_MODULE,
	.name = "hyperv",	/* distro udev rules link /dev/ptp_hyperv by this name */
	.gettime64 = ts_ptp_gettime,
	.settime64 = ts_ptp_settime,
	.adjfine = ts_ptp_adjfine,
	.adjtime = ts_ptp_adjtime,
	.enable = ts_ptp_enable,
};

static ssize_t timesync_show(struct device *d, struct device_attribute *attr, char *buf)
{
	struct hvis_ic *ic = hvis_ic_get(to_hvis_device(d));
	struct ts_dev *ts = ic->priv;

	return sysfs_emit(buf,
			  "syncs=%lld samples=%lld ptp=%d steps=%lld last_step_ms=%lld refused=%lld\n",
			  (long long)atomic64_read(&ts->syncs),
			  (long long)atomic64_read(&ts->samples),
			  ts->ptp ? ptp_clock_index(ts->ptp) : -1,
			  (long long)atomic64_read(&ts->steps),
			  (long long)atomic64_read(&ts->last_step_ms),
			  (long long)atomic64_read(&ts->refused));
}
static DEVICE_ATTR_RO(timesync);

static int ts_probe(struct hvis_device *dev, const struct hvis_device_id *id)
{
	struct ts_dev *ts;
	int rc;

	ts = kzalloc(sizeof(*ts), GFP_KERNEL);
	if (!ts)
		return -ENOMEM;
	ts->dev = dev;
	spin_lock_init(&ts->lock);
	INIT_WORK(&ts->settime_work, ts_settime_fn);
	ts->ptp_info = ts_ptp_template;
	ts->ptp = ptp_clock_register(&ts->ptp_info, &dev->dev);
	if (IS_ERR(ts->ptp)) {
		dev_err(&dev->dev, "TimeSync: cannot register PTP clock: %ld\n", PTR_ERR(ts->ptp));
		ts->ptp = NULL;
	}
	rc = hvis_ic_probe(dev, &ts_service, ts);
	if (rc)
		goto err_ptp;
	rc = device_create_file(&dev->dev, &dev_attr_timesync);
	if (rc)
		goto err_ic;
	return 0;

err_ic:
	hvis_ic_remove(dev);
err_ptp:
	if (ts->ptp)
		ptp_clock_unregister(ts->ptp);
	cancel_work_sync(&ts->settime_work);
	kfree(ts);
	return rc;
}

static void ts_remove(struct hvis_device *dev)
{
	struct ts_dev *ts = hvis_ic_get(dev)->priv;

	device_remove_file(&dev->dev, &dev_attr_timesync);
	/* The channel is closed first, so no new sample can schedule the work. */
	hvis_ic_remove(dev);
	cancel_work_sync(&ts->settime_work);
	if (ts->ptp)
		ptp_clock_unregister(ts->ptp);
	kfree(ts);
}

static const struct hvis_device_id ts_ids[] = {
	{ .guid = HV_TS_GUID },
	{ }
};

static struct hvis_driver ts_driver = {
	.name = "hvis_timesync",
	.id_table = ts_ids,
	.probe = ts_probe,
	.remove = ts_remove,
};
module_hvis_driver(ts_driver);

MODULE_ALIAS("vmbus:30e62795aed07b49adcee80ab0175caf");
MODULE_DESCRIPTION("hvis time synchronization integration component with PTP clock");
MODULE_LICENSE("GPL");
