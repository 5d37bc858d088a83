// SPDX-License-Identifier: GPL-2.0-only
/*
 * dm_policy.c: the Dynamic Memory host's policies, which decide from the guest's
 * status reports what request to send next when none is pending.  "fixed" drives the
 * guest's assigned memory (startup + hot-added - ballooned) to a target (`ctl memory
 * set`, `dm config target=`); "dynamic" derives the target from the guest's committed
 * pages plus a buffer percentage, between a minimum and a maximum, grows at once and
 * shrinks only when the lower target has held for DM_SHRINK_MS.  Above the target the
 * host balloons; below it, it unballoons what it holds first, then hot-adds.  The
 * requests themselves are dm_requests.c's.
 */
#include "dm_dev.h"

u64 dm_target(const struct dm_dev *d, const struct vmbus_host *h)
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
		dm_send_unballoon(ch, need);
		return;
	}
	if (!d->hot_add || d->ha_stopped || !dm_ha_next(d, h, &pfn, &room, &seg))
		return;
	if (!(d->caps & DM_CAP_HOT_ADD)) {
		/* Hyper-V's dmvsc event 2: the guest cannot hot-add; said once. */
		if (!d->ha_unsupported_logged)
			host_event(h, "DM_GUEST_UNSUPPORTED", "what=hot_add need_mb=%llu",
				   (unsigned long long)mib(need));
		d->ha_unsupported_logged = true;
		return;
	}
	/* A request's range holds at most DM_RANGE_MAX_COUNT pages (64 GiB). */
	need = min(min(need, (u64)DM_RANGE_MAX_COUNT), min(room, d->batch));
	dm_send_hot_add(ch, pfn, need,
			DM_RANGE(seg, min(pfn + room - seg, (u64)DM_RANGE_MAX_COUNT)), false);
}

void dm_policy_tick(struct host_channel *ch, u64 now_ms)
{
	struct dm_dev *d = dm_of(ch);
	struct vmbus_host *h = ch->host;
	u64 cur, tgt, slack;

	if (now_ms < d->retry_ms)
		return;
	cur = assigned(d, h);
	tgt = dm_target(d, h);
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
			dm_send_balloon(ch, min(cur - tgt, d->batch), false);
	} else if (tgt > cur + slack) {
		grow(ch, tgt - cur);
	}
}
