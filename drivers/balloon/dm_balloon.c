// SPDX-License-Identifier: GPL-2.0-only
/*
 * dm_balloon.c: ballooning for hvis_balloon.  Balloon up takes pages out of the guest
 * and reports them to the host in BALLOON_RESPONSE messages: whole hot-added blocks
 * first (offlined and removed, nothing to clear), then 2 MiB chunks, else 4 KiB
 * pages.  It never goes below the floor (dm_balloon_floor() of the total, or the
 * floor_mb parameter if larger).  Unballoon gives pages back, but only whole blocks
 * and chunks that were ballooned, each named once in the message; otherwise the whole
 * message is refused.  Messages and checks: include/hvis/dm_proto.h, lib/dm_msg.c.
 *
 * Every line a host request can cause is rate limited.
 */
#include <linux/module.h>
#include <linux/gfp.h>
#include <linux/delay.h>
#include <linux/log2.h>
#include <linux/memory.h>
#include "dm_dev.h"

#define DM_RECHECK_PAGES	(64ul << (20 - PAGE_SHIFT))	/* re-read avail every 64 MiB */

static unsigned int floor_mb;
module_param(floor_mb, uint, 0644);
MODULE_PARM_DESC(floor_mb, "Raise the balloon floor to at least this many MiB (the floor computed from total memory applies if larger)");

unsigned long dm_total_pages(struct dm_dev *dm)
{
	/* totalram without our balloon: the memory the host has given us */
	return totalram_pages() + READ_ONCE(dm->ballooned);
}

unsigned long dm_floor_pages(struct dm_dev *dm)
{
	u64 f = dm_balloon_floor(TO_HV(dm_total_pages(dm))) / HV_PER_PAGE;
	u64 p = (u64)READ_ONCE(floor_mb) << (20 - PAGE_SHIFT);

	return max(f, p);
}

static struct page *dm_alloc(unsigned int *order)
{
	gfp_t gfp = GFP_HIGHUSER | __GFP_NORETRY | __GFP_NOMEMALLOC | __GFP_NOWARN;
	struct page *pg = NULL;

	if (*order)
		pg = alloc_pages(gfp, *order);
	if (!pg) {
		*order = 0;
		pg = alloc_pages(gfp, 0);
	}
	return pg;
}

static void dm_return_chunk(struct dm_dev *dm, unsigned long pfn, unsigned int order)
{
	struct page *pg = pfn_to_page(pfn);

	xa_erase(&dm->balloon, pfn);
	adjust_managed_page_count(pg, 1L << order);
	__free_pages(pg, order);
	WRITE_ONCE(dm->ballooned, dm->ballooned - (1UL << order));
}

/* One ballooned entry back: a removed block is added again, a chunk freed. */
static void dm_return(struct dm_dev *dm, unsigned long pfn, unsigned long v)
{
	unsigned long pages = 1UL << DM_XA_ORDER(v);

	if (!(v & DM_XA_BLOCK)) {
		dm_return_chunk(dm, pfn, DM_XA_ORDER(v));
		return;
	}
	if (dm_ha_return_block(dm, pfn))
		return;
	xa_erase(&dm->balloon, pfn);
	WRITE_ONCE(dm->ballooned, dm->ballooned - pages);
}

/* Sends the ranges collected in dm->tx; more: another message follows. */
static void dm_flush_ranges(struct dm_dev *dm, u32 n, bool more)
{
	struct dm_balloon_response *r = (void *)dm->tx;

	r->reservedz = 0;
	r->flags = DM_BALLOON_RESP_FLAGS(more, n);
	if (dm_send(dm, r, DM_BALLOON_RESPONSE, sizeof(*r) + n * 8, true))
		dev_err_ratelimited(&dm->hdev->dev, "cannot send a balloon response\n");
}

/*
 * Adds pages [pfn, pfn + cnt) to the response being built (n ranges so far), merged
 * with the previous range when contiguous; a full message goes out first.
 */
static void dm_add_range(struct dm_dev *dm, u32 *n, unsigned long pfn, u64 cnt)
{
	struct dm_balloon_response *r = (void *)dm->tx;
	u64 last;

	if (*n) {
		memcpy(&last, &r->range_array[*n - 1], 8);
		if (DM_RANGE_START(last) + DM_RANGE_COUNT(last) == TO_HV(pfn) &&
		    DM_RANGE_COUNT(last) + TO_HV(cnt) <= DM_RANGE_MAX_COUNT) {
			last = DM_RANGE(DM_RANGE_START(last), DM_RANGE_COUNT(last) + TO_HV(cnt));
			memcpy(&r->range_array[*n - 1], &last, 8);
			return;
		}
	}
	if (*n == DM_BALLOON_RESP_MAX_RANGES) {
		dm_flush_ranges(dm, *n, true);
		*n = 0;
	}
	last = DM_RANGE(TO_HV(pfn), TO_HV(cnt));
	memcpy(&r->range_array[(*n)++], &last, 8);
}

/*
 * Whole hot-added blocks first (dm_ha_take_block: nothing to clear), while at least a
 * block is still wanted and the floor holds; returns the pages taken.
 */
static u64 dm_balloon_blocks(struct dm_dev *dm, u64 want, unsigned long floor, u32 *n)
{
	unsigned long blk = memory_block_size_bytes() >> PAGE_SHIFT, pfn;
	u64 below = U64_MAX, done = 0;
	int got;

	while (want - done >= blk && si_mem_available() > floor) {
		got = dm_ha_take_block(dm, &below, &pfn);
		if (got < 0)
			break;
		if (!got)
			continue;
		if (xa_err(xa_store(&dm->balloon, pfn, xa_mk_value(DM_XA_BLOCK | ilog2(blk)),
				    GFP_KERNEL))) {
			dm_ha_return_block(dm, pfn);
			break;
		}
		/* Offlining took the pages out of totalram already. */
		WRITE_ONCE(dm->ballooned, dm->ballooned + blk);
		done += blk;
		dm_add_range(dm, n, pfn, blk);
		cond_resched();
	}
	return done;
}

void dm_balloon_up(struct dm_dev *dm, const struct dm_balloon *req)
{
	u64 want = req->num_pages / HV_PER_PAGE, allowed, done = 0, since_check = 0;
	unsigned long floor = dm_floor_pages(dm);
	unsigned int order = DM_2M_ORDER;
	u32 n = 0;

	if (req->num_pages > TO_HV(dm_total_pages(dm))) {
		dev_err_ratelimited(&dm->hdev->dev, "balloon request refused: num_pages %u is more than the guest's %llu pages\n",
				    req->num_pages, TO_HV(dm_total_pages(dm)));
		dm_flush_ranges(dm, 0, false);
		return;
	}
	allowed = dm_balloon_allowed(want, si_mem_available(), floor);
	if (allowed < want)
		dev_info_ratelimited(&dm->hdev->dev, "balloon request of %llu MiB partly met: %llu MiB, floor %llu MiB\n",
				     MB_OF(want), MB_OF(allowed), MB_OF(floor));
	done = dm_balloon_blocks(dm, allowed, floor, &n);
	while (done < allowed) {
		struct page *pg;
		unsigned long pfn;
		u64 cnt;

		if (allowed - done < (1UL << order))
			order = 0;
		pg = dm_alloc(&order);
		if (!pg) {
			dev_info_ratelimited(&dm->hdev->dev, "balloon: allocation failed after %llu MiB\n",
					     MB_OF(done));
			break;
		}
		pfn = page_to_pfn(pg);
		if (xa_err(xa_store(&dm->balloon, pfn, xa_mk_value(order), GFP_KERNEL))) {
			__free_pages(pg, order);
			break;
		}
		cnt = 1UL << order;
		adjust_managed_page_count(pg, -(long)cnt);
		WRITE_ONCE(dm->ballooned, dm->ballooned + cnt);
		done += cnt;
		since_check += cnt;
		dm_add_range(dm, &n, pfn, cnt);
		/* Demand may grow meanwhile: keep honouring the floor. */
		if (since_check >= DM_RECHECK_PAGES) {
			since_check = 0;
			if (si_mem_available() <= floor)
				break;
		}
		cond_resched();
	}
	dm_flush_ranges(dm, n, false);
}

/*
 * The message as a whole: no page named twice (a second range over pages the first
 * already returned would free them again), and every range made of whole ballooned
 * allocations.  Nothing changes unless all of it holds.
 */
static bool dm_unballoon_check(struct dm_dev *dm, const void *msg, u32 count)
{
	u64 r, p = 0;
	u32 i, j;

	if (dm_ranges_overlap(msg, &i, &j)) {
		dev_err_ratelimited(&dm->hdev->dev, "unballoon refused: ranges %u and %u name the same pages (start pfn %#llx and %#llx); nothing returned\n",
				    i, j, DM_RANGE_START(dm_msg_range(msg, i)),
				    DM_RANGE_START(dm_msg_range(msg, j)));
		return false;
	}
	for (i = 0; i < count; i++) {
		u64 end;

		r = dm_msg_range(msg, i);
		p = DM_RANGE_START(r);
		end = p + DM_RANGE_COUNT(r);
		if (p % HV_PER_PAGE || end % HV_PER_PAGE)
			goto bad;
		while (p < end) {
			void *e = xa_load(&dm->balloon, (unsigned long)(p / HV_PER_PAGE));

			if (!xa_is_value(e) || p + TO_HV(1UL << DM_XA_ORDER(xa_to_value(e))) > end)
				goto bad;
			p += TO_HV(1UL << DM_XA_ORDER(xa_to_value(e)));
		}
	}
	return true;
bad:
	dev_err_ratelimited(&dm->hdev->dev, "unballoon refused: range %u start pfn %#llx pages %u was not ballooned (at pfn %#llx); nothing returned\n",
			    i, DM_RANGE_START(r), DM_RANGE_COUNT(r), p);
	return false;
}

/*
 * Unballoon has no failure answer (hv_balloon.c balloon_down answers every last
 * message with a bare UNBALLOON_RESPONSE): a refused message changes nothing and the
 * host's transaction still ends.
 */
void dm_balloon_down(struct dm_dev *dm, const void *msg)
{
	const struct dm_unballoon_request *req = msg;
	struct dm_unballoon_response resp = {};
	u32 i, count = dm_msg_range_count(msg);

	if (dm_unballoon_check(dm, msg, count)) {
		for (i = 0; i < count; i++) {
			u64 r = dm_msg_range(msg, i);
			unsigned long p = DM_RANGE_START(r) / HV_PER_PAGE;
			unsigned long end = p + DM_RANGE_COUNT(r) / HV_PER_PAGE;

			while (p < end) {
				unsigned long v = xa_to_value(xa_load(&dm->balloon, p));

				dm_return(dm, p, v);
				p += 1UL << DM_XA_ORDER(v);
			}
		}
	}
	if (!(req->flags & DM_UNBALLOON_MORE))
		dm_send(dm, &resp, DM_UNBALLOON_RESPONSE, sizeof(resp), true);
}

/* Module removal: every ballooned page goes back to the guest. */
void dm_free_balloon(struct dm_dev *dm)
{
	unsigned long pfn;
	void *e;

	xa_for_each(&dm->balloon, pfn, e)
		dm_return(dm, pfn, xa_to_value(e));
	xa_destroy(&dm->balloon);
}
