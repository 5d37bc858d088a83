/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pump.h: `ctl pump` (pump.c): host-initiated messages back to back on chosen device
 * classes, for the hostile campaign.
 */
#ifndef _FH_PUMP_H
#define _FH_PUMP_H

#include <stdio.h>
#include "vmbus_host.h"

/* Tops up every pumped channel's ring (from the tick and after the guest's interrupts). */
void pump_run(struct vmbus_host *h);
/* `pump on|off CLASS[,CLASS...]`, `pump status`; 0, or -1 with the reason in err. */
int pump_ctl(struct vmbus_host *h, int argc, char **argv, FILE *out, char *err, size_t errlen);

#endif /* _FH_PUMP_H */
