// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuzz_ts_msg.c: libFuzzer target for time-sync samples (lib/ts_msg.c).  The first
 * byte picks the message version; an accepted sample must survive the reference-time
 * correction at any counter reading and extrapolate without overflow for any age
 * under the stale bound.
 */
#include <stdlib.h>
#include "ts_msg.h"
#include "fuzz_types.h"

FUZZ_TYPES("3.0 SYNC", "3.0 SAMPLE", "4.0 SYNC", "4.0 SAMPLE")

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size)
{
	struct ic_version ver = { 4, 0 };
	struct hvis_ts_state st = {};
	struct hvis_ts_sample s;
	struct hvis_ic_view v;
	s64 now, at;
	u64 now_ref;
	u8 *pkt;

	if (!size)
		return 0;
	if (in[0] & 1)
		ver.major = 3;
	pkt = malloc(size - 1 ? size - 1 : 1);
	memcpy(pkt, in + 1, size - 1);
	if (!hvis_ic_parse(pkt, (u32)(size - 1), &v) && !hvis_ts_parse(&v, ver, &s)) {
		if (s.host_ns < 0)
			abort();
		if (s.flags == ICTIMESYNCFLAG_SYNC || s.flags == ICTIMESYNCFLAG_SAMPLE)
			fuzz_hit((ver.major == 4 ? 2 : 0) + (s.flags == ICTIMESYNCFLAG_SAMPLE));
		/* The counter reading comes from the sample's own bytes: any value. */
		now_ref = s.vmref ^ ((u64)s.flags << 40) ^ s.host_ns;
		if (!hvis_ts_at_receipt(&s, true, now_ref, &at)) {
			if (at < s.host_ns || (s.has_ref && now_ref < s.vmref))
				abort();
			s.host_ns = at;
		}
		hvis_ts_record(&st, &s, 0);
		if (hvis_ts_host_now(&st, HVIS_TS_STALE_NS - 1, &now) || now < s.host_ns)
			abort();
	}
	free(pkt);
	return 0;
}
