// SPDX-License-Identifier: GPL-2.0-only
/*
 * disk_io_bench.c: measures the fake host's disk I/O engine (disk_io.c) the way the
 * storvsp backend uses it: 4 KiB random reads or writes at a fixed queue depth, the
 * completions reaped on the main thread from the engine's eventfd.  Prints ops/s and
 * CPU time per operation (user + system of the whole process, io_uring's kernel
 * workers and the pool's threads included).
 *
 *   disk_io_bench FILE SIZE_MIB SECONDS          (HVIS_DISK_IO=threads for the pool)
 *
 * docs/storvsc.md "Fake host disk I/O" records the figures and the choice.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include "disk_io.h"

#define BS	4096

struct slot {
	struct disk_io_req r;
	struct iovec iov;
	u8 *buf;
};

static u64 nblocks, done_ops, errors, rng = 0x9e3779b97f4a7c15ull;
static bool running;
static int fd;
static u8 op;

static u64 next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void start(struct slot *s);

static void slot_done(struct disk_io_req *r)
{
	struct slot *s = r->ctx;

	if (r->res != BS)
		errors++;
	done_ops++;
	if (running)
		start(s);
}

static void start(struct slot *s)
{
	s->iov.iov_base = s->buf;
	s->iov.iov_len = BS;
	s->r.fd = fd;
	s->r.op = op;
	s->r.flags = 0;
	s->r.iov = &s->iov;
	s->r.iovcnt = 1;
	s->r.off = (next_rand() % nblocks) * BS;
	s->r.len = BS;
	s->r.done = slot_done;
	s->r.ctx = s;
	if (disk_io_submit(&s->r))
		errors++;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec +
	       ru.ru_stime.tv_usec / 1e6;
}

static void run(const char *name, u8 which, u32 depth, double secs)
{
	struct slot *slots = calloc(depth, sizeof(*slots));
	struct pollfd p = { .fd = disk_io_fd(), .events = POLLIN };
	double t0, c0, t, c;
	u32 i;

	op = which;
	done_ops = errors = 0;
	running = true;
	for (i = 0; i < depth; i++) {
		slots[i].buf = aligned_alloc(BS, BS);
		memset(slots[i].buf, 0x5a, BS);
	}
	t0 = now_s();
	c0 = cpu_s();
	for (i = 0; i < depth; i++)
		start(&slots[i]);
	while (now_s() - t0 < secs) {
		if (poll(&p, 1, 100) > 0)
			disk_io_reap();
	}
	running = false;
	while (disk_io_inflight())
		disk_io_wait();
	t = now_s() - t0;
	c = cpu_s() - c0;
	printf("%-7s %-5s qd=%-2u %9.0f ops/s  %6.2f us cpu/op  cpu %5.1f%%%s\n",
	       disk_io_engine(), name, depth, done_ops / t, c * 1e6 / (double)done_ops,
	       100.0 * c / t, errors ? "  ERRORS" : "");
	for (i = 0; i < depth; i++)
		free(slots[i].buf);
	free(slots);
}

int main(int argc, char **argv)
{
	u64 mib;
	double secs;
	u8 *buf;
	u64 i;
	int ret;

	if (argc != 4) {
		fprintf(stderr, "usage: disk_io_bench FILE SIZE_MIB SECONDS\n");
		return 2;
	}
	mib = strtoull(argv[2], NULL, 0);
	secs = strtod(argv[3], NULL);
	fd = open(argv[1], O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || !mib) {
		perror(argv[1]);
		return 1;
	}
	/* Fill the file so reads hit allocated pages, as on a used disk. */
	buf = malloc(1 << 20);
	memset(buf, 0xa5, 1 << 20);
	for (i = 0; i < mib; i++) {
		if (write(fd, buf, 1 << 20) != 1 << 20) {
			perror("write");
			return 1;
		}
	}
	free(buf);
	nblocks = (mib << 20) / BS;
	ret = disk_io_init();
	if (ret) {
		fprintf(stderr, "disk_io_init: %s\n", strerror(-ret));
		return 1;
	}
	run("read", DISK_IO_READ, 1, secs);
	run("read", DISK_IO_READ, 32, secs);
	run("write", DISK_IO_WRITE, 1, secs);
	run("write", DISK_IO_WRITE, 32, secs);
	disk_io_uninit();
	close(fd);
	unlink(argv[1]);
	return errors ? 1 : 0;
}
