// SPDX-License-Identifier: GPL-2.0-only
/*
 * dev_dm.c: the Dynamic Memory device (class "dm", HV_DM_GUID) on the host side.
 *
 * The guest opens the channel and starts the protocol (drivers/hv/hv_balloon.c):
 * VERSION_REQUEST (2.0, 1.0, 0.3 newest first) answered by VERSION_RESPONSE, then
 * CAPABILITIES_REPORT answered by CAPABILITIES_RESPONSE, then a STATUS_REPORT every
 * second.  The host drives the rest: BALLOON_REQUEST (the guest answers with
 * BALLOON_RESPONSE messages of page ranges, more_pages set on all but the last),
 * UNBALLOON_REQUEST (answered by UNBALLOON_RESPONSE), MEM_HOT_ADD_REQUEST (answered
 * by MEM_HOT_ADD_RESPONSE).  Message layouts: include/hvis/dm_proto.h.
 *
 * Pages the guest balloons out are punched out of the guest-RAM file
 * (fallocate(FALLOC_FL_PUNCH_HOLE)), so the host's memory use really drops.
 *
 * A request the guest leaves unanswered (hv_balloon in a guest that can hibernate
 * ignores balloon requests) ends after a timeout (`dm config timeout=`): event
 * DM_TIMEOUT, counted in `dm status`; the host may then send new requests, and an
 * answer that still comes is taken as the late answer while no newer request went out.
 *
 * Policies: "fixed" drives the guest's assigned memory (startup + hot-added -
 * ballooned) to a target (`ctl memory set`); "dynamic" derives the target from the
 * guest's committed pages plus a buffer percentage, between a minimum and a maximum.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <linux/falloc.h>
#include "dev_dm.h"
#include "dm_msg.h"

#define PG		4096ull
#define MIB_PAGES	256ull
#define DM_TIMEOUT_MS	60000u		/* default: a transaction the guest leaves unanswered */
#define DM_RETRY_MS	5000u		/* after a partial answer, before trying again */
#define DM_HA_ATTEMPTS	3u		/* failed hot-adds before the host stops trying */
#define DM_SHRINK_MS	5000u		/* dynamic: a lower target holds this long first */

enum dm_policy { POL_FIXED, POL_DYNAMIC };
enum dm_pending { P_NONE, P_BALLOON, P_UNBALLOON, P_HOT_ADD };

static const char *const pending_names[] = { "none", "balloon", "unballoon", "hot_add" };

struct dm_dev {
	/* configuration: kept across guest connections (sizes in 4 KiB pages) */
	u64 startup;		/* memory the guest boots with; 0: all of the RAM file */
	enum dm_policy policy;
	u64 target;		/* fixed policy; 0: startup */
	u64 min, max;		/* dynamic policy; max 0: the RAM file */
	u32 buffer;		/* dynamic policy: percent above committed */
	u32 versions[4];	/* protocol versions the host accepts */
	u32 nversions;
	bool hot_add;		/* the host may hot-add */
	u64 batch;		/* largest balloon or hot-add request */
	u64 timeout_ms;		/* how long a request may stay unanswered */

	/* the open channel and the protocol state of this connection */
	struct host_channel *ch;
	u32 version;
	bool negotiated, caps_done;
	u64 caps;
	char tried[64];		/* versions the guest asked for, refused */
	u64 status_reports, avail, committed;
	bool stale;		/* a transaction ended after the last status report */
	u64 shrink_ms;		/* dynamic: when the target fell below assigned; 0: not */
	u64 ballooned;
	/*
	 * Memory hot-added in this VM: it stays in the guest when the channel closes
	 * (driver reload, VMBus reset), so it is kept until a new VM (vm_gen) starts.
	 */
	u64 hot_added;
	u64 ha_base;		/* hot_added when this channel opened */
	u32 vm_gen;
	u64 *ranges;		/* ballooned ranges as the guest reported them (LIFO) */
	u32 nranges, cap_ranges;
	u8 *bitmap;		/* ballooned pages, by RAM-file page */
	u64 file_pages;

	enum dm_pending pending;
	enum dm_pending late;	/* timed out; its answer may still come */
	bool injected;		/* the pending transaction came from `dm inject` */
	bool late_answer;	/* the answer being handled is a late one */
	u64 timeouts;
	enum dm_pending last_timeout;
	u64 ha_last_start, ha_last_pages, ha_last_region;	/* the last hot-add request */
	u64 pending_ms, req_pages, got_pages, unb_pages;
	u32 resp_msgs, unb_from;
	u64 ha_start;
	u64 retry_ms;
	u32 ha_failures;
	bool ha_stopped, ha_unsupported_logged;
	u32 trans;
	u64 balloon_ops, unballoon_ops, hot_add_ops;
};

static struct dm_dev *dm_of(struct host_channel *ch)
{
	return ch->dev->priv;
}

static u64 ram_pages(const struct vmbus_host *h)
{
	return h->mem && h->mem->fd >= 0 ? h->mem->size / PG : 0;
}

static u64 startup_of(const struct dm_dev *d, const struct vmbus_host *h)
{
	u64 all = ram_pages(h);

	return d->startup && (d->startup < all || !all) ? d->startup : all;
}

static u64 assigned(const struct dm_dev *d, const struct vmbus_host *h)
{
	return startup_of(d, h) + d->hot_added - d->ballooned;
}

static u64 mib(u64 pages)
{
	return pages / MIB_PAGES;
}

static void dm_error(struct dm_dev *d, struct vmbus_host *h, const char *what, const char *fmt,
		     ...) __attribute__((format(printf, 4, 5)));
static void dm_error(struct dm_dev *d, struct vmbus_host *h, const char *what, const char *fmt,
		     ...)
{
	char text[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	host_event(h, "DM_GUEST_ERROR", "what=%s %s", what, text);
}

static int dm_send(struct host_channel *ch, void *msg, u16 type, u32 len, u32 trans_id)
{
	struct dm_header *hdr = msg;

	hdr->type = type;
	hdr->size = len;
	hdr->trans_id = trans_id;
	return host_chan_send(ch, VM_PKT_DATA_INBAND, 0, trans_id, msg, len);
}

/* ---- guest -> host messages ---- */

static bool version_ok(const struct dm_dev *d, u32 v)
{
	u32 i;

	for (i = 0; i < d->nversions; i++)
		if (d->versions[i] == v)
			return true;
	return false;
}

static void on_version(struct host_channel *ch, const struct dm_version_request *m)
{
	struct dm_dev *d = dm_of(ch);
	struct dm_version_response r = {};
	bool last = m->flags & DM_VERSION_LAST_ATTEMPT, ok = version_ok(d, m->version);
	size_t n = strlen(d->tried);

	if (d->negotiated) {
		dm_error(d, ch->host, "state", "msg=VERSION_REQUEST (already negotiated)");
		return;
	}
	r.flags = ok ? DM_ACCEPTED : 0;
	dm_send(ch, &r, DM_VERSION_RESPONSE, sizeof(r), m->hdr.trans_id);
	if (ok) {
		d->negotiated = true;
		d->version = m->version;
		host_event(ch->host, "DM_VERSION_NEGOTIATED", "version=%u.%u relid=%u",
			   DM_VERSION_MAJOR(m->version), DM_VERSION_MINOR(m->version), ch->relid);
		return;
	}
	snprintf(d->tried + n, sizeof(d->tried) - n, "%s%u.%u", n ? "," : "",
		 DM_VERSION_MAJOR(m->version), DM_VERSION_MINOR(m->version));
	host_event(ch->host, "DM_VERSION_REFUSED", "version=%u.%u last=%d",
		   DM_VERSION_MAJOR(m->version), DM_VERSION_MINOR(m->version), last);
	/* Hyper-V's dmvsc event 2: the guest supports none of the host's versions. */
	if (last)
		host_event(ch->host, "DM_GUEST_UNSUPPORTED", "what=version guest=%s", d->tried);
}

static void on_caps(struct host_channel *ch, const struct dm_capabilities *m)
{
	struct dm_dev *d = dm_of(ch);
	struct dm_capabilities_resp r = {};

	if (!d->negotiated) {
		dm_error(d, ch->host, "state", "msg=CAPABILITIES_REPORT (no version yet)");
		return;
	}
	d->caps = m->caps;
	d->caps_done = true;
	r.flags = DM_ACCEPTED;
	dm_send(ch, &r, DM_CAPABILITIES_RESPONSE, sizeof(r), m->hdr.trans_id);
	host_event(ch->host, "DM_CAPABILITIES", "balloon=%d hot_add=%d alignment_mb=%u",
		   !!(m->caps & DM_CAP_BALLOON), !!(m->caps & DM_CAP_HOT_ADD),
		   1u << ((m->caps & DM_CAP_ALIGN_MASK) >> DM_CAP_ALIGN_SHIFT));
}

static void on_status(struct host_channel *ch, const struct dm_status *m)
{
	struct dm_dev *d = dm_of(ch);

	d->avail = m->num_avail;
	d->committed = m->num_committed;
	d->stale = false;
	/* The first report, then every tenth: `dm status` counts them all. */
	if (d->status_reports++ % 10 == 0)
		host_event(ch->host, "DM_STATUS", "avail_mb=%llu committed_mb=%llu reports=%llu",
			   (unsigned long long)mib(m->num_avail),
			   (unsigned long long)mib(m->num_committed),
			   (unsigned long long)d->status_reports);
}

/*
 * Whether an answer of this kind belongs to a transaction: the pending one, or one
 * that timed out when nothing was sent since (its answer comes late).
 */
static bool answer_expected(struct dm_dev *d, enum dm_pending kind)
{
	if (d->pending == kind)
		return true;
	if (d->pending != P_NONE || d->late != kind)
		return false;
	d->pending = kind;
	d->late = P_NONE;
	d->late_answer = true;
	return true;
}

static bool bit(const u8 *b, u64 i)
{
	return b[i / 8] & (1u << (i % 8));
}

static void set_bits(u8 *b, u64 from, u64 n, bool on)
{
	for (; n; n--, from++) {
		if (on)
			b[from / 8] |= 1u << (from % 8);
		else
			b[from / 8] &= ~(1u << (from % 8));
	}
}

/* File offset of a range's first page when the whole range is RAM and contiguous. */
static bool range_offset(const struct vmbus_host *h, u64 r, u64 *off)
{
	u64 last;

	return guest_mem_pfn_offset(h->mem, DM_RANGE_START(r), off) &&
	       guest_mem_pfn_offset(h->mem, DM_RANGE_START(r) + DM_RANGE_COUNT(r) - 1, &last) &&
	       last == *off + (DM_RANGE_COUNT(r) - 1) * PG;
}

static bool push_range(struct dm_dev *d, u64 r)
{
	if (d->nranges == d->cap_ranges) {
		u32 cap = d->cap_ranges ? d->cap_ranges * 2 : 1024;
		u64 *n = realloc(d->ranges, cap * sizeof(*n));

		if (!n)
			return false;
		d->ranges = n;
		d->cap_ranges = cap;
	}
	d->ranges[d->nranges++] = r;
	return true;
}

static void take_range(struct host_channel *ch, u64 r)
{
	struct dm_dev *d = dm_of(ch);
	struct vmbus_host *h = ch->host;
	u64 off, i, n = DM_RANGE_COUNT(r);

	if (!d->bitmap || !range_offset(h, r, &off)) {
		dm_error(d, h, "range", "start=%#llx pages=%llu (not guest RAM)",
			 (unsigned long long)DM_RANGE_START(r), (unsigned long long)n);
		return;
	}
	for (i = 0; i < n; i++) {
		if (bit(d->bitmap, off / PG + i)) {
			dm_error(d, h, "range", "start=%#llx pages=%llu (already ballooned)",
				 (unsigned long long)DM_RANGE_START(r), (unsigned long long)n);
			return;
		}
	}
	if (d->got_pages + n > d->req_pages) {
		dm_error(d, h, "range", "start=%#llx pages=%llu (more than requested)",
			 (unsigned long long)DM_RANGE_START(r), (unsigned long long)n);
		return;
	}
	if (!push_range(d, r))
		return;
	set_bits(d->bitmap, off / PG, n, true);
	/* Give the pages back to the machine. */
	if (fallocate(h->mem->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)off,
		      (off_t)(n * PG)))
		host_event(h, "DM_PUNCH_FAILED", "offset=%#llx pages=%llu errno=%d",
			   (unsigned long long)off, (unsigned long long)n, errno);
	d->got_pages += n;
	d->ballooned += n;
}

static void on_balloon_response(struct host_channel *ch, const void *msg)
{
	struct dm_dev *d = dm_of(ch);
	const struct dm_balloon_response *m = msg;
	u32 i, n = dm_msg_range_count(msg);

	if (!answer_expected(d, P_BALLOON)) {
		dm_error(d, ch->host, "state", "msg=BALLOON_RESPONSE (no balloon request pending)");
		return;
	}
	d->resp_msgs++;
	for (i = 0; i < n; i++)
		take_range(ch, dm_msg_range(msg, i));
	if (m->flags & DM_BALLOON_RESP_MORE)
		return;
	host_event(ch->host, "DM_BALLOON_DONE",
		   "pages=%llu requested=%llu partial=%d messages=%u ms=%llu ballooned=%llu%s",
		   (unsigned long long)d->got_pages, (unsigned long long)d->req_pages,
		   d->got_pages < d->req_pages, d->resp_msgs,
		   (unsigned long long)(ch->host->now_ms - d->pending_ms),
		   (unsigned long long)d->ballooned, d->late_answer ? " late=1" : "");
	if (d->got_pages < d->req_pages)
		d->retry_ms = ch->host->now_ms + DM_RETRY_MS;
	d->pending = P_NONE;
	d->stale = true;
}

static void on_unballoon_response(struct host_channel *ch)
{
	struct dm_dev *d = dm_of(ch);
	u32 i;

	if (!answer_expected(d, P_UNBALLOON)) {
		dm_error(d, ch->host, "state", "msg=UNBALLOON_RESPONSE (no unballoon pending)");
		return;
	}
	if (!d->injected) {
		for (i = d->unb_from; i < d->nranges; i++) {
			u64 off;

			if (range_offset(ch->host, d->ranges[i], &off))
				set_bits(d->bitmap, off / PG, DM_RANGE_COUNT(d->ranges[i]), false);
		}
		d->nranges = d->unb_from;
		d->ballooned -= d->unb_pages;
	}
	host_event(ch->host, "DM_UNBALLOON", "pages=%llu ms=%llu ballooned=%llu%s",
		   (unsigned long long)(d->injected ? 0 : d->unb_pages),
		   (unsigned long long)(ch->host->now_ms - d->pending_ms),
		   (unsigned long long)d->ballooned, d->late_answer ? " late=1" : "");
	d->pending = P_NONE;
	d->stale = true;
}

static void on_hot_add_response(struct host_channel *ch, const struct dm_hot_add_response *m)
{
	struct dm_dev *d = dm_of(ch);
	u64 got = m->page_count;

	if (!answer_expected(d, P_HOT_ADD)) {
		dm_error(d, ch->host, "state", "msg=MEM_HOT_ADD_RESPONSE (no hot-add pending)");
		return;
	}
	d->pending = P_NONE;
	d->stale = true;
	if (got > d->req_pages) {
		dm_error(d, ch->host, "page_count", "page_count=%llu requested=%llu",
			 (unsigned long long)got, (unsigned long long)d->req_pages);
		got = d->req_pages;
	}
	if (!d->injected)
		d->hot_added += got;
	host_event(ch->host, "DM_HOT_ADD_DONE", "pages=%llu requested=%llu result=%u ms=%llu hot_added=%llu%s",
		   (unsigned long long)got, (unsigned long long)d->req_pages, m->result,
		   (unsigned long long)(ch->host->now_ms - d->pending_ms),
		   (unsigned long long)d->hot_added, d->late_answer ? " late=1" : "");
	if (d->injected)
		return;
	if (m->result == 1 && got < d->req_pages) {
		/* Success with fewer pages: the guest hit a limit; no more hot-add. */
		d->ha_stopped = true;
	} else if (m->result != 1) {
		d->retry_ms = ch->host->now_ms + DM_RETRY_MS;
		if (++d->ha_failures >= DM_HA_ATTEMPTS) {
			d->ha_stopped = true;
			dm_error(d, ch->host, "hot_add", "failed %u times; hot-add stopped",
				 d->ha_failures);
		}
	} else {
		d->ha_failures = 0;
	}
}

static void one_packet(struct host_channel *ch, u32 len)
{
	const struct vmpacket_descriptor *desc = (const void *)ch->pkt_buf;
	struct dm_dev *d = dm_of(ch);
	u32 off = desc->offset8 * 8u;
	u8 msg[DM_MSG_MAX + 8] __aligned(8);
	const char *why = "";
	int type;

	if (desc->type != VM_PKT_DATA_INBAND || len - off > sizeof(msg)) {
		dm_error(d, ch->host, "packet", "type=%u len=%u", desc->type, len - off);
		return;
	}
	memcpy(msg, ch->pkt_buf + off, len - off);
	type = dm_msg_check(msg, len - off, DM_FROM_GUEST, &why);
	if (type < 0) {
		struct dm_header hdr = {};

		memcpy(&hdr, msg, min(len - off, (u32)sizeof(hdr)));
		dm_error(d, ch->host, why, "msg=%s type=%u size=%u len=%u",
			 dm_msg_name(hdr.type), hdr.type, hdr.size, len - off);
		return;
	}
	switch (type) {
	case DM_VERSION_REQUEST:
		on_version(ch, (const void *)msg);
		break;
	case DM_CAPABILITIES_REPORT:
		on_caps(ch, (const void *)msg);
		break;
	case DM_STATUS_REPORT:
		on_status(ch, (const void *)msg);
		break;
	case DM_BALLOON_RESPONSE:
		on_balloon_response(ch, msg);
		break;
	case DM_UNBALLOON_RESPONSE:
		on_unballoon_response(ch);
		break;
	case DM_MEM_HOT_ADD_RESPONSE:
		on_hot_add_response(ch, (const void *)msg);
		break;
	}
}

static void dm_packets(struct host_channel *ch)
{
	bool more;
	int len;

	do {
		host_chan_read_begin(ch);
		while ((len = host_chan_peek(ch)) > 0) {
			one_packet(ch, len);
			host_chan_consume(ch, len);
		}
		more = host_chan_read_end(ch);
	} while (more && len != -EIO);
}

/* ---- host -> guest requests ---- */

static int send_balloon(struct host_channel *ch, u64 pages, bool injected)
{
	struct dm_dev *d = dm_of(ch);
	struct dm_balloon m = {};
	int ret;

	m.num_pages = (u32)pages;
	ret = dm_send(ch, &m, DM_BALLOON_REQUEST, sizeof(m), ++d->trans);
	if (ret)
		return ret;
	d->pending = P_BALLOON;
	d->late = P_NONE;
	d->late_answer = false;
	d->injected = injected;
	d->pending_ms = ch->host->now_ms;
	d->req_pages = pages;
	d->got_pages = 0;
	d->resp_msgs = 0;
	d->balloon_ops++;
	host_event(ch->host, "DM_BALLOON_SENT", "pages=%llu assigned_mb=%llu%s",
		   (unsigned long long)pages, (unsigned long long)mib(assigned(d, ch->host)),
		   injected ? " injected=1" : "");
	return 0;
}

/* Returns whole ranges, newest first, until at least `want` pages (one message). */
static int send_unballoon(struct host_channel *ch, u64 want)
{
	struct dm_dev *d = dm_of(ch);
	u8 buf[DM_MSG_MAX] __aligned(8) = {};
	struct dm_unballoon_request *m = (void *)buf;
	u64 pages = 0;
	u32 n = 0, i = d->nranges;
	int ret;

	while (i > 0 && pages < want && n < DM_UNBALLOON_MAX_RANGES) {
		i--;
		memcpy(buf + sizeof(*m) + n * 8, &d->ranges[i], 8);
		pages += DM_RANGE_COUNT(d->ranges[i]);
		n++;
	}
	if (!n)
		return -ENOENT;
	m->range_count = n;
	ret = dm_send(ch, buf, DM_UNBALLOON_REQUEST, sizeof(*m) + n * 8, ++d->trans);
	if (ret)
		return ret;
	d->pending = P_UNBALLOON;
	d->late = P_NONE;
	d->late_answer = false;
	d->injected = false;
	d->pending_ms = ch->host->now_ms;
	d->unb_pages = pages;
	d->unb_from = i;
	d->unballoon_ops++;
	host_event(ch->host, "DM_UNBALLOON_SENT", "pages=%llu ranges=%u",
		   (unsigned long long)pages, n);
	return 0;
}

/*
 * Where hot-add continues: the next GPA page after startup + hot_added in q35's RAM
 * layout (below the PCI hole, then from 4 GiB), and the pages left in that segment.
 * The region named starts where this connection's hot-adding started: memory
 * hot-added before the guest reopened the channel is boot memory to its new driver.
 */
static bool ha_next(const struct dm_dev *d, const struct vmbus_host *h, u64 *pfn, u64 *room,
		    u64 *seg_start)
{
	u64 used = startup_of(d, h) + d->hot_added, low = h->mem->lowmem / PG;
	u64 base = startup_of(d, h) + d->ha_base, all = ram_pages(h);

	if (used >= all)
		return false;
	if (used < low) {
		*pfn = used;
		*room = low - used;
		*seg_start = base;
	} else {
		*pfn = GUEST_4G / PG + (used - low);
		*room = all - used;
		*seg_start = GUEST_4G / PG + (base > low ? base - low : 0);
	}
	return true;
}

static int send_hot_add(struct host_channel *ch, u64 pfn, u64 pages, u64 region, bool injected)
{
	struct dm_dev *d = dm_of(ch);
	struct dm_hot_add_with_region m = {};
	int ret;

	m.range = DM_RANGE(pfn, pages);
	m.region = region;
	ret = dm_send(ch, &m, DM_MEM_HOT_ADD_REQUEST, sizeof(m), ++d->trans);
	if (ret)
		return ret;
	d->pending = P_HOT_ADD;
	d->late = P_NONE;
	d->late_answer = false;
	d->injected = injected;
	d->pending_ms = ch->host->now_ms;
	d->req_pages = pages;
	d->ha_start = pfn;
	d->ha_last_start = pfn;
	d->ha_last_pages = pages;
	d->ha_last_region = region;
	d->hot_add_ops++;
	host_event(ch->host, "DM_HOT_ADD_SENT", "start=%#llx pages=%llu region_start=%#llx region_pages=%llu%s",
		   (unsigned long long)pfn, (unsigned long long)pages,
		   (unsigned long long)DM_RANGE_START(region),
		   (unsigned long long)DM_RANGE_COUNT(region), injected ? " injected=1" : "");
	return 0;
}

static u64 target_of(const struct dm_dev *d, const struct vmbus_host *h)
{
	u64 max = d->max && d->max < ram_pages(h) ? d->max : ram_pages(h), t;

	if (d->policy == POL_FIXED)
		return d->target ? d->target : startup_of(d, h);
	/*
	 * Decide on a report sent after the last transaction: an older one counts pages
	 * that have moved since (ballooned pages are part of num_committed).
	 */
	if (!d->status_reports || d->stale)
		return assigned(d, h);
	/* The guest counts its ballooned pages as committed; demand is the rest. */
	t = d->committed > d->ballooned ? d->committed - d->ballooned : 0;
	t += t * d->buffer / 100;
	if (t < d->min)
		t = d->min;
	return t > max ? max : t;
}

static void grow(struct host_channel *ch, u64 need)
{
	struct dm_dev *d = dm_of(ch);
	struct vmbus_host *h = ch->host;
	u64 pfn, room, seg;

	if (d->ballooned) {
		send_unballoon(ch, need);
		return;
	}
	if (!d->hot_add || d->ha_stopped || !ha_next(d, h, &pfn, &room, &seg))
		return;
	if (!(d->caps & DM_CAP_HOT_ADD)) {
		/* Hyper-V's dmvsc event 2: the guest cannot hot-add; said once. */
		if (!d->ha_unsupported_logged)
			host_event(h, "DM_GUEST_UNSUPPORTED", "what=hot_add need_mb=%llu",
				   (unsigned long long)mib(need));
		d->ha_unsupported_logged = true;
		return;
	}
	need = min(need, min(room, d->batch));
	send_hot_add(ch, pfn, need, DM_RANGE(seg, min(pfn + room - seg, (u64)DM_RANGE_MAX_COUNT)),
		     false);
}

static void dm_tick(struct host_channel *ch, u64 now_ms)
{
	struct dm_dev *d = dm_of(ch);
	struct vmbus_host *h = ch->host;
	u64 cur, tgt, slack;

	if (!d || h->quiesced || !d->caps_done || !d->bitmap)
		return;
	if (d->pending != P_NONE) {
		if (now_ms - d->pending_ms > d->timeout_ms) {
			/* The guest left it unanswered: end it, and try again later. */
			d->timeouts++;
			d->last_timeout = d->pending;
			host_event(h, "DM_TIMEOUT", "pending=%s ms=%llu timeouts=%llu%s",
				   pending_names[d->pending],
				   (unsigned long long)(now_ms - d->pending_ms),
				   (unsigned long long)d->timeouts, d->injected ? " injected=1" : "");
			d->late = d->pending;
			d->pending = P_NONE;
			d->stale = true;
			d->retry_ms = now_ms + DM_RETRY_MS;
		}
		return;
	}
	if (now_ms < d->retry_ms)
		return;
	cur = assigned(d, h);
	tgt = target_of(d, h);
	/* The dynamic policy moves only for changes above 2% (or 8 MiB). */
	slack = d->policy == POL_DYNAMIC ? (cur / 50 > 8 * MIB_PAGES ? cur / 50 : 8 * MIB_PAGES) : 0;
	/*
	 * The dynamic policy grows at once but shrinks only when the lower target has held
	 * for DM_SHRINK_MS, so a workload that is still growing is not ballooned.
	 */
	if (d->policy != POL_DYNAMIC || tgt + slack >= cur)
		d->shrink_ms = 0;
	else if (!d->shrink_ms)
		d->shrink_ms = now_ms;
	if (tgt + slack < cur) {
		if (d->shrink_ms && now_ms - d->shrink_ms < DM_SHRINK_MS)
			return;
		if (d->caps & DM_CAP_BALLOON)
			send_balloon(ch, min(cur - tgt, d->batch), false);
	} else if (tgt > cur + slack) {
		grow(ch, tgt - cur);
	}
}

/* ---- open / close ---- */

static void reset_conn(struct dm_dev *d)
{
	free(d->ranges);
	free(d->bitmap);
	d->ranges = NULL;
	d->bitmap = NULL;
	d->nranges = d->cap_ranges = 0;
	d->ch = NULL;
	d->version = 0;
	d->negotiated = d->caps_done = false;
	d->caps = 0;
	d->tried[0] = '\0';
	d->status_reports = d->avail = d->committed = 0;
	d->stale = false;
	d->shrink_ms = 0;
	d->ballooned = 0;
	d->pending = P_NONE;
	d->late = P_NONE;
	d->late_answer = false;
	d->timeouts = 0;
	d->last_timeout = P_NONE;
	d->ha_last_pages = 0;
	d->retry_ms = 0;
	d->ha_failures = 0;
	d->ha_stopped = d->ha_unsupported_logged = false;
}

static int dm_open(struct host_channel *ch)
{
	struct dm_dev *d = dm_of(ch);

	reset_conn(d);
	if (d->vm_gen != ch->host->vm_gen) {
		d->vm_gen = ch->host->vm_gen;
		d->hot_added = 0;
	}
	d->ha_base = d->hot_added;
	d->ch = ch;
	d->file_pages = ram_pages(ch->host);
	if (d->file_pages) {
		d->bitmap = calloc(1, (d->file_pages + 7) / 8);
		if (!d->bitmap)
			return -ENOMEM;
	}
	ch->priv = d;
	return 0;
}

static void dm_close(struct host_channel *ch)
{
	struct dm_dev *d = dm_of(ch);

	/*
	 * The guest keeps what it has: ballooned pages go back to it when its driver goes
	 * (or with its next reset); hot-added memory stays, and hot_added with it.
	 */
	if (d->ch == ch) {
		host_event(ch->host, "DM_CLOSED", "ballooned=%llu hot_added=%llu",
			   (unsigned long long)d->ballooned, (unsigned long long)d->hot_added);
		reset_conn(d);
	}
	ch->priv = NULL;
}

static int dm_create(struct host_device *dev)
{
	struct dm_dev *d = calloc(1, sizeof(*d));

	if (!d)
		return -ENOMEM;
	d->policy = POL_FIXED;
	d->buffer = 20;
	d->versions[0] = DM_VERSION_WIN10;
	d->versions[1] = DM_VERSION_WIN8;
	d->versions[2] = DM_VERSION_WIN7;
	d->nversions = 3;
	d->hot_add = true;
	d->batch = 1024 * MIB_PAGES;
	d->timeout_ms = DM_TIMEOUT_MS;
	dev->priv = d;
	return 0;
}

static void dm_destroy(struct host_device *dev)
{
	reset_conn(dev->priv);
	free(dev->priv);
}

static void dm_status_line(struct host_device *dev, char *buf, size_t len)
{
	struct dm_dev *d = dev->priv;
	struct vmbus_host *h = dev->host;

	snprintf(buf, len, "version=%u.%u policy=%s assigned_mb=%llu target_mb=%llu ballooned_mb=%llu hot_added_mb=%llu",
		 DM_VERSION_MAJOR(d->version), DM_VERSION_MINOR(d->version),
		 d->policy == POL_FIXED ? "fixed" : "dynamic",
		 (unsigned long long)mib(assigned(d, h)), (unsigned long long)mib(target_of(d, h)),
		 (unsigned long long)mib(d->ballooned), (unsigned long long)mib(d->hot_added));
}

const struct host_device_ops dev_dm_ops = {
	.name = "dm",
	.class_id = HV_DM_GUID,
	.create = dm_create,
	.destroy = dm_destroy,
	.open = dm_open,
	.packets = dm_packets,
	.close = dm_close,
	.tick = dm_tick,
	.status = dm_status_line,
};

/* ---- control commands ---- */

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
		ret = send_balloon(ch, 0xffffffffu, true);
	} else if (!strcmp(kind, "unballoon-unknown")) {
		/* Boot memory at 16 MiB: pages the guest never ballooned. */
		u8 buf[sizeof(struct dm_unballoon_request) + 8] __aligned(8) = {};
		struct dm_unballoon_request *m = (void *)buf;
		u64 r = DM_RANGE(0x1000, 512);

		m->range_count = 1;
		memcpy(buf + sizeof(*m), &r, 8);
		ret = dm_send(ch, buf, DM_UNBALLOON_REQUEST, sizeof(buf), ++d->trans);
		if (!ret) {
			d->pending = P_UNBALLOON;
			d->late = P_NONE;
			d->late_answer = false;
			d->injected = true;
			d->pending_ms = h->now_ms;
		}
	} else if (!strcmp(kind, "dup-unballoon") || !strcmp(kind, "overlap-unballoon")) {
		/*
		 * The newest ballooned range twice; or the newest one of 4 MiB or more
		 * and a second range over its second half (2 MiB aligned, so each range
		 * alone is whole ballooned chunks).
		 */
		u8 buf[sizeof(struct dm_unballoon_request) + 16] __aligned(8) = {};
		struct dm_unballoon_request *m = (void *)buf;
		u64 r, r2, half;

		if (!d->nranges)
			return fail(err, errlen, "nothing is ballooned; balloon first (memory set)");
		r = d->ranges[d->nranges - 1];
		r2 = r;
		if (kind[0] == 'o') {
			u32 i = d->nranges;

			/* The newest range of at least 4 MiB (two 2 MiB chunks). */
			while (i > 0 && DM_RANGE_COUNT(d->ranges[i - 1]) < 1024)
				i--;
			if (!i)
				return fail(err, errlen, "no ballooned range of 4 MiB or more");
			r = d->ranges[i - 1];
			half = DM_RANGE_COUNT(r) / 2 / 512 * 512;
			r2 = DM_RANGE(DM_RANGE_START(r) + half, DM_RANGE_COUNT(r) - half);
		}
		m->range_count = 2;
		memcpy(buf + sizeof(*m), &r, 8);
		memcpy(buf + sizeof(*m) + 8, &r2, 8);
		ret = dm_send(ch, buf, DM_UNBALLOON_REQUEST, sizeof(buf), ++d->trans);
		if (!ret) {
			d->pending = P_UNBALLOON;
			d->late = P_NONE;
			d->late_answer = false;
			d->injected = true;
			d->pending_ms = h->now_ms;
		}
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
		ret = send_hot_add(ch, from, block - from % block, d->ha_last_region, true);
	} else if (!strcmp(kind, "hot-add-outside")) {
		if (!ha_next(d, h, &pfn, &room, &seg))
			pfn = GUEST_4G / PG + 0x100000;
		/* The range starts one chunk past the end of the region it names. */
		ret = send_hot_add(ch, pfn + 0x8000, 0x8000, DM_RANGE(pfn, 0x8000), true);
	} else if (!strcmp(kind, "hot-add-boot")) {
		ret = send_hot_add(ch, 0x8000, 0x8000, DM_RANGE(0, 0x10000), true);
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
		!d->ch ? "closed" : d->caps_done ? "ready" : d->negotiated ? "negotiated" : "open",
		DM_VERSION_MAJOR(d->version), DM_VERSION_MINOR(d->version),
		!!(d->caps & DM_CAP_BALLOON), !!(d->caps & DM_CAP_HOT_ADD),
		d->policy == POL_FIXED ? "fixed" : "dynamic",
		(unsigned long long)mib(startup_of(d, h)), (unsigned long long)mib(assigned(d, h)),
		(unsigned long long)mib(target_of(d, h)), (unsigned long long)mib(d->ballooned),
		(unsigned long long)mib(d->hot_added), (unsigned long long)d->ballooned,
		(unsigned long long)d->hot_added, (unsigned long long)mib(d->avail),
		(unsigned long long)mib(d->committed), (unsigned long long)d->status_reports,
		pending_names[d->pending], (unsigned long long)d->balloon_ops,
		(unsigned long long)d->unballoon_ops, (unsigned long long)d->hot_add_ops,
		(unsigned long long)mib(ram_pages(h)), (unsigned long long)d->timeouts,
		pending_names[d->last_timeout], (unsigned long long)(d->timeout_ms / 1000));
	return 0;
}
