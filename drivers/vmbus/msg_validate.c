// SPDX-License-Identifier: GPL-2.0-only
/*
 * msg_validate.c: is this host message well formed?  Pure code over bytes: no kernel
 * API beyond the types of include/hvis/types.h, so that userspace tests and fuzzers
 * compile this very file.  Sizes come from the table in lib/vmbus_msg.c
 * (include/linux/hyperv.h defines the structs; drivers/hv/channel_mgmt.c checks
 * min_payload_len the same way).
 */
#include "msg_validate.h"
#include "vmbus_msg.h"

const char *hvis_msg_name(u32 msgtype)
{
	return vmbus_msg_name(msgtype);
}

/* Relid 0 is never a channel: its event bit means "protocol message" upstream. */
static bool relid_ok(u32 relid)
{
	return relid != 0 && relid < VMBUS_MAX_CHANNEL_RELIDS;
}

static int bad(const char **field, const char *what)
{
	if (field)
		*field = what;
	return -EINVAL;
}

static int check_offer(const struct vmbus_channel_offer_channel *o, const char **field)
{
	if (!relid_ok(o->child_relid))
		return bad(field, "child_relid");
	/* A monitorid out of range costs the monitor, not the offer: hvis_offer_monitor(). */
	return 0;
}

int hvis_offer_monitor(const struct vmbus_channel_offer_channel *o, u8 *grp, u8 *bit)
{
	if (!(o->monitor_allocated & 1))
		return 0;
	/* Monitor ids index 4 trigger groups of 32 bits (drivers/hv/hyperv_vmbus.h). */
	if (o->monitorid > VMBUS_MAX_MONITOR_ID)
		return -EINVAL;
	*grp = o->monitorid / VMBUS_MONITOR_PER_GROUP;
	*bit = o->monitorid % VMBUS_MONITOR_PER_GROUP;
	return 1;
}

int hvis_msg_validate_why(const void *msg, u32 len, const char **field)
{
	struct vmbus_channel_message_header hdr;
	const struct vmbus_msg_info *rule;
	u32 relid;

	if (field)
		*field = NULL;
	if (!msg || len < sizeof(hdr))
		return bad(field, "header");
	if (len > HV_MESSAGE_PAYLOAD_BYTES)
		return bad(field, "payload_size");
	memcpy(&hdr, msg, sizeof(hdr));
	rule = vmbus_msg_info(hdr.msgtype);
	if (!rule)
		return bad(field, "msgtype");
	if (rule->dir != VMBUS_MSG_H2G)
		return bad(field, "msgtype (not host-to-guest)");
	if (len < rule->min_len)
		return bad(field, "payload_size (too short)");

	switch (hdr.msgtype) {
	case CHANNELMSG_OFFERCHANNEL: {
		struct vmbus_channel_offer_channel o;

		memcpy(&o, msg, sizeof(o));
		return check_offer(&o, field);
	}
	case CHANNELMSG_RESCIND_CHANNELOFFER:
	case CHANNELMSG_OPENCHANNEL_RESULT:
	case CHANNELMSG_GPADL_CREATED:
	case CHANNELMSG_MODIFYCHANNEL_RESPONSE:
		/* child_relid is the first field after the header in all four. */
		memcpy(&relid, (const u8 *)msg + sizeof(hdr), sizeof(relid));
		if (!relid_ok(relid))
			return bad(field, "child_relid");
		return 0;
	default:
		return 0;
	}
}

int hvis_msg_validate(const void *msg, u32 len)
{
	return hvis_msg_validate_why(msg, len, NULL);
}
