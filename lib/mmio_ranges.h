/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mmio_ranges.h: the MMIO pool of the Hyper-V transport as a plain sorted list of
 * inclusive guest-physical ranges, built from the address windows of the VMBus ACPI
 * device's _CRS, plus the search for a free aligned hole that keeps clear of a
 * reserved range (the firmware framebuffer).  Pure: built into hvis_vmbus.ko
 * (drivers/vmbus/mmio_acpi.c) and the unit tests (tests/unit/test_mmio_ranges.c).
 *
 * The rules are upstream's drivers/hv/vmbus_drv.c (vmbus_walk_resources,
 * vmbus_reserve_fb, vmbus_allocate_mmio), as noted per function.
 */
#ifndef _HVIS_MMIO_RANGES_H
#define _HVIS_MMIO_RANGES_H

#include "../include/hvis/types.h"

/* Windows ending below 1 MiB are legacy space (vmbus_drv.c vmbus_walk_resources). */
#define MMIO_RANGES_LOW_END	0x100000ULL
/* The vTPM's base: no window may reach it (include/asm-generic/mshyperv.h). */
#define MMIO_RANGES_VTPM_BASE	0xfed40000ULL
/* More windows than Hyper-V ever reports (low and high MMIO); the rest is refused. */
#define MMIO_RANGES_MAX		16

struct mmio_range {
	u64 start;
	u64 end;	/* inclusive */
};

struct mmio_ranges {
	u32 count;
	struct mmio_range r[MMIO_RANGES_MAX];	/* sorted by start, none adjacent */
};

/* Outcome of mmio_ranges_add(), for the caller's log. */
enum mmio_add_result {
	MMIO_ADD_KEPT = 0,	/* inserted as a range of its own */
	MMIO_ADD_MERGED,	/* joined to one or two adjacent ranges */
	MMIO_ADD_LOW,		/* dropped: ends below 1 MiB */
	MMIO_ADD_BAD,		/* dropped: end before start */
	MMIO_ADD_OVERLAP,	/* dropped: overlaps a range already kept */
	MMIO_ADD_FULL,		/* dropped: MMIO_RANGES_MAX ranges already */
};

void mmio_ranges_init(struct mmio_ranges *rs);

/*
 * Adds the window [@start, @end] by upstream's rules: dropped if it ends below 1 MiB;
 * cut to end just below the vTPM base if it starts below that base and reaches it;
 * merged with a range that ends right before it or starts right after it, except
 * where they meet at the vTPM base (which upstream would merge); else inserted in
 * start order.  Upstream keeps overlapping windows side by side; the
 * host is not trusted here, so an overlapping window is dropped instead.
 */
enum mmio_add_result mmio_ranges_add(struct mmio_ranges *rs, u64 start, u64 end);

/*
 * The framebuffer range to reserve in the lowest range (Generation 2 rule of
 * vmbus_reserve_fb): from @lfb_base (the firmware's, or @low_base when the firmware
 * gave none) up to halfway to 4 GiB, at most 128 MiB.  When @low_base is 0 or above
 * 4 GiB, or @lfb_base lies below @low_base, the firmware's values are taken as they
 * are with at least 8 MiB.  Returns false (nothing to reserve) when the start would
 * be 0; else *@start and *@size.
 */
bool mmio_ranges_fb(u64 low_base, u64 lfb_base, u64 lfb_size, u64 *start, u64 *size);

/*
 * The lowest @align-aligned start >= @from of @size bytes that lies wholly inside one
 * range and inside [@min, @max], and does not overlap [@rsv_start, @rsv_start +
 * @rsv_size) (skip by @rsv_size 0).  @align must be a power of two and @size
 * nonzero.  Returns false when there is none.  A caller that finds the candidate
 * busy asks again with @from = candidate + @align.
 */
bool mmio_ranges_fit(const struct mmio_ranges *rs, u64 min, u64 max, u64 size, u64 align,
		     u64 rsv_start, u64 rsv_size, u64 from, u64 *out);

#endif /* _HVIS_MMIO_RANGES_H */
