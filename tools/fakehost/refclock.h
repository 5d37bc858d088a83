/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * refclock.h: the reference counter (Hyper-V's partition reference time, 100 ns
 * units) that the fake host and its guest share through the link header's ref_time
 * (include/hvis/link.h).  TimeSync v4.0 samples carry a reading of it.
 */
#ifndef _FH_REFCLOCK_H
#define _FH_REFCLOCK_H

#include "hvis/link.h"

/*
 * Publishes the counter into *slot (the link header's ref_time), from 0, refreshed
 * every HVIS_LINK_REF_PERIOD_US; NULL stops the stores (while the header is rewritten).
 * 0 or -errno (the refresh thread could not start).
 */
int refclock_publish(u64 *slot);

/* Stops publishing and the refresh thread. */
void refclock_stop(void);

/*
 * The counter now: the value the guest reads from the header, or, with no header
 * (unit tests), the same count computed directly.
 */
u64 refclock_read(void);

#endif /* _FH_REFCLOCK_H */
