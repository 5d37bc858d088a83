// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmbus_msg.c: the table of VMBus channel message types (see vmbus_msg.h).  Numbers
 * from include/linux/hyperv.h enum vmbus_channel_message_type; sizes are those of the
 * structs in include/hvis/vmbus_proto.h, checked there by static_assert.
 */
#include "vmbus_msg.h"

#define MSG(type, dir, st)	{ #type, sizeof(st), VMBUS_MSG_##dir }

static const struct vmbus_msg_info msg_table[CHANNELMSG_COUNT] = {
	[CHANNELMSG_INVALID] =
		MSG(INVALID, NONE, struct vmbus_channel_message_header),
	[CHANNELMSG_OFFERCHANNEL] =
		MSG(OFFERCHANNEL, H2G, struct vmbus_channel_offer_channel),
	[CHANNELMSG_RESCIND_CHANNELOFFER] =
		MSG(RESCIND_CHANNELOFFER, H2G, struct vmbus_channel_rescind_offer),
	[CHANNELMSG_REQUESTOFFERS] =
		MSG(REQUESTOFFERS, G2H, struct vmbus_channel_message_header),
	[CHANNELMSG_ALLOFFERS_DELIVERED] =
		MSG(ALLOFFERS_DELIVERED, H2G, struct vmbus_channel_message_header),
	[CHANNELMSG_OPENCHANNEL] =
		MSG(OPENCHANNEL, G2H, struct vmbus_channel_open_channel),
	[CHANNELMSG_OPENCHANNEL_RESULT] =
		MSG(OPENCHANNEL_RESULT, H2G, struct vmbus_channel_open_result),
	[CHANNELMSG_CLOSECHANNEL] =
		MSG(CLOSECHANNEL, G2H, struct vmbus_channel_close_channel),
	/* GPADL header: the fixed part plus one range header (hvis sends one range). */
	[CHANNELMSG_GPADL_HEADER] = { "GPADL_HEADER",
		sizeof(struct vmbus_channel_gpadl_header) + sizeof(struct vmbus_gpa_range),
		VMBUS_MSG_G2H },
	[CHANNELMSG_GPADL_BODY] =
		MSG(GPADL_BODY, G2H, struct vmbus_channel_gpadl_body),
	[CHANNELMSG_GPADL_CREATED] =
		MSG(GPADL_CREATED, H2G, struct vmbus_channel_gpadl_created),
	[CHANNELMSG_GPADL_TEARDOWN] =
		MSG(GPADL_TEARDOWN, G2H, struct vmbus_channel_gpadl_teardown),
	[CHANNELMSG_GPADL_TORNDOWN] =
		MSG(GPADL_TORNDOWN, H2G, struct vmbus_channel_gpadl_torndown),
	[CHANNELMSG_RELID_RELEASED] =
		MSG(RELID_RELEASED, G2H, struct vmbus_channel_relid_released),
	[CHANNELMSG_INITIATE_CONTACT] =
		MSG(INITIATE_CONTACT, G2H, struct vmbus_channel_initiate_contact),
	[CHANNELMSG_VERSION_RESPONSE] =
		MSG(VERSION_RESPONSE, H2G, struct vmbus_channel_version_response),
	[CHANNELMSG_UNLOAD] =
		MSG(UNLOAD, G2H, struct vmbus_channel_message_header),
	[CHANNELMSG_UNLOAD_RESPONSE] =
		MSG(UNLOAD_RESPONSE, H2G, struct vmbus_channel_message_header),
	[CHANNELMSG_TL_CONNECT_REQUEST] =
		MSG(TL_CONNECT_REQUEST, G2H, struct vmbus_channel_tl_connect_request),
	[CHANNELMSG_MODIFYCHANNEL] =
		MSG(MODIFYCHANNEL, G2H, struct vmbus_channel_modifychannel),
	[CHANNELMSG_TL_CONNECT_RESULT] =
		MSG(TL_CONNECT_RESULT, H2G, struct vmbus_channel_tl_connect_result),
	[CHANNELMSG_MODIFYCHANNEL_RESPONSE] =
		MSG(MODIFYCHANNEL_RESPONSE, H2G, struct vmbus_channel_modifychannel_response),
};

const struct vmbus_msg_info *vmbus_msg_info(u32 msgtype)
{
	if (msgtype >= CHANNELMSG_COUNT || !msg_table[msgtype].name)
		return NULL;
	return &msg_table[msgtype];
}

const char *vmbus_msg_name(u32 msgtype)
{
	const struct vmbus_msg_info *info = vmbus_msg_info(msgtype);

	return info ? info->name : "UNKNOWN";
}
