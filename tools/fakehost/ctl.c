// SPDX-License-Identifier: GPL-2.0-only
/*
 * ctl.c: the control socket (server side, one command line per connection) and the
 * `hvis-fakehost ctl` client.  Reply: a first line "ok" or "error <text>", then the
 * command's output.  Commands and their output: docs/fakehost-ctl.md.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>
#include "dev_dm.h"
#include "dev_heartbeat.h"
#include "dev_shutdown.h"
#include "dev_timesync.h"
#include "dev_kvp.h"
#include "dev_vss.h"
#include "dev_fcopy.h"
#include "dev_echo.h"
#include "dev_nic.h"
#include "dev_video.h"
#include "migrate.h"
#include "storvsp.h"
#include "dev_ic.h"
#include "dev_input.h"
#include "fakehost.h"
#include "guid.h"
#include "hvsock.h"
#include "hostile.h"
#include "ctl_reply.h"
#include "pump.h"
#include "hvis/ic_proto.h"

#define CTL_LINE_MAX	1024
#define CTL_MAX_ARGS	32

/* ---- commands ---- */

struct ctl_cmd {
	struct fakehost *fh;
	FILE *out;		/* the command's output */
	char err[256];		/* set on failure */
	bool parked;		/* wait-event kept the connection */
	int fd;
};

static int fail(struct ctl_cmd *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct ctl_cmd *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->err, sizeof(c->err), fmt, ap);
	va_end(ap);
	return -1;
}

static bool parse_u64(const char *s, u64 *v)
{
	char *end;

	if (!s || !*s)
		return false;
	errno = 0;
	*v = strtoull(s, &end, 0);
	return !errno && !*end;
}

static void print_channel(FILE *out, const struct host_channel *ch)
{
	const struct host_chan_stats *s = &ch->stats;

	fprintf(out, "channel relid=%u class=%s sub=%u state=%s cpu=%u", ch->relid,
		ch->dev ? ch->dev->ops->name : "(rescinded)", ch->sub_index,
		host_chan_state_name(ch->state), ch->target_cpu);
	if (ch->state == CHAN_OPEN)
		fprintf(out, " gpadl=%#x in_ring=%u out_ring=%u", ch->gpadl, ch->in.data_size,
			ch->out.data_size);
	fprintf(out, " rx_packets=%llu rx_bytes=%llu tx_packets=%llu tx_bytes=%llu signals_in=%llu interrupts_out=%llu ring_full=%llu dropped=%llu holds=%llu monitor_id=%d monitor_in=%llu\n",
		(unsigned long long)s->rx_packets, (unsigned long long)s->rx_bytes,
		(unsigned long long)s->tx_packets, (unsigned long long)s->tx_bytes,
		(unsigned long long)s->signals_in, (unsigned long long)s->interrupts_out,
		(unsigned long long)s->ring_full, (unsigned long long)s->dropped,
		(unsigned long long)s->holds, ch->monitor_id, (unsigned long long)s->monitor_in);
}

static int cmd_status(struct ctl_cmd *c, int argc, char **argv)
{
	struct fakehost *fh = c->fh;
	struct vmbus_host *h = &fh->host;
	struct link *l = &fh->link;
	struct host_channel *ch;
	struct host_device *d;
	char v[128], nv[128];

	host_format_versions(h->versions, h->nversions, v, sizeof(v));
	host_format_versions(h->next_versions, h->next_nversions, nv, sizeof(nv));
	fprintf(c->out, "link qemu=%s guest=%s generation=%u cpus=%u vectors=%u delivered=%llu queued=%llu dropped=%llu interrupts=%llu\n",
		l->client_fd >= 0 ? "connected" : "waiting", l->attached ? "attached" : "detached",
		l->generation, l->guest_cpus, l->nvectors, (unsigned long long)l->delivered,
		(unsigned long long)l->queued, (unsigned long long)l->dropped,
		(unsigned long long)l->interrupts);
	fprintf(c->out, "vmbus state=%s version=%u.%u msg_cpu=%u versions=%s%s%s quiesced=%d\n",
		host_conn_state_name(h->state), VMBUS_VERSION_MAJOR(h->version),
		VMBUS_VERSION_MINOR(h->version), h->msg_cpu, v, *nv ? " next_versions=" : "", nv,
		h->quiesced);
	host_monitor_status(h, v, sizeof(v));
	fprintf(c->out, "%s\n", v);
	for (ch = h->channels; ch; ch = ch->next)
		print_channel(c->out, ch);
	for (d = h->devices; d; d = d->next) {
		char inst[GUID_TEXT_LEN], extra[400] = "";

		guid_to_text(&d->instance, inst);
		if (d->ops->status)
			d->ops->status(d, extra, sizeof(extra));
		fprintf(c->out, "device class=%s instance=%s subchannels=%u%s%s%s\n", d->ops->name,
			inst, d->subchannels, *extra ? " " : "", extra,
			host_monitor_wanted(h, d) ? " monitor=1" : "");
	}
	return 0;
}

static struct host_channel *primary_of(struct vmbus_host *h, struct host_device *d)
{
	struct host_channel *ch;

	for (ch = h->channels; ch; ch = ch->next)
		if (ch->dev == d && !ch->sub_index)
			return ch;
	return NULL;
}

static int cmd_list(struct ctl_cmd *c, int argc, char **argv)
{
	struct vmbus_host *h = &c->fh->host;
	struct host_device *d;

	for (d = h->devices; d; d = d->next) {
		struct host_channel *ch = primary_of(h, d);
		char cls[GUID_TEXT_LEN], inst[GUID_TEXT_LEN];
		char relid[16] = "-";

		guid_to_text(&d->ops->class_id, cls);
		guid_to_text(&d->instance, inst);
		if (ch)
			snprintf(relid, sizeof(relid), "%u", ch->relid);
		fprintf(c->out, "%s %s %s %s subchannels=%u state=%s\n", relid, d->ops->name, cls,
			inst, d->subchannels, ch ? host_chan_state_name(ch->state) : "not_offered");
	}
	return 0;
}

static int cmd_offer(struct ctl_cmd *c, int argc, char **argv)
{
	struct vmbus_host *h = &c->fh->host;
	const struct host_device_ops *ops;
	struct hvis_guid inst, *instp = NULL;
	struct host_device *d, *e;
	u32 flags = 0;
	u64 subs = 0;
	int i;

	if (argc < 2)
		return fail(c, "usage: offer TYPE [INSTANCE-GUID] [--subchannels N] [--monitor|--no-monitor]");
	ops = device_ops_by_name(argv[1]);
	if (!ops)
		return fail(c, "unknown device type %s (have %s)", argv[1], device_class_names());
	for (i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--subchannels") && i + 1 < argc) {
			if (!parse_u64(argv[++i], &subs) || subs > 64)
				return fail(c, "bad --subchannels %s (0..64)", argv[i]);
		} else if (!strcmp(argv[i], "--monitor")) {
			flags |= HOST_DEV_MONITOR;
		} else if (!strcmp(argv[i], "--no-monitor")) {
			flags |= HOST_DEV_NO_MONITOR;
		} else if (!instp && !guid_from_text(argv[i], &inst)) {
			instp = &inst;
		} else {
			return fail(c, "bad argument %s", argv[i]);
		}
	}
	for (e = h->devices; instp && e; e = e->next)
		if (!memcmp(&e->instance, instp, sizeof(inst)))
			return fail(c, "that instance is already configured");
	if (migrate_check_device(h, ops->name, c->err, sizeof(c->err)))
		return -1;
	d = host_add_device_flags(h, ops, instp, subs, flags);
	if (!d)
		return fail(c, "cannot add the device");
	if (primary_of(h, d))
		fprintf(c->out, "relid=%u\n", primary_of(h, d)->relid);
	else
		fprintf(c->out, "relid=none (offered on the guest's next REQUESTOFFERS)\n");
	return 0;
}

static int cmd_rescind(struct ctl_cmd *c, int argc, char **argv)
{
	u64 relid;

	if (argc != 2 || !parse_u64(argv[1], &relid) || relid > 0xffffffffu)
		return fail(c, "usage: rescind RELID");
	if (host_rescind(&c->fh->host, (u32)relid))
		return fail(c, "no live channel with relid %llu", (unsigned long long)relid);
	return 0;
}

/* `replug RELID`: the device is rescinded and offered again once the guest lets go. */
static int cmd_replug(struct ctl_cmd *c, int argc, char **argv)
{
	struct host_channel *ch;
	u64 relid;
	int ret;

	if (argc != 2 || !parse_u64(argv[1], &relid) || relid > 0xffffffffu)
		return fail(c, "usage: replug RELID (a device's primary channel)");
	ch = host_channel_by_relid(&c->fh->host, (u32)relid);
	if (!ch || !ch->dev || ch->sub_index)
		return fail(c, "relid %llu is not a device's primary channel",
			    (unsigned long long)relid);
	ret = host_replug(&c->fh->host, ch->dev);
	if (ret == -EBUSY)
		return fail(c, "a replug of that device is still waiting for the guest's release");
	if (ret)
		return fail(c, "no live channel with relid %llu", (unsigned long long)relid);
	fprintf(c->out, "rescinded relid=%llu class=%s: offered again on RELID_RELEASED\n",
		(unsigned long long)relid, ch->dev->ops->name);
	return 0;
}

/* `reoffer CLASS`: devices of CLASS the guest let go of unasked are offered again. */
static int cmd_reoffer(struct ctl_cmd *c, int argc, char **argv)
{
	const struct host_device_ops *ops = argc == 2 ? device_ops_by_name(argv[1]) : NULL;
	int n;

	if (!ops)
		return fail(c, "usage: reoffer CLASS (have %s)", device_class_names());
	n = host_reoffer_released(&c->fh->host, ops);
	if (n < 0)
		return fail(c, "the guest has not asked for offers");
	fprintf(c->out, "reoffered=%d\nrescinded_again=%d\n", n,
		host_rescind_again(&c->fh->host, ops));
	return 0;
}

/* `lost-offer RELID`: the guest never saw relid's offer; the device is offered anew. */
static int cmd_lost_offer(struct ctl_cmd *c, int argc, char **argv)
{
	u64 relid;
	int ret;

	if (argc != 2 || !parse_u64(argv[1], &relid) || relid > 0xffffffffu)
		return fail(c, "usage: lost-offer RELID (a device being replugged)");
	ret = host_offer_lost(&c->fh->host, (u32)relid);
	if (ret == -ENOENT)
		return fail(c, "relid %llu is not a device's primary channel",
			    (unsigned long long)relid);
	if (ret == -EINVAL)
		return fail(c, "relid %llu: no replug waits for the guest's release (use replug)",
			    (unsigned long long)relid);
	if (ret)
		return fail(c, "the guest has not asked for offers");
	fprintf(c->out, "relid %llu left reserved; its device offered again\n",
		(unsigned long long)relid);
	return 0;
}

static int cmd_shutdown(struct ctl_cmd *c, int argc, char **argv)
{
	u32 flags = !strcmp(argv[0], "reboot") ? IC_SHUTDOWN_FLAG_REBOOT :
						  IC_SHUTDOWN_FLAG_POWEROFF;
	int ret;

	if (argc > 1 && !strcmp(argv[1], "--force"))
		flags |= IC_SHUTDOWN_FLAG_FORCE;
	ret = dev_shutdown_request(&c->fh->host, flags);
	if (ret == -ENOTCONN)
		return fail(c, "no open shutdown channel with negotiated versions");
	if (ret)
		return fail(c, "sending the shutdown request failed: %s", strerror(-ret));
	return 0;
}

static int cmd_heartbeat(struct ctl_cmd *c, int argc, char **argv)
{
	char buf[200];

	dev_heartbeat_status(&c->fh->host, buf, sizeof(buf));
	fprintf(c->out, "%s\n", buf);
	return 0;
}

/* ic-bad-negotiate CLASS [COUNT]: NEGOTIATEs the guest cannot accept, to an open IC. */
static int cmd_ic_bad_negotiate(struct ctl_cmd *c, int argc, char **argv)
{
	static const struct {
		const char *name;
		const struct host_device_ops *ops;
	} ics[] = {
		{ "heartbeat", &dev_heartbeat_ops }, { "shutdown", &dev_shutdown_ops },
		{ "timesync", &dev_timesync_ops }, { "kvp", &dev_kvp_ops },
		{ "vss", &dev_vss_ops }, { "fcopy", &dev_fcopy_ops },
	};
	struct host_channel *ch = NULL;
	u64 count = 1, i;
	size_t k;
	int ret;

	if (argc < 2 || argc > 3 || (argc == 3 && (!parse_u64(argv[2], &count) || !count ||
						   count > 1000)))
		return fail(c, "usage: ic-bad-negotiate heartbeat|shutdown|timesync|kvp|vss|fcopy [COUNT 1..1000]");
	for (k = 0; k < ARRAY_SIZE(ics); k++)
		if (!strcmp(argv[1], ics[k].name))
			ch = ic_find_channel(&c->fh->host, ics[k].ops);
	if (!ch)
		return fail(c, "no open, negotiated %s channel", argv[1]);
	for (i = 0; i < count; i++) {
		ret = ic_send_unsupported_negotiate(ch);
		if (ret)
			return fail(c, "sent %llu of %llu: %s", (unsigned long long)i,
				    (unsigned long long)count, strerror(-ret));
	}
	fprintf(c->out, "sent=%llu\n", (unsigned long long)count);
	return 0;
}

static int cmd_timesync(struct ctl_cmd *c, int argc, char **argv)
{
	bool sample = false, status = false;
	u64 sample_ms = 0, age_s = 0;
	char buf[256];
	int i, ret;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--sample"))
			sample = true;
		else if (!strcmp(argv[i], "--status"))
			status = true;
		else if (!strcmp(argv[i], "--sample-ms") && i + 1 < argc &&
			 parse_u64(argv[i + 1], &sample_ms) && sample_ms && sample_ms < 3600000)
			i++;
		else if (!strcmp(argv[i], "--age") && i + 1 < argc &&
			 parse_u64(argv[i + 1], &age_s) && age_s < 3600)
			i++;
		else
			return fail(c, "usage: timesync [--sample] [--sample-ms N] [--age SECS] [--status]");
	}
	if (!status) {
		ret = dev_timesync_request(&c->fh->host, sample, (u32)sample_ms, (u32)age_s);
		if (ret == -ENOTCONN)
			return fail(c, "no open timesync channel with negotiated versions");
		if (ret == -ERANGE)
			return fail(c, "the guest's reference counter is younger than %llu s",
				    (unsigned long long)age_s);
		if (ret)
			return fail(c, "sending the time sample failed: %s", strerror(-ret));
	}
	dev_timesync_status(&c->fh->host, buf, sizeof(buf));
	fprintf(c->out, "%s\n", buf);
	return 0;
}

/* Parks the connection until event NAME with seq > since (as wait-event does). */
static int park(struct ctl_cmd *c, const char *name, u64 since, u64 timeout)
{
	struct ctl_waiter *w = calloc(1, sizeof(*w));

	if (!w)
		return fail(c, "out of memory");
	w->fd = c->fd;
	snprintf(w->name, sizeof(w->name), "%s", name);
	w->since = since;
	w->deadline_ms = fh_now_ms() + timeout * 1000;
	w->next = c->fh->waiters;
	c->fh->waiters = w;
	c->parked = true;
	return 0;
}

static int cmd_kvp(struct ctl_cmd *c, int argc, char **argv)
{
	u64 since = c->fh->ev.next_seq - 1;
	const char *err;
	int ret;

	if (argc == 2 && !strcmp(argv[1], "items")) {
		dev_kvp_items(&c->fh->host, c->out);
		return 0;
	}
	ret = dev_kvp_request(&c->fh->host, argc - 1, argv + 1, &err);
	if (ret == -EINVAL)
		return fail(c, "%s", err);
	if (ret == -ENOTCONN)
		return fail(c, "no open kvp channel with negotiated versions");
	if (ret == -EBUSY)
		return fail(c, "a kvp request is still waiting for the guest");
	if (ret)
		return fail(c, "sending the kvp request failed: %s", strerror(-ret));
	/* The reply is the KVP_RESULT event line. */
	return park(c, "KVP_RESULT", since, 60);
}

static int cmd_vss(struct ctl_cmd *c, int argc, char **argv)
{
	u64 since = c->fh->ev.next_seq - 1;
	struct host_device *d;
	char line[200];
	int ret;

	if (argc == 2 && !strcmp(argv[1], "status")) {
		for (d = c->fh->host.devices; d; d = d->next) {
			if (d->ops != &dev_vss_ops)
				continue;
			d->ops->status(d, line, sizeof(line));
			fprintf(c->out, "%s\n", line);
			return 0;
		}
		return fail(c, "no vss device configured");
	}
	ret = dev_vss_request(&c->fh->host, argc - 1, argv + 1);
	if (ret == -EINVAL)
		return fail(c, "usage: vss freeze|thaw|hot-backup|dm-info|bad-op|status");
	if (ret == -ENOTCONN)
		return fail(c, "no open vss channel with negotiated versions");
	if (ret == -EBUSY)
		return fail(c, "a vss request is still waiting for the guest");
	if (ret)
		return fail(c, "sending the vss request failed: %s", strerror(-ret));
	/* The reply is the VSS_RESULT event line; a guest FREEZE may take a while. */
	return park(c, "VSS_RESULT", since, 120);
}

static int cmd_copy_file(struct ctl_cmd *c, int argc, char **argv)
{
	u64 since = c->fh->ev.next_seq - 1;
	const char *err;
	int ret;

	ret = dev_fcopy_start(&c->fh->host, argc - 1, argv + 1, &err);
	if (ret == -EINVAL || ret == -ENOENT)
		return fail(c, "%s", err);
	if (ret == -ENOTCONN)
		return fail(c, "no open fcopy channel with negotiated versions");
	if (ret == -EBUSY)
		return fail(c, "a file copy is still running");
	if (ret)
		return fail(c, "starting the copy failed: %s", strerror(-ret));
	/* The reply is the FCOPY_RESULT event line (100 MiB under TCG takes minutes). */
	return park(c, "FCOPY_RESULT", since, 1200);
}

static int cmd_events(struct ctl_cmd *c, int argc, char **argv)
{
	struct event_log *ev = &c->fh->ev;
	u64 since = 0, seq;

	if (argc > 2 || (argc == 2 && !parse_u64(argv[1], &since)))
		return fail(c, "usage: events [SINCE]");
	seq = since + 1 > ev->first_seq ? since + 1 : ev->first_seq;
	for (; seq < ev->next_seq; seq++) {
		const char *line = events_line(ev, seq);

		if (line)
			fprintf(c->out, "%s\n", line);
	}
	return 0;
}

static int cmd_wait_event(struct ctl_cmd *c, int argc, char **argv)
{
	struct fakehost *fh = c->fh;
	u64 since = 0, timeout = 30, seq;
	struct ctl_waiter *w;
	int i;

	if (argc < 2 || strlen(argv[1]) >= sizeof(w->name))
		return fail(c, "usage: wait-event NAME [--since N] [--timeout SECONDS]");
	for (i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--since") && i + 1 < argc && parse_u64(argv[i + 1], &since))
			i++;
		else if (!strcmp(argv[i], "--timeout") && i + 1 < argc &&
			 parse_u64(argv[i + 1], &timeout))
			i++;
		else
			return fail(c, "bad argument %s", argv[i]);
	}
	seq = events_find(&fh->ev, argv[1], since);
	if (seq) {
		fprintf(c->out, "%s\n", events_line(&fh->ev, seq));
		return 0;
	}
	w = calloc(1, sizeof(*w));
	if (!w)
		return fail(c, "out of memory");
	w->fd = c->fd;
	strcpy(w->name, argv[1]);
	w->since = since;
	w->deadline_ms = fh_now_ms() + timeout * 1000;
	w->next = fh->waiters;
	fh->waiters = w;
	c->parked = true;
	return 0;
}

/* The echo device: `echo-stats RELID`, `echo-freeze RELID on|off` (dev_echo.c). */
static int cmd_echo(struct ctl_cmd *c, int argc, char **argv)
{
	return dev_echo_ctl(&c->fh->host, argc, argv, c->out, c->err, sizeof(c->err));
}

/* Malformed host->guest messages; the guest must log and drop each. */
static int cmd_inject(struct ctl_cmd *c, int argc, char **argv)
{
	struct fakehost *fh = c->fh;
	u8 msg[HV_MESSAGE_PAYLOAD_BYTES] __aligned(8) = {};
	struct vmbus_channel_message_header *hdr = (void *)msg;
	const char *kind = argc > 1 ? argv[1] : "";
	u32 len, payload_size, u;
	int ret;

	if (!strcmp(kind, "lose-open-result")) {
		/* Not a message: the next successful open is never answered. */
		fh->host.lose_open_results++;
		events_addf(&fh->ev, "INJECTED", "kind=%s", kind);
		return 0;
	}
	if (!strcmp(kind, "short-offer") || !strcmp(kind, "bad-size")) {
		/* An OFFERCHANNEL cut to 100 of its 196 bytes. */
		hdr->msgtype = CHANNELMSG_OFFERCHANNEL;
		len = 100;
	} else if (!strcmp(kind, "oversize")) {
		/* A SynIC header that claims 241 payload bytes of a 240-byte slot. */
		struct vmbus_channel_rescind_offer *r = (void *)msg;

		r->header.msgtype = CHANNELMSG_RESCIND_CHANNELOFFER;
		r->child_relid = 0xffff;
		len = HV_MESSAGE_PAYLOAD_BYTES;
	} else if (!strcmp(kind, "unknown-msg") || !strcmp(kind, "unknown-type")) {
		hdr->msgtype = 99;
		len = sizeof(*hdr);
	} else if (!strcmp(kind, "bad-relid")) {
		struct vmbus_channel_rescind_offer *r = (void *)msg;

		r->header.msgtype = CHANNELMSG_RESCIND_CHANNELOFFER;
		r->child_relid = 0xffff;
		len = sizeof(*r);
	} else if (!strcmp(kind, "bad-gpadl-torndown") || !strcmp(kind, "bad-gpadl")) {
		struct vmbus_channel_gpadl_torndown *t = (void *)msg;

		t->header.msgtype = CHANNELMSG_GPADL_TORNDOWN;
		t->gpadl = 0xdeadbeef;
		len = sizeof(*t);
	} else {
		return fail(c, "usage: inject short-offer|bad-size|oversize|unknown-msg|"
			    "unknown-type|bad-relid|bad-gpadl-torndown|bad-gpadl|"
			    "lose-open-result");
	}
	payload_size = !strcmp(kind, "oversize") ? HV_MESSAGE_PAYLOAD_BYTES + 1 : len;
	u = fh->host.msg_cpu;
	ret = link_send(&fh->link, u, msg, len, (u8)payload_size);
	if (ret)
		return fail(c, "guest not attached (cpu %u): %s", u, strerror(-ret));
	events_addf(&fh->ev, "INJECTED", "kind=%s msgtype=%u payload_size=%u cpu=%u", kind,
		    hdr->msgtype, payload_size, u);
	return 0;
}

static int cmd_versions(struct ctl_cmd *c, int argc, char **argv)
{
	struct vmbus_host *h = &c->fh->host;
	u32 v[HOST_MAX_VERSIONS], n;

	if (argc != 2 || host_parse_versions(argv[1], v, &n))
		return fail(c, "usage: versions MAJOR.MINOR[,MAJOR.MINOR...]");
	memcpy(h->next_versions, v, sizeof(v));
	h->next_nversions = n;
	if (h->state == HOST_DISCONNECTED) {
		host_set_versions(h, v, n);
		h->next_nversions = 0;
	}
	return 0;
}

/* Dynamic Memory: `memory set SIZE`, `dm status|config|inject` (dm_ctl.c). */
static int cmd_memory(struct ctl_cmd *c, int argc, char **argv)
{
	return dev_dm_ctl_memory(&c->fh->host, argc, argv, c->out, c->err, sizeof(c->err));
}

static int cmd_dm(struct ctl_cmd *c, int argc, char **argv)
{
	return dev_dm_ctl_dm(&c->fh->host, argc, argv, c->out, c->err, sizeof(c->err));
}

/* `pump on|off CLASS[,CLASS...]`, `pump status` (pump.c). */
static int cmd_pump(struct ctl_cmd *c, int argc, char **argv)
{
	return pump_ctl(&c->fh->host, argc, argv, c->out, c->err, sizeof(c->err));
}

/* Synthetic NIC: `nic status|link|host-ip|mac|send` (dev_nic.c). */
static int cmd_nic(struct ctl_cmd *c, int argc, char **argv)
{
	return dev_nic_ctl(&c->fh->host, argc, argv, c->out, c->err, sizeof(c->err));
}

/* Storage: `disk add|remove|resize|list|stats|bad` (storvsp_ctl.c). */
static int cmd_disk(struct ctl_cmd *c, int argc, char **argv)
{
	return dev_storvsp_ctl(&c->fh->host, argc, argv, c->out, c->err, sizeof(c->err));
}

/* Synthetic video: `screen`, `screenshot FILE.png`, `video-inject KIND` (dev_video.c). */
static int cmd_video(struct ctl_cmd *c, int argc, char **argv)
{
	return dev_video_ctl(&c->fh->host, argc, argv, c->out, c->err, sizeof(c->err));
}

/*
 * Simulated live migration (migrate.c): answers when the blackout is over and the
 * host has sent what follows it (the MIGRATE_DONE event line).
 */
static int cmd_migrate(struct ctl_cmd *c, int argc, char **argv)
{
	u64 since = c->fh->ev.next_seq - 1;
	int ret = migrate_ctl(&c->fh->host, argc, argv, c->out, c->err, sizeof(c->err));

	if (ret <= 0)
		return ret;
	return park(c, "MIGRATE_DONE", since, MIGRATE_MAX_BLACKOUT_MS / 1000 + 30);
}

/* The console's keyboard and mouse: `key ...`, `mouse ...` (input_ctl.c). */
static int cmd_key(struct ctl_cmd *c, int argc, char **argv)
{
	return input_ctl_key(&c->fh->host, argc, argv, c->out, c->err, sizeof(c->err));
}

static int cmd_mouse(struct ctl_cmd *c, int argc, char **argv)
{
	return input_ctl_mouse(&c->fh->host, argc, argv, c->out, c->err, sizeof(c->err));
}

/* Hyper-V sockets: `hvsock [list|expose|unexpose]`, `hvsock-inject` (hvsock_ctl.c). */
static int cmd_hvsock(struct ctl_cmd *c, int argc, char **argv)
{
	return hvsock_ctl(&c->fh->host, argc, argv, c->out, c->err, sizeof(c->err));
}

static int cmd_hvsock_inject(struct ctl_cmd *c, int argc, char **argv)
{
	return hvsock_ctl_inject(&c->fh->host, argc, argv, c->out, c->err, sizeof(c->err));
}

/* `nmi` (QMP inject-nmi), `crash-log [FILE]` (crash_log.c). */
static int cmd_crash(struct ctl_cmd *c, int argc, char **argv)
{
	return crash_ctl(&c->fh->crash, argc, argv, c->out, c->err, sizeof(c->err));
}

/* `hostile on SEED[,RATE] ... | off | status` (hostile_ctl.c, docs/hostile.md). */
static int cmd_hostile(struct ctl_cmd *c, int argc, char **argv)
{
	return hostile_ctl(&c->fh->host, &c->fh->ev, argc, argv, c->out, c->err, sizeof(c->err));
}

static const struct {
	const char *name;
	int (*fn)(struct ctl_cmd *c, int argc, char **argv);
} commands[] = {
	{ "hostile", cmd_hostile },
	{ "status", cmd_status },
	{ "list", cmd_list },
	{ "offer", cmd_offer },
	{ "rescind", cmd_rescind },
	{ "replug", cmd_replug },
	{ "reoffer", cmd_reoffer },
	{ "lost-offer", cmd_lost_offer },
	{ "shutdown", cmd_shutdown },
	{ "reboot", cmd_shutdown },
	{ "heartbeat", cmd_heartbeat },
	{ "ic-bad-negotiate", cmd_ic_bad_negotiate },
	{ "timesync", cmd_timesync },
	{ "kvp", cmd_kvp },
	{ "vss", cmd_vss },
	{ "copy-file", cmd_copy_file },
	{ "events", cmd_events },
	{ "wait-event", cmd_wait_event },
	{ "echo-stats", cmd_echo },
	{ "echo-freeze", cmd_echo },
	{ "inject", cmd_inject },
	{ "versions", cmd_versions },
	{ "memory", cmd_memory },
	{ "dm", cmd_dm },
	{ "pump", cmd_pump },
	{ "nic", cmd_nic },
	{ "disk", cmd_disk },
	{ "migrate", cmd_migrate },
	{ "key", cmd_key },
	{ "mouse", cmd_mouse },
	{ "screen", cmd_video },
	{ "screenshot", cmd_video },
	{ "video-inject", cmd_video },
	{ "hvsock", cmd_hvsock },
	{ "hvsock-inject", cmd_hvsock_inject },
	{ "nmi", cmd_crash },
	{ "crash-log", cmd_crash },
};

static void reply(int fd, const char *err, const char *body, size_t len)
{
	char line[640];		/* "error ", the longest error text (a waiter's 600), "\n" */

	if (err)
		snprintf(line, sizeof(line), "error %s\n", err);
	else
		snprintf(line, sizeof(line), "ok\n");
	ctl_write_all(fd, line, strlen(line));
	if (body && len)
		ctl_write_all(fd, body, len);
}

static void execute(struct fakehost *fh, int fd, char *line)
{
	struct ctl_cmd c = { .fh = fh, .fd = fd };
	char *argv[CTL_MAX_ARGS], *save = NULL, *tok, *body = NULL;
	size_t body_len = 0;
	unsigned int i;
	int argc = 0, ret = -1;

	for (tok = strtok_r(line, " \t\r\n", &save); tok && argc < CTL_MAX_ARGS;
	     tok = strtok_r(NULL, " \t\r\n", &save))
		argv[argc++] = tok;
	c.out = open_memstream(&body, &body_len);
	if (!c.out) {
		reply(fd, "out of memory", NULL, 0);
		close(fd);
		return;
	}
	if (!argc) {
		fail(&c, "empty command");
	} else {
		for (i = 0; i < ARRAY_SIZE(commands); i++)
			if (!strcmp(argv[0], commands[i].name))
				break;
		if (i == ARRAY_SIZE(commands))
			fail(&c, "unknown command %s", argv[0]);
		else
			ret = commands[i].fn(&c, argc, argv);
	}
	fclose(c.out);
	if (fh->verbose)
		fprintf(stderr, "fakehost: ctl %s -> %s\n", argc ? argv[0] : "", ret ? c.err : "ok");
	if (!c.parked) {
		reply(fd, ret ? c.err : NULL, body, body_len);
		close(fd);
	}
	free(body);
}

/* ---- server ---- */

int ctl_listen(struct fakehost *fh)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };

	if (strlen(fh->ctl_path) >= sizeof(addr.sun_path))
		return -ENAMETOOLONG;
	strcpy(addr.sun_path, fh->ctl_path);
	unlink(fh->ctl_path);
	fh->ctl_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fh->ctl_fd < 0)
		return -errno;
	if (bind(fh->ctl_fd, (struct sockaddr *)&addr, sizeof(addr)) || listen(fh->ctl_fd, 64))
		return -errno;
	return 0;
}

void ctl_accept(struct fakehost *fh)
{
	struct timeval tv = { .tv_sec = 2 };
	char line[CTL_LINE_MAX];
	size_t len = 0;
	int fd;

	while ((fd = accept4(fh->ctl_fd, NULL, NULL, SOCK_CLOEXEC)) >= 0) {
		/* Clients send their line at once; a silent one is dropped after 2 s. */
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		len = 0;
		while (len < sizeof(line) - 1) {
			ssize_t n = read(fd, line + len, sizeof(line) - 1 - len);

			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				break;
			len += n;
			if (memchr(line + len - n, '\n', n))
				break;
		}
		line[len] = '\0';
		execute(fh, fd, line);
	}
}

int ctl_check_waiters(struct fakehost *fh, u64 now_ms)
{
	struct ctl_waiter **pp = &fh->waiters, *w;
	int next = -1;

	while ((w = *pp)) {
		u64 seq = events_find(&fh->ev, w->name, w->since);
		char buf[600];

		if (seq) {
			snprintf(buf, sizeof(buf), "%s\n", events_line(&fh->ev, seq));
			reply(w->fd, NULL, buf, strlen(buf));
		} else if (now_ms >= w->deadline_ms) {
			snprintf(buf, sizeof(buf), "timeout waiting for %s", w->name);
			reply(w->fd, buf, NULL, 0);
		} else {
			u64 left = w->deadline_ms - now_ms;

			if (next < 0 || left < (u64)next)
				next = left > 60000 ? 60000 : (int)left;
			pp = &w->next;
			continue;
		}
		close(w->fd);
		*pp = w->next;
		free(w);
	}
	return next;
}

void ctl_close(struct fakehost *fh)
{
	struct ctl_waiter *w;

	while ((w = fh->waiters)) {
		fh->waiters = w->next;
		reply(w->fd, "fake host exiting", NULL, 0);
		close(w->fd);
		free(w);
	}
	if (fh->ctl_fd >= 0) {
		close(fh->ctl_fd);
		unlink(fh->ctl_path);
	}
}
