// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_msg_validate.c: unit tests of the bus core's host-message validator
 * (drivers/vmbus/msg_validate.c): every malformed message kind the fake host can
 * inject is refused, and names the field that was wrong.
 */
#include <string.h>
#include "tap.h"
#include "msg_validate.h"

static const char *why;

static int check(const void *msg, u32 len)
{
	return hvis_msg_validate_why(msg, len, &why);
}

static bool why_is(const char *prefix)
{
	return why && strncmp(why, prefix, strlen(prefix)) == 0;
}

int main(void)
{
	struct vmbus_channel_offer_channel offer = { 0 };
	struct vmbus_channel_rescind_offer rescind = { 0 };
	struct vmbus_channel_version_response vr = { 0 };
	struct vmbus_channel_gpadl_torndown td = { 0 };
	struct vmbus_channel_open_channel open = { 0 };
	struct vmbus_channel_message_header h = { 0 };
	u8 big[HV_MESSAGE_PAYLOAD_BYTES + 8] = { 0 };

	offer.header.msgtype = CHANNELMSG_OFFERCHANNEL;
	offer.child_relid = 5;
	tap_check(check(&offer, sizeof(offer)) == 0 && !why, "a well-formed offer passes");
	tap_check(check(&offer, sizeof(offer) - 1) == -EINVAL && why_is("payload_size"),
		  "an offer one byte short is refused for its size");
	offer.child_relid = 0;
	tap_check(check(&offer, sizeof(offer)) == -EINVAL && why_is("child_relid"), "offer relid 0 is refused");
	offer.child_relid = VMBUS_MAX_CHANNEL_RELIDS;
	tap_check(check(&offer, sizeof(offer)) == -EINVAL && why_is("child_relid"),
		  "offer relid 2048 (past the relid table) is refused");
	offer.child_relid = 7;
	offer.monitor_allocated = 1;
	offer.monitorid = 200;
	tap_check(check(&offer, sizeof(offer)) == 0 && !why,
		  "a monitor id beyond the monitor page does not cost the offer");
	{
		u8 grp = 9, bit = 99;

		tap_check(hvis_offer_monitor(&offer, &grp, &bit) == -EINVAL && grp == 9 && bit == 99,
			  "monitorid 200: no monitor slot (the channel uses the doorbell)");
		offer.monitorid = 128;
		tap_check(hvis_offer_monitor(&offer, &grp, &bit) == -EINVAL,
			  "monitorid 128, one past the last slot: no monitor slot");
		offer.monitorid = 127;
		tap_check(hvis_offer_monitor(&offer, &grp, &bit) == 1 && grp == 3 && bit == 31,
			  "monitorid 127: group 3, bit 31 (the last slot)");
		offer.monitorid = 37;
		tap_check(hvis_offer_monitor(&offer, &grp, &bit) == 1 && grp == 1 && bit == 5,
			  "monitorid 37: group 1, bit 5");
		offer.monitor_allocated = 0x02;
		tap_check(hvis_offer_monitor(&offer, &grp, &bit) == 0,
			  "monitor_allocated without bit 0: the doorbell");
		offer.monitor_allocated = 0;
		offer.monitorid = 200;
		tap_check(hvis_offer_monitor(&offer, &grp, &bit) == 0,
			  "no monitor allocated: monitorid is not looked at");
	}

	rescind.header.msgtype = CHANNELMSG_RESCIND_CHANNELOFFER;
	rescind.child_relid = 65535;
	tap_check(check(&rescind, sizeof(rescind)) == -EINVAL && why_is("child_relid"),
		  "rescind of relid 65535 is refused");
	rescind.child_relid = 3;
	tap_check(check(&rescind, sizeof(rescind)) == 0, "rescind of relid 3 passes");

	vr.header.msgtype = CHANNELMSG_VERSION_RESPONSE;
	tap_check(check(&vr, sizeof(vr)) == 0, "a version response passes");
	td.header.msgtype = CHANNELMSG_GPADL_TORNDOWN;
	tap_check(check(&td, sizeof(td)) == 0, "a gpadl torndown passes the format check");

	h.msgtype = 99;
	tap_check(check(&h, sizeof(h)) == -EINVAL && why_is("msgtype"), "message type 99 is refused");
	h.msgtype = 19;
	tap_check(check(&h, sizeof(h)) == -EINVAL && why_is("msgtype"), "unused message type 19 is refused");
	open.header.msgtype = CHANNELMSG_OPENCHANNEL;
	tap_check(check(&open, sizeof(open)) == -EINVAL && why_is("msgtype"),
		  "a guest-to-host message type coming from the host is refused");
	tap_check(check(&h, 4) == -EINVAL && why_is("header"), "a message shorter than its header is refused");
	((struct vmbus_channel_message_header *)big)->msgtype = CHANNELMSG_ALLOFFERS_DELIVERED;
	tap_check(check(big, HV_MESSAGE_PAYLOAD_BYTES + 1) == -EINVAL && why_is("payload_size"),
		  "a payload of 241 bytes is refused");
	tap_check(check(big, HV_MESSAGE_PAYLOAD_BYTES) == 0, "a 240-byte ALLOFFERS_DELIVERED passes");
	tap_check(check(NULL, 16) == -EINVAL, "no message is refused");
	tap_check(strcmp(hvis_msg_name(CHANNELMSG_GPADL_CREATED), "GPADL_CREATED") == 0 &&
		  strcmp(hvis_msg_name(77), "UNKNOWN") == 0, "message names come from the table");
	return tap_done();
}
