/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * dev_fcopy.h: `ctl copy-file` entry point of the file-copy backend.
 */
#ifndef _FH_DEV_FCOPY_H
#define _FH_DEV_FCOPY_H

#include "vmbus_host.h"

/*
 * Starts a copy; the outcome arrives as an FCOPY_RESULT event.  @argv after
 * "copy-file": HOSTPATH GUESTPATH [--overwrite] [--cancel-after BYTES] |
 * --bad offset-past-end|big-chunk GUESTPATH.  Returns 0, -EINVAL (usage, *err),
 * -ENOENT (host file), -ENOTCONN or -EBUSY.
 */
int dev_fcopy_start(struct vmbus_host *h, int argc, char **argv, const char **err);

#endif /* _FH_DEV_FCOPY_H */
