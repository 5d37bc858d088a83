// SPDX-License-Identifier: GPL-2.0-only
/*
 * dm_msg.c: pure checks of Dynamic Memory messages and shared arithmetic (see
 * dm_msg.h).  Message layouts and the floor formula: drivers/hv/hv_balloon.c.
 */
#include "dm_msg.h"

static const char *const dm_names[DM_MSG_TYPE_COUNT] = {
	[DM_ERROR] = "ERROR",
	[DM_VERSION_REQUEST] = "VERSION_REQUEST",
	[DM_VERSION_RESPONSE] = "VERSION_RESPONSE",
	[DM_CAPABILITIES_REPORT] = "CAPABILITIES_REPORT",
	[DM_CAPABILITIES_RESPONSE] = "CAPABILITIES_RESPONSE",
	[DM_STATUS_REPORT] = "STATUS_REPORT",
	[DM_BALLOON_REQUEST] = "BALLOON_REQUEST",
	[DM_BALLOON_RESPONSE] = "BALLOON_RESPONSE",
	[DM_UNBALLOON_REQUEST] = "UNBALLOON_REQUEST",
	[DM_UNBALLOON_RESPONSE] = "UNBALLOON_RESPONSE",
	[DM_MEM_HOT_ADD_REQUEST] = "MEM_HOT_ADD_REQUEST",
	[DM_MEM_HOT_ADD_RESPONSE] = "MEM_HOT_ADD_RESPONSE",
	[DM_INFO_MESSAGE] = "INFO_MESSAGE",
};

const char *dm_msg_name(u32 type)
{
	return type < DM_MSG_TYPE_COUNT ? dm_names[type] : "UNKNOWN";
}

/* Exact size of each fixed-size message, and who may send it (0: variable or none). */
static const struct {
	u16 size;
	u8 host;	/* sent by the host */
} dm_fixed[DM_MSG_TYPE_COUNT] = {
	[DM_VERSION_REQUEST] = { sizeof(struct dm_version_request), 0 },
	[DM_VERSION_RESPONSE] = { sizeof(struct dm_version_response), 1 },
	[DM_CAPABILITIES_REPORT] = { sizeof(struct dm_capabilities), 0 },
	[DM_CAPABILITIES_RESPONSE] = { sizeof(struct dm_capabilities_resp), 1 },
	[DM_STATUS_REPORT] = { sizeof(struct dm_status), 0 },
	[DM_BALLOON_REQUEST] = { sizeof(struct dm_balloon), 1 },
	[DM_BALLOON_RESPONSE] = { 0, 0 },
	[DM_UNBALLOON_REQUEST] = { 0, 1 },
	[DM_UNBALLOON_RESPONSE] = { sizeof(struct dm_unballoon_response), 0 },
	[DM_MEM_HOT_ADD_REQUEST] = { 0, 1 },
	[DM_MEM_HOT_ADD_RESPONSE] = { sizeof(struct dm_hot_add_response), 0 },
	[DM_INFO_MESSAGE] = { 0, 1 },
};

static int bad(const char **why, const char *field)
{
	*why = field;
	return -EINVAL;
}

u32 dm_msg_range_count(const void *buf)
{
	const struct dm_header *h = buf;
	u32 w;

	if (h->type == DM_BALLOON_RESPONSE) {
		memcpy(&w, (const u8 *)buf + offsetof(struct dm_balloon_response, flags), 4);
		return DM_BALLOON_RESP_COUNT(w);
	}
	memcpy(&w, (const u8 *)buf + offsetof(struct dm_unballoon_request, range_count), 4);
	return w;
}

u64 dm_msg_range(const void *buf, u32 i)
{
	u64 r;

	/* Both messages put the array right after a 16-byte head. */
	memcpy(&r, (const u8 *)buf + 16 + (size_t)i * 8, 8);
	return r;
}

static int check_ranges(const void *buf, u32 size, u32 max, const char **why)
{
	u32 n = dm_msg_range_count(buf), i;

	if (n > max || size != 16 + n * 8)
		return bad(why, "range_count");
	for (i = 0; i < n; i++) {
		u64 r = dm_msg_range(buf, i);

		if (!DM_RANGE_COUNT(r) || DM_RANGE_START(r) + DM_RANGE_COUNT(r) > DM_RANGE_MAX_PFN)
			return bad(why, "range");
	}
	return 0;
}

int dm_msg_check(const void *buf, u32 len, enum dm_dir from, const char **why)
{
	struct dm_header h;
	bool host = from == DM_FROM_HOST;

	if (len < sizeof(h))
		return bad(why, "size");
	memcpy(&h, buf, sizeof(h));
	if (h.size < sizeof(h) || h.size > len || len - h.size > 7 || h.size > DM_MSG_MAX)
		return bad(why, "size");
	if (h.type == DM_ERROR || h.type >= DM_MSG_TYPE_COUNT || dm_fixed[h.type].host != host)
		return bad(why, "type");
	if (dm_fixed[h.type].size)
		return h.size == dm_fixed[h.type].size ? (int)h.type : bad(why, "size");
	switch (h.type) {
	case DM_BALLOON_RESPONSE:
		if (h.size < sizeof(struct dm_balloon_response))
			return bad(why, "size");
		return check_ranges(buf, h.size, DM_BALLOON_RESP_MAX_RANGES, why) ?: (int)h.type;
	case DM_UNBALLOON_REQUEST:
		if (h.size < sizeof(struct dm_unballoon_request))
			return bad(why, "size");
		return check_ranges(buf, h.size, DM_UNBALLOON_MAX_RANGES, why) ?: (int)h.type;
	case DM_MEM_HOT_ADD_REQUEST:
		if (h.size != sizeof(struct dm_hot_add) &&
		    h.size != sizeof(struct dm_hot_add_with_region))
			return bad(why, "size");
		return h.type;
	case DM_INFO_MESSAGE: {
		u32 info_size;

		if (h.size < sizeof(struct dm_info_msg))
			return bad(why, "size");
		memcpy(&info_size, (const u8 *)buf + offsetof(struct dm_info_msg, info_size), 4);
		if (info_size > h.size - sizeof(struct dm_info_msg))
			return bad(why, "info_size");
		return h.type;
	}
	}
	return bad(why, "type");
}

static bool overlaps(u64 a0, u64 a1, u64 b0, u64 b1)
{
	return a0 < b1 && b0 < a1;
}

bool dm_ranges_overlap(const void *buf, u32 *first, u32 *second)
{
	u32 n = dm_msg_range_count(buf), i, j;

	/* At most DM_UNBALLOON_MAX_RANGES (509) ranges: pairwise is ~130k tests. */
	for (i = 0; i < n; i++) {
		u64 a = dm_msg_range(buf, i);
		u64 a0 = DM_RANGE_START(a), a1 = a0 + DM_RANGE_COUNT(a);

		for (j = i + 1; j < n; j++) {
			u64 b = dm_msg_range(buf, j);
			u64 b0 = DM_RANGE_START(b);

			if (overlaps(a0, a1, b0, b0 + DM_RANGE_COUNT(b))) {
				*first = i;
				*second = j;
				return true;
			}
		}
	}
	return false;
}

/* MiB in 4 KiB pages. */
#define DM_MIB(n)	((u64)(n) << 8)

u64 dm_balloon_floor(u64 total)
{
	if (total < DM_MIB(128))
		return DM_MIB(8) + total / 2;
	if (total < DM_MIB(512))
		return DM_MIB(40) + total / 4;
	if (total < DM_MIB(2048))
		return DM_MIB(104) + total / 8;
	if (total < DM_MIB(8192))
		return DM_MIB(232) + total / 16;
	return DM_MIB(488) + total / 32;
}

u64 dm_balloon_allowed(u64 want, u64 avail, u64 floor)
{
	if (avail <= floor)
		return 0;
	return want < avail - floor ? want : avail - floor;
}

int dm_hot_add_plan(const struct dm_ha_region *regs, u32 nregs, u64 range, bool have_region,
		    u64 region, u64 chunk, u64 boot_end, struct dm_ha_plan *plan,
		    const char **why)
{
	u64 start = DM_RANGE_START(range), end = start + DM_RANGE_COUNT(range);
	u64 r0, r1;
	u32 i;

	if (!chunk || (chunk & (chunk - 1)))
		return bad(why, "chunk");
	if (start == end)
		return bad(why, "page_cnt");
	if (have_region) {
		r0 = DM_RANGE_START(region);
		r1 = r0 + DM_RANGE_COUNT(region);
		if (r0 == r1)
			return bad(why, "region");
		if (start < r0 || end > r1)
			return bad(why, "range outside region");
	} else {
		r0 = start;
		r1 = end;
	}
	/* Whole blocks: the region grows to chunk boundaries. */
	r0 &= ~(chunk - 1);
	r1 = (r1 + chunk - 1) & ~(chunk - 1);
	if (r0 < boot_end)
		return bad(why, "range overlaps boot memory");

	for (i = 0; i < nregs; i++) {
		const struct dm_ha_region *g = &regs[i];

		if (start < g->start || start >= g->end)
			continue;
		/* A request in a region we know: it must continue the backing. */
		if (start != g->backed_end)
			return bad(why, start < g->backed_end ? "range already added" :
				   "range leaves a gap");
		plan->idx = i;
		plan->region_start = g->start;
		plan->region_end = r1 > g->end ? r1 : g->end;
		goto grow;
	}
	plan->idx = nregs;
	plan->region_start = r0;
	plan->region_end = r1;
grow:
	for (i = 0; i < nregs; i++) {
		if (i == plan->idx)
			continue;
		if (overlaps(plan->region_start, plan->region_end, regs[i].start, regs[i].end))
			return bad(why, "range overlaps another region");
	}
	plan->add_from = plan->idx < nregs ? regs[plan->idx].added_end : plan->region_start;
	plan->add_to = (end + chunk - 1) & ~(chunk - 1);
	if (plan->add_to < plan->add_from)
		plan->add_to = plan->add_from;
	plan->online_from = start;
	plan->online_to = end;
	return 0;
}

u64 dm_ha_run(const struct dm_ha_region *regs, u32 nregs, u64 pfn, u64 end, bool *ours,
	      bool *backed)
{
	u64 stop = end;
	u32 i;

	for (i = 0; i < nregs; i++) {
		const struct dm_ha_region *g = &regs[i];

		if (pfn >= g->start && pfn < g->added_end) {
			*ours = true;
			*backed = pfn < g->backed_end;
			stop = *backed ? g->backed_end : g->added_end;
			return stop < end ? stop : end;
		}
		/* Not ours: the run stops where the next region's blocks begin. */
		if (g->start > pfn && g->start < g->added_end && g->start < stop)
			stop = g->start;
	}
	*ours = false;
	*backed = true;
	return stop;
}

bool dm_ha_top_block(const struct dm_ha_region *regs, u32 nregs, u64 chunk, u64 below,
		     u64 *blk)
{
	bool found = false;
	u64 top;
	u32 i;

	if (!chunk)
		return false;
	for (i = 0; i < nregs; i++) {
		const struct dm_ha_region *g = &regs[i];

		top = g->added_end < g->backed_end ? g->added_end : g->backed_end;
		top = top < below ? top : below;
		top -= top % chunk;
		if (top >= g->start + chunk && (!found || top - chunk > *blk)) {
			*blk = top - chunk;
			found = true;
		}
	}
	return found;
}

unsigned int dm_chunk_order(u64 pfn, u64 end, unsigned int max_order)
{
	unsigned int order = 0;

	while (order < max_order && !(pfn & ((2ull << order) - 1)) && pfn + (2ull << order) <= end)
		order++;
	return order;
}
