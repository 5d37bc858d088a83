// SPDX-License-Identifier: GPL-2.0-only
/*
 * balloon.c: hvis_balloon, the guest side of Hyper-V Dynamic Memory (the DM VMBus
 * device, HV_DM_GUID).  Protocol: include/hvis/dm_proto.h, after
 * drivers/hv/hv_balloon.c.
 *
 * - Probe negotiates the protocol version newest first (2.0 Win10, 1.0 Win8, 0.3
 *   Win7, the last flagged is_last_attempt) and reports capabilities: ballooning,
 *   hot-add when this kernel can, and the hot-add alignment (the memory block size).
 * - A delayed work posts a status report every second.
 * - Host requests (balloon, unballoon, hot-add) are checked in the channel callback
 *   (lib/dm_msg.c) and run one at a time on an ordered workqueue.
 * - Ballooning never takes memory below the floor (dm_balloon_floor() of the total,
 *   or the floor_mb parameter if larger): the rest of the request is refused and the
 *   host learns from the response how much it got.
 * - Hot-add adds whole memory blocks and onlines only the pages the host backed; a
 *   later request that continues a region onlines the rest.
 *
 * Log codes (stable): "hvis-dm-2 unsupported (...)" is Hyper-V's dmvsc event 2 (the
 * guest cannot do it); "hvis-dm-1 error (...)" is event 1 (an unexpected failure).
 * Each is logged once per device.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/memory.h>
#include <linux/memory_hotplug.h>
#include <linux/mman.h>
#include <linux/xarray.h>
#include <linux/workqueue.h>
#include <linux/completion.h>
#include <linux/spinlock.h>
#include <linux/delay.h>
#include <linux/log2.h>
#include <hvis/vmbus.h>
#include "dm_msg.h"

#define DM_RING_BYTES		(16 * PAGE_SIZE)
#define DM_WAIT			(5 * HZ)	/* handshake answers (hv_balloon.c waits 5 s) */
#define DM_QUEUE_MAX		64		/* host requests waiting for the worker */
#define DM_MAX_REGIONS		16
#define DM_2M_ORDER		(21 - PAGE_SHIFT)
#define DM_RECHECK_PAGES	(64ul << (20 - PAGE_SHIFT))	/* re-read avail every 64 MiB */

/* 4 KiB Hyper-V pages per guest page, and the conversions. */
#define HV_PER_PAGE		(PAGE_SIZE / 4096)
#define TO_HV(p)		((u64)(p) * HV_PER_PAGE)
#define MB_OF(p)		((u64)(p) >> (20 - PAGE_SHIFT))

static bool hot_add = true;
module_param(hot_add, bool, 0444);
MODULE_PARM_DESC(hot_add, "Offer memory hot-add to the host (0: ballooning only, as on a kernel without memory hot-plug)");

static unsigned int floor_mb;
module_param(floor_mb, uint, 0644);
MODULE_PARM_DESC(floor_mb, "Raise the balloon floor to at least this many MiB (the floor computed from total memory applies if larger)");

enum dm_state { DM_INIT, DM_READY, DM_UNSUPPORTED, DM_FAILED };
static const char *const state_names[] = { "initializing", "ready", "unsupported", "failed" };

struct dm_req {
	struct list_head list;
	u32 len;
	u8 msg[] __aligned(8);
};

struct dm_dev {
	struct hvis_device *hdev;
	struct hvis_channel *ch;
	enum dm_state state;
	u32 version;
	u64 caps;
	atomic_t trans;

	/* handshake: the callback stores the answer and completes */
	struct completion answered;
	u16 wait_type;
	u64 answer_flags;

	/* host requests, from the callback to the worker */
	spinlock_t q_lock;
	struct list_head queue;
	u32 queued;
	struct work_struct req_work;
	struct workqueue_struct *wq;
	struct delayed_work status_work;
	bool dying;

	/* ballooned pages: pfn of each allocation -> xa_mk_value(order) */
	struct xarray balloon;
	unsigned long ballooned;	/* guest pages */
	unsigned long startup_pages;
	u64 status_reports;
	u8 *tx;				/* one 4 KiB message being built (worker only) */

	/* hot-add: regions in 4 KiB PFNs; ha_lock also guards online_pages_added */
	spinlock_t ha_lock;
	struct dm_ha_region regions[DM_MAX_REGIONS];
	u32 nregions;
	unsigned long hot_added;	/* pages onlined for the host */
	bool ha_ok;			/* capability reported and callback installed */
	bool cb_installed;
	bool logged_ha_unsupported, logged_ha_error, logged_balloon_floor;

	u8 rx[DM_MSG_MAX + 8] __aligned(8);
};

/* The online-page callback is global: the one device that owns it. */
static struct dm_dev *cb_dev;

/* ---- sending ---- */

static int dm_send(struct dm_dev *dm, void *msg, u16 type, u32 len, bool may_sleep)
{
	struct dm_header *h = msg;
	unsigned int tries = 0;
	int rc;

	h->type = type;
	h->size = len;
	h->trans_id = atomic_inc_return(&dm->trans);
	for (;;) {
		rc = hvis_channel_send(dm->ch, msg, len, h->trans_id, VM_PKT_DATA_INBAND, 0);
		if (rc != -EAGAIN || !may_sleep || ++tries > 1000)
			return rc;
		usleep_range(2000, 5000);
	}
}

/* ---- figures ---- */

static unsigned long dm_total_pages(struct dm_dev *dm)
{
	/* totalram without our balloon: the memory the host has given us */
	return totalram_pages() + READ_ONCE(dm->ballooned);
}

static unsigned long dm_floor_pages(struct dm_dev *dm)
{
	u64 f = dm_balloon_floor(TO_HV(dm_total_pages(dm))) / HV_PER_PAGE;
	u64 p = (u64)READ_ONCE(floor_mb) << (20 - PAGE_SHIFT);

	return max(f, p);
}

static void dm_post_status(struct dm_dev *dm)
{
	struct dm_status st = {};

	st.num_avail = TO_HV(si_mem_available());
	st.num_committed = TO_HV(vm_memory_committed() + READ_ONCE(dm->ballooned) +
				 dm_floor_pages(dm));
	if (!dm_send(dm, &st, DM_STATUS_REPORT, sizeof(st), false))
		dm->status_reports++;
}

static void dm_status_work(struct work_struct *w)
{
	struct dm_dev *dm = container_of(to_delayed_work(w), struct dm_dev, status_work);

	if (READ_ONCE(dm->dying))
		return;
	dm_post_status(dm);
	queue_delayed_work(system_wq, &dm->status_work, HZ);
}

/* ---- balloon ---- */

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

/* Sends the ranges collected in dm->tx; more: another message follows. */
static void dm_flush_ranges(struct dm_dev *dm, u32 n, bool more)
{
	struct dm_balloon_response *r = (void *)dm->tx;

	r->reservedz = 0;
	r->flags = DM_BALLOON_RESP_FLAGS(more, n);
	if (dm_send(dm, r, DM_BALLOON_RESPONSE, sizeof(*r) + n * 8, true))
		dev_err_ratelimited(&dm->hdev->dev, "cannot send a balloon response\n");
}

static void dm_balloon_up(struct dm_dev *dm, const struct dm_balloon *req)
{
	struct dm_balloon_response *r = (void *)dm->tx;
	u64 want = req->num_pages / HV_PER_PAGE, allowed, done = 0, since_check = 0;
	unsigned long floor = dm_floor_pages(dm);
	unsigned int order = DM_2M_ORDER;
	u32 n = 0;

	if (req->num_pages > TO_HV(dm_total_pages(dm))) {
		dev_err(&dm->hdev->dev, "balloon request refused: num_pages %u is more than the guest's %llu pages\n",
			req->num_pages, TO_HV(dm_total_pages(dm)));
		dm_flush_ranges(dm, 0, false);
		return;
	}
	allowed = dm_balloon_allowed(want, si_mem_available(), floor);
	if (allowed < want)
		dev_info(&dm->hdev->dev, "balloon request of %llu MiB partly met: %llu MiB, floor %llu MiB\n",
			 MB_OF(want), MB_OF(allowed), MB_OF(floor));
	while (done < allowed) {
		struct page *pg;
		unsigned long pfn;
		u64 cnt, last;

		if (allowed - done < (1UL << order))
			order = 0;
		pg = dm_alloc(&order);
		if (!pg) {
			dev_info(&dm->hdev->dev, "balloon: allocation failed after %llu MiB\n",
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
		/* Merge with the previous range when contiguous. */
		if (n) {
			memcpy(&last, &r->range_array[n - 1], 8);
			if (DM_RANGE_START(last) + DM_RANGE_COUNT(last) == TO_HV(pfn) &&
			    DM_RANGE_COUNT(last) + TO_HV(cnt) <= DM_RANGE_MAX_COUNT) {
				last = DM_RANGE(DM_RANGE_START(last),
						DM_RANGE_COUNT(last) + TO_HV(cnt));
				memcpy(&r->range_array[n - 1], &last, 8);
				goto next;
			}
		}
		if (n == DM_BALLOON_RESP_MAX_RANGES) {
			dm_flush_ranges(dm, n, true);
			n = 0;
		}
		last = DM_RANGE(TO_HV(pfn), TO_HV(cnt));
		memcpy(&r->range_array[n++], &last, 8);
next:
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

/* Every range must be made of whole ballooned allocations; nothing changes otherwise. */
static bool dm_unballoon_check(struct dm_dev *dm, const void *msg, u32 count)
{
	u32 i;

	for (i = 0; i < count; i++) {
		u64 r = dm_msg_range(msg, i);
		u64 p = DM_RANGE_START(r), end = p + DM_RANGE_COUNT(r);

		if (p % HV_PER_PAGE || end % HV_PER_PAGE)
			goto bad;
		while (p < end) {
			void *e = xa_load(&dm->balloon, (unsigned long)(p / HV_PER_PAGE));

			if (!xa_is_value(e) || p + TO_HV(1UL << xa_to_value(e)) > end)
				goto bad;
			p += TO_HV(1UL << xa_to_value(e));
		}
		continue;
bad:
		dev_err(&dm->hdev->dev, "unballoon refused: range %u start pfn %#llx pages %u was not ballooned (at pfn %#llx); nothing returned\n",
			i, DM_RANGE_START(r), DM_RANGE_COUNT(r), p);
		return false;
	}
	return true;
}

static void dm_balloon_down(struct dm_dev *dm, const void *msg)
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
				unsigned int order = xa_to_value(xa_load(&dm->balloon, p));

				dm_return_chunk(dm, p, order);
				p += 1UL << order;
			}
		}
	}
	if (!(req->flags & DM_UNBALLOON_MORE))
		dm_send(dm, &resp, DM_UNBALLOON_RESPONSE, sizeof(resp), true);
}

/* ---- hot-add ---- */

static bool dm_pfn_backed(struct dm_dev *dm, unsigned long pfn, bool *ours)
{
	u64 hv = TO_HV(pfn);
	u32 i;

	for (i = 0; i < dm->nregions; i++) {
		if (hv >= dm->regions[i].start && hv < dm->regions[i].added_end) {
			*ours = true;
			return hv < dm->regions[i].backed_end;
		}
	}
	*ours = false;
	return true;
}

/* Called by the memory core for each chunk it onlines; unbacked pages stay out. */
static void dm_online_page(struct page *pg, unsigned int order)
{
	struct dm_dev *dm = cb_dev;
	unsigned long pfn = page_to_pfn(pg), i, n = 1UL << order;
	unsigned long flags;
	bool ours;

	if (!dm) {
		generic_online_page(pg, order);
		return;
	}
	spin_lock_irqsave(&dm->ha_lock, flags);
	if (dm_pfn_backed(dm, pfn, &ours) && dm_pfn_backed(dm, pfn + n - 1, &ours) && !ours) {
		spin_unlock_irqrestore(&dm->ha_lock, flags);
		generic_online_page(pg, order);
		return;
	}
	for (i = 0; i < n; i++) {
		if (dm_pfn_backed(dm, pfn + i, &ours)) {
			generic_online_page(pfn_to_page(pfn + i), 0);
			if (ours)
				dm->hot_added++;
		}
	}
	spin_unlock_irqrestore(&dm->ha_lock, flags);
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

static void dm_hot_add(struct dm_dev *dm, const void *msg, u32 size)
{
	const struct dm_hot_add_with_region *req = msg;
	struct dm_hot_add_response resp = {};
	u64 chunk = TO_HV(memory_block_size_bytes() >> PAGE_SHIFT);
	u64 boot_end = TO_HV(dm->startup_pages);
	unsigned long before = READ_ONCE(dm->hot_added), flags;
	struct dm_ha_region *g;
	struct dm_ha_plan plan;
	const char *why = "";
	u64 blk, p;
	int rc;

	if (!dm->ha_ok) {
		dev_dbg(&dm->hdev->dev, "hot-add request ignored: hot-add is not available\n");
		goto out;
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
		dev_err(&dm->hdev->dev,
			"hot-add refused: %s (start pfn %#llx pages %u); nothing added\n", why,
			DM_RANGE_START(req->range), DM_RANGE_COUNT(req->range));
		goto out;
	}

	spin_lock_irqsave(&dm->ha_lock, flags);
	g = &dm->regions[plan.idx];
	if (plan.idx == dm->nregions) {
		*g = (struct dm_ha_region){ plan.region_start, plan.region_end,
					    plan.region_start, plan.region_start };
		dm->nregions++;
	}
	g->end = plan.region_end;
	/* Pages already in added blocks come online now; new blocks online themselves. */
	g->backed_end = plan.online_to;
	p = plan.online_from;
	spin_unlock_irqrestore(&dm->ha_lock, flags);

	for (; p < min(plan.online_to, plan.add_from); p += HV_PER_PAGE) {
		spin_lock_irqsave(&dm->ha_lock, flags);
		generic_online_page(pfn_to_page(p / HV_PER_PAGE), 0);
		dm->hot_added++;
		spin_unlock_irqrestore(&dm->ha_lock, flags);
	}

	for (blk = plan.add_from; blk < plan.add_to; blk += chunk) {
		u64 addr = blk * 4096;
		int nid = memory_add_physaddr_to_nid(addr);

		spin_lock_irqsave(&dm->ha_lock, flags);
		g->added_end = blk + chunk;
		spin_unlock_irqrestore(&dm->ha_lock, flags);
		rc = add_memory(nid, addr, chunk * 4096, MHP_MERGE_RESOURCE);
		if (rc) {
			spin_lock_irqsave(&dm->ha_lock, flags);
			g->added_end = blk;
			if (g->backed_end > blk)
				g->backed_end = blk;
			spin_unlock_irqrestore(&dm->ha_lock, flags);
			dm_ha_error(dm, "add_memory failed", rc, (long)blk);
			break;
		}
	}
	if (READ_ONCE(dm->hot_added) == before && plan.online_to > plan.online_from && !rc)
		dm_ha_error(dm, "added but not onlined (boot with memhp_default_state=online)",
			    0, (long)plan.add_from);
out:
	resp.page_count = (u32)TO_HV(READ_ONCE(dm->hot_added) - before);
	resp.result = resp.page_count ? 1 : 0;
	dm_send(dm, &resp, DM_MEM_HOT_ADD_RESPONSE, sizeof(resp), true);
	dm_post_status(dm);
}

/* ---- requests ---- */

static void dm_req_work(struct work_struct *w)
{
	struct dm_dev *dm = container_of(w, struct dm_dev, req_work);
	struct dm_req *rq;
	unsigned long flags;

	for (;;) {
		spin_lock_irqsave(&dm->q_lock, flags);
		rq = list_first_entry_or_null(&dm->queue, struct dm_req, list);
		if (rq) {
			list_del(&rq->list);
			dm->queued--;
		}
		spin_unlock_irqrestore(&dm->q_lock, flags);
		if (!rq)
			return;
		if (!READ_ONCE(dm->dying)) {
			switch (((struct dm_header *)rq->msg)->type) {
			case DM_BALLOON_REQUEST:
				dm_balloon_up(dm, (void *)rq->msg);
				break;
			case DM_UNBALLOON_REQUEST:
				dm_balloon_down(dm, rq->msg);
				break;
			case DM_MEM_HOT_ADD_REQUEST:
				dm_hot_add(dm, rq->msg, ((struct dm_header *)rq->msg)->size);
				break;
			}
		}
		kfree(rq);
	}
}

static void dm_queue(struct dm_dev *dm, u32 len)
{
	struct dm_req *rq;

	if (dm->state != DM_READY) {
		dev_err_ratelimited(&dm->hdev->dev, "%s refused: dynamic memory is not set up\n",
				    dm_msg_name(((struct dm_header *)dm->rx)->type));
		return;
	}
	spin_lock(&dm->q_lock);
	if (dm->queued >= DM_QUEUE_MAX) {
		spin_unlock(&dm->q_lock);
		dev_err_ratelimited(&dm->hdev->dev, "host request dropped: %u waiting\n",
				    DM_QUEUE_MAX);
		return;
	}
	spin_unlock(&dm->q_lock);
	rq = kmalloc(struct_size(rq, msg, len), GFP_ATOMIC);
	if (!rq)
		return;
	rq->len = len;
	memcpy(rq->msg, dm->rx, len);
	spin_lock(&dm->q_lock);
	list_add_tail(&rq->list, &dm->queue);
	dm->queued++;
	spin_unlock(&dm->q_lock);
	queue_work(dm->wq, &dm->req_work);
}

static void dm_callback(void *context)
{
	struct dm_dev *dm = context;
	const char *why = "";
	u64 tid;
	int len, type;

	for (;;) {
		len = hvis_channel_recv(dm->ch, dm->rx, sizeof(dm->rx), &tid);
		if (len == -ENOBUFS) {
			dev_err_ratelimited(&dm->hdev->dev, "message refused: larger than %u bytes\n",
					    DM_MSG_MAX);
			continue;
		}
		if (len < 0)
			break;
		type = dm_msg_check(dm->rx, len, DM_FROM_HOST, &why);
		if (type < 0) {
			struct dm_header h = {};

			memcpy(&h, dm->rx, min_t(u32, len, sizeof(h)));
			dev_err_ratelimited(&dm->hdev->dev, "message refused: bad %s (type %u size %u, %d bytes)\n",
					    why, h.type, h.size, len);
			continue;
		}
		switch (type) {
		case DM_VERSION_RESPONSE:
		case DM_CAPABILITIES_RESPONSE:
			if (READ_ONCE(dm->wait_type) != type) {
				dev_err_ratelimited(&dm->hdev->dev, "unexpected %s refused\n",
						    dm_msg_name(type));
				break;
			}
			memcpy(&dm->answer_flags, dm->rx + sizeof(struct dm_header), 8);
			WRITE_ONCE(dm->wait_type, 0);
			complete(&dm->answered);
			break;
		case DM_INFO_MESSAGE:
			dev_dbg(&dm->hdev->dev, "info message ignored\n");
			break;
		default:
			dm_queue(dm, len);
		}
	}
}

/* Sends a handshake message and waits for its answer; the answer's is_accepted. */
static int dm_ask(struct dm_dev *dm, void *msg, u16 type, u32 len, u16 answer)
{
	int rc;

	reinit_completion(&dm->answered);
	WRITE_ONCE(dm->wait_type, answer);
	rc = dm_send(dm, msg, type, len, true);
	if (rc)
		return rc;
	if (!wait_for_completion_timeout(&dm->answered, DM_WAIT)) {
		WRITE_ONCE(dm->wait_type, 0);
		return -ETIMEDOUT;
	}
	return dm->answer_flags & DM_ACCEPTED ? 1 : 0;
}

static const u32 dm_versions[] = { DM_VERSION_WIN10, DM_VERSION_WIN8, DM_VERSION_WIN7 };

static int dm_handshake(struct dm_dev *dm)
{
	struct dm_version_request vr;
	struct dm_capabilities cap = {};
	u64 block_mb = memory_block_size_bytes() >> 20;
	unsigned int i;
	int rc = 0;

	for (i = 0; i < ARRAY_SIZE(dm_versions); i++) {
		memset(&vr, 0, sizeof(vr));
		vr.version = dm_versions[i];
		vr.flags = i == ARRAY_SIZE(dm_versions) - 1 ? DM_VERSION_LAST_ATTEMPT : 0;
		rc = dm_ask(dm, &vr, DM_VERSION_REQUEST, sizeof(vr), DM_VERSION_RESPONSE);
		if (rc < 0)
			goto failed;
		if (rc)
			break;
	}
	if (!rc) {
		dev_warn(&dm->hdev->dev, "hvis-dm-2 unsupported (version): the host accepts none of protocol versions 2.0, 1.0, 0.3; dynamic memory is off\n");
		dm->state = DM_UNSUPPORTED;
		return 0;
	}
	dm->version = dm_versions[i];
	dev_info(&dm->hdev->dev, "Dynamic Memory protocol version %u.%u\n",
		 DM_VERSION_MAJOR(dm->version), DM_VERSION_MINOR(dm->version));

	cap.caps = PAGE_SIZE == 4096 ? DM_CAP_BALLOON : 0;
	if (dm->ha_ok)
		cap.caps |= DM_CAP_HOT_ADD;
	cap.caps |= ((u64)ilog2(block_mb) << DM_CAP_ALIGN_SHIFT) & DM_CAP_ALIGN_MASK;
	cap.min_page_cnt = 0;
	cap.max_page_number = (u64)-1;
	rc = dm_ask(dm, &cap, DM_CAPABILITIES_REPORT, sizeof(cap), DM_CAPABILITIES_RESPONSE);
	if (rc < 0)
		goto failed;
	if (!rc) {
		dev_warn(&dm->hdev->dev, "hvis-dm-2 unsupported (capabilities): the host refused balloon=%d hot_add=%d; dynamic memory is off\n",
			 !!(cap.caps & DM_CAP_BALLOON), dm->ha_ok);
		dm->state = DM_UNSUPPORTED;
		return 0;
	}
	dm->caps = cap.caps;
	dm->state = DM_READY;
	return 0;
failed:
	dev_err(&dm->hdev->dev, "hvis-dm-1 error (handshake): %d\n", rc);
	dm->state = DM_FAILED;
	return rc;
}

/* Hot-add needs the kernel's memory hot-plug and our online-page callback. */
static void dm_setup_hot_add(struct dm_dev *dm)
{
	const char *why;

	if (!IS_ENABLED(CONFIG_MEMORY_HOTPLUG)) {
		why = "this kernel has no memory hot-plug (CONFIG_MEMORY_HOTPLUG)";
	} else if (!hot_add) {
		why = "memory hot-add is disabled (hot_add=0)";
	} else if (cb_dev || set_online_page_callback(dm_online_page)) {
		why = "another driver owns the online-page callback";
	} else {
		cb_dev = dm;
		dm->cb_installed = true;
		dm->ha_ok = true;
		return;
	}
	dev_warn(&dm->hdev->dev, "hvis-dm-2 unsupported (hot-add): %s; offering ballooning only\n",
		 why);
	dm->logged_ha_unsupported = true;
}

/* ---- sysfs ---- */

#define DM_ATTR(name, fmt, ...)						\
static ssize_t name##_show(struct device *d, struct device_attribute *a, char *buf) \
{									\
	struct dm_dev *dm = dev_get_drvdata(d);				\
									\
	return sysfs_emit(buf, fmt "\n", __VA_ARGS__);			\
}									\
static DEVICE_ATTR_RO(name)

DM_ATTR(state, "%s", state_names[dm->state]);
DM_ATTR(protocol_version, "%u.%u", DM_VERSION_MAJOR(dm->version), DM_VERSION_MINOR(dm->version));
DM_ATTR(capabilities, "balloon=%d hot_add=%d alignment_mb=%u", !!(dm->caps & DM_CAP_BALLOON),
	!!(dm->caps & DM_CAP_HOT_ADD),
	1u << ((dm->caps & DM_CAP_ALIGN_MASK) >> DM_CAP_ALIGN_SHIFT));
DM_ATTR(startup_mb, "%llu", MB_OF(dm->startup_pages));
DM_ATTR(assigned_mb, "%llu", MB_OF(dm->startup_pages + READ_ONCE(dm->hot_added) -
				   READ_ONCE(dm->ballooned)));
DM_ATTR(floor_mb, "%llu", MB_OF(dm_floor_pages(dm)));
DM_ATTR(hot_added_mb, "%llu", MB_OF(READ_ONCE(dm->hot_added)));
DM_ATTR(ballooned_mb, "%llu", MB_OF(READ_ONCE(dm->ballooned)));
DM_ATTR(hot_added_pages, "%llu", TO_HV(READ_ONCE(dm->hot_added)));
DM_ATTR(ballooned_pages, "%llu", TO_HV(READ_ONCE(dm->ballooned)));
DM_ATTR(status_reports, "%llu", READ_ONCE(dm->status_reports));

static struct attribute *dm_attrs[] = {
	&dev_attr_state.attr,
	&dev_attr_protocol_version.attr,
	&dev_attr_capabilities.attr,
	&dev_attr_startup_mb.attr,
	&dev_attr_assigned_mb.attr,
	&dev_attr_floor_mb.attr,
	&dev_attr_hot_added_mb.attr,
	&dev_attr_ballooned_mb.attr,
	&dev_attr_hot_added_pages.attr,
	&dev_attr_ballooned_pages.attr,
	&dev_attr_status_reports.attr,
	NULL
};

static const struct attribute_group dm_group = {
	.name = "dynamic_memory",
	.attrs = dm_attrs,
};

/* ---- probe / remove ---- */

static void dm_free_balloon(struct dm_dev *dm)
{
	unsigned long pfn;
	void *e;

	xa_for_each(&dm->balloon, pfn, e)
		dm_return_chunk(dm, pfn, xa_to_value(e));
	xa_destroy(&dm->balloon);
}

static int dm_probe(struct hvis_device *hdev, const struct hvis_device_id *id)
{
	unsigned long present = 0;
	struct dm_dev *dm;
	int nid, rc;

	dm = kzalloc(sizeof(*dm), GFP_KERNEL);
	if (!dm)
		return -ENOMEM;
	dm->tx = kzalloc(DM_MSG_MAX, GFP_KERNEL);
	dm->wq = alloc_ordered_workqueue("hvis_balloon", WQ_MEM_RECLAIM);
	if (!dm->tx || !dm->wq) {
		rc = -ENOMEM;
		goto free;
	}
	dm->hdev = hdev;
	dm->ch = hdev->channel;
	init_completion(&dm->answered);
	spin_lock_init(&dm->q_lock);
	spin_lock_init(&dm->ha_lock);
	INIT_LIST_HEAD(&dm->queue);
	INIT_WORK(&dm->req_work, dm_req_work);
	INIT_DELAYED_WORK(&dm->status_work, dm_status_work);
	xa_init(&dm->balloon);
	for_each_online_node(nid)
		present += node_present_pages(nid);
	/* Boot memory, as the host counts it: present pages rounded up to 2 MiB. */
	dm->startup_pages = ALIGN(present, 1UL << DM_2M_ORDER);
	hvis_set_drvdata(hdev, dm);

	dm_setup_hot_add(dm);
	rc = hvis_channel_open(dm->ch, DM_RING_BYTES, DM_RING_BYTES, NULL, 0, dm_callback, dm);
	if (rc) {
		dev_err(&hdev->dev, "hvis-dm-1 error (open): cannot open the channel: %d\n", rc);
		goto uncb;
	}
	rc = dm_handshake(dm);
	if (rc)
		goto close;
	rc = sysfs_create_group(&hdev->dev.kobj, &dm_group);
	if (rc)
		goto close;
	if (dm->state == DM_READY) {
		dm_post_status(dm);
		queue_delayed_work(system_wq, &dm->status_work, HZ);
	}
	return 0;
close:
	hvis_channel_close(dm->ch);
uncb:
	if (dm->cb_installed) {
		restore_online_page_callback(dm_online_page);
		cb_dev = NULL;
	}
free:
	if (dm->wq)
		destroy_workqueue(dm->wq);
	kfree(dm->tx);
	kfree(dm);
	return rc;
}

static void dm_remove(struct hvis_device *hdev)
{
	struct dm_dev *dm = hvis_get_drvdata(hdev);
	struct dm_req *rq, *tmp;

	WRITE_ONCE(dm->dying, true);
	cancel_delayed_work_sync(&dm->status_work);
	sysfs_remove_group(&hdev->dev.kobj, &dm_group);
	hvis_channel_close(dm->ch);
	flush_workqueue(dm->wq);
	destroy_workqueue(dm->wq);
	list_for_each_entry_safe(rq, tmp, &dm->queue, list)
		kfree(rq);
	/* The host's holes refill when the pages are used again. */
	dm_free_balloon(dm);
	/* Hot-added memory stays; pages never backed stay offline. */
	if (dm->cb_installed) {
		restore_online_page_callback(dm_online_page);
		cb_dev = NULL;
	}
	kfree(dm->tx);
	kfree(dm);
}

static const struct hvis_device_id dm_ids[] = {
	{ .guid = HV_DM_GUID },
	{ }
};

static struct hvis_driver dm_driver = {
	.name = "hvis_balloon",
	.id_table = dm_ids,
	.probe = dm_probe,
	.remove = dm_remove,
};

module_hvis_driver(dm_driver);

MODULE_ALIAS("vmbus:dc7450528589e2468057a307dc18a502");
MODULE_DESCRIPTION("hvis Dynamic Memory (ballooning and memory hot-add)");
MODULE_LICENSE("GPL");
