/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * dev_kvp.h: `ctl kvp` entry points of the KVP backend.
 */
#ifndef _FH_DEV_KVP_H
#define _FH_DEV_KVP_H

#include <stdio.h>
#include "vmbus_host.h"

/*
 * Sends one KVP request; the answer arrives as a KVP_RESULT event.  @argv after "kvp":
 *   set POOL KEY VALUE | get POOL KEY | delete POOL KEY | enum POOL | ipinfo MAC |
 *   setip GUID IP MASK GW DNS | bad long-key|long-value|bad-pool|bad-op|short
 * Returns 0, -EINVAL (usage; *err says why), -ENOTCONN or -EBUSY.
 */
int dev_kvp_request(struct vmbus_host *h, int argc, char **argv, const char **err);

/* Prints the items of the last `kvp enum`, "POOL INDEX KEY=VALUE" per line. */
void dev_kvp_items(struct vmbus_host *h, FILE *out);

#endif /* _FH_DEV_KVP_H */
