// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmbus_host.c: the VMBus host state machine (see vmbus_host.h).  One dispatcher,
 * host_handle_message(), checks each guest message against the message table in
 * lib/vmbus_msg.c and calls one handle_<message>() per type.  Protocol facts:
 * include/linux/hyperv.h (messages, versions), drivers/hv/connection.c (version
 * negotiation, connection ids), drivers/hv/channel_mgmt.c (offers, rescind, unload),
 * drivers/hv/channel.c (GPADLs, open, close).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include "vmbus_host.h"
#include "vmbus_msg.h"

/* NTSTATUS STATUS_UNSUCCESSFUL: what the host puts in a failed open/GPADL/modify. */
#define HOST_STATUS_FAIL	0xc0000001u
#define HOST_MAX_GPADLS		4096u
#define ERR_BURST		20u	/* GUEST_ERROR events per second, then suppressed */

static const u32 default_versions[] = {
	VERSION_WIN10_V5_3, VERSION_WIN10_V5_2, VERSION_WIN10_V5_1, VERSION_WIN10_V5,
	VERSION_WIN10_V4_1, VERSION_WIN10, VERSION_WIN8_1, VERSION_WIN8,
};

/* ---- events ---- */

void host_event(struct vmbus_host *h, const char *name, const char *fmt, ...)
{
	char text[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	h->notify->event(h->ctx, name, text);
}

void host_guest_error(struct vmbus_host *h, const char *what, const char *fmt, ...)
{
	char text[400];
	size_t n;
	va_list ap;

	if (h->now_ms - h->err_window_start >= 1000 || h->now_ms < h->err_window_start) {
		h->err_window_start = h->now_ms;
		h->err_in_window = 0;
	}
	if (h->err_in_window++ >= ERR_BURST) {
		h->err_suppressed++;
		return;
	}
	n = snprintf(text, sizeof(text), "what=%s", what);
	if (fmt && *fmt && n < sizeof(text) - 1) {
		text[n++] = ' ';
		va_start(ap, fmt);
		vsnprintf(text + n, sizeof(text) - n, fmt, ap);
		va_end(ap);
	}
	if (h->err_suppressed) {
		n = strlen(text);
		snprintf(text + n, sizeof(text) - n, " suppressed=%llu",
			 (unsigned long long)h->err_suppressed);
		h->err_suppressed = 0;
	}
	h->notify->event(h->ctx, "GUEST_ERROR", text);
}

static void send_msg(struct vmbus_host *h, const void *msg, u32 len)
{
	h->notify->send_msg(h->ctx, h->msg_cpu, msg, len);
}

void host_send_raw(struct vmbus_host *h, const void *msg, u32 len)
{
	send_msg(h, msg, len);
}

/* ---- versions ---- */

int host_parse_versions(const char *list, u32 *out, u32 *n)
{
	const char *p = list;

	*n = 0;
	while (*p) {
		unsigned int maj, min;
		int used;

		if (*n == HOST_MAX_VERSIONS || sscanf(p, "%u.%u%n", &maj, &min, &used) != 2 ||
		    maj > 0xffff || min > 0xffff)
			return -EINVAL;
		out[(*n)++] = VMBUS_MAKE_VERSION(maj, min);
		p += used;
		if (*p == ',')
			p++;
		else if (*p)
			return -EINVAL;
	}
	return *n ? 0 : -EINVAL;
}

void host_set_versions(struct vmbus_host *h, const u32 *v, u32 n)
{
	memcpy(h->versions, v, n * sizeof(*v));
	h->nversions = n;
}

void host_format_versions(const u32 *v, u32 n, char *buf, size_t len)
{
	size_t off = 0;
	u32 i;

	buf[0] = '\0';
	for (i = 0; i < n && off < len; i++)
		off += snprintf(buf + off, len - off, "%s%u.%u", i ? "," : "",
				VMBUS_VERSION_MAJOR(v[i]), VMBUS_VERSION_MINOR(v[i]));
}

static bool version_accepted(const struct vmbus_host *h, u32 version)
{
	u32 i;

	for (i = 0; i < h->nversions; i++)
		if (h->versions[i] == version)
			return true;
	return false;
}

/* ---- lookups ---- */

const char *host_chan_state_name(enum host_chan_state s)
{
	switch (s) {
	case CHAN_OFFERED: return "offered";
	case CHAN_OPEN: return "open";
	case CHAN_CLOSED: return "closed";
	case CHAN_REVOKED: return "revoked";
	}
	return "?";
}

const char *host_conn_state_name(enum host_conn_state s)
{
	switch (s) {
	case HOST_DISCONNECTED: return "disconnected";
	case HOST_CONNECTED: return "connected";
	case HOST_OFFERS_SENT: return "offers_sent";
	}
	return "?";
}

struct host_channel *host_channel_by_relid(struct vmbus_host *h, u32 relid)
{
	struct host_channel *ch;

	for (ch = h->channels; ch; ch = ch->next)
		if (ch->relid == relid)
			return ch;
	return NULL;
}

static struct host_gpadl *gpadl_by_id(struct vmbus_host *h, u32 id)
{
	struct host_gpadl *g;

	for (g = h->gpadls; g; g = g->next)
		if (g->id == id)
			return g;
	return NULL;
}

static void gpadl_remove(struct vmbus_host *h, struct host_gpadl *g)
{
	struct host_gpadl **pp;

	for (pp = &h->gpadls; *pp; pp = &(*pp)->next) {
		if (*pp == g) {
			*pp = g->next;
			gpadl_free(g);
			return;
		}
	}
}

static u32 gpadl_count(const struct vmbus_host *h)
{
	const struct host_gpadl *g;
	u32 n = 0;

	for (g = h->gpadls; g; g = g->next)
		n++;
	return n;
}

/* ---- init, reset ---- */

void host_init(struct vmbus_host *h, const struct host_notifier_ops *notify, void *ctx)
{
	memset(h, 0, sizeof(*h));
	h->notify = notify;
	h->ctx = ctx;
	h->guest_cpus = 1;
	h->next_relid = 1;
	h->heartbeat_ms = 1000;
	host_set_versions(h, default_versions, ARRAY_SIZE(default_versions));
}

static void send_torndown(struct vmbus_host *h, struct host_gpadl *g)
{
	struct vmbus_channel_gpadl_torndown msg = {
		.header.msgtype = CHANNELMSG_GPADL_TORNDOWN,
		.gpadl = g->id,
	};

	host_event(h, "GPADL_TORNDOWN", "gpadl=%#x relid=%u", g->id, g->relid);
	send_msg(h, &msg, sizeof(msg));
	gpadl_remove(h, g);
}

/* Stops the device and unmaps the rings of an open channel. */
static void close_channel(struct host_channel *ch, bool reply_teardown)
{
	struct vmbus_host *h = ch->host;
	struct host_gpadl *g;

	if (ch->state != CHAN_OPEN)
		return;
	ch->dev->ops->close(ch);
	ch->priv = NULL;
	host_chan_unmap_rings(ch);
	g = gpadl_by_id(h, ch->gpadl);
	if (g && g->in_use)
		g->in_use--;
	if (g && reply_teardown && g->state == GPADL_TEARING_DOWN && !g->in_use)
		send_torndown(h, g);
	ch->state = CHAN_CLOSED;
}

static void free_channels(struct vmbus_host *h)
{
	struct host_channel *ch;

	while ((ch = h->channels)) {
		h->channels = ch->next;
		close_channel(ch, false);
		free(ch);
	}
}

static void free_gpadls(struct vmbus_host *h)
{
	struct host_gpadl *g;

	while ((g = h->gpadls)) {
		h->gpadls = g->next;
		gpadl_free(g);
	}
}

void host_reset(struct vmbus_host *h, const char *why)
{
	bool had_state = h->state != HOST_DISCONNECTED || h->channels || h->gpadls;

	free_channels(h);
	free_gpadls(h);
	h->state = HOST_DISCONNECTED;
	h->version = 0;
	h->msg_cpu = 0;
	h->next_relid = 1;
	h->quiesced = false;
	memset(h->unloaded_relids, 0, sizeof(h->unloaded_relids));
	if (h->next_nversions) {
		host_set_versions(h, h->next_versions, h->next_nversions);
		h->next_nversions = 0;
	}
	if (had_state)
		host_event(h, "VMBUS_RESET", "reason=%s", why);
}

void host_uninit(struct vmbus_host *h)
{
	struct host_device *d;

	free_channels(h);
	free_gpadls(h);
	while ((d = h->devices)) {
		h->devices = d->next;
		if (d->ops->destroy)
			d->ops->destroy(d);
		free(d);
	}
}

/* ---- offers ---- */

/* The lowest monitorid no live channel holds, or -1 when all 128 are taken. */
static int free_monitor_id(const struct vmbus_host *h)
{
	bool used[VMBUS_MAX_MONITOR_ID + 1] = {};
	const struct host_channel *ch;
	int id;

	for (ch = h->channels; ch; ch = ch->next)
		if (ch->monitor_id >= 0)
			used[ch->monitor_id] = true;
	for (id = 0; id <= VMBUS_MAX_MONITOR_ID; id++)
		if (!used[id])
			return id;
	return -1;
}

static void offer_channel(struct vmbus_host *h, struct host_device *dev, u16 sub_index)
{
	struct vmbus_channel_offer_channel msg = {};
	struct host_channel *ch, **pp;

	if (h->next_relid >= VMBUS_MAX_CHANNEL_RELIDS) {
		host_event(h, "OFFER_FAILED", "class=%s reason=relids_exhausted", dev->ops->name);
		return;
	}
	ch = calloc(1, sizeof(*ch));
	if (!ch)
		return;
	ch->host = h;
	ch->dev = dev;
	ch->relid = h->next_relid++;
	ch->conn_id = ch->relid;	/* hvis's choice: a channel signals on its relid */
	ch->sub_index = sub_index;
	ch->state = CHAN_OFFERED;
	ch->target_cpu = h->msg_cpu;
	ch->monitor_id = -1;
	for (pp = &h->channels; *pp; pp = &(*pp)->next)
		;
	*pp = ch;

	msg.header.msgtype = CHANNELMSG_OFFERCHANNEL;
	msg.offer.if_type = dev->ops->class_id;
	msg.offer.if_instance = dev->instance;
	msg.offer.sub_channel_index = sub_index;
	if (dev->ops->fill_offer)
		dev->ops->fill_offer(dev, &msg.offer);
	msg.child_relid = ch->relid;
	ch->monitor_id = dev->monitor ? free_monitor_id(h) : -1;
	if (ch->monitor_id >= 0) {
		/*
		 * Only the offer says so: the host never scans the monitor pages, and the
		 * guest signals every time anyway (drivers/hv/connection.c vmbus_set_event).
		 */
		msg.monitorid = (u8)ch->monitor_id;
		msg.monitor_allocated = 1;
	}
	msg.is_dedicated_interrupt = 1;
	msg.connection_id = ch->conn_id;
	host_event(h, "OFFER_SENT", "relid=%u class=%s sub=%u", ch->relid, dev->ops->name,
		   sub_index);
	send_msg(h, &msg, sizeof(msg));
}

static bool instance_in_use(const struct vmbus_host *h, const struct hvis_guid *instance)
{
	const struct host_device *d;

	for (d = h->devices; d; d = d->next)
		if (!memcmp(&d->instance, instance, sizeof(*instance)))
			return true;
	return false;
}

struct host_device *host_add_device(struct vmbus_host *h, const struct host_device_ops *ops,
				    const struct hvis_guid *instance, u32 subchannels)
{
	return host_add_device_flags(h, ops, instance, subchannels, 0);
}

struct host_device *host_add_device_flags(struct vmbus_host *h,
					  const struct host_device_ops *ops,
					  const struct hvis_guid *instance, u32 subchannels,
					  u32 flags)
{
	struct host_device *d = calloc(1, sizeof(*d)), **pp;
	const struct hvis_guid *fixed;

	if (!d)
		return NULL;
	if (instance && instance_in_use(h, instance)) {
		free(d);
		return NULL;
	}
	d->ops = ops;
	d->host = h;
	d->subchannels = subchannels;
	d->monitor = flags & HOST_DEV_MONITOR;
	d->index = h->ndevices++;
	fixed = device_fixed_instance(ops);
	if (instance) {
		d->instance = *instance;
	} else if (fixed && !instance_in_use(h, fixed)) {
		/* The instance Hyper-V uses for this class (userspace may rely on it). */
		d->instance = *fixed;
	} else {
		/*
		 * Deterministic per configuration slot: 0000NNNN-6876-6973-80xx-<class
		 * tail>; a second device of a fixed-instance class gets one too.
		 */
		u32 n = d->index + 1;

		do {
			memcpy(d->instance.b, &n, 4);
			memcpy(d->instance.b + 4, "vhsi", 4);
			d->instance.b[8] = 0x80;
			memcpy(d->instance.b + 9, ops->class_id.b + 9, 7);
			n += 0x10000;	/* past any slot number: only if a chosen GUID took it */
		} while (instance_in_use(h, &d->instance));
	}
	if (ops->create && ops->create(d)) {
		free(d);
		return NULL;
	}
	for (pp = &h->devices; *pp; pp = &(*pp)->next)
		;
	*pp = d;
	if (h->state == HOST_OFFERS_SENT)
		offer_channel(h, d, 0);
	return d;
}

static void offer_subchannels(struct vmbus_host *h, struct host_channel *primary)
{
	u32 i;

	if (primary->sub_index || primary->subs_offered || !primary->dev->subchannels)
		return;
	primary->subs_offered = true;
	for (i = 1; i <= primary->dev->subchannels && i <= 0xffff; i++)
		offer_channel(h, primary->dev, i);
}

static void revoke(struct vmbus_host *h, struct host_channel *ch)
{
	struct vmbus_channel_rescind_offer msg = {
		.header.msgtype = CHANNELMSG_RESCIND_CHANNELOFFER,
		.child_relid = ch->relid,
	};

	close_channel(ch, false);
	ch->state = CHAN_REVOKED;
	host_event(h, "RESCIND_SENT", "relid=%u class=%s sub=%u", ch->relid, ch->dev->ops->name,
		   ch->sub_index);
	send_msg(h, &msg, sizeof(msg));
}

static void remove_device(struct vmbus_host *h, struct host_device *dev)
{
	struct host_device **pp;

	for (pp = &h->devices; *pp; pp = &(*pp)->next) {
		if (*pp == dev) {
			*pp = dev->next;
			break;
		}
	}
	if (dev->ops->destroy)
		dev->ops->destroy(dev);
	free(dev);
}

int host_rescind(struct vmbus_host *h, u32 relid)
{
	struct host_channel *ch = host_channel_by_relid(h, relid), *sub;
	struct host_device *dev;

	if (!ch || ch->state == CHAN_REVOKED)
		return -ENOENT;
	dev = ch->dev;
	if (ch->sub_index) {
		revoke(h, ch);
		return 0;
	}
	/* Subchannels go first, as the guest closes them before the primary. */
	for (sub = h->channels; sub; sub = sub->next)
		if (sub->dev == dev && sub->sub_index && sub->state != CHAN_REVOKED)
			revoke(h, sub);
	revoke(h, ch);
	/* The device is gone for good: detach its channels, then drop it. */
	for (sub = h->channels; sub; sub = sub->next)
		if (sub->dev == dev)
			sub->dev = NULL;
	remove_device(h, dev);
	return 0;
}

/* ---- handlers, one per guest message type ---- */

static void handle_initiate_contact(struct vmbus_host *h, u32 conn_id,
				    const struct vmbus_channel_initiate_contact *msg)
{
	struct vmbus_channel_version_response resp = {
		.header.msgtype = CHANNELMSG_VERSION_RESPONSE,
	};
	u32 v = msg->vmbus_version_requested;
	u32 want_conn = v >= VERSION_WIN10_V5 ? VMBUS_MESSAGE_CONNECTION_ID_4 :
					       VMBUS_MESSAGE_CONNECTION_ID;

	if (conn_id != want_conn) {
		/* Hyper-V fails such a post with HV_STATUS_INVALID_CONNECTION_ID. */
		host_guest_error(h, "connection_id", "msg=INITIATE_CONTACT connection_id=%u version=%u.%u",
				 conn_id, VMBUS_VERSION_MAJOR(v), VMBUS_VERSION_MINOR(v));
		return;
	}
	if (h->state != HOST_DISCONNECTED)
		host_reset(h, "initiate_contact");
	/* A new connection: releases of the unloaded one are over. */
	memset(h->unloaded_relids, 0, sizeof(h->unloaded_relids));
	if (msg->target_vcpu >= h->guest_cpus) {
		host_guest_error(h, "target_vcpu", "msg=INITIATE_CONTACT target_vcpu=%u cpus=%u",
				 msg->target_vcpu, h->guest_cpus);
		h->msg_cpu = 0;
	} else {
		h->msg_cpu = msg->target_vcpu;
	}
	if (v >= VERSION_WIN10_V5 && msg->msg_sint != VMBUS_MESSAGE_SINT) {
		host_guest_error(h, "msg_sint", "msg=INITIATE_CONTACT msg_sint=%u", msg->msg_sint);
		resp.version_supported = 0;
	} else {
		resp.version_supported = version_accepted(h, v);
	}
	if (resp.version_supported) {
		h->state = HOST_CONNECTED;
		h->version = v;
		resp.msg_conn_id = VMBUS_MESSAGE_CONNECTION_ID;
		host_event(h, "VERSION_NEGOTIATED", "version=%u.%u cpu=%u", VMBUS_VERSION_MAJOR(v),
			   VMBUS_VERSION_MINOR(v), h->msg_cpu);
	} else {
		host_event(h, "VERSION_REFUSED", "version=%u.%u", VMBUS_VERSION_MAJOR(v),
			   VMBUS_VERSION_MINOR(v));
	}
	send_msg(h, &resp, sizeof(resp));
}

static void handle_request_offers(struct vmbus_host *h)
{
	struct vmbus_channel_message_header done = {
		.msgtype = CHANNELMSG_ALLOFFERS_DELIVERED,
	};
	struct host_device *d;
	u32 n = 0;

	if (h->state != HOST_CONNECTED) {
		host_guest_error(h, "state", "msg=REQUESTOFFERS state=%s",
				 host_conn_state_name(h->state));
		return;
	}
	for (d = h->devices; d; d = d->next, n++)
		offer_channel(h, d, 0);
	h->state = HOST_OFFERS_SENT;
	host_event(h, "ALLOFFERS_DELIVERED", "offers=%u", n);
	send_msg(h, &done, sizeof(done));
}

static void send_gpadl_created(struct vmbus_host *h, u32 relid, u32 gpadl, u32 status)
{
	struct vmbus_channel_gpadl_created msg = {
		.header.msgtype = CHANNELMSG_GPADL_CREATED,
		.child_relid = relid,
		.gpadl = gpadl,
		.creation_status = status,
	};

	send_msg(h, &msg, sizeof(msg));
}

/* A complete GPADL: check its pages and answer. */
static void gpadl_done(struct vmbus_host *h, struct host_gpadl *g)
{
	const char *why = NULL;

	if (gpadl_finish(g, h->mem && h->mem->fd >= 0 ? h->mem : NULL, &why)) {
		host_guest_error(h, why, "msg=GPADL gpadl=%#x relid=%u", g->id, g->relid);
		host_event(h, "GPADL_FAILED", "gpadl=%#x relid=%u what=%s", g->id, g->relid, why);
		send_gpadl_created(h, g->relid, g->id, HOST_STATUS_FAIL);
		gpadl_remove(h, g);
		return;
	}
	g->state = GPADL_CREATED;
	host_event(h, "GPADL_CREATED", "gpadl=%#x relid=%u pages=%u", g->id, g->relid, g->npages);
	send_gpadl_created(h, g->relid, g->id, 0);
}

static void handle_gpadl_header(struct vmbus_host *h, const void *raw, u32 len)
{
	const struct vmbus_channel_gpadl_header *msg = raw;
	struct host_channel *ch = host_channel_by_relid(h, msg->child_relid);
	const char *why = NULL;
	struct host_gpadl *g;

	if (!ch || ch->state == CHAN_REVOKED)
		why = "child_relid";
	else if (gpadl_by_id(h, msg->gpadl))
		why = "gpadl (already exists)";
	else if (gpadl_count(h) >= HOST_MAX_GPADLS)
		why = "gpadl (too many)";
	if (why) {
		host_guest_error(h, why, "msg=GPADL_HEADER gpadl=%#x relid=%u", msg->gpadl,
				 msg->child_relid);
		send_gpadl_created(h, msg->child_relid, msg->gpadl, HOST_STATUS_FAIL);
		return;
	}
	g = calloc(1, sizeof(*g));
	if (!g)
		return;
	if (gpadl_begin(g, raw, len, &why)) {
		host_guest_error(h, why, "msg=GPADL_HEADER gpadl=%#x relid=%u", msg->gpadl,
				 msg->child_relid);
		send_gpadl_created(h, msg->child_relid, msg->gpadl, HOST_STATUS_FAIL);
		gpadl_free(g);
		return;
	}
	g->next = h->gpadls;
	h->gpadls = g;
	if (gpadl_complete(g))
		gpadl_done(h, g);
}

static void handle_gpadl_body(struct vmbus_host *h, const void *raw, u32 len)
{
	const struct vmbus_channel_gpadl_body *msg = raw;
	struct host_gpadl *g = gpadl_by_id(h, msg->gpadl);
	const char *why = NULL;

	if (!g || g->state != GPADL_IN_PROGRESS) {
		host_guest_error(h, "gpadl", "msg=GPADL_BODY gpadl=%#x (none in progress)",
				 msg->gpadl);
		return;
	}
	if (gpadl_add_body(g, raw, len, &why)) {
		host_guest_error(h, why, "msg=GPADL_BODY gpadl=%#x", g->id);
		send_gpadl_created(h, g->relid, g->id, HOST_STATUS_FAIL);
		gpadl_remove(h, g);
		return;
	}
	if (gpadl_complete(g))
		gpadl_done(h, g);
}

static void handle_gpadl_teardown(struct vmbus_host *h,
				  const struct vmbus_channel_gpadl_teardown *msg)
{
	struct host_gpadl *g = gpadl_by_id(h, msg->gpadl);

	if (!g || g->state == GPADL_TEARING_DOWN) {
		host_guest_error(h, "gpadl", "msg=GPADL_TEARDOWN gpadl=%#x relid=%u (unknown)",
				 msg->gpadl, msg->child_relid);
		return;
	}
	if (g->relid != msg->child_relid) {
		host_guest_error(h, "child_relid", "msg=GPADL_TEARDOWN gpadl=%#x relid=%u owner=%u",
				 msg->gpadl, msg->child_relid, g->relid);
		return;
	}
	if (g->in_use) {
		/* An open channel still uses it: answer once that channel closes. */
		g->state = GPADL_TEARING_DOWN;
		return;
	}
	send_torndown(h, g);
}

static void send_open_result(struct vmbus_host *h, const struct vmbus_channel_open_channel *msg,
			     u32 status)
{
	struct vmbus_channel_open_result res = {
		.header.msgtype = CHANNELMSG_OPENCHANNEL_RESULT,
		.child_relid = msg->child_relid,
		.openid = msg->openid,
		.status = status,
	};

	send_msg(h, &res, sizeof(res));
}

static void handle_open_channel(struct vmbus_host *h, const struct vmbus_channel_open_channel *msg)
{
	struct host_channel *ch = host_channel_by_relid(h, msg->child_relid);
	struct host_gpadl *g = gpadl_by_id(h, msg->ringbuffer_gpadlhandle);
	const char *why = NULL;

	if (!ch || !ch->dev)
		why = "child_relid";
	else if (ch->state != CHAN_OFFERED && ch->state != CHAN_CLOSED)
		why = "state";
	else if (!g || g->state != GPADL_CREATED || g->relid != ch->relid)
		why = "ringbuffer_gpadlhandle";
	else if (msg->target_vp >= h->guest_cpus)
		why = "target_vp";
	if (why) {
		host_guest_error(h, why, "msg=OPENCHANNEL relid=%u gpadl=%#x target_vp=%u state=%s",
				 msg->child_relid, msg->ringbuffer_gpadlhandle, msg->target_vp,
				 ch ? host_chan_state_name(ch->state) : "none");
		send_open_result(h, msg, HOST_STATUS_FAIL);
		return;
	}
	if (host_chan_map_rings(ch, g, msg->downstream_ringbuffer_pageoffset, &why)) {
		host_guest_error(h, why, "msg=OPENCHANNEL relid=%u gpadl=%#x pages=%u offset=%u",
				 ch->relid, g->id, g->npages,
				 msg->downstream_ringbuffer_pageoffset);
		send_open_result(h, msg, HOST_STATUS_FAIL);
		return;
	}
	ch->target_cpu = msg->target_vp;
	ch->gpadl = g->id;
	ch->state = CHAN_OPEN;
	memset(&ch->stats, 0, sizeof(ch->stats));
	if (ch->dev->ops->open(ch)) {
		ch->state = CHAN_OFFERED;
		host_chan_unmap_rings(ch);
		host_event(h, "CHANNEL_OPEN_FAILED", "relid=%u class=%s", ch->relid,
			   ch->dev->ops->name);
		send_open_result(h, msg, HOST_STATUS_FAIL);
		return;
	}
	g->in_use++;
	host_event(h, "CHANNEL_OPENED", "relid=%u class=%s sub=%u cpu=%u gpadl=%#x in_bytes=%u out_bytes=%u",
		   ch->relid, ch->dev->ops->name, ch->sub_index, ch->target_cpu, g->id,
		   ch->in.data_size, ch->out.data_size);
	send_open_result(h, msg, 0);
	offer_subchannels(h, ch);
}

static void handle_close_channel(struct vmbus_host *h,
				 const struct vmbus_channel_close_channel *msg)
{
	struct host_channel *ch = host_channel_by_relid(h, msg->child_relid);

	if (ch && ch->state == CHAN_REVOKED)
		return;		/* the guest closes what we rescinded: fine */
	if (!ch || ch->state != CHAN_OPEN) {
		host_guest_error(h, ch ? "state" : "child_relid", "msg=CLOSECHANNEL relid=%u state=%s",
				 msg->child_relid, ch ? host_chan_state_name(ch->state) : "none");
		return;
	}
	close_channel(ch, true);
	host_event(h, "CHANNEL_CLOSED", "relid=%u class=%s", ch->relid, ch->dev->ops->name);
}

static void handle_relid_released(struct vmbus_host *h,
				  const struct vmbus_channel_relid_released *msg)
{
	struct host_channel *ch = host_channel_by_relid(h, msg->child_relid), **pp;
	struct host_gpadl *g, *next;

	if (!ch) {
		host_guest_error(h, "child_relid", "msg=RELID_RELEASED relid=%u", msg->child_relid);
		return;
	}
	host_event(h, "RELID_RELEASED", "relid=%u%s", ch->relid,
		   ch->state == CHAN_REVOKED ? "" : " unsolicited=1");
	close_channel(ch, false);
	for (g = h->gpadls; g; g = next) {
		next = g->next;
		if (g->relid == ch->relid)
			gpadl_remove(h, g);
	}
	for (pp = &h->channels; *pp; pp = &(*pp)->next) {
		if (*pp == ch) {
			*pp = ch->next;
			break;
		}
	}
	free(ch);
}

/*
 * RELID_RELEASED while disconnected: fine for a relid that was live at the last
 * UNLOAD (see unloaded_relids), once each.  Returns false if it is not one of them.
 */
static bool released_after_unload(struct vmbus_host *h,
				  const struct vmbus_channel_relid_released *msg)
{
	u32 relid = msg->child_relid;
	u8 bit;

	if (relid >= VMBUS_MAX_CHANNEL_RELIDS)
		return false;
	bit = (u8)(1u << (relid % 8));
	if (!(h->unloaded_relids[relid / 8] & bit))
		return false;
	h->unloaded_relids[relid / 8] &= (u8)~bit;
	host_event(h, "RELID_RELEASED", "relid=%u after_unload=1", relid);
	return true;
}

static void handle_unload(struct vmbus_host *h)
{
	struct vmbus_channel_message_header resp = { .msgtype = CHANNELMSG_UNLOAD_RESPONSE };
	u8 live[sizeof(h->unloaded_relids)] = {};
	struct host_channel *ch;
	u32 cpu = h->msg_cpu;

	for (ch = h->channels; ch; ch = ch->next)
		live[ch->relid / 8] |= (u8)(1u << (ch->relid % 8));
	host_event(h, "UNLOAD", "version=%u.%u", VMBUS_VERSION_MAJOR(h->version),
		   VMBUS_VERSION_MINOR(h->version));
	host_reset(h, "unload");
	memcpy(h->unloaded_relids, live, sizeof(live));
	h->msg_cpu = cpu;
	send_msg(h, &resp, sizeof(resp));
	h->msg_cpu = 0;
}

static void handle_modify_channel(struct vmbus_host *h,
				  const struct vmbus_channel_modifychannel *msg)
{
	struct vmbus_channel_modifychannel_response resp = {
		.header.msgtype = CHANNELMSG_MODIFYCHANNEL_RESPONSE,
		.child_relid = msg->child_relid,
	};
	struct host_channel *ch = host_channel_by_relid(h, msg->child_relid);

	if (h->version < VERSION_WIN10_V4_1) {
		host_guest_error(h, "msgtype", "msg=MODIFYCHANNEL version=%u.%u (needs 4.1)",
				 VMBUS_VERSION_MAJOR(h->version), VMBUS_VERSION_MINOR(h->version));
		return;
	}
	if (!ch || ch->state == CHAN_REVOKED || msg->target_vp >= h->guest_cpus) {
		host_guest_error(h, ch ? "target_vp" : "child_relid",
				 "msg=MODIFYCHANNEL relid=%u target_vp=%u", msg->child_relid,
				 msg->target_vp);
		resp.status = HOST_STATUS_FAIL;
	} else {
		ch->target_cpu = msg->target_vp;
		host_event(h, "CHANNEL_MODIFIED", "relid=%u cpu=%u", ch->relid, ch->target_cpu);
	}
	if (h->version >= VERSION_WIN10_V5_3)
		send_msg(h, &resp, sizeof(resp));
}

static void handle_tl_connect_request(struct vmbus_host *h,
				      const struct vmbus_channel_tl_connect_request *msg)
{
	struct vmbus_channel_tl_connect_result res = {
		.header.msgtype = CHANNELMSG_TL_CONNECT_RESULT,
		.guest_endpoint_id = msg->guest_endpoint_id,
		.host_service_id = msg->host_service_id,
		.status = HOST_STATUS_FAIL,
	};

	host_event(h, "TL_CONNECT_REFUSED", "reason=no_hvsock_service");
	send_msg(h, &res, sizeof(res));
}

/* ---- the dispatcher ---- */

void host_handle_message(struct vmbus_host *h, u32 conn_id, u32 msg_type,
			 const void *payload, u32 len)
{
	u8 buf[HV_MESSAGE_PAYLOAD_BYTES] __aligned(8) = {};
	const struct vmbus_msg_info *info;
	struct vmbus_channel_message_header hdr;

	if (msg_type != HV_POST_MESSAGE_TYPE_VMBUS) {
		host_guest_error(h, "message_type", "message_type=%u", msg_type);
		return;
	}
	if (len > HV_MESSAGE_PAYLOAD_BYTES || len < sizeof(hdr)) {
		host_guest_error(h, "payload_size", "payload_size=%u", len);
		return;
	}
	memcpy(buf, payload, len);
	memcpy(&hdr, buf, sizeof(hdr));
	info = vmbus_msg_info(hdr.msgtype);
	if (!info || info->dir != VMBUS_MSG_G2H) {
		host_guest_error(h, "msgtype", "msgtype=%u name=%s", hdr.msgtype,
				 vmbus_msg_name(hdr.msgtype));
		return;
	}
	if (len < info->min_len) {
		host_guest_error(h, "payload_size", "msg=%s payload_size=%u min=%u", info->name, len,
				 info->min_len);
		return;
	}
	if (hdr.msgtype == CHANNELMSG_INITIATE_CONTACT) {
		handle_initiate_contact(h, conn_id, (const void *)buf);
		return;
	}
	if (conn_id != VMBUS_MESSAGE_CONNECTION_ID) {
		host_guest_error(h, "connection_id", "msg=%s connection_id=%u", info->name, conn_id);
		return;
	}
	if (h->state == HOST_DISCONNECTED && hdr.msgtype == CHANNELMSG_RELID_RELEASED &&
	    released_after_unload(h, (const void *)buf))
		return;
	if (h->state == HOST_DISCONNECTED && hdr.msgtype != CHANNELMSG_UNLOAD) {
		host_guest_error(h, "state", "msg=%s state=disconnected", info->name);
		return;
	}

	switch (hdr.msgtype) {
	case CHANNELMSG_REQUESTOFFERS:
		handle_request_offers(h);
		break;
	case CHANNELMSG_GPADL_HEADER:
		handle_gpadl_header(h, buf, len);
		break;
	case CHANNELMSG_GPADL_BODY:
		handle_gpadl_body(h, buf, len);
		break;
	case CHANNELMSG_GPADL_TEARDOWN:
		handle_gpadl_teardown(h, (const void *)buf);
		break;
	case CHANNELMSG_OPENCHANNEL:
		handle_open_channel(h, (const void *)buf);
		break;
	case CHANNELMSG_CLOSECHANNEL:
		handle_close_channel(h, (const void *)buf);
		break;
	case CHANNELMSG_RELID_RELEASED:
		handle_relid_released(h, (const void *)buf);
		break;
	case CHANNELMSG_UNLOAD:
		handle_unload(h);
		break;
	case CHANNELMSG_MODIFYCHANNEL:
		handle_modify_channel(h, (const void *)buf);
		break;
	case CHANNELMSG_TL_CONNECT_REQUEST:
		handle_tl_connect_request(h, (const void *)buf);
		break;
	default:
		host_guest_error(h, "msgtype", "msgtype=%u name=%s (not handled)", hdr.msgtype,
				 info->name);
		break;
	}
}

void host_handle_signal(struct vmbus_host *h, u32 conn_id)
{
	struct host_channel *ch = host_channel_by_relid(h, conn_id);

	if (!ch) {
		if (conn_id == 0 || conn_id >= h->next_relid)
			host_guest_error(h, "connection_id", "signal connection_id=%u", conn_id);
		return;
	}
	ch->stats.signals_in++;
	if (ch->state == CHAN_OPEN && ch->dev)
		ch->dev->ops->packets(ch);
}

void host_tick(struct vmbus_host *h, u64 now_ms)
{
	struct host_channel *ch;

	h->now_ms = now_ms;
	for (ch = h->channels; ch; ch = ch->next)
		if (ch->state == CHAN_OPEN && ch->dev && ch->dev->ops->tick)
			ch->dev->ops->tick(ch, now_ms);
}
