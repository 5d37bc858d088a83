/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ts_msg.h: the time-sync IC's pure part: parsing a host sample and turning the last
 * sample into "host time now".  Used by drivers/ic/timesync.c and the unit tests.
 *
 * Behaviour follows drivers/hv/hv_util.c: host time is in 100 ns units since 1601
 * (WLTIMEDELTA converts it); a v4.0 sample also carries vmreferencetime, the guest's
 * partition reference counter (100 ns units) when the host took the sample, and the
 * guest adds the counter's advance since then (adj_guesttime); after receipt a
 * sample's age is measured on a guest clock, and a sample 600 s old or older is stale
 * (-ESTALE); with timesync_implicit a sample that finds the guest 5 s or more behind
 * is treated like SYNC.
 */
#ifndef _HVIS_TS_MSG_H
#define _HVIS_TS_MSG_H

#include "ic_msg.h"

/* A sample older than this (guest reference clock, ns) is stale (hv_util.c: 600 s). */
#define HVIS_TS_STALE_NS	(600ULL * 1000000000ULL)
/* timesync_implicit steps the clock when it is this far behind (hv_util.c: 5 s). */
#define HVIS_TS_IMPLICIT_NS	(5LL * 1000000000LL)

struct hvis_ts_sample {
	s64 host_ns;		/* host time as Unix ns, when the host took the sample */
	u64 vmref;		/* v4.0: reference counter then (100 ns units) */
	bool has_ref;		/* vmref is valid (message version 4.0 or later) */
	u8 flags;		/* ICTIMESYNCFLAG_* */
};

/* The last accepted sample and when the guest received it. */
struct hvis_ts_state {
	bool valid;
	s64 host_ns;		/* host time at receipt, Unix ns */
	u64 ref_ns;		/* guest reference clock at receipt */
};

/*
 * Parses the sample of a TIMESYNC message of message version @srv: v4.0 and later
 * use ictimesync_ref_data, older ones ictimesync_data.  0, or -EINVAL when the payload
 * is too short, -ERANGE when the host time is before 1970 or beyond 2262 (s64 ns).
 */
int hvis_ts_parse(const struct hvis_ic_view *v, struct ic_version srv, struct hvis_ts_sample *s);

/*
 * Host time now, when the guest's reference counter reads @now_ref (100 ns units):
 * a v4.0 sample plus the counter's advance since the host took it, an older sample
 * as it is (no counter in it), or any sample as it is when @have_ref is false (the
 * transport has no reference counter).  0, -ERANGE when vmreferencetime is ahead of
 * @now_ref (a sample from the future), -ESTALE when the sample was taken
 * HVIS_TS_STALE_NS or longer ago.
 */
int hvis_ts_at_receipt(const struct hvis_ts_sample *s, bool have_ref, u64 now_ref,
		       s64 *host_ns);

/* Records an accepted sample (host_ns already corrected) at guest clock @ref_ns. */
void hvis_ts_record(struct hvis_ts_state *st, const struct hvis_ts_sample *s, u64 ref_ns);

/*
 * Host time now, at guest reference time @ref_ns: the sample plus the time since its
 * receipt.  0, or -ESTALE when there is no sample or it is HVIS_TS_STALE_NS old.
 */
int hvis_ts_host_now(const struct hvis_ts_state *st, u64 ref_ns, s64 *host_ns);

/* True when timesync_implicit should step a clock reading @guest_ns to @host_ns. */
bool hvis_ts_implicit_step(s64 guest_ns, s64 host_ns);

#endif /* _HVIS_TS_MSG_H */
