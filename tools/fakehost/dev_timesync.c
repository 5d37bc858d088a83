// SPDX-License-Identifier: GPL-2.0-only
/*
 * dev_timesync.c: the time-sync IC (HV_TS_GUID).  Once negotiated the host sends one
 * SYNC (the guest steps its clock, as at boot on Hyper-V), then a SAMPLE every
 * sample period; `ctl timesync` sends another SYNC.  Payloads: ictimesync_ref_data
 * for message version 4.0, ictimesync_data before (include/linux/hyperv.h); host time
 * in 100 ns units since 1601 (WLTIMEDELTA); flags ICTIMESYNCFLAG_SYNC / _SAMPLE.
 * A v4.0 sample's vmreferencetime is the link's reference counter (refclock.c) read
 * together with the host time, as Hyper-V stamps it with the partition reference
 * time; `ctl timesync --age S` sends a sample taken S seconds ago, as a host that
 * held it that long would.  The guest answers each message in place
 * (drivers/hv/hv_util.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "dev_ic.h"
#include "dev_timesync.h"
#include "refclock.h"

static const struct ic_version ts_versions[] = { { 4, 0 }, { 3, 0 }, { 1, 0 } };

#define TS_DEFAULT_SAMPLE_MS	5000

struct ts_state {
	u32 sample_ms;
	u64 next_sample_ms;
	bool boot_sync_sent;
	u64 syncs, samples, acks, failed;
	u64 sent_us;			/* when the last message left */
	u64 last_vmref;			/* vmreferencetime of the last v4.0 message */
	u64 last_rtt_us;
	u8 last_flags;
};

static u64 clock_us(clockid_t id)
{
	struct timespec t;

	clock_gettime(id, &t);
	return (u64)t.tv_sec * 1000000u + (u64)t.tv_nsec / 1000u;
}

/* Host time as the wire wants it: 100 ns units since 1601. */
static u64 host_time_100ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	return WLTIMEDELTA + (u64)t.tv_sec * 10000000u + (u64)t.tv_nsec / 100u;
}

/* Sends a sample taken age_s seconds ago (0: now). */
static int ts_send(struct host_channel *ch, u8 flags, u32 age_s)
{
	struct ic_chan *ic = ch->priv;
	struct ts_state *ts = ch->dev->priv;
	u64 age = (u64)age_s * 10000000u;
	/* One instant: the guest's reference counter and the host's clock. */
	u64 ref = refclock_read(), parent = host_time_100ns();
	int ret;

	if (age > ref)
		return -ERANGE;		/* the VM is younger than that */
	ref -= age;
	parent -= age;
	if (ic->msg.major >= 4) {
		struct ictimesync_ref_data d = {};

		d.vmreferencetime = ref;
		d.flags = flags;
		d.stratum = 2;
		d.parenttime = parent;
		ret = ic_send(ch, ICMSGTYPE_TIMESYNC, &d, sizeof(d));
		if (!ret)
			ts->last_vmref = ref;
	} else {
		struct ictimesync_data d = {};

		d.flags = flags;
		d.parenttime = parent;
		ret = ic_send(ch, ICMSGTYPE_TIMESYNC, &d, sizeof(d));
	}
	if (ret)
		return ret;
	ts->sent_us = clock_us(CLOCK_MONOTONIC);
	ts->last_flags = flags;
	if (flags & ICTIMESYNCFLAG_SYNC) {
		ts->syncs++;
		host_event(ch->host, "TIMESYNC_SENT", "relid=%u flags=%u kind=sync age_s=%u",
			   ch->relid, flags, age_s);
	} else {
		ts->samples++;
	}
	return 0;
}

static void ts_response(struct host_channel *ch, const struct icmsg_hdr *hdr, const u8 *data,
			u32 len)
{
	struct ts_state *ts = ch->dev->priv;

	ts->acks++;
	ts->last_rtt_us = clock_us(CLOCK_MONOTONIC) - ts->sent_us;
	if (hdr->status != HV_S_OK)
		ts->failed++;
	/* SAMPLEs come every period: only SYNC answers and failures make events. */
	if ((ts->last_flags & ICTIMESYNCFLAG_SYNC) || hdr->status != HV_S_OK)
		host_event(ch->host, "TIMESYNC_ACK", "relid=%u flags=%u status=%#x rtt_us=%llu",
			   ch->relid, ts->last_flags, hdr->status,
			   (unsigned long long)ts->last_rtt_us);
}

static void ts_tick(struct host_channel *ch, u64 now_ms)
{
	struct ts_state *ts = ch->dev->priv;

	if (!ts->boot_sync_sent) {
		if (!ts_send(ch, ICTIMESYNCFLAG_SYNC, 0))
			ts->boot_sync_sent = true;
		ts->next_sample_ms = now_ms + ts->sample_ms;
		return;
	}
	if (now_ms < ts->next_sample_ms)
		return;
	ts->next_sample_ms = now_ms + ts->sample_ms;
	ts_send(ch, ICTIMESYNCFLAG_SAMPLE, 0);
}

/* The pump's message: a sample, as the host sends every few seconds anyway. */
static int ts_pump(struct host_channel *ch)
{
	return ts_send(ch, ICTIMESYNCFLAG_SAMPLE, 0);
}

static const struct ic_service ts_service = {
	.msgtype = ICMSGTYPE_TIMESYNC,
	.versions = ts_versions,
	.nversions = ARRAY_SIZE(ts_versions),
	.response = ts_response,
	.tick = ts_tick,
	.pump = ts_pump,
};

int dev_timesync_request(struct vmbus_host *h, bool sample, u32 sample_ms, u32 age_s)
{
	struct host_channel *ch = ic_find_channel(h, &dev_timesync_ops);
	struct ts_state *ts;

	if (!ch)
		return -ENOTCONN;
	ts = ch->dev->priv;
	if (sample_ms)
		ts->sample_ms = sample_ms;
	if (sample_ms)
		ts->next_sample_ms = h->now_ms + ts->sample_ms;
	return ts_send(ch, sample ? ICTIMESYNCFLAG_SAMPLE : ICTIMESYNCFLAG_SYNC, age_s);
}

static void ts_status(struct host_device *dev, char *buf, size_t len)
{
	struct ts_state *ts = dev->priv;

	snprintf(buf, len, "syncs=%llu samples=%llu acks=%llu failed=%llu rtt_us=%llu sample_ms=%u ref=%llu last_vmref=%llu",
		 (unsigned long long)ts->syncs, (unsigned long long)ts->samples,
		 (unsigned long long)ts->acks, (unsigned long long)ts->failed,
		 (unsigned long long)ts->last_rtt_us, ts->sample_ms,
		 (unsigned long long)refclock_read(), (unsigned long long)ts->last_vmref);
}

void dev_timesync_status(struct vmbus_host *h, char *buf, size_t len)
{
	struct host_device *d;

	for (d = h->devices; d; d = d->next) {
		if (d->ops == &dev_timesync_ops) {
			ts_status(d, buf, len);
			return;
		}
	}
	snprintf(buf, len, "no timesync device");
}

static int ts_create(struct host_device *dev)
{
	struct ts_state *ts = calloc(1, sizeof(*ts));

	if (!ts)
		return -ENOMEM;
	ts->sample_ms = TS_DEFAULT_SAMPLE_MS;
	dev->priv = ts;
	return 0;
}

static void ts_destroy(struct host_device *dev)
{
	free(dev->priv);
}

static int ts_open(struct host_channel *ch)
{
	struct ts_state *ts = ch->dev->priv;

	/* Every new connection is a boot (or resume): SYNC first. */
	ts->boot_sync_sent = false;
	return ic_open(ch, &ts_service);
}

const struct host_device_ops dev_timesync_ops = {
	.name = "timesync",
	.class_id = HV_TS_GUID,
	.create = ts_create,
	.destroy = ts_destroy,
	.open = ts_open,
	.packets = ic_packets,
	.close = ic_close,
	.tick = ic_tick,
	.pump = ic_pump,
	.status = ts_status,
};
