// SPDX-License-Identifier: GPL-2.0-only
/*
 * qmp.c: a minimal, blocking QMP client (qmp.h).  Each call is one short connection
 * bounded by QMP_TIMEOUT_MS; the answers QEMU sends are JSON objects, one a line,
 * with asynchronous {"event": ...} lines in between, which are skipped.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include "qmp.h"

#define QMP_TIMEOUT_MS	5000
#define QMP_LINE_MAX	4096

struct qmp_conn {
	int fd;
	char buf[QMP_LINE_MAX];
	size_t have;
	long long deadline_ms;
};

static long long qmp_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The next line from QEMU into line (NUL-terminated, no newline); 0 or -1. */
static int qmp_read_line(struct qmp_conn *q, char *line, size_t len)
{
	for (;;) {
		char *nl = memchr(q->buf, '\n', q->have);
		struct pollfd p = { .fd = q->fd, .events = POLLIN };
		long long left;
		ssize_t n;

		if (nl) {
			size_t l = (size_t)(nl - q->buf);

			snprintf(line, len, "%.*s", (int)l, q->buf);
			memmove(q->buf, nl + 1, q->have - l - 1);
			q->have -= l + 1;
			return 0;
		}
		if (q->have == sizeof(q->buf))
			return -1;	/* a line longer than we take */
		left = q->deadline_ms - qmp_now_ms();
		if (left <= 0 || poll(&p, 1, (int)left) <= 0)
			return -1;
		n = read(q->fd, q->buf + q->have, sizeof(q->buf) - q->have);
		if (n <= 0)
			return -1;
		q->have += (size_t)n;
	}
}

/* Sends cmd and reads up to its answer; 1 "return", 0 "error", -1 none. */
static int qmp_exchange(struct qmp_conn *q, const char *cmd, char *line, size_t len)
{
	size_t n = strlen(cmd);

	if (write(q->fd, cmd, n) != (ssize_t)n || write(q->fd, "\n", 1) != 1)
		return -1;
	while (!qmp_read_line(q, line, len)) {
		if (strstr(line, "\"return\""))
			return 1;
		if (strstr(line, "\"error\""))
			return 0;
	}
	return -1;
}

/* QEMU's error text: the "desc" string of an error answer, or the whole line. */
static void qmp_error_text(const char *line, char *err, size_t errlen)
{
	const char *d = strstr(line, "\"desc\"");
	const char *s = d ? strchr(d + 6, '"') : NULL;
	const char *e = s ? strchr(s + 1, '"') : NULL;

	if (s && e)
		snprintf(err, errlen, "%.*s", (int)(e - s - 1), s + 1);
	else
		snprintf(err, errlen, "%s", line);
}

int qmp_command(const char *path, const char *cmd, char *reply, size_t rlen, char *err,
		size_t errlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	static struct qmp_conn q;
	char line[QMP_LINE_MAX];
	int ret = -1, r;

	if (!path || strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen, "no QMP socket (serve --qmp PATH)");
		return -1;
	}
	memset(&q, 0, sizeof(q));
	q.deadline_ms = qmp_now_ms() + QMP_TIMEOUT_MS;
	q.fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (q.fd < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	strcpy(sa.sun_path, path);
	if (connect(q.fd, (struct sockaddr *)&sa, sizeof(sa))) {
		snprintf(err, errlen, "connect %s: %s", path, strerror(errno));
		goto out;
	}
	/* The greeting: {"QMP": {...}} */
	if (qmp_read_line(&q, line, sizeof(line)) || !strstr(line, "\"QMP\"")) {
		snprintf(err, errlen, "no QMP greeting");
		goto out;
	}
	if (qmp_exchange(&q, "{\"execute\":\"qmp_capabilities\"}", line, sizeof(line)) != 1) {
		snprintf(err, errlen, "qmp_capabilities not accepted");
		goto out;
	}
	r = qmp_exchange(&q, cmd, line, sizeof(line));
	if (r < 0) {
		snprintf(err, errlen, "no answer to %s within %d ms", cmd, QMP_TIMEOUT_MS);
		goto out;
	}
	if (reply)
		snprintf(reply, rlen, "%s", line);
	if (!r) {
		qmp_error_text(line, err, errlen);
		goto out;
	}
	ret = 0;
out:
	close(q.fd);
	return ret;
}
