// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuzz_dm_msg.c: libFuzzer target for Dynamic Memory message checks and hot-add
 * planning (lib/dm_msg.c).  The first byte picks the direction; a message that passes
 * must have every range inside it, and a hot-add plan must stay chunk aligned and
 * inside its region.
 */
#include <stdlib.h>
#include "dm_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size);

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
	type = dm_msg_check(msg, (u32)(size - 1), in[0] & 1 ? DM_FROM_GUEST : DM_FROM_HOST, &why);
	if (type == DM_UNBALLOON_REQUEST || type == DM_BALLOON_RESPONSE) {
		u32 n = dm_msg_range_count(msg), i;

		if (16 + (size_t)n * 8 > size - 1)
			abort();
		for (i = 0; i < n; i++)
			if (!DM_RANGE_COUNT(dm_msg_range(msg, i)))
				abort();
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
