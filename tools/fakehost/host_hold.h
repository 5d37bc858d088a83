/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * host_hold.h: the rule that decides whether a guest->host ring the host just drained
 * stays masked (held) and is read again later instead of being unmasked.  Pure: no
 * clock, no ring; host_ring.c feeds it what a look found and when.
 */
#ifndef _FH_HOST_HOLD_H
#define _FH_HOST_HOLD_H

#include "hvis/types.h"

#define HOST_HOLD_MIN_PACKETS	2
#define HOST_HOLD_NO_GAP	(~0ull)

/* What the rule remembers per channel; zeroed when the rings are mapped. */
struct host_hold_state {
	u32 avg16;		/* packets per look, recent average, times 16 */
	u32 idle;		/* empty looks in a row at a held ring */
};

/*
 * struct host_hold_look - one look at the ring, as host_chan_read_end saw it
 * @found:	most packets one look found since the last end
 * @recheck:	the look was a held ring's (host_hold_service), not a guest signal
 * @gap_ns:	since the end of the look before (HOST_HOLD_NO_GAP: none yet)
 * @hold_ns:	the hold interval (--hold-us); 0: never hold
 * @idle_max:	empty looks a held ring may take before it is unmasked; 0 (storage):
 *		the first empty look unmasks and only counts make a ring busy
 */
struct host_hold_look {
	u32 found;
	bool recheck;
	u64 gap_ns;
	u64 hold_ns;
	u32 idle_max;
};

/* True: keep the ring masked and look again after hold_ns. */
bool host_hold_decide(struct host_hold_state *s, const struct host_hold_look *l);

#endif /* _FH_HOST_HOLD_H */
