// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_ts_msg.c: unit tests of lib/ts_msg.c: time samples of both message formats,
 * out-of-range host times, the v4.0 reference-time correction, extrapolation and
 * stale samples.
 */
#include "tap.h"
#include "ts_msg.h"

#define SEC 1000000000LL

static u32 build_v4(u8 *pkt, u64 parent, u8 flags)
{
	struct ictimesync_ref_data d = { .parenttime = parent, .vmreferencetime = 12345,
					 .flags = flags };

	memset(pkt, 0, 128);
	memcpy(pkt + ICMSG_HDR, &d, sizeof(d));
	return ICMSG_HDR + sizeof(d);
}

static u32 build_v3(u8 *pkt, u64 parent, u8 flags)
{
	struct ictimesync_data d = { .parenttime = parent, .flags = flags };

	memset(pkt, 0, 128);
	memcpy(pkt + ICMSG_HDR, &d, sizeof(d));
	return ICMSG_HDR + sizeof(d);
}

int main(void)
{
	const struct ic_version v4 = { 4, 0 }, v3 = { 3, 0 }, v1 = { 1, 0 };
	/* 2023-11-14 22:13:20 UTC = 1700000000 s. */
	const u64 t100 = WLTIMEDELTA + 1700000000ULL * 10000000ULL + 5;
	struct hvis_ts_state st = {};
	struct hvis_ts_sample s;
	struct hvis_ic_view v;
	u8 pkt[128];
	s64 now;
	u32 len;

	len = build_v4(pkt, t100, ICTIMESYNCFLAG_SYNC);
	tap_check(!hvis_ic_parse(pkt, len, &v), "v4 packet parses");
	tap_check(!hvis_ts_parse(&v, v4, &s), "v4 sample accepted");
	tap_check(s.host_ns == 1700000000LL * SEC + 500, "v4 host time in Unix ns");
	tap_check(s.flags == ICTIMESYNCFLAG_SYNC, "v4 flags");
	tap_check(s.has_ref && s.vmref == 12345, "v4 carries vmreferencetime");
	tap_check(hvis_ts_parse(&v, v3, &s) == -EINVAL, "22 bytes are too short for v3's 25");

	len = build_v3(pkt, t100, ICTIMESYNCFLAG_SAMPLE);
	hvis_ic_parse(pkt, len, &v);
	tap_check(!hvis_ts_parse(&v, v1, &s) && s.flags == ICTIMESYNCFLAG_SAMPLE &&
		  s.host_ns == 1700000000LL * SEC + 500, "v1 sample uses ictimesync_data");
	tap_check(!s.has_ref, "v1 sample has no reference time");
	tap_check(!hvis_ts_at_receipt(&s, true, 999999999, &now) &&
		  now == 1700000000LL * SEC + 500, "v1 sample: no correction");
	v.data_len = sizeof(struct ictimesync_ref_data) - 1;
	tap_check(hvis_ts_parse(&v, v4, &s) == -EINVAL, "short v4 payload refused");

	len = build_v4(pkt, WLTIMEDELTA - 1, 0);
	hvis_ic_parse(pkt, len, &v);
	tap_check(hvis_ts_parse(&v, v4, &s) == -ERANGE, "host time before 1970 refused");
	len = build_v4(pkt, ~0ULL, 0);
	hvis_ic_parse(pkt, len, &v);
	tap_check(hvis_ts_parse(&v, v4, &s) == -ERANGE, "host time past 2262 refused");
	len = build_v4(pkt, WLTIMEDELTA, 0);
	hvis_ic_parse(pkt, len, &v);
	tap_check(!hvis_ts_parse(&v, v4, &s) && s.host_ns == 0, "the epoch itself is fine");

	/* The v4.0 correction (drivers/hv/hv_util.c adj_guesttime). */
	s.host_ns = 1700000000LL * SEC;
	s.has_ref = true;
	s.vmref = 50000000;	/* 5 s of uptime, 100 ns units */
	tap_check(!hvis_ts_at_receipt(&s, true, 50000000, &now) && now == 1700000000LL * SEC,
		  "v4 sample received the instant it was taken: no correction");
	tap_check(!hvis_ts_at_receipt(&s, true, 50000000 + 30 * 10000000ULL, &now) &&
		  now == 1700000030LL * SEC, "v4 sample held 30 s: 30 s added");
	tap_check(!hvis_ts_at_receipt(&s, true, 50000001, &now) &&
		  now == 1700000000LL * SEC + 100, "one counter tick is 100 ns");
	tap_check(!hvis_ts_at_receipt(&s, false, 0, &now) && now == 1700000000LL * SEC,
		  "no reference counter on this transport: sample as it is");
	tap_check(hvis_ts_at_receipt(&s, true, 49999999, &now) == -ERANGE,
		  "vmreferencetime ahead of the counter refused");
	tap_check(!hvis_ts_at_receipt(&s, true, 50000000 + HVIS_TS_STALE_NS / 100 - 1, &now) &&
		  now == 1700000000LL * SEC + (s64)HVIS_TS_STALE_NS - 100,
		  "a sample just under 600 s old is corrected");
	tap_check(hvis_ts_at_receipt(&s, true, 50000000 + HVIS_TS_STALE_NS / 100, &now) == -ESTALE,
		  "a sample taken 600 s ago is stale");
	s.vmref = 0;
	tap_check(hvis_ts_at_receipt(&s, true, ~0ULL, &now) == -ESTALE,
		  "the largest age is stale, not an overflow");

	tap_check(hvis_ts_host_now(&st, 0, &now) == -ESTALE, "no sample yet: stale");
	s.host_ns = 1700000000LL * SEC;
	hvis_ts_record(&st, &s, 1000);
	tap_check(!hvis_ts_host_now(&st, 1000 + 3 * SEC, &now) && now == 1700000003LL * SEC,
		  "host time extrapolated by the reference clock");
	tap_check(!hvis_ts_host_now(&st, 10, &now) && now == 1700000000LL * SEC,
		  "a reference clock behind the sample counts as no time");
	tap_check(!hvis_ts_host_now(&st, 1000 + HVIS_TS_STALE_NS - 1, &now),
		  "a sample just under 600 s old is used");
	tap_check(hvis_ts_host_now(&st, 1000 + HVIS_TS_STALE_NS, &now) == -ESTALE,
		  "a sample 600 s old is stale");

	tap_check(hvis_ts_implicit_step(0, 5 * SEC), "5 s behind: implicit step");
	tap_check(!hvis_ts_implicit_step(0, 5 * SEC - 1), "just under 5 s: no step");
	tap_check(!hvis_ts_implicit_step(3600 * SEC, 0), "ahead: no implicit step (upstream)");
	return tap_done();
}
