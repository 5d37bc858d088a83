/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * crash_log.h: the guest's panic report through the link header (crash_log.c) and the
 * `ctl nmi` / `ctl crash-log` commands.
 */
#ifndef _FH_CRASH_LOG_H
#define _FH_CRASH_LOG_H

#include <stdio.h>
#include "hvis/link.h"
#include "events.h"
#include "guest_mem.h"
#include "vmbus_host.h"

struct crash_log {
	u32 reports;				/* reports taken since the host started */
	u64 p[5], ctl;				/* the last report's registers */
	u32 len;				/* bytes of text */
	char text[HVIS_LINK_CRASH_LOG_MAX + 1];
};

/* Takes a report the guest left in the header (and clears it); true if there was one. */
bool crash_log_check(struct crash_log *cl, struct hvis_link_header *hdr,
		     const struct guest_mem *m, struct vmbus_host *h, struct event_log *ev);

/* `nmi` and `crash-log [FILE]` (argv[0] names the command). */
int crash_ctl(struct crash_log *cl, int argc, char **argv, FILE *out, char *err, size_t errlen);

#endif /* _FH_CRASH_LOG_H */
