/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * dev_vss.h: `ctl vss` entry point of the live-backup (VSS) backend.
 */
#ifndef _FH_DEV_VSS_H
#define _FH_DEV_VSS_H

#include "vmbus_host.h"

/*
 * Sends one VSS request; the guest's answer arrives as a VSS_RESULT event.  @argv
 * after "vss": freeze | thaw | hot-backup | dm-info | bad-op.  Returns 0, -EINVAL
 * (usage), -ENOTCONN or -EBUSY.
 */
int dev_vss_request(struct vmbus_host *h, int argc, char **argv);

#endif /* _FH_DEV_VSS_H */
