// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_dm_msg.c: unit tests of lib/dm_msg.c: Dynamic Memory message checks in both
 * directions, hostile sizes and counts, the balloon floor and hot-add planning.
 */
#include "tap.h"
#include "dm_msg.h"

static u8 buf[DM_MSG_MAX + 16] __attribute__((aligned(8)));

static u32 put_hdr(u16 type, u16 size)
{
	struct dm_header h = { .type = type, .size = size, .trans_id = 7 };

	memset(buf, 0, sizeof(buf));
	memcpy(buf, &h, sizeof(h));
	return size;
}

static u32 unballoon(u32 n, u32 declared)
{
	struct dm_unballoon_request *u = (void *)buf;
	u32 i, len = put_hdr(DM_UNBALLOON_REQUEST, 16 + n * 8);

	u->range_count = declared;
	for (i = 0; i < n; i++) {
		u64 r = DM_RANGE(0x40000 + i * 512, 512);

		memcpy(buf + 16 + i * 8, &r, 8);
	}
	return len;
}

#define MB(n) ((u64)(n) << 8)

int main(void)
{
	const char *why = "";
	struct dm_ha_region regs[2];
	struct dm_ha_plan p;
	u32 len;
	int rc;

	tap_check(dm_msg_check(buf, 7, DM_FROM_HOST, &why) == -EINVAL && !strcmp(why, "size"),
		  "a message shorter than the header is refused");
	len = put_hdr(DM_BALLOON_REQUEST, 16);
	tap_check(dm_msg_check(buf, len, DM_FROM_HOST, &why) == DM_BALLOON_REQUEST,
		  "a 16-byte BALLOON_REQUEST is accepted");
	tap_check(dm_msg_check(buf, len + 7, DM_FROM_HOST, &why) == DM_BALLOON_REQUEST,
		  "ring padding after hdr.size is allowed");
	tap_check(dm_msg_check(buf, len + 8, DM_FROM_HOST, &why) == -EINVAL,
		  "8 or more bytes beyond hdr.size are refused");
	tap_check(dm_msg_check(buf, len - 1, DM_FROM_HOST, &why) == -EINVAL,
		  "hdr.size beyond the bytes received is refused");
	tap_check(dm_msg_check(buf, len, DM_FROM_GUEST, &why) == -EINVAL && !strcmp(why, "type"),
		  "BALLOON_REQUEST from the guest is refused (wrong direction)");
	len = put_hdr(DM_BALLOON_REQUEST, 24);
	tap_check(dm_msg_check(buf, len, DM_FROM_HOST, &why) == -EINVAL && !strcmp(why, "size"),
		  "a BALLOON_REQUEST of the wrong size is refused");
	len = put_hdr(99, 16);
	tap_check(dm_msg_check(buf, len, DM_FROM_HOST, &why) == -EINVAL && !strcmp(why, "type"),
		  "an unknown type is refused");
	len = put_hdr(DM_ERROR, 8);
	tap_check(dm_msg_check(buf, len, DM_FROM_HOST, &why) == -EINVAL, "DM_ERROR is refused");

	len = put_hdr(DM_VERSION_RESPONSE, 16);
	tap_check(dm_msg_check(buf, len, DM_FROM_HOST, &why) == DM_VERSION_RESPONSE,
		  "VERSION_RESPONSE 16 bytes");
	len = put_hdr(DM_VERSION_REQUEST, 16);
	tap_check(dm_msg_check(buf, len, DM_FROM_GUEST, &why) == DM_VERSION_REQUEST,
		  "VERSION_REQUEST from the guest");
	len = put_hdr(DM_STATUS_REPORT, 48);
	tap_check(dm_msg_check(buf, len, DM_FROM_GUEST, &why) == DM_STATUS_REPORT,
		  "STATUS_REPORT 48 bytes");
	len = put_hdr(DM_CAPABILITIES_REPORT, 32);
	tap_check(dm_msg_check(buf, len, DM_FROM_GUEST, &why) == DM_CAPABILITIES_REPORT,
		  "CAPABILITIES_REPORT 32 bytes");

	len = unballoon(3, 3);
	tap_check(dm_msg_check(buf, len, DM_FROM_HOST, &why) == DM_UNBALLOON_REQUEST &&
		  dm_msg_range_count(buf) == 3 && DM_RANGE_START(dm_msg_range(buf, 2)) == 0x40400 &&
		  DM_RANGE_COUNT(dm_msg_range(buf, 2)) == 512,
		  "UNBALLOON_REQUEST with 3 ranges parses");
	len = unballoon(3, 4);
	tap_check(dm_msg_check(buf, len, DM_FROM_HOST, &why) == -EINVAL &&
		  !strcmp(why, "range_count"), "range_count beyond the message is refused");
	len = unballoon(3, 0x80000000u);
	tap_check(dm_msg_check(buf, len, DM_FROM_HOST, &why) == -EINVAL,
		  "a huge range_count is refused without overflow");
	len = unballoon(2, 2);
	memset(buf + 16, 0, 8);
	tap_check(dm_msg_check(buf, len, DM_FROM_HOST, &why) == -EINVAL && !strcmp(why, "range"),
		  "an empty range is refused");
	len = unballoon(DM_UNBALLOON_MAX_RANGES, DM_UNBALLOON_MAX_RANGES);
	tap_check(dm_msg_check(buf, len, DM_FROM_HOST, &why) == DM_UNBALLOON_REQUEST,
		  "a full 4 KiB UNBALLOON_REQUEST is accepted");

	{
		u32 a = 99, b = 99;
		u64 r;

		len = unballoon(3, 3);
		tap_check(!dm_ranges_overlap(buf, &a, &b) && a == 99,
			  "three adjacent ranges: no page named twice");
		memcpy(buf + 16 + 2 * 8, buf + 16, 8);
		tap_check(dm_ranges_overlap(buf, &a, &b) && a == 0 && b == 2,
			  "the same range twice: ranges 0 and 2 named");
		r = DM_RANGE(0x40000 + 256, 512);
		memcpy(buf + 16 + 2 * 8, &r, 8);
		tap_check(dm_ranges_overlap(buf, &a, &b) && a == 0 && b == 2,
			  "a range overlapping two others: the first pair (0, 2) named");
		len = unballoon(2, 2);
		r = DM_RANGE(0x40000 + 511, 1);
		memcpy(buf + 16 + 8, &r, 8);
		tap_check(dm_ranges_overlap(buf, &a, &b) && a == 0 && b == 1,
			  "one page inside an earlier range (its last page) is found");
		r = DM_RANGE(0x40000 + 512, 1);
		memcpy(buf + 16 + 8, &r, 8);
		tap_check(!dm_ranges_overlap(buf, &a, &b), "the page right after a range is not an overlap");
		r = DM_RANGE(0x3ffff, 2);
		memcpy(buf + 16 + 8, &r, 8);
		tap_check(dm_ranges_overlap(buf, &a, &b) && a == 0 && b == 1,
			  "a later range that starts before and reaches into an earlier one is found");
		len = unballoon(DM_UNBALLOON_MAX_RANGES, DM_UNBALLOON_MAX_RANGES);
		tap_check(!dm_ranges_overlap(buf, &a, &b), "a full message of distinct ranges passes");
		memcpy(buf + 16 + (DM_UNBALLOON_MAX_RANGES - 1) * 8, buf + 16 + 7 * 8, 8);
		tap_check(dm_ranges_overlap(buf, &a, &b) && a == 7 && b == DM_UNBALLOON_MAX_RANGES - 1,
			  "a duplicate at the end of a full message is found");
	}

	{
		struct dm_balloon_response *r = (void *)buf;

		len = put_hdr(DM_BALLOON_RESPONSE, 16 + 8);
		r->flags = DM_BALLOON_RESP_FLAGS(1, 1);
		r->range_array[0] = DM_RANGE(0x1000, 512);
		tap_check(dm_msg_check(buf, len, DM_FROM_GUEST, &why) == DM_BALLOON_RESPONSE &&
			  dm_msg_range_count(buf) == 1, "BALLOON_RESPONSE with one range and more_pages");
		r->flags = DM_BALLOON_RESP_FLAGS(0, 2);
		tap_check(dm_msg_check(buf, len, DM_FROM_GUEST, &why) == -EINVAL,
			  "BALLOON_RESPONSE claiming 2 ranges in room for 1 is refused");
	}

	len = put_hdr(DM_MEM_HOT_ADD_REQUEST, 16);
	tap_check(dm_msg_check(buf, len, DM_FROM_HOST, &why) == DM_MEM_HOT_ADD_REQUEST,
		  "HOT_ADD without region");
	len = put_hdr(DM_MEM_HOT_ADD_REQUEST, 24);
	tap_check(dm_msg_check(buf, len, DM_FROM_HOST, &why) == DM_MEM_HOT_ADD_REQUEST,
		  "HOT_ADD with region");
	len = put_hdr(DM_MEM_HOT_ADD_REQUEST, 20);
	tap_check(dm_msg_check(buf, len, DM_FROM_HOST, &why) == -EINVAL, "HOT_ADD of 20 bytes refused");

	{
		struct dm_info_msg *m = (void *)buf;

		len = put_hdr(DM_INFO_MESSAGE, 32);
		m->info_size = 16;
		tap_check(dm_msg_check(buf, len, DM_FROM_HOST, &why) == DM_INFO_MESSAGE, "INFO_MESSAGE");
		m->info_size = 17;
		tap_check(dm_msg_check(buf, len, DM_FROM_HOST, &why) == -EINVAL &&
			  !strcmp(why, "info_size"), "info_size beyond the message refused");
	}
	len = put_hdr(DM_STATUS_REPORT, DM_MSG_MAX + 8);
	tap_check(dm_msg_check(buf, len, DM_FROM_GUEST, &why) == -EINVAL, "a message above 4 KiB refused");

	tap_check(dm_balloon_floor(MB(64)) == MB(8) + MB(32), "floor at 64 MiB: 40 MiB");
	tap_check(dm_balloon_floor(MB(1024)) == MB(104) + MB(128), "floor at 1 GiB: 232 MiB");
	tap_check(dm_balloon_floor(MB(2048)) == MB(232) + MB(128), "floor at 2 GiB: 360 MiB");
	tap_check(dm_balloon_floor(MB(32768)) == MB(488) + MB(1024), "floor at 32 GiB: 1512 MiB");
	tap_check(dm_balloon_floor(MB(512)) == MB(104) + MB(64) &&
		  dm_balloon_floor(MB(512) - 1) < MB(168), "floor is continuous at 512 MiB");
	tap_check(dm_balloon_allowed(1000, 500, 600) == 0, "avail below the floor: nothing");
	tap_check(dm_balloon_allowed(1000, 1200, 600) == 600, "partial: down to the floor");
	tap_check(dm_balloon_allowed(100, 1200, 600) == 100, "enough: all");

	/* Boot memory ends at 1 GiB (pfn 0x40000); chunk 128 MiB = 0x8000 pages. */
	rc = dm_hot_add_plan(regs, 0, DM_RANGE(0x40000, 0x10000), true, DM_RANGE(0x40000, 0x40000),
			     0x8000, 0x40000, &p, &why);
	tap_check(rc == 0 && p.idx == 0 && p.region_start == 0x40000 && p.region_end == 0x80000 &&
		  p.add_from == 0x40000 && p.add_to == 0x50000 && p.online_to == 0x50000,
		  "first hot-add: two 128 MiB blocks of a 1 GiB region");
	regs[0] = (struct dm_ha_region){ 0x40000, 0x80000, 0x50000, 0x50000 };
	rc = dm_hot_add_plan(regs, 1, DM_RANGE(0x50000, 0x4000), false, 0, 0x8000, 0x40000, &p, &why);
	tap_check(rc == 0 && p.idx == 0 && p.add_from == 0x50000 && p.add_to == 0x58000 &&
		  p.online_from == 0x50000 && p.online_to == 0x54000,
		  "continuation, half backed: one block added, 64 MiB online");
	regs[0].added_end = 0x58000;
	regs[0].backed_end = 0x54000;
	rc = dm_hot_add_plan(regs, 1, DM_RANGE(0x54000, 0x4000), false, 0, 0x8000, 0x40000, &p, &why);
	tap_check(rc == 0 && p.add_from == 0x58000 && p.add_to == 0x58000 && p.online_to == 0x58000,
		  "continuing a partly backed block: nothing added, the rest onlined");
	rc = dm_hot_add_plan(regs, 1, DM_RANGE(0x44000, 0x100), false, 0, 0x8000, 0x40000, &p, &why);
	tap_check(rc == -EINVAL && !strcmp(why, "range already added"), "overlap with added pages refused");
	rc = dm_hot_add_plan(regs, 1, DM_RANGE(0x60000, 0x100), false, 0, 0x8000, 0x40000, &p, &why);
	tap_check(rc == -EINVAL && !strcmp(why, "range leaves a gap"), "a gap is refused");
	rc = dm_hot_add_plan(regs, 1, DM_RANGE(0x90000, 0x100), true, DM_RANGE(0x88000, 0x100),
			     0x8000, 0x40000, &p, &why);
	tap_check(rc == -EINVAL && !strcmp(why, "range outside region"), "range outside its region refused");
	rc = dm_hot_add_plan(regs, 1, DM_RANGE(0x30000, 0x100), false, 0, 0x8000, 0x40000, &p, &why);
	tap_check(rc == -EINVAL && !strcmp(why, "range overlaps boot memory"), "boot memory refused");
	rc = dm_hot_add_plan(regs, 1, DM_RANGE(0x7ff00, 0x8000), false, 0, 0x8000, 0x40000, &p, &why);
	tap_check(rc == -EINVAL, "a new region overlapping a known one refused");
	rc = dm_hot_add_plan(regs, 1, DM_RANGE(0x40000, 0), false, 0, 0x8000, 0x40000, &p, &why);
	tap_check(rc == -EINVAL && !strcmp(why, "page_cnt"), "zero pages refused");

	/* Runs for the online callback: region 0x40000.., blocks to 0x58000, backed to 0x54000. */
	{
		bool ours, backed;
		u64 e;

		e = dm_ha_run(regs, 1, 0x40000, 0x40400, &ours, &backed);
		tap_check(e == 0x40400 && ours && backed, "a backed 4 MiB chunk is one run");
		e = dm_ha_run(regs, 1, 0x53e00, 0x54200, &ours, &backed);
		tap_check(e == 0x54000 && ours && backed, "a run stops where the backing ends");
		e = dm_ha_run(regs, 1, 0x54000, 0x54200, &ours, &backed);
		tap_check(e == 0x54200 && ours && !backed, "pages past the backing: one unbacked run");
		e = dm_ha_run(regs, 1, 0x57f00, 0x58100, &ours, &backed);
		tap_check(e == 0x58000 && ours && !backed, "an unbacked run stops at the added blocks' end");
		e = dm_ha_run(regs, 1, 0x3fe00, 0x40200, &ours, &backed);
		tap_check(e == 0x40000 && !ours && backed, "memory before a region: a run up to it");
		e = dm_ha_run(regs, 1, 0x58000, 0x58400, &ours, &backed);
		tap_check(e == 0x58400 && !ours && backed, "past the added blocks: not ours");
	}
	tap_check(dm_chunk_order(0x40000, 0x80000, 10) == 10, "aligned 1 GiB: max-order chunks");
	tap_check(dm_chunk_order(0x40000, 0x40003, 10) == 1, "three pages: a pair first");
	tap_check(dm_chunk_order(0x40002, 0x40003, 10) == 0, "then one page");
	tap_check(dm_chunk_order(0x40100, 0x80000, 10) == 8, "alignment limits the order");
	tap_check(dm_chunk_order(0x40000, 0x80000, 0) == 0, "max_order 0: single pages");
	{
		/* 128 MiB blocks: region A has 3 blocks added, 2.5 backed; region B 1 block. */
		const struct dm_ha_region r[2] = {
			{ 0x100000, 0x200000, 0x118000, 0x114000 },
			{ 0x300000, 0x400000, 0x308000, 0x308000 },
		};
		u64 b = 0;

		tap_check(dm_ha_top_block(r, 2, 0x8000, ~0ull, &b) && b == 0x300000,
			  "top block: region B's only block");
		tap_check(dm_ha_top_block(r, 2, 0x8000, b, &b) && b == 0x108000,
			  "below it: region A's highest fully backed block, not the half-backed one");
		tap_check(dm_ha_top_block(r, 2, 0x8000, b, &b) && b == 0x100000,
			  "then the next one down, the region's first");
		tap_check(!dm_ha_top_block(r, 2, 0x8000, 0x100000, &b), "none below the regions");
		tap_check(!dm_ha_top_block(r, 2, 0, ~0ull, &b), "chunk 0: none");
		tap_check(!dm_ha_top_block(r, 0, 0x8000, ~0ull, &b), "no regions: none");
	}
	return tap_done();
}
