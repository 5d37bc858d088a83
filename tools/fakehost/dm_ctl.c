// SPDX-License-Identifier: GPL-2.0-only
/*
 * dm_ctl.c: the Dynamic Memory backend's control commands (docs/fakehost-ctl.md):
 * `ctl memory set SIZE` (the fixed policy's target), `ctl dm status`, `ctl dm config
 * KEY=VALUE...` (policy, sizes, versions, timeout) and `ctl dm inject KIND`: one bad
 * request for the guest to refuse (a huge balloon, ranges it never ballooned or
 * repeated, hot-add ranges outside their region, into boot memory or into a block the
 * guest left offline, a header that lies about its size), tracked like a real one.
 */
#include <errno.h>
#include <stdlib.h>
#include <strings.h>
#include "dm_dev.h"

static struct dm_dev *find_dm(struct vmbus_host *h)
{
	struct host_device *dev;

	for (dev = h->devices; dev; dev = dev->next)
		if (dev->ops == &dev_dm_ops)
			return dev->priv;
	return NULL;
}

/* "512M", "2G", "1048576" (bytes), "300MiB": 4 KiB pages; false if malformed. */
static bool parse_size(const char *s, u64 *pages)
{
	char *end;
	u64 v, mul = 1;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		return false;
	if (*end == 'K' || *end == 'k')
		mul = 1ull << 10;
	else if (*end == 'M' || *end == 'm')
		mul = 1ull << 20;
	else if (*end == 'G' || *end == 'g')
		mul = 1ull << 30;
	else if (*end)
		return false;
	if (*end && end[1] && strcasecmp(end + 1, "iB") && strcasecmp(end + 1, "B"))
		return false;
	*pages = v * mul / PG;
	return true;
}

static int fail(char *err, size_t errlen, const char *msg)
{
	snprintf(err, errlen, "%s", msg);
	return -1;
}

int dev_dm_ctl_memory(struct vmbus_host *h, int argc, char **argv, FILE *out, char *err,
		      size_t errlen)
{
	struct dm_dev *d = find_dm(h);
	u64 pages;

	if (!d)
		return fail(err, errlen, "no dm device (--devices ...,dm)");
	if (argc != 3 || strcmp(argv[1], "set") || !parse_size(argv[2], &pages) || !pages)
		return fail(err, errlen, "usage: memory set SIZE (e.g. 768M, 2G)");
	if (ram_pages(h) && pages > ram_pages(h))
		return fail(err, errlen, "SIZE is larger than the guest's RAM file");
	d->policy = POL_FIXED;
	d->target = pages;
	d->retry_ms = 0;
	d->ha_failures = 0;
	host_event(h, "DM_TARGET", "target_mb=%llu assigned_mb=%llu policy=fixed",
		   (unsigned long long)mib(pages), (unsigned long long)mib(assigned(d, h)));
	fprintf(out, "target_mb=%llu\n", (unsigned long long)mib(pages));
	dm_kick(d);
	return 0;
}

static int dm_config(struct dm_dev *d, struct vmbus_host *h, int argc, char **argv, char *err,
		     size_t errlen)
{
	int i;

	for (i = 2; i < argc; i++) {
		char *k = argv[i], *v = strchr(k, '=');
		u64 n;

		if (!v)
			return fail(err, errlen, "config takes KEY=VALUE");
		*v++ = '\0';
		if (!strcmp(k, "policy") && (!strcmp(v, "fixed") || !strcmp(v, "dynamic"))) {
			d->policy = !strcmp(v, "fixed") ? POL_FIXED : POL_DYNAMIC;
		} else if (!strcmp(k, "startup") && parse_size(v, &n)) {
			d->startup = n;
		} else if (!strcmp(k, "target") && parse_size(v, &n)) {
			d->target = n;
		} else if (!strcmp(k, "min") && parse_size(v, &n)) {
			d->min = n;
		} else if (!strcmp(k, "max") && parse_size(v, &n)) {
			d->max = n;
		} else if (!strcmp(k, "batch") && parse_size(v, &n) && n) {
			d->batch = n;
		} else if (!strcmp(k, "timeout")) {
			char *end;
			unsigned long secs = strtoul(v, &end, 10);

			if (end == v || *end || !secs || secs > 3600)
				return fail(err, errlen, "timeout=SECONDS (1..3600)");
			d->timeout_ms = secs * 1000;
		} else if (!strcmp(k, "buffer")) {
			char *end;
			unsigned long pct = strtoul(v, &end, 10);

			if (end == v || *end || pct > 1000)
				return fail(err, errlen, "buffer=PERCENT (0..1000)");
			d->buffer = (u32)pct;
		} else if (!strcmp(k, "hot_add") && (!strcmp(v, "0") || !strcmp(v, "1"))) {
			d->hot_add = *v == '1';
		} else if (!strcmp(k, "versions")) {
			char *save = NULL, *t;
			u32 nv = 0, maj, minr;

			for (t = strtok_r(v, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
				if (!strcmp(t, "none"))
					continue;
				if (sscanf(t, "%u.%u", &maj, &minr) != 2 || nv == 4 ||
				    maj > 0xffff || minr > 0xffff)
					return fail(err, errlen, "versions=MAJ.MIN[,...] or none");
				d->versions[nv++] = DM_MAKE_VERSION(maj, minr);
			}
			d->nversions = nv;
		} else {
			snprintf(err, errlen, "bad setting %s=%s (policy startup target min max buffer batch hot_add versions timeout)",
				 k, v);
			return -1;
		}
	}
	d->retry_ms = 0;
	dm_kick(d);
	return 0;
}

/* Bad requests for the guest to refuse; each is tracked like a real one. */
static int dm_inject(struct dm_dev *d, struct vmbus_host *h, const char *kind, char *err,
		     size_t errlen)
{
	struct host_channel *ch = d->ch;
	u64 pfn, room, seg;
	int ret;

	if (!ch || !d->caps_done)
		return fail(err, errlen, "the guest has not finished the DM handshake");
	if (d->pending != P_NONE)
		return fail(err, errlen, "a transaction is pending; try again");
	if (!strcmp(kind, "balloon-huge")) {
		ret = dm_send_balloon(ch, 0xffffffffu, true);
	} else if (!strcmp(kind, "unballoon-unknown")) {
		/* Boot memory at 16 MiB: pages the guest never ballooned. */
		u64 r = DM_RANGE(0x1000, 512);

		ret = dm_send_unballoon_injected(ch, &r, 1);
	} else if (!strcmp(kind, "dup-unballoon") || !strcmp(kind, "overlap-unballoon")) {
		/*
		 * The newest ballooned range twice; or the newest one of 4 MiB or more
		 * and a second range over its second half (2 MiB aligned, so each range
		 * alone is whole ballooned chunks).
		 */
		u64 r[2], half;

		if (!d->nranges)
			return fail(err, errlen, "nothing is ballooned; balloon first (memory set)");
		r[0] = d->ranges[d->nranges - 1];
		r[1] = r[0];
		if (kind[0] == 'o') {
			u32 i = d->nranges;

			/* The newest range of at least 4 MiB (two 2 MiB chunks). */
			while (i > 0 && DM_RANGE_COUNT(d->ranges[i - 1]) < 1024)
				i--;
			if (!i)
				return fail(err, errlen, "no ballooned range of 4 MiB or more");
			r[0] = d->ranges[i - 1];
			half = DM_RANGE_COUNT(r[0]) / 2 / 512 * 512;
			r[1] = DM_RANGE(DM_RANGE_START(r[0]) + half, DM_RANGE_COUNT(r[0]) - half);
		}
		ret = dm_send_unballoon_injected(ch, r, 2);
	} else if (!strcmp(kind, "hot-add-offline")) {
		/*
		 * Continues the last hot-add request to the end of its memory block: in a
		 * guest that left the block offline, these pages must wait for it.
		 */
		u64 block = (1ull << ((d->caps & DM_CAP_ALIGN_MASK) >> DM_CAP_ALIGN_SHIFT)) *
			    MIB_PAGES;
		u64 from = d->ha_last_start + d->ha_last_pages;

		if (!d->ha_last_pages)
			return fail(err, errlen, "no hot-add yet; hot-add part of a block first (memory set)");
		if (!(from % block))
			return fail(err, errlen, "the last hot-add ended on a memory block boundary");
		ret = dm_send_hot_add(ch, from, block - from % block, d->ha_last_region, true);
	} else if (!strcmp(kind, "hot-add-outside")) {
		if (!dm_ha_next(d, h, &pfn, &room, &seg))
			pfn = GUEST_4G / PG + 0x100000;
		/* The range starts one chunk past the end of the region it names. */
		ret = dm_send_hot_add(ch, pfn + 0x8000, 0x8000, DM_RANGE(pfn, 0x8000), true);
	} else if (!strcmp(kind, "hot-add-boot")) {
		ret = dm_send_hot_add(ch, 0x8000, 0x8000, DM_RANGE(0, 0x10000), true);
	} else if (!strcmp(kind, "bad-size")) {
		/* A BALLOON_REQUEST whose header claims 12 bytes (the struct is 16). */
		struct dm_balloon m = {};

		m.hdr.type = DM_BALLOON_REQUEST;
		m.hdr.size = 12;
		m.hdr.trans_id = ++d->trans;
		m.num_pages = 256;
		ret = host_chan_send(ch, VM_PKT_DATA_INBAND, 0, m.hdr.trans_id, &m, sizeof(m));
	} else {
		return fail(err, errlen, "usage: dm inject balloon-huge|unballoon-unknown|dup-unballoon|overlap-unballoon|hot-add-offline|hot-add-outside|hot-add-boot|bad-size");
	}
	if (ret) {
		snprintf(err, errlen, "sending failed: %s", strerror(-ret));
		return -1;
	}
	host_event(h, "DM_INJECTED", "kind=%s", kind);
	return 0;
}

int dev_dm_ctl_dm(struct vmbus_host *h, int argc, char **argv, FILE *out, char *err,
		  size_t errlen)
{
	struct dm_dev *d = find_dm(h);

	if (!d)
		return fail(err, errlen, "no dm device (--devices ...,dm)");
	if (argc >= 2 && !strcmp(argv[1], "config"))
		return dm_config(d, h, argc, argv, err, errlen);
	if (argc == 3 && !strcmp(argv[1], "inject"))
		return dm_inject(d, h, argv[2], err, errlen);
	if (argc != 2 || strcmp(argv[1], "status"))
		return fail(err, errlen, "usage: dm status | dm config KEY=VALUE... | dm inject KIND");
	fprintf(out, "dm state=%s version=%u.%u balloon=%d hot_add=%d policy=%s startup_mb=%llu assigned_mb=%llu target_mb=%llu ballooned_mb=%llu hot_added_mb=%llu ballooned_pages=%llu hot_added_pages=%llu avail_mb=%llu committed_mb=%llu status_reports=%llu pending=%s balloon_ops=%llu unballoon_ops=%llu hot_add_ops=%llu ram_mb=%llu timeouts=%llu last_timeout=%s timeout_s=%llu\n",
		d->ch ? dm_state_names[dm_state(d)] : "closed",
		DM_VERSION_MAJOR(d->version), DM_VERSION_MINOR(d->version),
		!!(d->caps & DM_CAP_BALLOON), !!(d->caps & DM_CAP_HOT_ADD),
		d->policy == POL_FIXED ? "fixed" : "dynamic",
		(unsigned long long)mib(startup_of(d, h)), (unsigned long long)mib(assigned(d, h)),
		(unsigned long long)mib(dm_target(d, h)), (unsigned long long)mib(d->ballooned),
		(unsigned long long)mib(d->hot_added), (unsigned long long)d->ballooned,
		(unsigned long long)d->hot_added, (unsigned long long)mib(d->avail),
		(unsigned long long)mib(d->committed), (unsigned long long)d->status_reports,
		dm_pending_names[d->pending], (unsigned long long)d->balloon_ops,
		(unsigned long long)d->unballoon_ops, (unsigned long long)d->hot_add_ops,
		(unsigned long long)mib(ram_pages(h)), (unsigned long long)d->timeouts,
		dm_pending_names[d->last_timeout], (unsigned long long)(d->timeout_ms / 1000));
	return 0;
}
