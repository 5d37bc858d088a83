/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * events.h: the fake host's event log.  Every event gets a sequence number from 1 up
 * and becomes one line "<seq> <NAME> key=value ...", appended to the --events file
 * and kept in memory for `ctl events` and `ctl wait-event`.  The names are a stable
 * interface (docs/fakehost-ctl.md).
 */
#ifndef _FH_EVENTS_H
#define _FH_EVENTS_H

#include <stdio.h>
#include "hvis/types.h"

/* Lines kept in memory (--events-keep): the default, and the least accepted. */
#define EVENTS_KEEP_DEFAULT	200000u
#define EVENTS_KEEP_MIN		100u

struct event_log {
	FILE *file;			/* NULL: memory only */
	u32 keep;			/* at most this many lines in memory */
	char **lines;			/* a window of the newest lines, oldest first */
	u32 nlines;
	u32 cap;
	u64 first_seq;			/* seq of lines[0] */
	u64 next_seq;
	void (*on_event)(void *ctx);	/* called after each new event */
	void *ctx;
};

/*
 * The window holds at most KEEP lines (at least EVENTS_KEEP_MIN); when full, its
 * oldest half goes, so its memory stops growing once it has filled.
 */
int events_init(struct event_log *ev, const char *path, u32 keep);
void events_uninit(struct event_log *ev);

/* Logs NAME with the text that follows it (may be empty).  Returns the seq. */
u64 events_add(struct event_log *ev, const char *name, const char *text);
u64 events_addf(struct event_log *ev, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The kept line with this seq, or NULL. */
const char *events_line(const struct event_log *ev, u64 seq);

/* The first kept event after seq `since` whose name is NAME; its seq, or 0. */
u64 events_find(const struct event_log *ev, const char *name, u64 since);

#endif /* _FH_EVENTS_H */
