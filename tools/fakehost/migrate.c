// SPDX-License-Identifier: GPL-2.0-only
/*
 * migrate.c: `ctl migrate`, a live migration as the guest sees it.  The VM stops
 * (QMP "stop"), stays stopped for the blackout, runs again (QMP "cont") on the
 * "target" host, and then gets what Hyper-V sends after a migration: an RNDIS
 * NETWORK_CHANGE indication on every NIC (nic_migrate.c) and a TimeSync sample with
 * the SYNC flag, since the guest's clock stood still during the blackout.  Before
 * that the host's rules are applied: the target must have every processor feature
 * of the source unless processor-compatibility mode is on (then the VM only sees
 * what both share, and only hosts that share nothing are refused).  Nested
 * virtualization and Dynamic Memory exclude each other.  The feature sets are names;
 * the source's is `serve --cpu-features`, and after a migration the target's.
 */
#include <ctype.h>
#include <stdlib.h>
#include "dev_nic.h"
#include "dev_timesync.h"
#include "migrate.h"
#include "qmp.h"

#define FEAT_MAX	32u
#define FEAT_NAME	32u

struct feature_set {
	u32 n;
	char name[FEAT_MAX][FEAT_NAME];
};

static struct {
	const char *qmp_path;
	bool nested;
	struct feature_set current;	/* the processor features of the VM's host now */
	/* a migration in its blackout: ends at end_ms */
	bool active;
	u64 start_ms, end_ms;
	u32 blackout_ms;
	struct feature_set target;
	u64 done, refused;
} mig;

/* "a,b,c" into s; -1 on an empty, too long, duplicated or badly named entry. */
static int feature_parse(const char *list, struct feature_set *s, char *err, size_t errlen)
{
	const char *p = list;

	s->n = 0;
	while (*p) {
		size_t l = strcspn(p, ",");
		u32 i;

		if (!l || l >= FEAT_NAME || s->n == FEAT_MAX) {
			snprintf(err, errlen, "bad feature list '%s' (1..%u names of 1..%u characters)",
				 list, FEAT_MAX, FEAT_NAME - 1);
			return -1;
		}
		for (i = 0; i < l; i++)
			if (!(isalnum((unsigned char)p[i]) || strchr("._-", p[i]))) {
				snprintf(err, errlen, "bad feature name '%.*s' (letters, digits, . _ -)",
					 (int)l, p);
				return -1;
			}
		memcpy(s->name[s->n], p, l);
		s->name[s->n][l] = '\0';
		for (i = 0; i < s->n; i++)
			if (!strcmp(s->name[i], s->name[s->n])) {
				snprintf(err, errlen, "feature '%s' named twice", s->name[i]);
				return -1;
			}
		s->n++;
		p += l;
		if (*p == ',' && !*++p) {
			snprintf(err, errlen, "bad feature list '%s' (ends with a comma)", list);
			return -1;
		}
	}
	if (!s->n) {
		snprintf(err, errlen, "empty feature list");
		return -1;
	}
	return 0;
}

static bool feature_has(const struct feature_set *s, const char *name)
{
	u32 i;

	for (i = 0; i < s->n; i++)
		if (!strcmp(s->name[i], name))
			return true;
	return false;
}

/* Names of a not in b, comma-separated, into buf; how many. */
static u32 feature_missing(const struct feature_set *a, const struct feature_set *b, char *buf,
			   size_t len)
{
	size_t at = 0;
	u32 i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < a->n; i++) {
		if (feature_has(b, a->name[i]))
			continue;
		if (at < len)
			at += snprintf(buf + at, len - at, "%s%s", n ? "," : "", a->name[i]);
		n++;
	}
	return n;
}

static void feature_format(const struct feature_set *s, char *buf, size_t len)
{
	size_t at = 0;
	u32 i;

	buf[0] = '\0';
	for (i = 0; i < s->n && at < len; i++)
		at += snprintf(buf + at, len - at, "%s%s", i ? "," : "", s->name[i]);
}

int migrate_setup(const char *qmp_path, const char *features, bool nested, char *err,
		  size_t errlen)
{
	mig.qmp_path = qmp_path;
	mig.nested = nested;
	return feature_parse(features ? features : MIGRATE_DEFAULT_FEATURES, &mig.current, err,
			     errlen);
}

const char *migrate_qmp_path(void)
{
	return mig.qmp_path;
}

int migrate_check_device(struct vmbus_host *h, const char *name, char *err, size_t errlen)
{
	if (!mig.nested || strcmp(name, "dm"))
		return 0;
	snprintf(err, errlen,
		 "Dynamic Memory cannot be enabled while nested virtualization is on (--nested): turn one of them off");
	if (h)
		host_event(h, "DM_REFUSED", "reason=nested");
	return -1;
}

static int migrate_refuse(struct vmbus_host *h, char *err, size_t errlen, const char *reason,
			  const char *missing, const char *target)
{
	mig.refused++;
	host_event(h, "MIGRATE_REFUSED", "reason=%s missing=%s target=%s", reason, missing,
		   target);
	if (!strcmp(reason, "cpu_features"))
		snprintf(err, errlen,
			 "migration refused: the target host lacks processor features the VM uses (%s); turn on processor compatibility mode (compat=on)",
			 missing);
	else
		snprintf(err, errlen,
			 "migration refused: the target host shares no processor feature with the source (%s), even processor compatibility mode cannot bridge that",
			 target);
	return -1;
}

static void migrate_status(FILE *out)
{
	char cur[FEAT_MAX * FEAT_NAME];

	feature_format(&mig.current, cur, sizeof(cur));
	fprintf(out, "migrate state=%s features=%s nested=%d qmp=%s done=%llu refused=%llu\n",
		mig.active ? "blackout" : "idle", cur, mig.nested, mig.qmp_path ? "yes" : "no",
		(unsigned long long)mig.done, (unsigned long long)mig.refused);
}

int migrate_ctl(struct vmbus_host *h, int argc, char **argv, FILE *out, char *err,
		size_t errlen)
{
	static const char usage[] =
		"usage: migrate [blackout=MS] [target=F1,F2,...] [compat=on|off] | migrate status";
	char missing[FEAT_MAX * FEAT_NAME], tgt[FEAT_MAX * FEAT_NAME], qerr[200];
	u32 blackout = MIGRATE_DEFAULT_BLACKOUT_MS;
	struct feature_set target = mig.current;
	bool compat = false;
	int i;

	if (argc == 2 && !strcmp(argv[1], "status")) {
		migrate_status(out);
		return 0;
	}
	for (i = 1; i < argc; i++) {
		char *v = strchr(argv[i], '='), *end;
		unsigned long ms;

		if (!v) {
			snprintf(err, errlen, "%s", usage);
			return -1;
		}
		*v++ = '\0';
		if (!strcmp(argv[i], "blackout")) {
			ms = strtoul(v, &end, 10);
			if (end == v || *end || ms > MIGRATE_MAX_BLACKOUT_MS) {
				snprintf(err, errlen, "blackout=MS: 0..%u", MIGRATE_MAX_BLACKOUT_MS);
				return -1;
			}
			blackout = (u32)ms;
		} else if (!strcmp(argv[i], "target")) {
			if (feature_parse(v, &target, err, errlen))
				return -1;
		} else if (!strcmp(argv[i], "compat") && (!strcmp(v, "on") || !strcmp(v, "off"))) {
			compat = v[1] == 'n';
		} else {
			snprintf(err, errlen, "%s", usage);
			return -1;
		}
	}
	if (mig.active) {
		snprintf(err, errlen, "a migration is in its blackout already");
		return -1;
	}
	feature_format(&target, tgt, sizeof(tgt));
	/* Hyper-V: every feature the VM may use must exist on the target. */
	if (!compat && feature_missing(&mig.current, &target, missing, sizeof(missing)))
		return migrate_refuse(h, err, errlen, "cpu_features", missing, tgt);
	/* Compatibility mode hides what both do not share; sharing nothing is fatal. */
	if (compat && feature_missing(&mig.current, &target, missing, sizeof(missing)) ==
		      mig.current.n)
		return migrate_refuse(h, err, errlen, "disjoint", missing, tgt);
	if (qmp_command(mig.qmp_path, "{\"execute\":\"stop\"}", NULL, 0, qerr, sizeof(qerr))) {
		snprintf(err, errlen, "QMP stop failed: %s", qerr);
		host_event(h, "MIGRATE_FAILED", "step=stop error=\"%s\"", qerr);
		return -1;
	}
	mig.active = true;
	mig.start_ms = h->now_ms;
	mig.end_ms = h->now_ms + blackout;
	mig.blackout_ms = blackout;
	mig.target = target;
	dev_nic_migrate_begin(h);
	host_event(h, "MIGRATE_STARTED", "blackout_ms=%u target=%s compat=%s", blackout, tgt,
		   compat ? "on" : "off");
	return 1;
}

void migrate_tick(struct vmbus_host *h, u64 now_ms)
{
	char qerr[200], feats[FEAT_MAX * FEAT_NAME];
	const char *ts = "sent", *result = "ok";
	u32 nics;
	int ret;

	if (!mig.active || now_ms < mig.end_ms)
		return;
	mig.active = false;
	if (qmp_command(mig.qmp_path, "{\"execute\":\"cont\"}", NULL, 0, qerr, sizeof(qerr))) {
		host_event(h, "MIGRATE_FAILED", "step=cont error=\"%s\"", qerr);
		result = "cont_failed";
	}
	mig.current = mig.target;
	mig.done++;
	/* What Hyper-V sends once the VM runs on the target host. */
	nics = dev_nic_migrate_end(h);
	ret = dev_timesync_request(h, false, 0, 0);
	if (ret == -ENOTCONN)
		ts = "none";
	else if (ret)
		ts = "failed";
	feature_format(&mig.current, feats, sizeof(feats));
	host_event(h, "MIGRATE_DONE", "result=%s blackout_ms=%llu nics=%u timesync=%s features=%s",
		   result, (unsigned long long)(now_ms - mig.start_ms), nics, ts, feats);
}
