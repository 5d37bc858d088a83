/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tap.h: the smallest TAP producer for hvis's userspace unit tests.  Each test file
 * calls tap_check() per assertion group and returns tap_done() from main().
 */
#ifndef _HVIS_TAP_H
#define _HVIS_TAP_H

#include <stdio.h>
#include <stdarg.h>

static int tap_count, tap_failed;

/* Records one test point; prints the failing expression's text when cond is false. */
#define tap_check(cond, ...) tap_point(!!(cond), #cond, __FILE__, __LINE__, __VA_ARGS__)

static inline __attribute__((format(printf, 5, 6)))
int tap_point(int ok, const char *expr, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	tap_count++;
	printf("%sok %d - ", ok ? "" : "not ", tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!ok) {
		tap_failed++;
		printf("#   failed: %s at %s:%d\n", expr, file, line);
	}
	return ok;
}

static inline int tap_done(void)
{
	printf("1..%d\n", tap_count);
	return tap_failed ? 1 : 0;
}

#endif /* _HVIS_TAP_H */
