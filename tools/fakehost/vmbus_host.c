// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmbus_host.c: the core of the VMBus host state machine (see vmbus_host.h): events
 * and rate-limited GUEST_ERRORs, accepted versions, lookups, init, reset and unload
 * of the whole bus, closing a channel, and the guest's signals and the ticks that
 * drive the device backends.  The guest's channel messages are dispatched by
 * vmbus_chan_msg.c, offers and rescinds live in vmbus_offers.c, GPADLs in
 * vmbus_gpadls.c.  Protocol facts: include/linux/hyperv.h (messages, versions),
 * drivers/hv/connection.c (connection ids), drivers/hv/channel.c (close).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include "vmbus_host_priv.h"
#include "pump.h"

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

void host_send_msg(struct vmbus_host *h, const void *msg, u32 len)
{
	h->notify->send_msg(h->ctx, h->msg_cpu, msg, len);
}

void host_send_raw(struct vmbus_host *h, const void *msg, u32 len)
{
	host_send_msg(h, msg, len);
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

bool host_version_accepted(const struct vmbus_host *h, u32 version)
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

/* ---- init, reset ---- */

void host_init(struct vmbus_host *h, const struct host_notifier_ops *notify, void *ctx)
{
	memset(h, 0, sizeof(*h));
	h->notify = notify;
	h->ctx = ctx;
	h->guest_cpus = 1;
	h->next_relid = 1;
	h->heartbeat_ms = 1000;
	h->monitor_latency_us = HOST_MONITOR_LATENCY_US;
	host_set_versions(h, default_versions, ARRAY_SIZE(default_versions));
}

/* Stops the device and unmaps the rings of an open channel. */
void host_close_channel(struct host_channel *ch, bool reply_teardown)
{
	struct vmbus_host *h = ch->host;
	struct host_gpadl *g;

	if (ch->state != CHAN_OPEN)
		return;
	ch->dev->ops->close(ch);
	ch->priv = NULL;
	host_chan_unmap_rings(ch);
	g = host_gpadl_by_id(h, ch->gpadl);
	if (g && g->in_use)
		g->in_use--;
	if (g && reply_teardown && g->state == GPADL_TEARING_DOWN && !g->in_use)
		host_send_torndown(h, g);
	ch->state = CHAN_CLOSED;
}

static void free_channels(struct vmbus_host *h)
{
	struct host_channel *ch;

	while ((ch = h->channels)) {
		h->channels = ch->next;
		host_close_channel(ch, false);
		free(ch);
	}
}


void host_reset(struct vmbus_host *h, const char *why)
{
	bool had_state = h->state != HOST_DISCONNECTED || h->channels || h->gpadls;
	struct host_device *d;

	for (d = h->devices; d; d = d->next)
		d->replug_pending = false;	/* every device is offered again anyway */
	free_channels(h);
	host_free_gpadls(h);
	host_monitor_reset(h);
	host_remove_transient_devices(h);
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
	host_free_gpadls(h);
	host_monitor_reset(h);
	while ((d = h->devices)) {
		h->devices = d->next;
		if (d->ops->destroy)
			d->ops->destroy(d);
		free(d);
	}
}

/* ---- offers ---- */

void host_handle_signal(struct vmbus_host *h, u32 conn_id)
{
	struct host_channel *ch = host_channel_by_relid(h, conn_id);

	if (!ch) {
		if (conn_id == 0 || conn_id >= h->next_relid)
			host_guest_error(h, "connection_id", "signal connection_id=%u", conn_id);
		return;
	}
	ch->stats.signals_in++;
	if (ch->state == CHAN_OPEN && ch->dev) {
		/* Read before: the backend may remove its device while handling packets. */
		bool pumped = ch->dev->pump;

		ch->dev->ops->packets(ch);
		if (pumped)
			pump_run(h);
	}
}

void host_tick(struct vmbus_host *h, u64 now_ms)
{
	struct host_channel *ch;

	h->now_ms = now_ms;
	for (ch = h->channels; ch; ch = ch->next)
		if (ch->state == CHAN_OPEN && ch->dev && ch->dev->ops->tick)
			ch->dev->ops->tick(ch, now_ms);
	pump_run(h);
}
