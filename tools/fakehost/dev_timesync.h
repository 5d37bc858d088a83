/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * dev_timesync.h: `ctl timesync` entry points of the time-sync backend.
 */
#ifndef _FH_DEV_TIMESYNC_H
#define _FH_DEV_TIMESYNC_H

#include "vmbus_host.h"

/*
 * Sends SYNC (or SAMPLE) now, taken age_s seconds ago (host time and vmreferencetime
 * both that old); sample_ms != 0 also sets the sample period (the next periodic
 * sample comes that long from now).  0, -ENOTCONN, -ERANGE (the link's counter is
 * younger than age_s) or another -errno.
 */
int dev_timesync_request(struct vmbus_host *h, bool sample, u32 sample_ms, u32 age_s);

/*
 * "syncs=N samples=N acks=N failed=N rtt_us=N sample_ms=N ref=N last_vmref=N": ref is
 * the reference counter now, last_vmref the last v4.0 sample's vmreferencetime.
 */
void dev_timesync_status(struct vmbus_host *h, char *buf, size_t len);

#endif /* _FH_DEV_TIMESYNC_H */
