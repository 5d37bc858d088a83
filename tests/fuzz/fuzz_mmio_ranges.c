// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuzz_mmio_ranges.c: libFuzzer target for lib/mmio_ranges.c, fed the way the host's
 * ACPI tables would feed it.  Input: a query of 48 bytes (min, max, size, align
 * exponent, reservation start and size, all u64 but the exponent's low 6 bits),
 * then any number of 16-byte windows (start, end).  After each window the list must
 * stay sorted, non-overlapping and non-adjacent (but at the vTPM base), end at or
 * above 1 MiB and never cross the vTPM base.  A hole found for the query must be
 * aligned, inside one range and [min, max] and clear of the reservation; one
 * alignment step lower must not be one, and a search from past it must find only
 * later holes.
 */
#include <stdlib.h>
#include <string.h>
#include "mmio_ranges.h"
#include "fuzz_types.h"

FUZZ_TYPES("window kept", "window merged", "window dropped", "hole found")

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size);

static u64 get64(const uint8_t *p)
{
	u64 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static void check_list(const struct mmio_ranges *rs)
{
	u32 i;

	if (rs->count > MMIO_RANGES_MAX)
		abort();
	for (i = 0; i < rs->count; i++) {
		const struct mmio_range *r = &rs->r[i];

		if (r->end < r->start || r->end < MMIO_RANGES_LOW_END)
			abort();
		if (r->start < MMIO_RANGES_VTPM_BASE && r->end >= MMIO_RANGES_VTPM_BASE)
			abort();
		/* Overlapping, or adjacent but not merged (allowed at the vTPM base only). */
		if (i && rs->r[i - 1].end >= r->start)
			abort();
		if (i && rs->r[i - 1].end + 1 == r->start && r->start != MMIO_RANGES_VTPM_BASE)
			abort();
	}
}

/* True when [c, c + size) is a valid answer to the query (no "lowest" check). */
static bool valid(const struct mmio_ranges *rs, u64 c, u64 min, u64 max, u64 size, u64 align,
		  u64 rs_start, u64 rs_size)
{
	u64 last = c + size - 1;
	u32 i;

	if (c & (align - 1) || last < c || c < min || last > max)
		return false;
	/* Overlap: neither wholly below the reservation nor wholly above it. */
	if (rs_size && last >= rs_start && (c < rs_start || c - rs_start < rs_size))
		return false;
	for (i = 0; i < rs->count; i++)
		if (c >= rs->r[i].start && last <= rs->r[i].end)
			return true;
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size)
{
	u64 min, max, len, align, rsv, rsv_size, c, c2;
	struct mmio_ranges rs;
	enum mmio_add_result r;
	size_t off;

	if (size < 48)
		return 0;
	min = get64(in);
	max = get64(in + 8);
	len = get64(in + 16);
	align = 1ULL << (in[24] & 63);
	rsv = get64(in + 32);
	rsv_size = get64(in + 40);
	mmio_ranges_init(&rs);
	for (off = 48; off + 16 <= size; off += 16) {
		r = mmio_ranges_add(&rs, get64(in + off), get64(in + off + 8));
		fuzz_hit(r == MMIO_ADD_KEPT ? 0 : r == MMIO_ADD_MERGED ? 1 : 2);
		check_list(&rs);
	}
	if (!mmio_ranges_fit(&rs, min, max, len, align, rsv, rsv_size, 0, &c))
		return 0;
	if (!valid(&rs, c, min, max, len, align, rsv, rsv_size))
		abort();
	/* Lowest: the aligned start just below it is no answer. */
	if (c >= align && valid(&rs, c - align, min, max, len, align, rsv, rsv_size))
		abort();
	/* Asking again from past it finds a later one or none. */
	if (c + align > c &&
	    mmio_ranges_fit(&rs, min, max, len, align, rsv, rsv_size, c + align, &c2) &&
	    (c2 <= c || !valid(&rs, c2, min, max, len, align, rsv, rsv_size)))
		abort();
	fuzz_hit(3);
	return 0;
}
