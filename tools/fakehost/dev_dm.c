// SPDX-License-Identifier: GPL-2.0-only
/*
 * dev_dm.c: the Dynamic Memory device (class "dm", HV_DM_GUID) on the host side.
 *
 * The guest opens the channel and starts the protocol (drivers/hv/hv_balloon.c):
 * VERSION_REQUEST (2.0, 1.0, 0.3 newest first) answered by VERSION_RESPONSE, then
 * CAPABILITIES_REPORT answered by CAPABILITIES_RESPONSE, then a STATUS_REPORT every
 * second.  The host drives the rest: BALLOON_REQUEST (the guest answers with
 * BALLOON_RESPONSE messages of page ranges, more_pages set on all but the last),
 * UNBALLOON_REQUEST (answered by UNBALLOON_RESPONSE), MEM_HOT_ADD_REQUEST (answered
 * by MEM_HOT_ADD_RESPONSE).  Message layouts: include/hvis/dm_proto.h.
 *
 * A connection's states (enum dm_state): OPEN -> NEGOTIATED (a version agreed) ->
 * READY (capabilities received; the host may send requests).  The table
 * dm_handlers[] below maps each guest message to its handler and says in which
 * states it is taken and which request it answers; anything else is a
 * DM_GUEST_ERROR event, never a crash.
 *
 * This file: the device's lifecycle (create, open, close, tick, status), draining its
 * channel and the protocol state machine with the handshake messages.  The requests
 * and their answers are in dm_requests.c, the fixed and dynamic policies in
 * dm_policy.c, `ctl memory` and `ctl dm` in dm_ctl.c; their shared state is struct
 * dm_dev (dm_dev.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include "dm_dev.h"

const char *const dm_state_names[] = { "open", "negotiated", "ready" };

void dm_error(struct dm_dev *d, struct vmbus_host *h, const char *what, const char *fmt, ...)
{
	char text[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	host_event(h, "DM_GUEST_ERROR", "what=%s %s", what, text);
}

int dm_send(struct host_channel *ch, void *msg, u16 type, u32 len, u32 trans_id)
{
	struct dm_header *hdr = msg;

	hdr->type = type;
	hdr->size = len;
	hdr->trans_id = trans_id;
	return host_chan_send(ch, VM_PKT_DATA_INBAND, 0, trans_id, msg, len);
}

/* ---- the handshake: version, capabilities, status reports ---- */

static bool version_ok(const struct dm_dev *d, u32 v)
{
	u32 i;

	for (i = 0; i < d->nversions; i++)
		if (d->versions[i] == v)
			return true;
	return false;
}

static void on_version(struct host_channel *ch, const void *msg)
{
	const struct dm_version_request *m = msg;
	struct dm_dev *d = dm_of(ch);
	struct dm_version_response r = {};
	bool last = m->flags & DM_VERSION_LAST_ATTEMPT, ok = version_ok(d, m->version);
	size_t n = strlen(d->tried);

	r.flags = ok ? DM_ACCEPTED : 0;
	dm_send(ch, &r, DM_VERSION_RESPONSE, sizeof(r), m->hdr.trans_id);
	if (ok) {
		d->negotiated = true;
		d->version = m->version;
		host_event(ch->host, "DM_VERSION_NEGOTIATED", "version=%u.%u relid=%u",
			   DM_VERSION_MAJOR(m->version), DM_VERSION_MINOR(m->version), ch->relid);
		return;
	}
	snprintf(d->tried + n, sizeof(d->tried) - n, "%s%u.%u", n ? "," : "",
		 DM_VERSION_MAJOR(m->version), DM_VERSION_MINOR(m->version));
	host_event(ch->host, "DM_VERSION_REFUSED", "version=%u.%u last=%d",
		   DM_VERSION_MAJOR(m->version), DM_VERSION_MINOR(m->version), last);
	/* Hyper-V's dmvsc event 2: the guest supports none of the host's versions. */
	if (last)
		host_event(ch->host, "DM_GUEST_UNSUPPORTED", "what=version guest=%s", d->tried);
}

static void on_caps(struct host_channel *ch, const void *msg)
{
	const struct dm_capabilities *m = msg;
	struct dm_dev *d = dm_of(ch);
	struct dm_capabilities_resp r = {};

	d->caps = m->caps;
	d->caps_done = true;
	r.flags = DM_ACCEPTED;
	dm_send(ch, &r, DM_CAPABILITIES_RESPONSE, sizeof(r), m->hdr.trans_id);
	host_event(ch->host, "DM_CAPABILITIES", "balloon=%d hot_add=%d alignment_mb=%u",
		   !!(m->caps & DM_CAP_BALLOON), !!(m->caps & DM_CAP_HOT_ADD),
		   1u << ((m->caps & DM_CAP_ALIGN_MASK) >> DM_CAP_ALIGN_SHIFT));
}

static void on_status(struct host_channel *ch, const void *msg)
{
	const struct dm_status *m = msg;
	struct dm_dev *d = dm_of(ch);

	d->avail = m->num_avail;
	d->committed = m->num_committed;
	d->stale = false;
	/* The first report, then every tenth: `dm status` counts them all. */
	if (d->status_reports++ % 10 == 0)
		host_event(ch->host, "DM_STATUS", "avail_mb=%llu committed_mb=%llu reports=%llu",
			   (unsigned long long)mib(m->num_avail),
			   (unsigned long long)mib(m->num_committed),
			   (unsigned long long)d->status_reports);
}

/* ---- the state machine ---- */

#define ST(s)	(1u << (s))
#define ST_ANY	(ST(DM_OPEN) | ST(DM_NEGOTIATED) | ST(DM_READY))

/*
 * The guest messages this host takes (each checked whole by dm_msg_check() first),
 * with the states they are taken in.  @answers: the request the message answers
 * (P_NONE: none); it is taken only while that request is pending or timed out with
 * nothing sent since (dm_answer_expected()).  Requests go out only in READY.
 * @refused: why it is not taken otherwise, in the DM_GUEST_ERROR what=state event.
 * STATUS_REPORT is taken in any state.  A valid guest message not listed (INFO_MESSAGE)
 * is read and ignored.
 */
static const struct dm_handler {
	u32 type;
	void (*handle)(struct host_channel *ch, const void *msg);
	u32 states;
	enum dm_pending answers;
	const char *refused;
} dm_handlers[] = {
	/* type, handle, states, answers, refused */
	{ DM_VERSION_REQUEST, on_version, ST(DM_OPEN), P_NONE, "already negotiated" },
	{ DM_CAPABILITIES_REPORT, on_caps, ST(DM_NEGOTIATED) | ST(DM_READY), P_NONE,
	  "no version yet" },
	{ DM_STATUS_REPORT, on_status, ST_ANY, P_NONE, NULL },
	{ DM_BALLOON_RESPONSE, dm_on_balloon_response, ST(DM_READY), P_BALLOON,
	  "no balloon request pending" },
	{ DM_UNBALLOON_RESPONSE, dm_on_unballoon_response, ST(DM_READY), P_UNBALLOON,
	  "no unballoon pending" },
	{ DM_MEM_HOT_ADD_RESPONSE, dm_on_hot_add_response, ST(DM_READY), P_HOT_ADD,
	  "no hot-add pending" },
};

static const struct dm_handler *dm_handler(u32 type)
{
	u32 i;

	for (i = 0; i < ARRAY_SIZE(dm_handlers); i++)
		if (dm_handlers[i].type == type)
			return &dm_handlers[i];
	return NULL;
}

static void one_packet(struct host_channel *ch, u32 len)
{
	const struct vmpacket_descriptor *desc = (const void *)ch->pkt_buf;
	struct dm_dev *d = dm_of(ch);
	const struct dm_handler *e;
	u32 off = desc->offset8 * 8u;
	u8 msg[DM_MSG_MAX + 8] __aligned(8);
	const char *why = "";
	int type;

	if (desc->type != VM_PKT_DATA_INBAND || len - off > sizeof(msg)) {
		dm_error(d, ch->host, "packet", "type=%u len=%u", desc->type, len - off);
		return;
	}
	memcpy(msg, ch->pkt_buf + off, len - off);
	type = dm_msg_check(msg, len - off, DM_FROM_GUEST, &why);
	if (type < 0) {
		struct dm_header hdr = {};

		memcpy(&hdr, msg, min(len - off, (u32)sizeof(hdr)));
		dm_error(d, ch->host, why, "msg=%s type=%u size=%u len=%u",
			 dm_msg_name(hdr.type), hdr.type, hdr.size, len - off);
		return;
	}
	e = dm_handler(type);
	if (!e)
		return;
	if (!(e->states & ST(dm_state(d))) ||
	    (e->answers != P_NONE && !dm_answer_expected(d, e->answers))) {
		dm_error(d, ch->host, "state", "msg=%s (%s)", dm_msg_name(type), e->refused);
		return;
	}
	e->handle(ch, msg);
}

static void dm_packets(struct host_channel *ch)
{
	bool more;
	int len;

	do {
		host_chan_read_begin(ch);
		while ((len = host_chan_peek(ch)) > 0) {
			one_packet(ch, len);
			host_chan_consume(ch, len);
		}
		more = host_chan_read_end(ch);
	} while (more && len != -EIO);
}

/* Once READY: the pending request's timeout, else the policy's next request. */
static void dm_tick(struct host_channel *ch, u64 now_ms)
{
	struct dm_dev *d = dm_of(ch);

	if (!d || ch->host->quiesced || dm_state(d) != DM_READY || !d->bitmap)
		return;
	if (dm_pending_tick(ch, now_ms))
		return;
	dm_policy_tick(ch, now_ms);
}

/* A new target (`ctl memory set`, `dm config`): decide now, not at the next tick. */
void dm_kick(struct dm_dev *d)
{
	if (d->ch)
		dm_tick(d->ch, d->ch->host->now_ms);
}

/* ---- open / close / lifetime ---- */

static void reset_conn(struct dm_dev *d)
{
	free(d->ranges);
	free(d->bitmap);
	d->ranges = NULL;
	d->bitmap = NULL;
	d->nranges = d->cap_ranges = 0;
	d->ch = NULL;
	d->version = 0;
	d->negotiated = d->caps_done = false;
	d->caps = 0;
	d->tried[0] = '\0';
	d->status_reports = d->avail = d->committed = 0;
	d->stale = false;
	d->shrink_ms = 0;
	d->ballooned = 0;
	d->pending = P_NONE;
	d->late = P_NONE;
	d->late_answer = false;
	d->timeouts = 0;
	d->last_timeout = P_NONE;
	d->ha_last_pages = 0;
	d->retry_ms = 0;
	d->ha_failures = 0;
	d->ha_stopped = d->ha_unsupported_logged = false;
}

static int dm_open(struct host_channel *ch)
{
	struct dm_dev *d = dm_of(ch);

	reset_conn(d);
	if (d->vm_gen != ch->host->vm_gen) {
		d->vm_gen = ch->host->vm_gen;
		d->hot_added = 0;
	}
	d->ha_base = d->hot_added;
	d->ch = ch;
	d->file_pages = ram_pages(ch->host);
	if (d->file_pages) {
		d->bitmap = calloc(1, (d->file_pages + 7) / 8);
		if (!d->bitmap)
			return -ENOMEM;
	}
	ch->priv = d;
	return 0;
}

static void dm_close(struct host_channel *ch)
{
	struct dm_dev *d = dm_of(ch);

	/*
	 * The guest keeps what it has: ballooned pages go back to it when its driver goes
	 * (or with its next reset); hot-added memory stays, and hot_added with it.
	 */
	if (d->ch == ch) {
		host_event(ch->host, "DM_CLOSED", "ballooned=%llu hot_added=%llu",
			   (unsigned long long)d->ballooned, (unsigned long long)d->hot_added);
		reset_conn(d);
	}
	ch->priv = NULL;
}

static int dm_create(struct host_device *dev)
{
	struct dm_dev *d = calloc(1, sizeof(*d));

	if (!d)
		return -ENOMEM;
	d->policy = POL_FIXED;
	d->buffer = 20;
	d->versions[0] = DM_VERSION_WIN10;
	d->versions[1] = DM_VERSION_WIN8;
	d->versions[2] = DM_VERSION_WIN7;
	d->nversions = 3;
	d->hot_add = true;
	d->batch = DM_RANGE_MAX_COUNT;	/* one request for the whole change */
	d->timeout_ms = DM_TIMEOUT_MS;
	dev->priv = d;
	return 0;
}

static void dm_destroy(struct host_device *dev)
{
	reset_conn(dev->priv);
	free(dev->priv);
}

static void dm_status_line(struct host_device *dev, char *buf, size_t len)
{
	struct dm_dev *d = dev->priv;
	struct vmbus_host *h = dev->host;

	snprintf(buf, len, "version=%u.%u policy=%s assigned_mb=%llu target_mb=%llu ballooned_mb=%llu hot_added_mb=%llu",
		 DM_VERSION_MAJOR(d->version), DM_VERSION_MINOR(d->version),
		 d->policy == POL_FIXED ? "fixed" : "dynamic",
		 (unsigned long long)mib(assigned(d, h)), (unsigned long long)mib(dm_target(d, h)),
		 (unsigned long long)mib(d->ballooned), (unsigned long long)mib(d->hot_added));
}

/*
 * The pump's messages (pump.c): 16 pages ballooned, then given back, one request at a
 * time (Hyper-V never has two outstanding); while one waits for its answer, an
 * INFO_MESSAGE with the largest page count the VM may have (hv_balloon.c
 * process_info), which needs none.
 */
static int dm_pump(struct host_channel *ch)
{
	struct dm_dev *d = dm_of(ch);
	struct {
		struct dm_info_msg m;
		struct dm_info_header h;
		u64 max_pages;
	} __packed info = {
		.m.info_size = sizeof(struct dm_info_header) + 8,
		.h = { .type = DM_INFO_TYPE_MAX_PAGE_CNT, .data_size = 8 },
		.max_pages = ram_pages(ch->host),
	};

	if (!d->caps_done)
		return -EAGAIN;
	if (d->pending != P_NONE)
		return dm_send(ch, &info, DM_INFO_MESSAGE, sizeof(info), 0);
	if (d->nranges)
		return dm_send_unballoon(ch, DM_PUMP_PAGES);
	return dm_send_balloon(ch, DM_PUMP_PAGES, false);
}

const struct host_device_ops dev_dm_ops = {
	.name = "dm",
	.class_id = HV_DM_GUID,
	.create = dm_create,
	.destroy = dm_destroy,
	.open = dm_open,
	.packets = dm_packets,
	.close = dm_close,
	.tick = dm_tick,
	.status = dm_status_line,
	.pump = dm_pump,
};
