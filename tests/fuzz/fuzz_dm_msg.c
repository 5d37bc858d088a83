// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuzz_dm_msg.c: libFuzzer target for Dynamic Memory message checks, the overlap
 * check of range lists and hot-add planning (lib/dm_msg.c).
 *
 * Input: one control byte, then the message.  Control bit 0 picks the direction
 * (guest or host); bit 1 makes the header's size and a range message's count agree
 * with the bytes given, so random inputs also reach the deeper checks of every type.
 * Seeds (tests/fuzz/seeds/fuzz_dm_msg, made by gen_dm_seeds.py) hold one valid
 * message of each DM type.  A message that passes must have every range inside it;
 * the overlap check must agree with a sort of the ranges; a hot-add plan must stay
 * chunk aligned and inside its region.
 */
#include <stdlib.h>
#include "dm_msg.h"
#include "fuzz_types.h"

/* Indexed by DM message type (include/hvis/dm_proto.h); DM_ERROR is never valid. */
FUZZ_TYPES("VERSION_REQUEST", "VERSION_RESPONSE", "CAPABILITIES_REPORT",
	   "CAPABILITIES_RESPONSE", "STATUS_REPORT", "BALLOON_REQUEST", "BALLOON_RESPONSE",
	   "UNBALLOON_REQUEST", "UNBALLOON_RESPONSE", "MEM_HOT_ADD_REQUEST",
	   "MEM_HOT_ADD_RESPONSE", "INFO_MESSAGE")

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size);

struct span {
	u64 start, end;
	u32 idx;
};

static int by_start(const void *a, const void *b)
{
	const struct span *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* An oracle independent of dm_ranges_overlap(): sort by start, compare neighbours. */
static bool sorted_overlap(const void *msg, u32 n)
{
	struct span *s = malloc((n ? n : 1) * sizeof(*s));
	u64 reach = 0;
	bool found = false;
	u32 i;

	for (i = 0; i < n; i++) {
		u64 r = dm_msg_range(msg, i);

		s[i] = (struct span){ DM_RANGE_START(r), DM_RANGE_START(r) + DM_RANGE_COUNT(r), i };
	}
	qsort(s, n, sizeof(*s), by_start);
	for (i = 0; i < n; i++) {
		if (i && s[i].start < reach)
			found = true;
		if (s[i].end > reach)
			reach = s[i].end;
	}
	free(s);
	return found;
}

static void fix_up(u8 *msg, size_t len)
{
	struct dm_header h;
	u32 n = len >= 16 ? (u32)(len - 16) / 8 : 0;

	if (len < sizeof(h) || len > DM_MSG_MAX)
		return;
	memcpy(&h, msg, sizeof(h));
	h.size = (u16)len;
	memcpy(msg, &h, sizeof(h));
	if (h.type == DM_UNBALLOON_REQUEST && len >= 16)
		memcpy(msg + offsetof(struct dm_unballoon_request, range_count), &n, 4);
	if (h.type == DM_BALLOON_RESPONSE && len >= 16) {
		u32 w;

		memcpy(&w, msg + offsetof(struct dm_balloon_response, flags), 4);
		w = DM_BALLOON_RESP_FLAGS(w & DM_BALLOON_RESP_MORE, n);
		memcpy(msg + offsetof(struct dm_balloon_response, flags), &w, 4);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size)
{
	struct dm_ha_region regs[2] = {
		{ 0x40000, 0x80000, 0x50000, 0x48000 },
		{ 0x100000, 0x108000, 0x108000, 0x108000 },
	};
	struct dm_ha_plan p;
	const char *why;
	u8 *msg;
	int type;

	if (!size)
		return 0;
	msg = malloc(size - 1 ? size - 1 : 1);
	memcpy(msg, in + 1, size - 1);
	if (in[0] & 2)
		fix_up(msg, size - 1);
	type = dm_msg_check(msg, (u32)(size - 1), in[0] & 1 ? DM_FROM_GUEST : DM_FROM_HOST, &why);
	if (type > DM_ERROR)
		fuzz_hit((unsigned int)type - 1);
	if (type == DM_UNBALLOON_REQUEST || type == DM_BALLOON_RESPONSE) {
		u32 n = dm_msg_range_count(msg), i, a = 0, b = 0;
		bool dup;

		if (16 + (size_t)n * 8 > size - 1)
			abort();
		for (i = 0; i < n; i++)
			if (!DM_RANGE_COUNT(dm_msg_range(msg, i)))
				abort();
		dup = dm_ranges_overlap(msg, &a, &b);
		if (dup != sorted_overlap(msg, n))
			abort();
		if (dup) {
			u64 x = dm_msg_range(msg, a), y = dm_msg_range(msg, b);

			if (a >= b || b >= n ||
			    !(DM_RANGE_START(x) < DM_RANGE_START(y) + DM_RANGE_COUNT(y) &&
			      DM_RANGE_START(y) < DM_RANGE_START(x) + DM_RANGE_COUNT(x)))
				abort();
		}
	}
	if (type == DM_MEM_HOT_ADD_REQUEST) {
		struct dm_hot_add_with_region h = {};

		memcpy(&h, msg, size - 1 < sizeof(h) ? size - 1 : sizeof(h));
		if (!dm_hot_add_plan(regs, 2, h.range, h.hdr.size == sizeof(h), h.region, 0x8000,
				     0x40000, &p, &why)) {
			if ((p.add_from | p.add_to | p.region_start | p.region_end) & 0x7fff)
				abort();
			if (p.add_from > p.add_to || p.add_to > p.region_end ||
			    p.add_from < p.region_start || p.online_from >= p.online_to ||
			    p.online_to > p.add_to || p.region_start < 0x40000)
				abort();
		}
	}
	free(msg);
	return 0;
}
