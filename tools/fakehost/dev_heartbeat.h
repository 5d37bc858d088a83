/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * dev_heartbeat.h: what the heartbeat backend keeps per device, for `ctl heartbeat`.
 */
#ifndef _FH_DEV_HEARTBEAT_H
#define _FH_DEV_HEARTBEAT_H

#include "vmbus_host.h"

struct hb_state {
	u64 next_seq;		/* sequence number of the next request */
	u64 sent_seq;		/* of the last request sent */
	u64 last_seq;		/* the guest's last answer */
	u64 sent;
	u64 replies;
	bool have_reply;
	u64 next_send_ms;
};

/* "replies=N sent=N seq=N" (seq=none before the first answer). */
void dev_heartbeat_status(struct vmbus_host *h, char *buf, size_t len);

#endif /* _FH_DEV_HEARTBEAT_H */
