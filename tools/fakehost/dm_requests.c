// SPDX-License-Identifier: GPL-2.0-only
/*
 * dm_requests.c: the Dynamic Memory host's requests to the guest, one at a time
 * (d->pending): BALLOON_REQUEST, UNBALLOON_REQUEST and MEM_HOT_ADD_REQUEST, how each is
 * built and sent, the guest's answers to them and the unanswered-request timeout.
 *
 * Pages the guest balloons out (BALLOON_RESPONSE ranges, more_pages set on all but the
 * last message) are checked against the guest's RAM and against what is already
 * ballooned, recorded newest last (d->ranges, d->bitmap) and punched out of the
 * guest-RAM file (fallocate(FALLOC_FL_PUNCH_HOLE)), so the host's memory use really
 * drops; UNBALLOON_REQUEST gives back whole ranges, newest first.  Hot-add continues
 * after startup + hot-added memory in q35's RAM layout; a hot-add that fails
 * DM_HA_ATTEMPTS times, or succeeds with fewer pages than asked, stops hot-adding.
 *
 * A request the guest leaves unanswered (hv_balloon in a guest that can hibernate
 * ignores balloon requests) ends after d->timeout_ms (`dm config timeout=`): event
 * DM_TIMEOUT, counted in `dm status`; the host may then send new requests, and an
 * answer that still comes is taken as the late answer while no newer request went out.
 * Which request to send, and when, is dm_policy.c's (or `dm inject`'s) choice.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <linux/falloc.h>
#include "dm_dev.h"

const char *const dm_pending_names[] = { "none", "balloon", "unballoon", "hot_add" };

/* A request of @kind went out now: it is the one pending, and no late one is awaited. */
static void mark_pending(struct host_channel *ch, enum dm_pending kind, bool injected)
{
	struct dm_dev *d = dm_of(ch);

	d->pending = kind;
	d->late = P_NONE;
	d->late_answer = false;
	d->injected = injected;
	d->pending_ms = ch->host->now_ms;
}

/* ---- answers from the guest ---- */

bool dm_answer_expected(struct dm_dev *d, enum dm_pending kind)
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

/* Called once dm_answer_expected(P_BALLOON) held. */
void dm_on_balloon_response(struct host_channel *ch, const void *msg)
{
	struct dm_dev *d = dm_of(ch);
	const struct dm_balloon_response *m = msg;
	u32 i, n = dm_msg_range_count(msg);

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

/* Called once dm_answer_expected(P_UNBALLOON) held. */
void dm_on_unballoon_response(struct host_channel *ch, const void *msg)
{
	struct dm_dev *d = dm_of(ch);
	u32 i;

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

/* Called once dm_answer_expected(P_HOT_ADD) held. */
void dm_on_hot_add_response(struct host_channel *ch, const void *msg)
{
	struct dm_dev *d = dm_of(ch);
	const struct dm_hot_add_response *m = msg;
	u64 got = m->page_count;

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

/* ---- requests to the guest ---- */

int dm_send_balloon(struct host_channel *ch, u64 pages, bool injected)
{
	struct dm_dev *d = dm_of(ch);
	struct dm_balloon m = {};
	int ret;

	m.num_pages = (u32)pages;
	ret = dm_send(ch, &m, DM_BALLOON_REQUEST, sizeof(m), ++d->trans);
	if (ret)
		return ret;
	mark_pending(ch, P_BALLOON, injected);
	d->req_pages = pages;
	d->got_pages = 0;
	d->resp_msgs = 0;
	d->balloon_ops++;
	host_event(ch->host, "DM_BALLOON_SENT", "pages=%llu assigned_mb=%llu%s",
		   (unsigned long long)pages, (unsigned long long)mib(assigned(d, ch->host)),
		   injected ? " injected=1" : "");
	return 0;
}

/* One UNBALLOON_REQUEST of @n ranges (at most DM_UNBALLOON_MAX_RANGES), now pending. */
static int send_unballoon_ranges(struct host_channel *ch, const u64 *ranges, u32 n,
				 bool injected)
{
	struct dm_dev *d = dm_of(ch);
	u8 buf[DM_MSG_MAX] __aligned(8) = {};
	struct dm_unballoon_request *m = (void *)buf;
	int ret;

	m->range_count = n;
	memcpy(buf + sizeof(*m), ranges, n * 8);
	ret = dm_send(ch, buf, DM_UNBALLOON_REQUEST, sizeof(*m) + n * 8, ++d->trans);
	if (!ret)
		mark_pending(ch, P_UNBALLOON, injected);
	return ret;
}

int dm_send_unballoon(struct host_channel *ch, u64 want)
{
	struct dm_dev *d = dm_of(ch);
	u64 r[DM_UNBALLOON_MAX_RANGES], pages = 0;
	u32 n = 0, i = d->nranges;
	int ret;

	while (i > 0 && pages < want && n < DM_UNBALLOON_MAX_RANGES) {
		i--;
		r[n++] = d->ranges[i];
		pages += DM_RANGE_COUNT(d->ranges[i]);
	}
	if (!n)
		return -ENOENT;
	ret = send_unballoon_ranges(ch, r, n, false);
	if (ret)
		return ret;
	d->unb_pages = pages;
	d->unb_from = i;
	d->unballoon_ops++;
	host_event(ch->host, "DM_UNBALLOON_SENT", "pages=%llu ranges=%u",
		   (unsigned long long)pages, n);
	return 0;
}

int dm_send_unballoon_injected(struct host_channel *ch, const u64 *ranges, u32 n)
{
	return send_unballoon_ranges(ch, ranges, n, true);
}

/*
 * Where hot-add continues: the next GPA page after startup + hot_added in q35's RAM
 * layout (below the PCI hole, then from 4 GiB), and the pages left in that segment.
 * The region named starts where this connection's hot-adding started: memory
 * hot-added before the guest reopened the channel is boot memory to its new driver.
 */
bool dm_ha_next(const struct dm_dev *d, const struct vmbus_host *h, u64 *pfn, u64 *room,
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

int dm_send_hot_add(struct host_channel *ch, u64 pfn, u64 pages, u64 region, bool injected)
{
	struct dm_dev *d = dm_of(ch);
	struct dm_hot_add_with_region m = {};
	int ret;

	m.range = DM_RANGE(pfn, pages);
	m.region = region;
	ret = dm_send(ch, &m, DM_MEM_HOT_ADD_REQUEST, sizeof(m), ++d->trans);
	if (ret)
		return ret;
	mark_pending(ch, P_HOT_ADD, injected);
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

/* ---- the unanswered-request timeout ---- */

bool dm_pending_tick(struct host_channel *ch, u64 now_ms)
{
	struct dm_dev *d = dm_of(ch);

	if (d->pending == P_NONE)
		return false;
	if (now_ms - d->pending_ms > d->timeout_ms) {
		/* The guest left it unanswered: end it, and try again later. */
		d->timeouts++;
		d->last_timeout = d->pending;
		host_event(ch->host, "DM_TIMEOUT", "pending=%s ms=%llu timeouts=%llu%s",
			   dm_pending_names[d->pending],
			   (unsigned long long)(now_ms - d->pending_ms),
			   (unsigned long long)d->timeouts, d->injected ? " injected=1" : "");
		d->late = d->pending;
		d->pending = P_NONE;
		d->stale = true;
		d->retry_ms = now_ms + DM_RETRY_MS;
	}
	return true;
}
