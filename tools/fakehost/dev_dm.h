/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * dev_dm.h: the fake host's Dynamic Memory backend (class "dm"): policies, the
 * control commands `memory` and `dm`, and its events (docs/fakehost-ctl.md).
 */
#ifndef _FH_DEV_DM_H
#define _FH_DEV_DM_H

#include <stdio.h>
#include "vmbus_host.h"

/* `ctl memory ARGS...` and `ctl dm ARGS...`: 0, or -1 with err filled in. */
int dev_dm_ctl_memory(struct vmbus_host *h, int argc, char **argv, FILE *out, char *err,
		      size_t errlen);
int dev_dm_ctl_dm(struct vmbus_host *h, int argc, char **argv, FILE *out, char *err,
		  size_t errlen);

#endif /* _FH_DEV_DM_H */
