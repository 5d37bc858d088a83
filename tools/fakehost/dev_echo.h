/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * dev_echo.h: the echo backend's ctl commands (dev_echo.c).
 */
#ifndef _FH_DEV_ECHO_H
#define _FH_DEV_ECHO_H

#include <stdio.h>

struct vmbus_host;

/* `echo-stats RELID`, `echo-freeze RELID on|off`: 0, or -1 with @err set. */
int dev_echo_ctl(struct vmbus_host *h, int argc, char **argv, FILE *out, char *err,
		 size_t errlen);

#endif
