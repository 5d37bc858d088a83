/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * daemon_log.h: the log line of the one-file guest daemons (hvis-vssd, hvis-fcopyd):
 * to stderr when they run in the foreground (-n sets foreground), else to syslog.
 * Included by exactly one source file of each daemon.
 */
#ifndef _HVIS_DAEMON_LOG_H
#define _HVIS_DAEMON_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <syslog.h>

static bool foreground;

static void logmsg(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void logmsg(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (foreground) {
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
	} else {
		vsyslog(prio, fmt, ap);
	}
	va_end(ap);
}

#endif /* _HVIS_DAEMON_LOG_H */
