// SPDX-License-Identifier: GPL-2.0-only
/*
 * ctl_client.c: `hvis-fakehost ctl COMMAND...`, the control socket's client: sends the
 * command as one line, reads the whole reply, prints the output on stdout after "ok"
 * (exit 0) or the error text and output on stderr (exit 1).  The server is ctl.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include "fakehost.h"
#include "ctl_reply.h"

#define CTL_LINE_MAX	1024	/* as the server reads it (ctl.c) */

int ctl_client(const char *path, int argc, char **argv)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	char line[CTL_LINE_MAX], buf[65536], *nl;
	size_t len = 0, off = 0, got = 0, cap = 0;
	char *all = NULL;
	int fd, i;

	for (i = 0; i < argc; i++) {
		int n = snprintf(line + len, sizeof(line) - len, "%s%s", i ? " " : "", argv[i]);

		if (n < 0 || (size_t)n >= sizeof(line) - len - 1) {
			fprintf(stderr, "hvis-fakehost ctl: command too long\n");
			return 1;
		}
		len += n;
	}
	line[len++] = '\n';
	if (strlen(path) >= sizeof(addr.sun_path)) {
		fprintf(stderr, "hvis-fakehost ctl: socket path too long\n");
		return 1;
	}
	strcpy(addr.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr))) {
		fprintf(stderr, "hvis-fakehost ctl: cannot connect to %s: %s\n", path,
			strerror(errno));
		return 1;
	}
	ctl_write_all(fd, line, len);
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (got + n + 1 > cap) {
			char *m;

			cap = (got + n + 1) * 2;
			m = realloc(all, cap);
			if (!m)
				break;
			all = m;
		}
		memcpy(all + got, buf, n);
		got += n;
	}
	close(fd);
	if (!all) {
		fprintf(stderr, "hvis-fakehost ctl: no reply\n");
		return 1;
	}
	all[got] = '\0';
	nl = strchr(all, '\n');
	off = nl ? (size_t)(nl - all) + 1 : got;
	if (!strncmp(all, "ok", 2) && (all[2] == '\n' || all[2] == '\0')) {
		fwrite(all + off, 1, got - off, stdout);
		free(all);
		return 0;
	}
	if (nl)
		*nl = '\0';
	fprintf(stderr, "hvis-fakehost ctl: %s\n", !strncmp(all, "error ", 6) ? all + 6 : all);
	fwrite(all + off, 1, got - off, stderr);
	free(all);
	return 1;
}
