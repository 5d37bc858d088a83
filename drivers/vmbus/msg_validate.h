/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * msg_validate.h: validation of host-to-guest VMBus channel messages, as a pure
 * function over bytes.  msg_validate.c uses only the include/hvis headers, so the same file
 * builds into hvis_vmbus.ko, the userspace unit tests and the fuzz targets.
 */
#ifndef _HVIS_MSG_VALIDATE_H
#define _HVIS_MSG_VALIDATE_H

#include <hvis/vmbus_proto.h>

/*
 * Checks one message the host posted (the SynIC payload, @len bytes): known
 * host-to-guest type, long enough for its struct, and every id in range.  Returns 0
 * or -EINVAL; on -EINVAL *@field (if @field is not NULL) names what was wrong.
 */
int hvis_msg_validate_why(const void *msg, u32 len, const char **field);

/* Same as hvis_msg_validate_why() without the reason. */
int hvis_msg_validate(const void *msg, u32 len);

/*
 * How the guest signals an offered channel: 1 through its monitor slot (trigger
 * group *@grp, bit *@bit of the guest's monitor page, drivers/hv/channel_mgmt.c
 * vmbus_setup_channel_state), 0 by the doorbell (no monitor allocated), -EINVAL
 * when a monitor is allocated but monitorid lies past the page's 128 slots (the
 * caller falls back to the doorbell).
 */
int hvis_offer_monitor(const struct vmbus_channel_offer_channel *o, u8 *grp, u8 *bit);

/* "OFFERCHANNEL" etc., or "UNKNOWN" for a type outside the table. */
const char *hvis_msg_name(u32 msgtype);

#endif /* _HVIS_MSG_VALIDATE_H */
