// SPDX-License-Identifier: GPL-2.0-only
/*
 * hostile_ctl.c: the `ctl hostile` command, which turns the seeded hostile mode
 * (hostile.c) on with a seed, rate, focus, opt-in and skipped kinds, turns it off, or prints
 * its counters.  Syntax and output: docs/fakehost-ctl.md, docs/hostile.md.
 */
#include <stdio.h>
#include <string.h>
#include "ctl_reply.h"
#include "events.h"
#include "hostile.h"

static const char hostile_usage[] =
	"usage: hostile on SEED[,RATE] [only=CLASS[,CLASS...]] [with=KIND[,KIND...]] [skip=KIND[,KIND...]] [irq=RATE] | off | status";

/* `hostile on SEED[,RATE] OPTION...`: options from argv[3] on; 0 or -1 with err set. */
static int hostile_ctl_on(struct event_log *ev, int argc, char **argv, char *err,
			  size_t errlen)
{
	struct hostile_opts o = { .irq = -1 };
	double rate;
	u64 seed;
	int ret, i;

	if (hostile_parse(argv[2], &seed, &rate))
		return ctl_errf(err, errlen, "%s (RATE in (0,1])", hostile_usage);
	for (i = 3; i < argc; i++)
		if (hostile_parse_option(argv[i], &o))
			return ctl_errf(err, errlen, "hostile: bad option %s (%s)", argv[i],
					hostile_usage);
	hostile_apply_opts(&o);
	ret = hostile_start(seed, rate);
	if (ret)
		return ctl_errf(err, errlen, "hostile log: %s", strerror(-ret));
	events_addf(ev, "HOSTILE", "state=on seed=%llu rate=%.4f", (unsigned long long)seed,
		    rate);
	return 0;
}

int hostile_ctl(struct vmbus_host *h, struct event_log *ev, int argc, char **argv, FILE *out,
		char *err, size_t errlen)
{
	char buf[16384];

	if (argc >= 3 && argc <= 7 && !strcmp(argv[1], "on"))
		return hostile_ctl_on(ev, argc, argv, err, errlen);
	if (argc == 2 && !strcmp(argv[1], "off")) {
		hostile_stop(h);
		events_addf(ev, "HOSTILE", "state=off");
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "status")) {
		hostile_status(buf, sizeof(buf));
		fputs(buf, out);
		return 0;
	}
	return ctl_errf(err, errlen, "%s", hostile_usage);
}
