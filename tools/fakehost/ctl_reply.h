/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ctl_reply.h: how a `ctl` command handler reports a failure: a printf-style message
 * into the caller's error buffer, which ctl.c sends back to the client.
 */
#ifndef _FH_CTL_REPLY_H
#define _FH_CTL_REPLY_H

#include <stddef.h>

/* Formats the message into err (errlen bytes) and returns -1 for the handler to return. */
int ctl_errf(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Writes all of buf to fd, again after EINTR; stops at another error. */
void ctl_write_all(int fd, const char *buf, size_t len);

#endif /* _FH_CTL_REPLY_H */
