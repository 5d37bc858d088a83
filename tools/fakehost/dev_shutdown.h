/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * dev_shutdown.h: requests of the shutdown backend, for `ctl shutdown` / `ctl reboot`.
 */
#ifndef _FH_DEV_SHUTDOWN_H
#define _FH_DEV_SHUTDOWN_H

#include "vmbus_host.h"

/* Sends ICMSGTYPE_SHUTDOWN with flags (IC_SHUTDOWN_FLAG_*); 0 or -errno. */
int dev_shutdown_request(struct vmbus_host *h, u32 flags);

#endif /* _FH_DEV_SHUTDOWN_H */
