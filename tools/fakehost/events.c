// SPDX-License-Identifier: GPL-2.0-only
/*
 * events.c: the event log (see events.h): sequence numbers, the --events file and an
 * in-memory window of the newest lines for the control socket.
 */
#include <stdarg.h>
#include <stdlib.h>
#include "events.h"

int events_init(struct event_log *ev, const char *path, u32 keep)
{
	memset(ev, 0, sizeof(*ev));
	ev->keep = keep < EVENTS_KEEP_MIN ? EVENTS_KEEP_MIN : keep;
	ev->next_seq = 1;
	ev->first_seq = 1;
	ev->cap = 1024;
	ev->lines = calloc(ev->cap, sizeof(*ev->lines));
	if (!ev->lines)
		return -ENOMEM;
	if (path) {
		ev->file = fopen(path, "a");
		if (!ev->file)
			return -errno;
		setvbuf(ev->file, NULL, _IOLBF, 0);
	}
	return 0;
}

void events_uninit(struct event_log *ev)
{
	u32 i;

	for (i = 0; i < ev->nlines; i++)
		free(ev->lines[i]);
	free(ev->lines);
	if (ev->file)
		fclose(ev->file);
	memset(ev, 0, sizeof(*ev));
}

static void keep_line(struct event_log *ev, char *line)
{
	if (ev->nlines >= ev->keep) {
		/* Drop the oldest half at once, so this is rare. */
		u32 drop = ev->nlines / 2, i;

		for (i = 0; i < drop; i++)
			free(ev->lines[i]);
		memmove(ev->lines, ev->lines + drop, (ev->nlines - drop) * sizeof(*ev->lines));
		ev->nlines -= drop;
		ev->first_seq += drop;
	}
	if (ev->nlines == ev->cap) {
		char **n = realloc(ev->lines, 2 * ev->cap * sizeof(*n));

		if (!n) {
			free(line);
			return;
		}
		ev->lines = n;
		ev->cap *= 2;
	}
	ev->lines[ev->nlines++] = line;
}

u64 events_add(struct event_log *ev, const char *name, const char *text)
{
	u64 seq = ev->next_seq++;
	char *line;

	if (asprintf(&line, "%llu %s%s%s", (unsigned long long)seq, name,
		     text && *text ? " " : "", text ? text : "") < 0)
		return seq;
	if (ev->file)
		fprintf(ev->file, "%s\n", line);
	if (ev->nlines == 0)
		ev->first_seq = seq;
	keep_line(ev, line);
	if (ev->on_event)
		ev->on_event(ev->ctx);
	return seq;
}

u64 events_addf(struct event_log *ev, const char *name, const char *fmt, ...)
{
	char text[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	return events_add(ev, name, text);
}

const char *events_line(const struct event_log *ev, u64 seq)
{
	if (seq < ev->first_seq || seq >= ev->first_seq + ev->nlines)
		return NULL;
	return ev->lines[seq - ev->first_seq];
}

/* Does the line "<seq> NAME ..." carry this name? */
static bool line_named(const char *line, const char *name)
{
	const char *p = strchr(line, ' ');
	size_t n = strlen(name);

	return p && !strncmp(p + 1, name, n) && (p[1 + n] == ' ' || p[1 + n] == '\0');
}

u64 events_find(const struct event_log *ev, const char *name, u64 since)
{
	u64 seq = since + 1 > ev->first_seq ? since + 1 : ev->first_seq;

	for (; seq < ev->first_seq + ev->nlines; seq++)
		if (line_named(ev->lines[seq - ev->first_seq], name))
			return seq;
	return 0;
}
