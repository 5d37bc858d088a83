// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvsock.c: the bus core's part of Hyper-V sockets.  Sends TL_CONNECT_REQUEST for a
 * guest-initiated connection and hands the host's TL_CONNECT_RESULT to the one
 * registered handler (hvis_sock).  Matching of hvsock offers is in bus.c.
 *
 * Facts: drivers/hv/channel.c vmbus_send_tl_connect_request (the 40-byte request,
 * no hvsock before VERSION_WIN10); include/linux/hyperv.h struct
 * vmbus_channel_tl_connect_result (44 bytes, a status after the two ids).
 */
#include <linux/mutex.h>
#include "core.h"

static DEFINE_MUTEX(tl_lock);
static hvis_tl_result_handler tl_handler;	/* under tl_lock */

int hvis_vmbus_send_tl_connect_request(const guid_t *guest_endpoint, const guid_t *host_service)
{
	struct vmbus_channel_tl_connect_request msg = {
		.header.msgtype = CHANNELMSG_TL_CONNECT_REQUEST,
	};

	if (!READ_ONCE(hvis_conn.ops) || hvis_vmbus_protocol_version() < VERSION_WIN10)
		return -ENODEV;
	memcpy(&msg.guest_endpoint_id, guest_endpoint, sizeof(msg.guest_endpoint_id));
	memcpy(&msg.host_service_id, host_service, sizeof(msg.host_service_id));
	return hvis_connection_post(&msg, sizeof(msg));
}
EXPORT_SYMBOL_GPL(hvis_vmbus_send_tl_connect_request);

void hvis_vmbus_set_tl_result_handler(hvis_tl_result_handler handler)
{
	mutex_lock(&tl_lock);
	tl_handler = handler;
	mutex_unlock(&tl_lock);
}
EXPORT_SYMBOL_GPL(hvis_vmbus_set_tl_result_handler);

/* Process context (the ordered workqueue); @msg is a validated copy of 44 bytes or more. */
void hvis_hvsock_tl_result(const struct vmbus_channel_tl_connect_result *msg)
{
	guid_t ep, svc;

	memcpy(&ep, &msg->guest_endpoint_id, sizeof(ep));
	memcpy(&svc, &msg->host_service_id, sizeof(svc));
	mutex_lock(&tl_lock);
	if (tl_handler)
		tl_handler(&ep, &svc, msg->status);
	else
		pr_err_ratelimited("host sent TL_CONNECT_RESULT (status %#x) for %pUl with no hvsock driver loaded, dropped\n",
				   msg->status, &ep);
	mutex_unlock(&tl_lock);
}
