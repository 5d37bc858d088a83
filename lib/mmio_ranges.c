// SPDX-License-Identifier: GPL-2.0-only
/*
 * mmio_ranges.c: the sorted list of MMIO windows and the aligned-hole search (see
 * mmio_ranges.h).  Every sum is checked against wrapping: the windows come from
 * firmware tables the host writes.
 */
#include "mmio_ranges.h"

#define MMIO_4G		0x100000000ULL
#define MMIO_FB_MIN	0x800000ULL	/* 8 MiB (vmbus_drv.c vmbus_reserve_fb) */
#define MMIO_FB_MAX	0x8000000ULL	/* 128 MiB (same) */

void mmio_ranges_init(struct mmio_ranges *rs)
{
	memset(rs, 0, sizeof(*rs));
}

/*
 * Whether a range ending at @end and one starting at @start become one.  Never
 * across the vTPM base: the cut in mmio_ranges_add() would be undone by a window
 * that starts right at the base.
 */
static bool mmio_ranges_joinable(u64 end, u64 start)
{
	return end + 1 == start && start != MMIO_RANGES_VTPM_BASE;
}

static void mmio_ranges_remove(struct mmio_ranges *rs, u32 i)
{
	memmove(&rs->r[i], &rs->r[i + 1], (rs->count - i - 1) * sizeof(rs->r[0]));
	rs->count--;
}

enum mmio_add_result mmio_ranges_add(struct mmio_ranges *rs, u64 start, u64 end)
{
	u32 i;

	if (end < start)
		return MMIO_ADD_BAD;
	if (end < MMIO_RANGES_LOW_END)
		return MMIO_ADD_LOW;
	if (start < MMIO_RANGES_VTPM_BASE && end >= MMIO_RANGES_VTPM_BASE)
		end = MMIO_RANGES_VTPM_BASE - 1;

	/* i: the first range that starts after the new one. */
	for (i = 0; i < rs->count && rs->r[i].start <= start; i++)
		;
	if ((i > 0 && rs->r[i - 1].end >= start) || (i < rs->count && rs->r[i].start <= end))
		return MMIO_ADD_OVERLAP;

	if (i > 0 && mmio_ranges_joinable(rs->r[i - 1].end, start)) {
		rs->r[i - 1].end = end;
		/* The new window may also close the gap to the next one. */
		if (i < rs->count && mmio_ranges_joinable(end, rs->r[i].start)) {
			rs->r[i - 1].end = rs->r[i].end;
			mmio_ranges_remove(rs, i);
		}
		return MMIO_ADD_MERGED;
	}
	if (i < rs->count && mmio_ranges_joinable(end, rs->r[i].start)) {
		rs->r[i].start = start;
		return MMIO_ADD_MERGED;
	}
	if (rs->count == MMIO_RANGES_MAX)
		return MMIO_ADD_FULL;
	memmove(&rs->r[i + 1], &rs->r[i], (rs->count - i) * sizeof(rs->r[0]));
	rs->r[i].start = start;
	rs->r[i].end = end;
	rs->count++;
	return MMIO_ADD_KEPT;
}

bool mmio_ranges_fb(u64 low_base, u64 lfb_base, u64 lfb_size, u64 *start, u64 *size)
{
	u64 s, half;

	if (!low_base || low_base >= MMIO_4G || (lfb_base && lfb_base < low_base) ||
	    lfb_base >= MMIO_4G) {
		/* Unexpected layout: trust the firmware's numbers. */
		s = lfb_base;
		*size = lfb_size > MMIO_FB_MIN ? lfb_size : MMIO_FB_MIN;
	} else {
		s = lfb_base ? lfb_base : low_base;
		half = (MMIO_4G - s) / 2;
		*size = half < MMIO_FB_MAX ? half : MMIO_FB_MAX;
	}
	*start = s;
	return s != 0;
}

/* @x rounded up to @align (a power of two); false when that wraps. */
static bool mmio_align_up(u64 x, u64 align, u64 *out)
{
	if (x > ~0ULL - (align - 1))
		return false;
	*out = (x + align - 1) & ~(align - 1);
	return true;
}

bool mmio_ranges_fit(const struct mmio_ranges *rs, u64 min, u64 max, u64 size, u64 align,
		     u64 rsv_start, u64 rsv_size, u64 from, u64 *out)
{
	u64 lo, hi, c, rsv_last = 0;
	u32 i;

	if (!size || !align || (align & (align - 1)) || max < min)
		return false;
	if (rsv_size)
		rsv_last = rsv_size - 1 > ~0ULL - rsv_start ? ~0ULL : rsv_start + rsv_size - 1;
	for (i = 0; i < rs->count; i++) {
		lo = rs->r[i].start;
		if (lo < min)
			lo = min;
		if (lo < from)
			lo = from;
		hi = rs->r[i].end < max ? rs->r[i].end : max;
		if (lo > hi || !mmio_align_up(lo, align, &c))
			continue;
		while (c <= hi && size - 1 <= hi - c) {
			if (!rsv_size || c + size - 1 < rsv_start || c > rsv_last) {
				*out = c;
				return true;
			}
			/* Overlaps the reservation: go on right after it. */
			if (rsv_last == ~0ULL || !mmio_align_up(rsv_last + 1, align, &c))
				break;
		}
	}
	return false;
}
