// SPDX-License-Identifier: GPL-2.0-only
/*
 * vsock_cycles.c: a guest program for t_hvsock_soak.  `vsock_cycles PORT N` makes N
 * connections in turn to the host (CID 2) on vsock port PORT; on each it sends a short
 * numbered line, reads until it has the same line back (an echo service), shuts its
 * side down, reads the host's end of stream and closes.  One process does all N, so
 * the campaign measures connection set-up and teardown, not process start-up under
 * TCG.  Exits 0 if every cycle echoed exactly, 1 with the failing cycle and errno.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/vm_sockets.h>

static int fail(unsigned long i, const char *what)
{
	fprintf(stderr, "cycle %lu: %s: %s\n", i, what, strerror(errno));
	return 1;
}

static int one_cycle(unsigned int port, unsigned long i)
{
	struct sockaddr_vm a = {
		.svm_family = AF_VSOCK,
		.svm_cid = VMADDR_CID_HOST,
		.svm_port = port,
	};
	char line[32], back[32];
	size_t len, got = 0;
	ssize_t n;
	int fd;

	fd = socket(AF_VSOCK, SOCK_STREAM, 0);
	if (fd < 0)
		return fail(i, "socket");
	if (connect(fd, (struct sockaddr *)&a, sizeof(a))) {
		close(fd);
		return fail(i, "connect");
	}
	len = (size_t)snprintf(line, sizeof(line), "c%lu\n", i);
	if (write(fd, line, len) != (ssize_t)len) {
		close(fd);
		return fail(i, "write");
	}
	while (got < len) {
		n = read(fd, back + got, len - got);
		if (n <= 0) {
			if (!n)
				errno = EPIPE;
			close(fd);
			return fail(i, "read of the echo");
		}
		got += (size_t)n;
	}
	if (memcmp(line, back, len)) {
		errno = EBADMSG;
		close(fd);
		return fail(i, "echo differs");
	}
	if (shutdown(fd, SHUT_WR)) {
		close(fd);
		return fail(i, "shutdown");
	}
	/* The echo service ends its side once it has our end of stream. */
	n = read(fd, back, sizeof(back));
	if (n != 0) {
		if (n > 0)
			errno = EBADMSG;
		close(fd);
		return fail(i, "end of stream from the host");
	}
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long i, cycles;
	unsigned int port;

	if (argc != 3) {
		fprintf(stderr, "usage: vsock_cycles PORT N\n");
		return 2;
	}
	port = (unsigned int)strtoul(argv[1], NULL, 0);
	cycles = strtoul(argv[2], NULL, 0);
	for (i = 0; i < cycles; i++)
		if (one_cycle(port, i))
			return 1;
	printf("%lu cycles\n", cycles);
	return 0;
}
