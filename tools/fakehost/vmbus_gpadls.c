// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmbus_gpadls.c: the host's list of GPADLs and the three guest messages that build
 * and tear them down: GPADL_HEADER and GPADL_BODY (parsed by gpadl.c) answered with
 * GPADL_CREATED once the pages are complete and checked, GPADL_TEARDOWN answered with
 * GPADL_TORNDOWN (at once, or when the open channel using it closes).  Protocol facts:
 * drivers/hv/channel.c (vmbus_establish_gpadl, vmbus_teardown_gpadl).
 */
#include <stdlib.h>
#include "vmbus_host_priv.h"

#define HOST_MAX_GPADLS		4096u

struct host_gpadl *host_gpadl_by_id(struct vmbus_host *h, u32 id)
{
	struct host_gpadl *g;

	for (g = h->gpadls; g; g = g->next)
		if (g->id == id)
			return g;
	return NULL;
}

void host_gpadl_remove(struct vmbus_host *h, struct host_gpadl *g)
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

void host_free_gpadls(struct vmbus_host *h)
{
	struct host_gpadl *g;

	while ((g = h->gpadls)) {
		h->gpadls = g->next;
		gpadl_free(g);
	}
}

void host_send_torndown(struct vmbus_host *h, struct host_gpadl *g)
{
	struct vmbus_channel_gpadl_torndown msg = {
		.header.msgtype = CHANNELMSG_GPADL_TORNDOWN,
		.gpadl = g->id,
	};

	host_event(h, "GPADL_TORNDOWN", "gpadl=%#x relid=%u", g->id, g->relid);
	host_send_msg(h, &msg, sizeof(msg));
	host_gpadl_remove(h, g);
}

static void send_gpadl_created(struct vmbus_host *h, u32 relid, u32 gpadl, u32 status)
{
	struct vmbus_channel_gpadl_created msg = {
		.header.msgtype = CHANNELMSG_GPADL_CREATED,
		.child_relid = relid,
		.gpadl = gpadl,
		.creation_status = status,
	};

	host_send_msg(h, &msg, sizeof(msg));
}

/* A complete GPADL: check its pages and answer. */
static void gpadl_done(struct vmbus_host *h, struct host_gpadl *g)
{
	const char *why = NULL;

	if (gpadl_finish(g, h->mem && h->mem->fd >= 0 ? h->mem : NULL, &why)) {
		host_guest_error(h, why, "msg=GPADL gpadl=%#x relid=%u", g->id, g->relid);
		host_event(h, "GPADL_FAILED", "gpadl=%#x relid=%u what=%s", g->id, g->relid, why);
		send_gpadl_created(h, g->relid, g->id, HOST_STATUS_FAIL);
		host_gpadl_remove(h, g);
		return;
	}
	g->state = GPADL_CREATED;
	host_event(h, "GPADL_CREATED", "gpadl=%#x relid=%u pages=%u", g->id, g->relid, g->npages);
	send_gpadl_created(h, g->relid, g->id, 0);
}

void host_handle_gpadl_header(struct vmbus_host *h, u32 conn_id, const void *raw, u32 len)
{
	const struct vmbus_channel_gpadl_header *msg = raw;
	struct host_channel *ch = host_channel_by_relid(h, msg->child_relid);
	const char *why = NULL;
	struct host_gpadl *g;

	if (!ch || ch->state == CHAN_REVOKED)
		why = "child_relid";
	else if (host_gpadl_by_id(h, msg->gpadl))
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

void host_handle_gpadl_body(struct vmbus_host *h, u32 conn_id, const void *raw, u32 len)
{
	const struct vmbus_channel_gpadl_body *msg = raw;
	struct host_gpadl *g = host_gpadl_by_id(h, msg->gpadl);
	const char *why = NULL;

	if (!g || g->state != GPADL_IN_PROGRESS) {
		host_guest_error(h, "gpadl", "msg=GPADL_BODY gpadl=%#x (none in progress)",
				 msg->gpadl);
		return;
	}
	if (gpadl_add_body(g, raw, len, &why)) {
		host_guest_error(h, why, "msg=GPADL_BODY gpadl=%#x", g->id);
		send_gpadl_created(h, g->relid, g->id, HOST_STATUS_FAIL);
		host_gpadl_remove(h, g);
		return;
	}
	if (gpadl_complete(g))
		gpadl_done(h, g);
}

void host_handle_gpadl_teardown(struct vmbus_host *h, u32 conn_id, const void *raw, u32 len)
{
	const struct vmbus_channel_gpadl_teardown *msg = raw;
	struct host_gpadl *g = host_gpadl_by_id(h, msg->gpadl);

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
	host_send_torndown(h, g);
}
