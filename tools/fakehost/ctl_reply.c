// SPDX-License-Identifier: GPL-2.0-only
/*
 * ctl_reply.c: the error reply of `ctl` command handlers (ctl_reply.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include "ctl_reply.h"

int ctl_errf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}
