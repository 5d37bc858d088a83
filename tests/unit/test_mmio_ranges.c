// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_mmio_ranges.c: lib/mmio_ranges.c, the Hyper-V MMIO pool built from _CRS
 * windows: each rule of mmio_ranges_add (1 MiB floor, vTPM cut, adjacency merge,
 * ordering, overlap and capacity refusal), the framebuffer size rule, and the hole
 * search with alignment, bounds and a reserved range.
 */
#include "tap.h"
#include "mmio_ranges.h"

#define MB	0x100000ULL
#define GB	0x40000000ULL

static int same(const struct mmio_ranges *rs, u32 n, const u64 *want)
{
	u32 i;

	if (rs->count != n)
		return 0;
	for (i = 0; i < n; i++)
		if (rs->r[i].start != want[2 * i] || rs->r[i].end != want[2 * i + 1])
			return 0;
	return 1;
}

static void test_add_rules(void)
{
	struct mmio_ranges rs;
	u64 e;

	mmio_ranges_init(&rs);
	tap_check(mmio_ranges_add(&rs, 0xa0000, 0xbffff) == MMIO_ADD_LOW && rs.count == 0,
		  "window ending below 1 MiB (VGA hole) is dropped");
	tap_check(mmio_ranges_add(&rs, 0, MB - 1) == MMIO_ADD_LOW && rs.count == 0,
		  "window ending at 1 MiB - 1 is dropped");
	tap_check(mmio_ranges_add(&rs, 0xc0000, MB) == MMIO_ADD_KEPT && rs.count == 1 &&
		  rs.r[0].start == 0xc0000 && rs.r[0].end == MB,
		  "window ending at 1 MiB is kept whole");
	tap_check(mmio_ranges_add(&rs, 5 * MB, 4 * MB) == MMIO_ADD_BAD && rs.count == 1,
		  "end before start is refused");

	mmio_ranges_init(&rs);
	tap_check(mmio_ranges_add(&rs, 0xf8000000, 0xfeffffff) == MMIO_ADD_KEPT &&
		  rs.r[0].end == MMIO_RANGES_VTPM_BASE - 1,
		  "window straddling the vTPM base ends just below it");
	mmio_ranges_init(&rs);
	mmio_ranges_add(&rs, 0xf8000000, MMIO_RANGES_VTPM_BASE);
	tap_check(rs.r[0].end == 0xfed3ffff, "window ending on the vTPM base is cut too");
	mmio_ranges_init(&rs);
	mmio_ranges_add(&rs, 0xf8000000, MMIO_RANGES_VTPM_BASE - 1);
	tap_check(rs.r[0].end == 0xfed3ffff, "window ending below the vTPM is unchanged");
	mmio_ranges_init(&rs);
	mmio_ranges_add(&rs, MMIO_RANGES_VTPM_BASE, 0xfeffffff);
	tap_check(rs.count == 1 && rs.r[0].start == MMIO_RANGES_VTPM_BASE &&
		  rs.r[0].end == 0xfeffffff,
		  "window starting at the vTPM base is not cut (upstream: only straddling)");
	mmio_ranges_init(&rs);
	e = 0xfffffffffULL;
	mmio_ranges_add(&rs, 0x1000000000ULL - 16 * GB, e);
	tap_check(rs.r[0].start == 0xc00000000ULL && rs.r[0].end == e,
		  "high window above 4 GiB is kept whole");
}

static void test_merge_sort(void)
{
	static const u64 sorted[] = { 2 * MB, 3 * MB - 1, 8 * MB, 9 * MB - 1,
				      4 * GB, 8 * GB - 1 };
	static const u64 bridged[] = { 2 * MB, 9 * MB - 1, 4 * GB, 8 * GB - 1 };
	static const u64 merged_low[] = { MB, 3 * MB - 1, 4 * GB, 8 * GB - 1 };
	struct mmio_ranges rs;
	u32 i;

	mmio_ranges_init(&rs);
	tap_check(mmio_ranges_add(&rs, 4 * GB, 8 * GB - 1) == MMIO_ADD_KEPT &&
		  mmio_ranges_add(&rs, 8 * MB, 9 * MB - 1) == MMIO_ADD_KEPT &&
		  mmio_ranges_add(&rs, 2 * MB, 3 * MB - 1) == MMIO_ADD_KEPT &&
		  same(&rs, 3, sorted), "windows given high, middle, low come out sorted");
	tap_check(mmio_ranges_add(&rs, 3 * MB, 8 * MB - 1) == MMIO_ADD_MERGED &&
		  same(&rs, 2, bridged),
		  "window closing the gap between two merges all three");

	mmio_ranges_init(&rs);
	mmio_ranges_add(&rs, 2 * MB, 3 * MB - 1);
	tap_check(mmio_ranges_add(&rs, MB, 2 * MB - 1) == MMIO_ADD_MERGED && rs.count == 1 &&
		  rs.r[0].start == MB, "window right before a range merges into it");
	mmio_ranges_add(&rs, 4 * GB, 8 * GB - 1);
	tap_check(same(&rs, 2, merged_low), "low and high ranges stay separate");
	tap_check(mmio_ranges_add(&rs, 8 * GB, 9 * GB - 1) == MMIO_ADD_MERGED &&
		  rs.count == 2 && rs.r[1].end == 9 * GB - 1,
		  "window right after a range merges into it");
	tap_check(mmio_ranges_add(&rs, 9 * GB + 1, 10 * GB) == MMIO_ADD_KEPT && rs.count == 3,
		  "window one byte past a range stays separate");

	mmio_ranges_init(&rs);
	mmio_ranges_add(&rs, 0xf8000000, 0xfeffffff);
	tap_check(mmio_ranges_add(&rs, 0xf0000000, 0xf7ffffff) == MMIO_ADD_MERGED &&
		  rs.count == 1 && rs.r[0].start == 0xf0000000 && rs.r[0].end == 0xfed3ffff,
		  "vTPM cut applies before the merge");

	mmio_ranges_init(&rs);
	mmio_ranges_add(&rs, 0xf8000000, 0xfeffffff);
	tap_check(mmio_ranges_add(&rs, MMIO_RANGES_VTPM_BASE, 0xffffffff) == MMIO_ADD_KEPT &&
		  rs.count == 2 && rs.r[0].end == 0xfed3ffff &&
		  rs.r[1].start == MMIO_RANGES_VTPM_BASE,
		  "windows meeting at the vTPM base are not merged (after the cut)");
	mmio_ranges_init(&rs);
	mmio_ranges_add(&rs, MMIO_RANGES_VTPM_BASE, 0xffffffff);
	tap_check(mmio_ranges_add(&rs, 0xf8000000, 0xfed3ffff) == MMIO_ADD_KEPT &&
		  rs.count == 2 && rs.r[0].end == 0xfed3ffff,
		  "nor when the one below comes second");
	mmio_ranges_add(&rs, 0xf0000000, 0xf7ffffff);
	tap_check(rs.count == 2 && rs.r[0].start == 0xf0000000 && rs.r[0].end == 0xfed3ffff,
		  "a merge below the vTPM still works beside it");

	mmio_ranges_init(&rs);
	mmio_ranges_add(&rs, 4 * MB, 8 * MB - 1);
	tap_check(mmio_ranges_add(&rs, 6 * MB, 10 * MB) == MMIO_ADD_OVERLAP &&
		  mmio_ranges_add(&rs, 2 * MB, 4 * MB) == MMIO_ADD_OVERLAP &&
		  mmio_ranges_add(&rs, 5 * MB, 5 * MB) == MMIO_ADD_OVERLAP &&
		  mmio_ranges_add(&rs, 2 * MB, 20 * MB) == MMIO_ADD_OVERLAP &&
		  mmio_ranges_add(&rs, 4 * MB, 8 * MB - 1) == MMIO_ADD_OVERLAP &&
		  rs.count == 1 && rs.r[0].start == 4 * MB && rs.r[0].end == 8 * MB - 1,
		  "overlapping windows (tail, head, inside, around, equal) are refused");

	mmio_ranges_init(&rs);
	for (i = 0; i < MMIO_RANGES_MAX; i++)
		mmio_ranges_add(&rs, (u64)(2 * i + 2) * MB, (u64)(2 * i + 3) * MB - 1);
	tap_check(rs.count == MMIO_RANGES_MAX &&
		  mmio_ranges_add(&rs, 100 * MB, 101 * MB) == MMIO_ADD_FULL &&
		  rs.count == MMIO_RANGES_MAX, "a window past the capacity is refused");
	tap_check(mmio_ranges_add(&rs, 3 * MB, 4 * MB - 1) == MMIO_ADD_MERGED &&
		  rs.count == MMIO_RANGES_MAX - 1 && rs.r[0].end == 5 * MB - 1,
		  "a merge still works when full");
	tap_check(mmio_ranges_add(&rs, ~0ULL - MB, ~0ULL) == MMIO_ADD_KEPT &&
		  rs.r[rs.count - 1].end == ~0ULL, "window up to the top of the space is kept");
}

static void test_fb(void)
{
	u64 s = 1, z = 1;

	tap_check(mmio_ranges_fb(0xf8000000, 0xf8000000, 3 * MB, &s, &z) &&
		  s == 0xf8000000 && z == 64 * MB,
		  "fb at the low base: size is half the way to 4 GiB (64 MiB)");
	tap_check(mmio_ranges_fb(0xc0000000, 0xc0000000, 3 * MB, &s, &z) &&
		  s == 0xc0000000 && z == 128 * MB, "size is at most 128 MiB");
	tap_check(mmio_ranges_fb(0xc0000000, 0, 0, &s, &z) && s == 0xc0000000 &&
		  z == 128 * MB, "no firmware fb (kexec): starts at the low base");
	tap_check(mmio_ranges_fb(0xf8000000, 0xe0000000, 3 * MB, &s, &z) &&
		  s == 0xe0000000 && z == 8 * MB,
		  "fb below the low base: firmware start kept, at least 8 MiB");
	tap_check(mmio_ranges_fb(0xf8000000, 0xe0000000, 16 * MB, &s, &z) && z == 16 * MB,
		  "fb below the low base: a firmware size over 8 MiB kept");
	tap_check(mmio_ranges_fb(0, 0xe0000000, 3 * MB, &s, &z) && s == 0xe0000000 &&
		  z == 8 * MB, "no low range: firmware values");
	tap_check(mmio_ranges_fb(8 * GB, 0xe0000000, 3 * MB, &s, &z) && s == 0xe0000000,
		  "low range above 4 GiB: firmware values");
	tap_check(!mmio_ranges_fb(0, 0, 3 * MB, &s, &z), "start 0: nothing reserved");
	tap_check(!mmio_ranges_fb(8 * GB, 0, 0, &s, &z), "start 0 (high low base): nothing");
	tap_check(mmio_ranges_fb(0xf8000000, 6 * GB, 3 * MB, &s, &z) && s == 6 * GB &&
		  z == 8 * MB, "fb above 4 GiB: no wrap in the half-way rule");
}

static void test_fit(void)
{
	struct mmio_ranges rs;
	u64 c = 0;

	mmio_ranges_init(&rs);
	tap_check(!mmio_ranges_fit(&rs, 0, ~0ULL, MB, MB, 0, 0, 0, &c), "empty pool: no hole");
	mmio_ranges_add(&rs, 0xf8000000, 0xfeffffff);	/* cut to 0xfed3ffff */
	mmio_ranges_add(&rs, 4 * GB, 8 * GB - 1);

	tap_check(mmio_ranges_fit(&rs, 0, ~0ULL, 8 * MB, MB, 0, 0, 0, &c) && c == 0xf8000000,
		  "first fit is the start of the low range");
	tap_check(mmio_ranges_fit(&rs, 0, ~0ULL, 8 * MB, MB, 0xf8000000, 64 * MB, 0, &c) &&
		  c == 0xfc000000, "reserved fb at the low base is skipped");
	tap_check(mmio_ranges_fit(&rs, 0, ~0ULL, 0x2000, 0x1000, 0xf8000000, 64 * MB, 0, &c) &&
		  c == 0xfc000000, "small window lands right after the reservation");
	tap_check(mmio_ranges_fit(&rs, 0, ~0ULL, 64 * MB, 64 * MB, 0xf8000000, 64 * MB, 0,
				  &c) && c == 4 * GB,
		  "no room beside the reservation below 4 GiB: high range");
	tap_check(mmio_ranges_fit(&rs, 0, ~0ULL, 8 * MB, MB, 0xf8400000, MB, 0, &c) &&
		  c == 0xf8500000, "reservation in the middle: candidate overlapping it moves");
	tap_check(mmio_ranges_fit(&rs, 0, ~0ULL, 4 * MB, 4 * MB, 0xf9000000, 0x1000, 0, &c) &&
		  c == 0xf8000000, "hole before a small reservation is used");
	tap_check(mmio_ranges_fit(&rs, 0, ~0ULL, 32 * MB, MB, 0xf9000000, 0x1000, 0, &c) &&
		  c == 0xf9100000, "a candidate wholly containing the reservation is refused");
	tap_check(mmio_ranges_fit(&rs, 0, 0xffffffff, 0x6d40000, 0x1000, 0, 0, 0, &c) &&
		  c == 0xf8000000 && !mmio_ranges_fit(&rs, 0, 0xffffffff, 0x6d41000, 0x1000, 0, 0,
						      0, &c),
		  "the low range ends at the vTPM base: 0x6d40000 bytes fit, a page more not");
	tap_check(mmio_ranges_fit(&rs, 4 * GB, ~0ULL, MB, MB, 0, 0, 0, &c) && c == 4 * GB,
		  "min 4 GiB: the high range");
	tap_check(!mmio_ranges_fit(&rs, 0, 0xffffffff, 0x10000000, MB, 0, 0, 0, &c),
		  "max 4 GiB - 1 and 256 MiB: no hole below 4 GiB");
	tap_check(mmio_ranges_fit(&rs, 0xf8000001, ~0ULL, MB, MB, 0, 0, 0, &c) &&
		  c == 0xf8100000, "start is clamped to min and aligned");
	tap_check(mmio_ranges_fit(&rs, 0, ~0ULL, 2 * GB, 2 * GB, 0, 0, 0, &c) && c == 4 * GB,
		  "2 GiB aligned 2 GiB: the high range");
	tap_check(mmio_ranges_fit(&rs, 0, ~0ULL, 16 * MB, 16 * MB, 0, 0, 0xf8000000 + 16 * MB,
				  &c) && c == 0xf9000000, "from skips a busy candidate");
	tap_check(mmio_ranges_fit(&rs, 0, ~0ULL, MB, MB, 0, 0, 0xfed00000, &c) &&
		  c == 4 * GB, "from past the low range's last fit: high range");
	tap_check(!mmio_ranges_fit(&rs, 0, ~0ULL, 5 * GB, MB, 0, 0, 0, &c),
		  "larger than every range: no hole");
	tap_check(!mmio_ranges_fit(&rs, 0, ~0ULL, MB, 3 * MB, 0, 0, 0, &c) &&
		  !mmio_ranges_fit(&rs, 0, ~0ULL, MB, 0, 0, 0, 0, &c) &&
		  !mmio_ranges_fit(&rs, 0, ~0ULL, 0, MB, 0, 0, 0, &c) &&
		  !mmio_ranges_fit(&rs, 5, 4, MB, MB, 0, 0, 0, &c),
		  "align not a power of two, align 0, size 0, max < min: refused");
	tap_check(mmio_ranges_fit(&rs, 0, ~0ULL, MB, MB, 0xf0000000, ~0ULL, 0, &c) == 0,
		  "a reservation running to the top of the space leaves no hole above it");

	mmio_ranges_init(&rs);
	mmio_ranges_add(&rs, ~0ULL - 3 * MB + 1, ~0ULL);
	tap_check(mmio_ranges_fit(&rs, 0, ~0ULL, 2 * MB, 2 * MB, 0, 0, 0, &c) &&
		  c == ~0ULL - 2 * MB + 1, "range at the top of the space: no wrap");
	tap_check(!mmio_ranges_fit(&rs, 0, ~0ULL, 2 * MB, 4 * MB, 0, 0, 0, &c),
		  "alignment past the top of the space: no hole, no wrap");
	tap_check(!mmio_ranges_fit(&rs, 0, ~0ULL, MB, MB, ~0ULL - 3 * MB + 1, 3 * MB, 0, &c),
		  "reservation covering the top range: no hole");
}

int main(void)
{
	test_add_rules();
	test_merge_sort();
	test_fb();
	test_fit();
	return tap_done();
}
