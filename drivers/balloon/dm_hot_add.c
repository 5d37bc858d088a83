// SPDX-License-Identifier: GPL-2.0-only
/*
 * dm_hot_add.c: memory hot-add for hvis_balloon.  A MEM_HOT_ADD_REQUEST names pages
 * the host backs now, inside a region; the guest adds whole memory blocks
 * (add_memory) and onlines only the backed pages, through its online-page callback.
 * A later request that continues a region backs more pages of a block already added.
 *
 * A page goes to the page allocator only when its memory block is online: the
 * memory core hands it to dm_online_page() while it onlines the block, and a page
 * that was not backed then is marked PageOffline and kept.  When the host backs it
 * later, it is onlined at once if its block is online, else when the block comes
 * online (the callback, or the MEM_ONLINE notifier for pages it had already passed).
 * The answer counts the pages the host backed, onlined or waiting for their block,
 * as hv_balloon.c does (handle_pg_range counts covered pages).
 *
 * Planning and checks: lib/dm_msg.c dm_hot_add_plan().  Every line a host request can
 * cause is rate limited or said once.
 */
#include <linux/module.h>
#include <linux/memory.h>
#include <linux/memory_hotplug.h>
#include <linux/page-flags.h>
#include <linux/sizes.h>
#include "dm_dev.h"

static bool hot_add = true;
module_param(hot_add, bool, 0444);
MODULE_PARM_DESC(hot_add, "Offer memory hot-add to the host (0: ballooning only, as on a kernel without memory hot-plug)");

/* The online-page callback is global: the one device that owns it. */
static struct dm_dev *cb_dev;

static bool dm_pfn_backed(struct dm_dev *dm, unsigned long pfn, bool *ours)
{
	bool backed;

	dm_ha_run(dm->regions, dm->nregions, TO_HV(pfn), TO_HV(pfn + 1), ours, &backed);
	return backed;
}

/* Hands [pfn, end) to the allocator in the largest buddy chunks that fit. */
static void dm_online_run(unsigned long pfn, unsigned long end, unsigned int max_order)
{
	while (pfn < end) {
		unsigned int order = dm_chunk_order(pfn, end, max_order);

		generic_online_page(pfn_to_page(pfn), order);
		pfn += 1UL << order;
	}
}

/*
 * Called by the memory core for each chunk it onlines.  The chunk is cut into runs
 * of pages in one state (lib/dm_msg.c dm_ha_run): backed runs go to the allocator in
 * chunks as large as their alignment allows, unbacked pages stay out, marked
 * PageOffline so that they are onlined once when the host backs them.
 */
static void dm_online_page(struct page *pg, unsigned int order)
{
	struct dm_dev *dm = cb_dev;
	unsigned long pfn = page_to_pfn(pg), end = pfn + (1UL << order), next;
	unsigned long flags;
	bool ours, backed;

	if (!dm) {
		generic_online_page(pg, order);
		return;
	}
	spin_lock_irqsave(&dm->ha_lock, flags);
	while (pfn < end) {
		u64 hv_end = dm_ha_run(dm->regions, dm->nregions, TO_HV(pfn), TO_HV(end),
				       &ours, &backed);

		next = hv_end / HV_PER_PAGE;
		if (next <= pfn) {
			/* Backing ends inside this (larger than 4 KiB) page: keep it out. */
			next = pfn + 1;
			backed = false;
		}
		if (backed) {
			dm_online_run(pfn, next, order);
			if (ours)
				dm->hot_added += next - pfn;
		} else {
			dm->ha_kept_out += next - pfn;
			for (; pfn < next; pfn++)
				__SetPageOffline(pfn_to_page(pfn));
		}
		pfn = next;
	}
	spin_unlock_irqrestore(&dm->ha_lock, flags);
}

/*
 * Onlines the backed pages in [from, to) (4 KiB PFNs) that the memory core passed to
 * dm_online_page() before they were backed: their block is online and they are
 * still marked PageOffline.  Pages of a block that is not online are left to the
 * callback; their struct pages may not even be initialized yet.  The scan stops as
 * soon as no page is kept out (ha_kept_out), so whole backed blocks cost nothing here.
 */
static void dm_online_waiting(struct dm_dev *dm, u64 from, u64 to)
{
	unsigned long flags;
	struct page *pg;
	bool ours;
	u64 p;

	for (p = from; p < to && READ_ONCE(dm->ha_kept_out); p += HV_PER_PAGE) {
		unsigned long pfn = p / HV_PER_PAGE;

		pg = pfn_to_online_page(pfn);
		if (!pg)
			continue;
		spin_lock_irqsave(&dm->ha_lock, flags);
		if (PageOffline(pg) && dm_pfn_backed(dm, pfn, &ours) && ours) {
			__ClearPageOffline(pg);
			generic_online_page(pg, 0);
			dm->hot_added++;
			/* A block offlined and onlined again marks its pages twice. */
			if (dm->ha_kept_out)
				dm->ha_kept_out--;
		}
		spin_unlock_irqrestore(&dm->ha_lock, flags);
		cond_resched();
	}
}

/*
 * A block came online: the callback ran for its pages before the core marked its
 * sections online, so a request that backed pages in between found the block
 * offline and left them; they come in here.
 */
static int dm_memory_event(struct notifier_block *nb, unsigned long action, void *arg)
{
	struct dm_dev *dm = container_of(nb, struct dm_dev, mem_nb);
	const struct memory_notify *mn = arg;
	u64 s = TO_HV(mn->start_pfn), e = TO_HV(mn->start_pfn + mn->nr_pages);
	unsigned long flags;
	u64 from[DM_MAX_REGIONS], to[DM_MAX_REGIONS];
	u32 i, n;

	if (action != MEM_ONLINE)
		return NOTIFY_OK;
	spin_lock_irqsave(&dm->ha_lock, flags);
	n = dm->nregions;
	for (i = 0; i < n; i++) {
		from[i] = max(s, dm->regions[i].start);
		to[i] = min(e, dm->regions[i].backed_end);
	}
	spin_unlock_irqrestore(&dm->ha_lock, flags);
	for (i = 0; i < n; i++)
		if (from[i] < to[i])
			dm_online_waiting(dm, from[i], to[i]);
	return NOTIFY_OK;
}

static void dm_ha_error(struct dm_dev *dm, const char *fmt, long a, long b)
{
	if (dm->logged_ha_error) {
		dev_dbg(&dm->hdev->dev, "hot-add failed again: %ld %ld\n", a, b);
		return;
	}
	dm->logged_ha_error = true;
	dev_err(&dm->hdev->dev, "hvis-dm-1 error (hot-add): %s: %ld (pfn %#lx)\n", fmt, a, b);
}

/* Marks [g->start, end) added (or, after a failure, backed no further than end). */
static void dm_ha_mark_added(struct dm_dev *dm, struct dm_ha_region *g, u64 end, bool failed)
{
	unsigned long flags;

	spin_lock_irqsave(&dm->ha_lock, flags);
	g->added_end = end;
	if (failed && g->backed_end > end)
		g->backed_end = end;
	spin_unlock_irqrestore(&dm->ha_lock, flags);
}

/*
 * Adds the blocks [from, to) (HV pages, whole blocks of CHUNK), 1 GiB (at least a
 * block) per add_memory() call; after a call fails, block by block.  Returns where the
 * blocks added from FROM end (TO when all were), *rc the first failure.  Measured
 * (tests/bench/dm_bench.sh, 6.12, TCG): 4 GiB in one call took 450 ms against
 * virtio-mem's 437, in 1 GiB calls 328 ms against 461.
 */
static u64 dm_add_span(struct dm_dev *dm, u64 from, u64 to, u64 chunk, int *rc)
{
	u64 step = max_t(u64, TO_HV(SZ_1G >> PAGE_SHIFT) / chunk, 1) * chunk;
	u64 blk, end;

	*rc = 0;
	for (blk = from; blk < to; blk = end) {
		end = min(blk + step, to);
		*rc = add_memory(memory_add_physaddr_to_nid(blk * 4096), blk * 4096,
				 (end - blk) * 4096, MHP_MERGE_RESOURCE);
		if (!*rc)
			continue;
		if (end - blk > chunk) {
			step = chunk;
			end = blk;
			continue;
		}
		dm_ha_error(dm, "add_memory failed", *rc, (long)blk);
		return blk;
	}
	return to;
}

/*
 * Adds the blocks [from, to): the first, then the third to the last, then the second.
 * Onlining a block walks its zone from the start to the first pageblock that is not
 * online (set_zone_contiguous, mm/mm_init.c), so blocks onlined in address order cost
 * a walk over everything below them, and a hot-add of N blocks N*N/2 block walks; with
 * the second block missing until the end every walk stops there, and the last one
 * alone goes over the whole range.  On 6.1 (function_graph, TCG) the walks took 138 ms
 * of the 350 ms that onlining 4 GiB in address order took, 38 ms in this order.
 *
 * The region's blocks count as added up to TO from the start, so that the online-page
 * callback takes the pages of each block as it comes online.  After a failure they end
 * at the first block not added.  Should the second block be the one that fails, the
 * blocks above it stay (they are online and in use): the region keeps them, the missing
 * block is never onlined (its pages are not there), and the answer leaves its pages
 * out: returns how many backed pages (HV) it held, 0 otherwise.
 */
static u64 dm_add_blocks(struct dm_dev *dm, struct dm_ha_region *g, u64 from, u64 to,
			 u64 chunk, u64 online_from)
{
	u64 second = from + chunk, top, done, lo, hi;
	unsigned long flags;
	int rc;

	dm_ha_mark_added(dm, g, to, false);
	if (to - from < 3 * chunk) {
		done = dm_add_span(dm, from, to, chunk, &rc);
	} else if (dm_add_span(dm, from, second, chunk, &rc) == second) {
		top = dm_add_span(dm, second + chunk, to, chunk, &rc);
		if (dm_add_span(dm, second, second + chunk, chunk, &rc) == second &&
		    top > second + chunk) {
			if (top < to)
				dm_ha_mark_added(dm, g, top, true);
			spin_lock_irqsave(&dm->ha_lock, flags);
			lo = max(second, online_from);
			hi = min(second + chunk, g->backed_end);
			spin_unlock_irqrestore(&dm->ha_lock, flags);
			dev_err_ratelimited(&dm->hdev->dev, "hot-add: the block at pfn %#llx is missing; the %llu MiB above it are in use, the host is told of the rest\n",
					    second, (top - second - chunk) * 4096 >> 20);
			return hi > lo ? hi - lo : 0;
		}
		done = rc ? second : top;
	} else {
		done = from;
	}
	if (done < to)
		dm_ha_mark_added(dm, g, done, true);
	return 0;
}

/*
 * The answer (hv_balloon.c hot_add_req): page_count the pages taken; result 1 when
 * some were taken, or when none ever will be (the host then stops hot-adding); 0 for
 * a failure the host may retry.
 */
static void dm_hot_add_answer(struct dm_dev *dm, u64 pages, bool permanent)
{
	struct dm_hot_add_response resp = {};

	resp.page_count = (u32)pages;
	resp.result = pages || permanent ? 1 : 0;
	dm_send(dm, &resp, DM_MEM_HOT_ADD_RESPONSE, sizeof(resp), true);
	dm_post_status(dm);
}

void dm_hot_add(struct dm_dev *dm, const void *msg, u32 size)
{
	const struct dm_hot_add_with_region *req = msg;
	u64 chunk = TO_HV(memory_block_size_bytes() >> PAGE_SHIFT);
	u64 boot_end = TO_HV(dm->startup_pages);
	unsigned long before = READ_ONCE(dm->hot_added), flags;
	struct dm_ha_region *g;
	struct dm_ha_plan plan;
	const char *why = "";
	u64 backed, missing;
	int rc = 0;

	if (!dm->ha_ok) {
		dev_dbg(&dm->hdev->dev, "hot-add request answered with 0 pages: hot-add is off%s\n",
			dm->s4 ? " (the guest can hibernate)" : "");
		dm_hot_add_answer(dm, 0, true);
		return;
	}
	spin_lock_irqsave(&dm->ha_lock, flags);
	rc = dm_hot_add_plan(dm->regions, dm->nregions, req->range,
			     size == sizeof(*req), size == sizeof(*req) ? req->region : 0,
			     chunk, boot_end, &plan, &why);
	if (!rc && plan.idx == dm->nregions && dm->nregions == DM_MAX_REGIONS) {
		rc = -ENOSPC;
		why = "too many regions";
	}
	spin_unlock_irqrestore(&dm->ha_lock, flags);
	if (rc) {
		dev_err_ratelimited(&dm->hdev->dev,
				    "hot-add refused: %s (start pfn %#llx pages %u); nothing added\n",
				    why, DM_RANGE_START(req->range), DM_RANGE_COUNT(req->range));
		dm_hot_add_answer(dm, 0, false);
		return;
	}

	spin_lock_irqsave(&dm->ha_lock, flags);
	g = &dm->regions[plan.idx];
	if (plan.idx == dm->nregions) {
		*g = (struct dm_ha_region){ plan.region_start, plan.region_end,
					    plan.region_start, plan.region_start };
		dm->nregions++;
	}
	g->end = plan.region_end;
	/* Backed from now on: the callback onlines these pages when their block comes online. */
	g->backed_end = plan.online_to;
	spin_unlock_irqrestore(&dm->ha_lock, flags);

	/* Pages in blocks added earlier: only those whose block is online go in now. */
	dm_online_waiting(dm, plan.online_from, min(plan.online_to, plan.add_from));

	missing = dm_add_blocks(dm, g, plan.add_from, plan.add_to, chunk, plan.online_from);
	spin_lock_irqsave(&dm->ha_lock, flags);
	backed = g->backed_end > plan.online_from ? g->backed_end - plan.online_from : 0;
	backed -= min(backed, missing);
	dm->ha_accepted += backed / HV_PER_PAGE;
	spin_unlock_irqrestore(&dm->ha_lock, flags);
	if (READ_ONCE(dm->hot_added) - before < backed / HV_PER_PAGE && !dm->logged_ha_offline) {
		dm->logged_ha_offline = true;
		dev_notice(&dm->hdev->dev, "hot-add: %llu MiB of %llu MiB wait for their memory block to come online (e.g. echo online > /sys/devices/system/memory/memory%llu/state, or boot with memhp_default_state=online)\n",
			   MB_OF(backed / HV_PER_PAGE - (READ_ONCE(dm->hot_added) - before)),
			   MB_OF(backed / HV_PER_PAGE),
			   plan.online_from * 4096 / memory_block_size_bytes());
	}
	dm_hot_add_answer(dm, backed, false);
}

/*
 * Ballooning by whole hot-added blocks.  The highest block below *below that the host
 * backed entirely, that is online and not taken already, is offlined and removed
 * (offline_and_remove_memory, as virtio-mem unplugs a block): offlining moves what
 * the guest keeps there and hands the pages over without clearing them, where
 * allocating them clears every page first (init_on_alloc, on in Debian's kernels;
 * 2 MiB took about 10 ms under TCG).  Returns 1 with *pfn set when a block was
 * removed, 0 when the block tried is busy (the next call looks below it), -ENOENT
 * when no block is left.
 */
int dm_ha_take_block(struct dm_dev *dm, u64 *below, unsigned long *pfn)
{
#ifdef CONFIG_MEMORY_HOTREMOVE
	u64 chunk = TO_HV(memory_block_size_bytes() >> PAGE_SHIFT), best = 0;
	unsigned long flags, first, i;
	bool found;
	int rc;

	if (!dm->ha_ok)
		return -ENOENT;
	spin_lock_irqsave(&dm->ha_lock, flags);
	found = dm_ha_top_block(dm->regions, dm->nregions, chunk, *below, &best);
	spin_unlock_irqrestore(&dm->ha_lock, flags);
	if (!found)
		return -ENOENT;
	*below = best;
	first = best / HV_PER_PAGE;
	if (xa_load(&dm->balloon, first))
		return 0;
	for (i = 0; i < chunk / HV_PER_PAGE; i += PAGES_PER_SECTION)
		if (!pfn_to_online_page(first + i))
			return 0;
	rc = offline_and_remove_memory((u64)first << PAGE_SHIFT, memory_block_size_bytes());
	if (rc) {
		dev_dbg(&dm->hdev->dev, "balloon: block at pfn %#lx stays (%d)\n", first, rc);
		return 0;
	}
	*pfn = first;
	return 1;
#else
	return -ENOENT;
#endif
}

/*
 * Gives back a block dm_ha_take_block() removed: added again; the online-page
 * callback counts its pages as hot-added once more as it onlines them.
 */
int dm_ha_return_block(struct dm_dev *dm, unsigned long pfn)
{
	u64 addr = (u64)pfn << PAGE_SHIFT, size = memory_block_size_bytes();
	unsigned long pages = size >> PAGE_SHIFT, flags;
	int rc;

	spin_lock_irqsave(&dm->ha_lock, flags);
	dm->hot_added -= min(dm->hot_added, pages);
	spin_unlock_irqrestore(&dm->ha_lock, flags);
	rc = add_memory(memory_add_physaddr_to_nid(addr), addr, size, MHP_MERGE_RESOURCE);
	if (rc) {
		spin_lock_irqsave(&dm->ha_lock, flags);
		dm->hot_added += pages;
		spin_unlock_irqrestore(&dm->ha_lock, flags);
		dev_err_ratelimited(&dm->hdev->dev, "unballoon: cannot add back the block at pfn %#lx (%d); it stays ballooned\n",
				    pfn, rc);
	}
	return rc;
}

/* Hot-add needs the kernel's memory hot-plug and our online-page callback. */
void dm_setup_hot_add(struct dm_dev *dm)
{
	const char *why;

	if (dm->s4) {
		/* Said once at probe (balloon.c); no hot-add in a guest that can hibernate. */
		return;
	} else if (!IS_ENABLED(CONFIG_MEMORY_HOTPLUG)) {
		why = "this kernel has no memory hot-plug (CONFIG_MEMORY_HOTPLUG)";
	} else if (!hot_add) {
		why = "memory hot-add is disabled (hot_add=0)";
	} else if (cb_dev || set_online_page_callback(dm_online_page)) {
		why = "another driver owns the online-page callback";
	} else {
		cb_dev = dm;
		dm->cb_installed = true;
		dm->mem_nb.notifier_call = dm_memory_event;
		dm->mem_nb_registered = !register_memory_notifier(&dm->mem_nb);
		dm->ha_ok = true;
		return;
	}
	dev_warn(&dm->hdev->dev, "hvis-dm-2 unsupported (hot-add): %s; offering ballooning only\n",
		 why);
	dm->logged_ha_unsupported = true;
}

void dm_teardown_hot_add(struct dm_dev *dm)
{
	if (dm->mem_nb_registered)
		unregister_memory_notifier(&dm->mem_nb);
	dm->mem_nb_registered = false;
	if (dm->cb_installed) {
		restore_online_page_callback(dm_online_page);
		cb_dev = NULL;
	}
	dm->cb_installed = false;
}
