// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_host_hold.c: tools/fakehost/host_hold.c, the rule that keeps a busy
 * guest->host ring masked: by count (storage, idle_max 0) and by time (the NIC).
 */
#include <string.h>
#include "tap.h"
#include "host_hold.h"

#define US	1000ull

static bool look(struct host_hold_state *s, u32 found, bool recheck, u64 gap_ns, u32 idle_max)
{
	struct host_hold_look l = {
		.found = found, .recheck = recheck, .gap_ns = gap_ns,
		.hold_ns = 200 * US, .idle_max = idle_max,
	};

	return host_hold_decide(s, &l);
}

static void test_by_count(void)
{
	struct host_hold_state s = {};
	struct host_hold_look off = { .found = 8, .gap_ns = 1 * US };

	tap_check(!look(&s, 1, false, HOST_HOLD_NO_GAP, 0), "count: one packet is not held");
	tap_check(!look(&s, 1, false, 10 * US, 0),
		  "count: one packet soon after the last look is not held without idle_max");
	tap_check(look(&s, 2, false, 10 * US, 0), "count: two in one look hold");
	tap_check(look(&s, 4, true, 200 * US, 0) && look(&s, 4, true, 200 * US, 0),
		  "count: held looks that find four hold");
	tap_check(look(&s, 1, true, 200 * US, 0),
		  "count: a held look that finds one while the average is high holds");
	tap_check(!look(&s, 0, true, 200 * US, 0), "count: an empty held look unmasks");
	memset(&s, 0, sizeof(s));
	tap_check(!look(&s, 1, true, 200 * US, 0),
		  "count: a held look that finds one with a low average unmasks");
	tap_check(!host_hold_decide(&s, &off), "count: hold_ns 0 never holds");
}

static void test_by_time(void)
{
	struct host_hold_state s = {};
	int i;

	tap_check(!look(&s, 1, false, HOST_HOLD_NO_GAP, 4), "time: the first packet is not held");
	tap_check(!look(&s, 1, false, 5000 * US, 4),
		  "time: one packet 5 ms after the last look (a ping) is not held");
	tap_check(!look(&s, 1, false, 1000 * US, 4),
		  "time: one packet at exactly (idle_max + 1) hold intervals is not held");
	tap_check(look(&s, 1, false, 999 * US, 4),
		  "time: one packet within (idle_max + 1) hold intervals holds");
	tap_check(look(&s, 1, true, 200 * US, 4), "time: a held look that finds one holds");
	for (i = 0; i < 4; i++)
		if (!look(&s, 0, true, 200 * US, 4))
			break;
	tap_check(i == 4 && s.idle == 4, "time: four empty held looks hold again");
	tap_check(!look(&s, 0, true, 200 * US, 4) && s.idle == 0,
		  "time: the fifth empty held look unmasks");
	tap_check(look(&s, 1, false, 300 * US, 4) && look(&s, 0, true, 200 * US, 4) &&
		  look(&s, 3, true, 200 * US, 4) && s.idle == 0,
		  "time: a look that finds packets resets the empty count");
	tap_check(!look(&s, 0, false, 10 * US, 4) && s.idle == 0,
		  "time: a signalled look that finds nothing does not hold");
}

int main(void)
{
	test_by_count();
	test_by_time();
	return tap_done();
}
