// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuzz_msg_validate.c: libFuzzer target for the bus core's host-message validator
 * (drivers/vmbus/msg_validate.c).  A message it accepts must be of a known
 * host-to-guest type, at least the size of its struct, and at most one SynIC payload.
 */
#include <stdlib.h>
#include "msg_validate.h"
#include "fuzz_types.h"

/* The host-to-guest messages (lib/vmbus_msg.c). */
FUZZ_TYPES("OFFERCHANNEL", "RESCIND_CHANNELOFFER", "ALLOFFERS_DELIVERED", "OPENCHANNEL_RESULT",
	   "GPADL_CREATED", "GPADL_TORNDOWN", "VERSION_RESPONSE", "UNLOAD_RESPONSE",
	   "TL_CONNECT_RESULT", "MODIFYCHANNEL_RESPONSE")

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size)
{
	struct vmbus_channel_message_header h;
	const char *why;
	unsigned int i;

	if (hvis_msg_validate_why(in, (u32)size, &why) != 0)
		return why ? 0 : (abort(), 0);
	memcpy(&h, in, sizeof(h));
	if (size > HV_MESSAGE_PAYLOAD_BYTES || size < sizeof(h) ||
	    strcmp(hvis_msg_name(h.msgtype), "UNKNOWN") == 0)
		abort();
	/* An accepted offer's monitor slot lies inside the page, or there is none. */
	if (h.msgtype == CHANNELMSG_OFFERCHANNEL) {
		struct vmbus_channel_offer_channel o;
		u8 grp = 0xff, bit = 0xff;
		int m;

		memcpy(&o, in, sizeof(o));
		m = hvis_offer_monitor(&o, &grp, &bit);
		if (m == 1 ? grp >= VMBUS_MONITOR_GROUPS || bit >= VMBUS_MONITOR_PER_GROUP ||
			     grp * VMBUS_MONITOR_PER_GROUP + bit != o.monitorid :
			     m != 0 && m != -EINVAL)
			abort();
	}
	for (i = 0; i < sizeof(fuzz_type_names) / sizeof(fuzz_type_names[0]); i++)
		if (!strcmp(hvis_msg_name(h.msgtype), fuzz_type_names[i]))
			fuzz_hit(i);
	return 0;
}
