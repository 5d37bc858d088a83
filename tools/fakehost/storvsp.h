/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * storvsp.h: the fake host's storage controllers (classes "scsi", "ide", "fc": the part
 * Hyper-V's storvsp plays for drivers/scsi/storvsc_drv.c), their disks, `--disks`, the
 * `disk` control command and the STOR_* / DISK_* events (docs/fakehost-ctl.md,
 * docs/storvsc.md).
 */
#ifndef _FH_STORVSP_H
#define _FH_STORVSP_H

#include <stdio.h>
#include "vmbus_host.h"

/* `--disks C:T:L=PATH[:ro],...`: 0, or -1 with err filled in. */
int storvsp_add_disks(struct vmbus_host *h, const char *list, char *err, size_t errlen);

/* True if any storage controller is configured (main.c then starts disk I/O). */
bool storvsp_any(const struct vmbus_host *h);

/* `ctl disk ARGS...` (argv[0] is "disk"): 0, or -1 with err filled in. */
int dev_storvsp_ctl(struct vmbus_host *h, int argc, char **argv, FILE *out, char *err,
		    size_t errlen);

#endif /* _FH_STORVSP_H */
