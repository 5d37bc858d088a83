/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * dev_timesync.h: `ctl timesync` entry points of the time-sync backend.
 */
#ifndef _FH_DEV_TIMESYNC_H
#define _FH_DEV_TIMESYNC_H

#include "vmbus_host.h"

/* Sends SYNC (or SAMPLE) now; sample_ms != 0 also sets the sample period.  0 or -errno. */
int dev_timesync_request(struct vmbus_host *h, bool sample, u32 sample_ms);

/* "syncs=N samples=N acks=N failed=N rtt_us=N sample_ms=N". */
void dev_timesync_status(struct vmbus_host *h, char *buf, size_t len);

#endif /* _FH_DEV_TIMESYNC_H */
