/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * dm_msg.h: pure checks of Dynamic Memory messages (include/hvis/dm_proto.h) and the
 * arithmetic both sides share: the balloon floor and hot-add planning.  No kernel
 * API: built into hvis_balloon.ko, the fake host, the unit tests and the fuzzer.
 */
#ifndef _HVIS_DM_MSG_H
#define _HVIS_DM_MSG_H

#include "../include/hvis/dm_proto.h"

/* Direction of a message, to check its type is one that side may send. */
enum dm_dir {
	DM_FROM_HOST,
	DM_FROM_GUEST,
};

/*
 * Checks one received message: the header fits, hdr.size matches the bytes received
 * (the ring pads packets to 8 bytes, so up to 7 bytes may follow), the type is one
 * the sender may send, and the size matches the type, including any range or info
 * array and its count.  Returns the type (>= 0) or -EINVAL with *why naming the field.
 */
int dm_msg_check(const void *buf, u32 len, enum dm_dir from, const char **why);

/* The name of a message type, for logs ("BALLOON_REQUEST"); "UNKNOWN" if none. */
const char *dm_msg_name(u32 type);

/* Reads range i of a checked UNBALLOON_REQUEST or BALLOON_RESPONSE (unaligned-safe). */
u64 dm_msg_range(const void *buf, u32 i);

/* Range count of a checked UNBALLOON_REQUEST or BALLOON_RESPONSE. */
u32 dm_msg_range_count(const void *buf);

/*
 * True when two ranges of a checked UNBALLOON_REQUEST or BALLOON_RESPONSE name a page
 * in common (the same range twice, or overlapping ranges); *first < *second are the
 * first such pair.  Per-range checks cannot see this: each range alone is valid.
 */
bool dm_ranges_overlap(const void *buf, u32 *first, u32 *second);

/*
 * The balloon floor in 4 KiB pages for a guest with total_pages of RAM (4 KiB pages):
 * the memory ballooning never takes away.  Piecewise linear in total, as
 * drivers/hv/hv_balloon.c compute_balloon_floor: < 128 MiB: 8 MiB + total/2;
 * < 512 MiB: 40 MiB + total/4; < 2 GiB: 104 MiB + total/8; < 8 GiB: 232 MiB +
 * total/16; else 488 MiB + total/32.
 */
u64 dm_balloon_floor(u64 total_pages);

/*
 * Pages a balloon request may take: min(want, avail - floor), 0 when avail is at or
 * below the floor.  avail is memory available beyond current demand (the kernel's
 * si_mem_available()), so what stays is demand plus at least the floor
 * (hv_balloon.c balloon_up: "Balloon floor reached").
 */
u64 dm_balloon_allowed(u64 want, u64 avail, u64 floor);

/* ---- hot-add planning (4 KiB PFNs) ---- */

/*
 * One hot-add region the guest knows: [start, end) chunk aligned; blocks added so far
 * cover [start, added_end); pages backed and online cover [start, backed_end).
 */
struct dm_ha_region {
	u64 start;
	u64 end;
	u64 added_end;
	u64 backed_end;
};

/* What to do for one request: index of the region (nregs: a new one, described here). */
struct dm_ha_plan {
	u32 idx;
	u64 region_start;	/* a new region's bounds, or the existing one's new end */
	u64 region_end;
	u64 add_from;		/* blocks to add: [add_from, add_to), chunk aligned */
	u64 add_to;
	u64 online_from;	/* pages to online: [online_from, online_to) */
	u64 online_to;
};

/*
 * Plans a hot-add request: range (pages to back now) and, when have_region, the
 * host's region.  chunk is the memory block size in 4 KiB pages (a power of two).
 * A request must lie inside its region, must not overlap boot memory (below
 * boot_end) or another region, and inside a known region must continue exactly where
 * the earlier backing ended.  Returns 0 or -EINVAL with *why.
 */
int dm_hot_add_plan(const struct dm_ha_region *regs, u32 nregs, u64 range, bool have_region,
		    u64 region, u64 chunk, u64 boot_end, struct dm_ha_plan *plan,
		    const char **why);

/*
 * The state of the 4 KiB pages from pfn on, up to end, as one run: returns where the run
 * ends (at most end).  *ours: the pages lie in a hot-add region's added blocks;
 * *backed: the host backs them (always true for pages that are not ours).  The online
 * callback hands each run to the allocator or keeps it out as a whole.
 */
u64 dm_ha_run(const struct dm_ha_region *regs, u32 nregs, u64 pfn, u64 end, bool *ours,
	      bool *backed);

/*
 * Ballooning whole blocks: the highest chunk-aligned block [*blk, *blk + chunk) below
 * `below` that lies in one region's added and backed pages.  False when none is left.
 */
bool dm_ha_top_block(const struct dm_ha_region *regs, u32 nregs, u64 chunk, u64 below,
		     u64 *blk);

/*
 * The largest order (at most max_order) of a buddy chunk that starts at pfn and ends
 * at or before end: pfn aligned to it, pfn + 2^order <= end.  pfn < end.
 */
unsigned int dm_chunk_order(u64 pfn, u64 end, unsigned int max_order);

#endif /* _HVIS_DM_MSG_H */
