// SPDX-License-Identifier: GPL-2.0-only
/*
 * ts_msg.c: time-sync sample parsing and host-time extrapolation (see ts_msg.h).
 *
 * Wire format: include/linux/hyperv.h ictimesync_data / ictimesync_ref_data, the
 * latter for message version 4.0 (drivers/hv/hv_util.c timesync_onchannelcallback
 * picks it when the negotiated version is above 3.0).
 */
#include "ts_msg.h"

/* Largest host time whose Unix ns value, plus a sample's largest age, fits an s64. */
#define TS_MAX_100NS	(WLTIMEDELTA + (9223372036854775807ULL - HVIS_TS_STALE_NS) / 100)

int hvis_ts_parse(const struct hvis_ic_view *v, struct ic_version srv, struct hvis_ts_sample *s)
{
	u64 parent, vmref = 0;
	bool has_ref = false;
	u8 flags;

	if (srv.major >= 4) {
		struct ictimesync_ref_data d;

		if (v->data_len < sizeof(d))
			return -EINVAL;
		memcpy(&d, v->data, sizeof(d));
		parent = d.parenttime;
		vmref = d.vmreferencetime;
		has_ref = true;
		flags = d.flags;
	} else {
		struct ictimesync_data d;

		if (v->data_len < sizeof(d))
			return -EINVAL;
		memcpy(&d, v->data, sizeof(d));
		parent = d.parenttime;
		flags = d.flags;
	}
	if (parent < WLTIMEDELTA || parent > TS_MAX_100NS)
		return -ERANGE;
	s->host_ns = (s64)((parent - WLTIMEDELTA) * 100);
	s->vmref = vmref;
	s->has_ref = has_ref;
	s->flags = flags;
	return 0;
}

int hvis_ts_at_receipt(const struct hvis_ts_sample *s, bool have_ref, u64 now_ref,
		       s64 *host_ns)
{
	u64 age;

	if (!s->has_ref || !have_ref) {
		*host_ns = s->host_ns;
		return 0;
	}
	if (s->vmref > now_ref)
		return -ERANGE;
	age = now_ref - s->vmref;
	/* In 100 ns units: compare before multiplying, so nothing overflows. */
	if (age >= HVIS_TS_STALE_NS / 100)
		return -ESTALE;
	/* host_ns <= TS_MAX_100NS's value leaves room for HVIS_TS_STALE_NS more. */
	*host_ns = s->host_ns + (s64)(age * 100);
	return 0;
}

void hvis_ts_record(struct hvis_ts_state *st, const struct hvis_ts_sample *s, u64 ref_ns)
{
	st->host_ns = s->host_ns;
	st->ref_ns = ref_ns;
	st->valid = true;
}

int hvis_ts_host_now(const struct hvis_ts_state *st, u64 ref_ns, s64 *host_ns)
{
	u64 age;

	if (!st->valid)
		return -ESTALE;
	/* A reference clock that went backwards counts as no time passed. */
	age = ref_ns >= st->ref_ns ? ref_ns - st->ref_ns : 0;
	if (age >= HVIS_TS_STALE_NS)
		return -ESTALE;
	*host_ns = st->host_ns + (s64)age;
	return 0;
}

bool hvis_ts_implicit_step(s64 guest_ns, s64 host_ns)
{
	return host_ns - guest_ns >= HVIS_TS_IMPLICIT_NS;
}
