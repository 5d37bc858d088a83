// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvis-phc: reads a PTP hardware clock (by default the one named "hyperv") and prints
 * its time and its offset from the system clock, measured with PTP_SYS_OFFSET the way
 * chrony's refclock PHC does.  A small, static test tool for the time-sync IC.
 *
 *   hvis-phc [-d /dev/ptpN] [-n SAMPLES]
 *   -> "dev=/dev/ptp0 phc=1700000000.123456789 offset_ns=-1234 delay_ns=5678"
 *      offset_ns: PHC minus system clock (midpoint of the two system reads) of the
 *      sample with the smallest delay.
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <linux/ptp_clock.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define CLOCKFD 3
#define FD_TO_CLOCKID(fd) ((clockid_t)((((unsigned int)~(fd)) << 3) | CLOCKFD))

static long long ns_of(const struct ptp_clock_time *t)
{
	return (long long)t->sec * 1000000000LL + t->nsec;
}

/* The /dev node of the PTP clock whose clock_name is "hyperv"; NULL if none. */
static const char *find_hyperv(char *buf, size_t len)
{
	glob_t g;
	size_t i;

	if (glob("/sys/class/ptp/ptp*/clock_name", 0, NULL, &g))
		return NULL;
	for (i = 0; i < g.gl_pathc; i++) {
		char name[64] = "";
		FILE *f = fopen(g.gl_pathv[i], "r");

		if (!f)
			continue;
		if (fgets(name, sizeof(name), f) && !strncmp(name, "hyperv", 6)) {
			const char *p = strstr(g.gl_pathv[i], "/ptp/") + 5;

			snprintf(buf, len, "/dev/%.*s", (int)(strchr(p, '/') - p), p);
			fclose(f);
			globfree(&g);
			return buf;
		}
		fclose(f);
	}
	globfree(&g);
	return NULL;
}

int main(int argc, char **argv)
{
	struct ptp_sys_offset off;
	const char *dev = NULL;
	long long best_off = 0, best_delay = -1;
	struct timespec ts;
	char buf[64];
	int fd, opt, n = 10;
	unsigned int i;

	while ((opt = getopt(argc, argv, "d:n:")) != -1) {
		if (opt == 'd')
			dev = optarg;
		else if (opt == 'n')
			n = atoi(optarg);
		else
			return fprintf(stderr, "usage: hvis-phc [-d /dev/ptpN] [-n SAMPLES]\n"), 2;
	}
	if (n < 1 || n > PTP_MAX_SAMPLES)
		n = PTP_MAX_SAMPLES;
	if (!dev)
		dev = find_hyperv(buf, sizeof(buf));
	if (!dev) {
		fprintf(stderr, "hvis-phc: no PTP clock named hyperv\n");
		return 1;
	}
	fd = open(dev, O_RDONLY);
	if (fd < 0) {
		fprintf(stderr, "hvis-phc: %s: %s\n", dev, strerror(errno));
		return 1;
	}
	if (clock_gettime(FD_TO_CLOCKID(fd), &ts)) {
		fprintf(stderr, "hvis-phc: reading %s: %s\n", dev, strerror(errno));
		return 1;
	}
	memset(&off, 0, sizeof(off));
	off.n_samples = n;
	if (ioctl(fd, PTP_SYS_OFFSET, &off)) {
		fprintf(stderr, "hvis-phc: PTP_SYS_OFFSET on %s: %s\n", dev, strerror(errno));
		return 1;
	}
	/* ts[] is sys, phc, sys, phc, ..., sys. */
	for (i = 0; i < off.n_samples; i++) {
		long long s1 = ns_of(&off.ts[2 * i]), p = ns_of(&off.ts[2 * i + 1]);
		long long s2 = ns_of(&off.ts[2 * i + 2]);

		if (best_delay < 0 || s2 - s1 < best_delay) {
			best_delay = s2 - s1;
			best_off = p - (s1 + (s2 - s1) / 2);
		}
	}
	printf("dev=%s phc=%lld.%09ld offset_ns=%lld delay_ns=%lld\n", dev, (long long)ts.tv_sec,
	       ts.tv_nsec, best_off, best_delay);
	close(fd);
	return 0;
}
