// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmbus_chan_msg.c: the guest's VMBus channel messages.  host_handle_message() checks
 * each one against the message table in lib/vmbus_msg.c (direction, size), then
 * against msg_handlers[] below (the connection states it is taken in, its connection
 * id) and calls its handler: contact and version negotiation, REQUESTOFFERS, open,
 * close, RELID_RELEASED, UNLOAD, MODIFYCHANNEL, TL_CONNECT_REQUEST here; the GPADL
 * messages in vmbus_gpadls.c.  Protocol facts: include/linux/hyperv.h (messages,
 * versions), drivers/hv/connection.c (version negotiation, connection ids),
 * drivers/hv/channel_mgmt.c (unload), drivers/hv/channel.c (open, close).
 */
#include <stdlib.h>
#include "vmbus_host_priv.h"
#include "vmbus_msg.h"

/* ---- handlers, one per guest message type ---- */

static void handle_initiate_contact(struct vmbus_host *h, u32 conn_id, const void *raw, u32 len)
{
	const struct vmbus_channel_initiate_contact *msg = raw;
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
		resp.version_supported = host_version_accepted(h, v);
	}
	if (resp.version_supported) {
		h->state = HOST_CONNECTED;
		h->version = v;
		host_monitor_connect(h, msg->monitor_page1, msg->monitor_page2);
		resp.msg_conn_id = VMBUS_MESSAGE_CONNECTION_ID;
		host_event(h, "VERSION_NEGOTIATED", "version=%u.%u cpu=%u", VMBUS_VERSION_MAJOR(v),
			   VMBUS_VERSION_MINOR(v), h->msg_cpu);
	} else {
		host_event(h, "VERSION_REFUSED", "version=%u.%u", VMBUS_VERSION_MAJOR(v),
			   VMBUS_VERSION_MINOR(v));
	}
	host_send_msg(h, &resp, sizeof(resp));
}

static void handle_request_offers(struct vmbus_host *h, u32 conn_id, const void *raw, u32 len)
{
	struct vmbus_channel_message_header done = {
		.msgtype = CHANNELMSG_ALLOFFERS_DELIVERED,
	};
	struct host_device *d;
	u32 n = 0;

	for (d = h->devices; d; d = d->next, n++) {
		d->replug_pending = false;	/* offered now with the rest */
		host_offer_channel(h, d, 0);
	}
	h->state = HOST_OFFERS_SENT;
	host_event(h, "ALLOFFERS_DELIVERED", "offers=%u", n);
	host_send_msg(h, &done, sizeof(done));
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

	if (!status && h->lose_open_results) {
		/* The channel is open here; only the guest does not learn it. */
		h->lose_open_results--;
		host_event(h, "OPEN_RESULT_LOST", "relid=%u", msg->child_relid);
		return;
	}
	host_send_msg(h, &res, sizeof(res));
}

static void handle_open_channel(struct vmbus_host *h, u32 conn_id, const void *raw, u32 len)
{
	const struct vmbus_channel_open_channel *msg = raw;
	struct host_channel *ch = host_channel_by_relid(h, msg->child_relid);
	struct host_gpadl *g = host_gpadl_by_id(h, msg->ringbuffer_gpadlhandle);
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
	host_offer_subchannels(h, ch);
}

static void handle_close_channel(struct vmbus_host *h, u32 conn_id, const void *raw, u32 len)
{
	const struct vmbus_channel_close_channel *msg = raw;
	struct host_channel *ch = host_channel_by_relid(h, msg->child_relid);

	if (ch && ch->state == CHAN_REVOKED)
		return;		/* the guest closes what we rescinded: fine */
	if (!ch || ch->state != CHAN_OPEN) {
		host_guest_error(h, ch ? "state" : "child_relid", "msg=CLOSECHANNEL relid=%u state=%s",
				 msg->child_relid, ch ? host_chan_state_name(ch->state) : "none");
		return;
	}
	host_close_channel(ch, true);
	host_event(h, "CHANNEL_CLOSED", "relid=%u class=%s", ch->relid, ch->dev->ops->name);
	/* Subchannels made on request live as long as the primary's open (Hyper-V). */
	if (!ch->sub_index && ch->dev->ops->subchannels_on_request) {
		host_rescind_subchannels(h, ch->dev);
		ch->subs_offered = false;
	}
}

static void handle_relid_released(struct vmbus_host *h, u32 conn_id, const void *raw, u32 len)
{
	const struct vmbus_channel_relid_released *msg = raw;
	struct host_channel *ch = host_channel_by_relid(h, msg->child_relid), **pp;
	struct host_device *replugged;
	struct host_gpadl *g, *next;

	if (!ch) {
		host_guest_error(h, "child_relid", "msg=RELID_RELEASED relid=%u", msg->child_relid);
		return;
	}
	host_event(h, "RELID_RELEASED", "relid=%u%s", ch->relid,
		   ch->state == CHAN_REVOKED ? "" : " unsolicited=1");
	host_close_channel(ch, false);
	replugged = ch->state == CHAN_REVOKED && !ch->sub_index ? ch->dev : NULL;
	for (g = h->gpadls; g; g = next) {
		next = g->next;
		if (g->relid == ch->relid)
			host_gpadl_remove(h, g);
	}
	for (pp = &h->channels; *pp; pp = &(*pp)->next) {
		if (*pp == ch) {
			*pp = ch->next;
			break;
		}
	}
	free(ch);
	if (replugged)
		host_replug_released(h, replugged);
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

static void handle_unload(struct vmbus_host *h, u32 conn_id, const void *raw, u32 len)
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
	host_send_msg(h, &resp, sizeof(resp));
	h->msg_cpu = 0;
}

static void handle_modify_channel(struct vmbus_host *h, u32 conn_id, const void *raw, u32 len)
{
	const struct vmbus_channel_modifychannel *msg = raw;
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
		host_guest_error(h, !ch ? "child_relid" : ch->state == CHAN_REVOKED ? "state" : "target_vp",
				 "msg=MODIFYCHANNEL relid=%u target_vp=%u", msg->child_relid,
				 msg->target_vp);
		resp.status = HOST_STATUS_FAIL;
	} else {
		ch->target_cpu = msg->target_vp;
		host_event(h, "CHANNEL_MODIFIED", "relid=%u cpu=%u", ch->relid, ch->target_cpu);
	}
	if (h->version >= VERSION_WIN10_V5_3)
		host_send_msg(h, &resp, sizeof(resp));
}

/*
 * TL_CONNECT_REQUEST: the guest connects a Hyper-V socket.  Hyper-V has them from
 * VMBus 4.0 (drivers/hv/channel_mgmt.c vmbus_send_tl_connect_request: VERSION_WIN10);
 * the bridge (h->tl_connect) validates the service ids, offers the connection's
 * channel and returns the status, which goes back in TL_CONNECT_RESULT as OpenVMM's
 * relay does (vm/devices/vmbus/vmbus_server/src/hvsock.rs: result after the offer).
 */
static void handle_tl_connect_request(struct vmbus_host *h, u32 conn_id, const void *raw,
				      u32 len)
{
	const struct vmbus_channel_tl_connect_request *msg = raw;
	struct vmbus_channel_tl_connect_result res = {
		.header.msgtype = CHANNELMSG_TL_CONNECT_RESULT,
		.guest_endpoint_id = msg->guest_endpoint_id,
		.host_service_id = msg->host_service_id,
		.status = HOST_STATUS_FAIL,
	};

	if (h->version < VERSION_WIN10) {
		host_guest_error(h, "msgtype", "msg=TL_CONNECT_REQUEST version=%u.%u (needs 4.0)",
				 VMBUS_VERSION_MAJOR(h->version), VMBUS_VERSION_MINOR(h->version));
		return;
	}
	if (h->tl_connect)
		res.status = h->tl_connect(h, msg);
	else
		host_event(h, "TL_CONNECT_REFUSED", "reason=no_hvsock_service");
	host_send_msg(h, &res, sizeof(res));
}

/* ---- the dispatcher ---- */

#define STATE(s)	(1u << (s))
#define ANY_STATE	(STATE(HOST_DISCONNECTED) | STATE(HOST_CONNECTED) | STATE(HOST_OFFERS_SENT))
#define CONNECTED	(STATE(HOST_CONNECTED) | STATE(HOST_OFFERS_SENT))

/*
 * The guest's channel messages (their sizes and direction are lib/vmbus_msg.c's):
 * @handle gets the payload (len bytes, at least the message's size, zero-padded to
 * HV_MESSAGE_PAYLOAD_BYTES); @states are the connection states it is taken in, any
 * other is a GUEST_ERROR what=state; @own_conn_id: the handler checks the connection
 * id itself, every other message must come on VMBUS_MESSAGE_CONNECTION_ID.
 */
static const struct host_msg_handler {
	void (*handle)(struct vmbus_host *h, u32 conn_id, const void *raw, u32 len);
	u8 states;
	bool own_conn_id;
} msg_handlers[CHANNELMSG_COUNT] = {
	[CHANNELMSG_INITIATE_CONTACT] = { handle_initiate_contact, ANY_STATE, true },
	[CHANNELMSG_REQUESTOFFERS] = { handle_request_offers, STATE(HOST_CONNECTED), false },
	[CHANNELMSG_GPADL_HEADER] = { host_handle_gpadl_header, CONNECTED, false },
	[CHANNELMSG_GPADL_BODY] = { host_handle_gpadl_body, CONNECTED, false },
	[CHANNELMSG_GPADL_TEARDOWN] = { host_handle_gpadl_teardown, CONNECTED, false },
	[CHANNELMSG_OPENCHANNEL] = { handle_open_channel, CONNECTED, false },
	[CHANNELMSG_CLOSECHANNEL] = { handle_close_channel, CONNECTED, false },
	/* while disconnected: see released_after_unload() */
	[CHANNELMSG_RELID_RELEASED] = { handle_relid_released, CONNECTED, false },
	[CHANNELMSG_UNLOAD] = { handle_unload, ANY_STATE, false },
	[CHANNELMSG_MODIFYCHANNEL] = { handle_modify_channel, CONNECTED, false },
	[CHANNELMSG_TL_CONNECT_REQUEST] = { handle_tl_connect_request, CONNECTED, false },
};

void host_handle_message(struct vmbus_host *h, u32 conn_id, u32 msg_type,
			 const void *payload, u32 len)
{
	u8 buf[HV_MESSAGE_PAYLOAD_BYTES] __aligned(8) = {};
	const struct vmbus_msg_info *info;
	const struct host_msg_handler *e;
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
	e = &msg_handlers[hdr.msgtype];
	if (!e->own_conn_id && conn_id != VMBUS_MESSAGE_CONNECTION_ID) {
		host_guest_error(h, "connection_id", "msg=%s connection_id=%u", info->name, conn_id);
		return;
	}
	if (h->state == HOST_DISCONNECTED && hdr.msgtype == CHANNELMSG_RELID_RELEASED &&
	    released_after_unload(h, (const void *)buf))
		return;
	if (!e->handle) {
		host_guest_error(h, "msgtype", "msgtype=%u name=%s (not handled)", hdr.msgtype,
				 info->name);
		return;
	}
	if (!(e->states & STATE(h->state))) {
		host_guest_error(h, "state", "msg=%s state=%s", info->name,
				 host_conn_state_name(h->state));
		return;
	}
	e->handle(h, conn_id, buf, len);
}
