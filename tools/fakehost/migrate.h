/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * migrate.h: the simulated live migration (`ctl migrate`) and the two host-side rules
 * Hyper-V applies around it: a target whose processor features are not a superset of
 * the source's is refused unless processor-compatibility mode is on, and Dynamic
 * Memory is refused while nested virtualization is on (`serve --nested`).
 */
#ifndef _FH_MIGRATE_H
#define _FH_MIGRATE_H

#include <stdio.h>
#include "vmbus_host.h"

#define MIGRATE_DEFAULT_FEATURES	"x86-64,sse2,sse4.2,avx"
#define MIGRATE_DEFAULT_BLACKOUT_MS	500u
#define MIGRATE_MAX_BLACKOUT_MS		60000u

/*
 * Start-up settings: QEMU's QMP socket (NULL: none), the processor features of the
 * host the VM starts on (comma list; NULL: MIGRATE_DEFAULT_FEATURES), nested
 * virtualization on or off.  0, or -1 with err filled in.
 */
int migrate_setup(const char *qmp_path, const char *features, bool nested, char *err,
		  size_t errlen);

/*
 * Whether a device of class @name may be offered: "dm" is refused while nested
 * virtualization is on, with a DM_REFUSED event when h is not NULL.  0, or -1 with
 * err filled in.
 */
int migrate_check_device(struct vmbus_host *h, const char *name, char *err, size_t errlen);

/*
 * `ctl migrate [blackout=MS] [target=F1,F2,...] [compat=on|off]` and `ctl migrate
 * status`.  Returns 1 when a migration started (the caller waits for MIGRATE_DONE),
 * 0 when the command is complete (status), -1 with err filled in (refused, no QMP,
 * QEMU's error).
 */
int migrate_ctl(struct vmbus_host *h, int argc, char **argv, FILE *out, char *err,
		size_t errlen);

/* The QMP socket (`serve --qmp`), or NULL. */
const char *migrate_qmp_path(void);

/* Ends the blackout once it is over: QMP cont, then what the host sends after it. */
void migrate_tick(struct vmbus_host *h, u64 now_ms);

#endif /* _FH_MIGRATE_H */
