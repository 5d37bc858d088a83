// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvis-vssd: the live-backup (VSS) daemon.  It registers on /dev/vmbus/hv_vss
 * (struct hv_vss_msg, VSS_OP_REGISTER1, then a 4-byte version back: the protocol of
 * drivers/hv/hv_snapshot.c and tools/hv/hv_vss_daemon.c) and answers the host:
 *   FREEZE      freezes every mounted, writable, freezable filesystem (FIFREEZE), the
 *               root last; if one fails, thaws the others and reports failure
 *   THAW        thaws what it froze (FITHAW)
 *   HOT_BACKUP  success
 * If the host never sends THAW, the filesystems are thawed after the -t timeout
 * (default 120 s); they are also thawed on SIGTERM/SIGINT and at start-up (after a
 * crash while frozen).  Logs go to stderr with -n, else to syslog; the daemon never
 * writes to a filesystem, so it cannot block on one it froze.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <mntent.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#include "../daemon_log.h"
#include "hvis/ic_proto.h"
#include "hvis/vss_abi.h"

#define VSS_DEV		"/dev/vmbus/hv_vss"
#define MAX_FS		256

static unsigned int thaw_timeout = 120;
static volatile sig_atomic_t stop;

struct frozen {
	char dir[256];
	dev_t dev;
};
static struct frozen frozen[MAX_FS];
static int nfrozen;

/* Filesystems that cannot or must not be frozen: no block device, or vfat (upstream). */
static bool freezable(const struct mntent *m)
{
	if (strncmp(m->mnt_fsname, "/dev/", 5))
		return false;
	if (hasmntopt(m, "ro"))
		return false;
	if (!strcmp(m->mnt_type, "vfat"))
		return false;
	return true;
}

static int fs_ioctl(const char *dir, unsigned long req)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc;

	if (fd < 0)
		return -errno;
	rc = ioctl(fd, req, 0) ? -errno : 0;
	close(fd);
	return rc;
}

/* Thaws everything frozen, newest first.  Returns the number that failed. */
static int thaw_all(const char *why)
{
	int bad = 0, rc;

	while (nfrozen > 0) {
		struct frozen *f = &frozen[--nfrozen];

		rc = fs_ioctl(f->dir, FITHAW);
		if (rc && rc != -EINVAL) {	/* EINVAL: not frozen (any more) */
			logmsg(LOG_ERR, "VSS: thaw of %s failed: %s", f->dir, strerror(-rc));
			bad++;
		} else {
			logmsg(LOG_INFO, "VSS: thawed %s (%s)", f->dir, why);
		}
	}
	return bad;
}

static bool seen(dev_t dev)
{
	int i;

	for (i = 0; i < nfrozen; i++)
		if (frozen[i].dev == dev)
			return true;
	return false;
}

static int freeze_one(const char *dir)
{
	struct stat st;
	int rc;

	if (stat(dir, &st) || seen(st.st_dev))
		return 0;		/* same filesystem mounted twice: once is enough */
	if (nfrozen == MAX_FS) {
		logmsg(LOG_ERR, "VSS: more than %d filesystems to freeze", MAX_FS);
		return -ENOSPC;
	}
	rc = fs_ioctl(dir, FIFREEZE);
	if (rc == -EBUSY)
		return 0;		/* already frozen (by someone else): leave it to them */
	if (rc == -EOPNOTSUPP) {
		logmsg(LOG_INFO, "VSS: %s cannot be frozen, skipped", dir);
		return 0;
	}
	if (rc) {
		logmsg(LOG_ERR, "VSS: freeze of %s failed: %s", dir, strerror(-rc));
		return rc;
	}
	snprintf(frozen[nfrozen].dir, sizeof(frozen[0].dir), "%s", dir);
	frozen[nfrozen].dev = st.st_dev;
	nfrozen++;
	logmsg(LOG_INFO, "VSS: froze %s", dir);
	return 0;
}

/* Freezes every freezable filesystem, "/" last; all or nothing. */
static int freeze_all(bool thaw_only)
{
	char dirs[MAX_FS][256];
	struct mntent *m;
	bool root = false;
	int n = 0, i, rc = 0;
	FILE *f = setmntent("/proc/mounts", "r");

	if (!f) {
		logmsg(LOG_ERR, "VSS: cannot read /proc/mounts: %s", strerror(errno));
		return -errno;
	}
	while ((m = getmntent(f))) {
		if (!freezable(m))
			continue;
		if (!strcmp(m->mnt_dir, "/")) {
			root = true;
			continue;
		}
		if (n < MAX_FS && strlen(m->mnt_dir) < sizeof(dirs[0]))
			snprintf(dirs[n++], sizeof(dirs[0]), "%s", m->mnt_dir);
	}
	endmntent(f);
	if (root && n < MAX_FS)
		snprintf(dirs[n++], sizeof(dirs[0]), "/");
	if (thaw_only) {
		/* Start-up: thaw whatever a previous run may have left frozen. */
		for (i = 0; i < n; i++)
			if (!fs_ioctl(dirs[i], FITHAW))
				logmsg(LOG_WARNING, "VSS: %s was left frozen; thawed", dirs[i]);
		return 0;
	}
	for (i = 0; i < n && !rc; i++)
		rc = freeze_one(dirs[i]);
	if (rc)
		thaw_all("freeze failed");
	return rc;
}

static void on_signal(int sig)
{
	stop = 1;
}

static void usage(const char *me)
{
	fprintf(stderr, "usage: %s [-n] [-t THAW_TIMEOUT_SECONDS]\n"
		"  -n  stay in the foreground, log to stderr\n"
		"  -t  thaw on our own if the host sends no THAW this long after FREEZE (120)\n", me);
}

int main(int argc, char **argv)
{
	struct hv_vss_msg msg;
	struct sigaction sa = { .sa_handler = on_signal };
	struct timespec frozen_at = { 0 }, now;
	u32 version;
	int fd, opt, timeout_ms;
	ssize_t n;

	while ((opt = getopt(argc, argv, "nt:h")) != -1) {
		switch (opt) {
		case 'n':
			foreground = true;
			break;
		case 't':
			thaw_timeout = (unsigned int)strtoul(optarg, NULL, 10);
			if (!thaw_timeout) {
				usage(argv[0]);
				return 2;
			}
			break;
		default:
			usage(argv[0]);
			return opt == 'h' ? 0 : 2;
		}
	}
	if (!foreground) {
		openlog("hvis-vssd", LOG_PID, LOG_DAEMON);
		if (daemon(0, 0)) {
			perror("daemon");
			return 1;
		}
	}
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	logmsg(LOG_INFO, "VSS: hvis-vssd starting; pid %d, auto-thaw after %u s", getpid(),
	       thaw_timeout);
	freeze_all(true);
	fd = open(VSS_DEV, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		logmsg(LOG_ERR, "VSS: open %s failed: %s", VSS_DEV, strerror(errno));
		return 1;
	}
	memset(&msg, 0, sizeof(msg));
	msg.vss_hdr.operation = VSS_OP_REGISTER1;
	if (write(fd, &msg, sizeof(msg)) != sizeof(msg) ||
	    read(fd, &version, sizeof(version)) != sizeof(version)) {
		logmsg(LOG_ERR, "VSS: registration failed: %s", strerror(errno));
		return 1;
	}
	logmsg(LOG_INFO, "VSS: registered; kernel module version %u", version);
	while (!stop) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int rc;

		timeout_ms = -1;
		if (nfrozen) {
			long ms;

			clock_gettime(CLOCK_MONOTONIC, &now);
			ms = (long)thaw_timeout * 1000 - ((now.tv_sec - frozen_at.tv_sec) * 1000 +
			      (now.tv_nsec - frozen_at.tv_nsec) / 1000000);
			if (ms <= 0) {
				logmsg(LOG_WARNING, "VSS: no THAW from the host within %u s; thawing on our own",
				       thaw_timeout);
				thaw_all("auto-thaw timeout");
				continue;
			}
			timeout_ms = (int)ms;
		}
		rc = poll(&p, 1, timeout_ms);
		if (rc < 0) {
			if (errno == EINTR)
				continue;
			logmsg(LOG_ERR, "VSS: poll failed: %s", strerror(errno));
			break;
		}
		if (rc == 0)
			continue;
		n = read(fd, &msg, sizeof(msg));
		if (n != sizeof(msg)) {
			if (n < 0 && errno == EINTR)
				continue;
			logmsg(LOG_ERR, "VSS: read failed (%zd): %s", n, strerror(errno));
			break;
		}
		switch (msg.vss_hdr.operation) {
		case VSS_OP_FREEZE:
			if (nfrozen)
				thaw_all("second FREEZE");
			rc = freeze_all(false);
			clock_gettime(CLOCK_MONOTONIC, &frozen_at);
			logmsg(rc ? LOG_ERR : LOG_INFO, "VSS: op=FREEZE: %s, %d filesystem(s) frozen",
			       rc ? "failed" : "succeeded", nfrozen);
			break;
		case VSS_OP_THAW:
			rc = thaw_all("host THAW") ? -EIO : 0;
			logmsg(rc ? LOG_ERR : LOG_INFO, "VSS: op=THAW: %s",
			       rc ? "failed" : "succeeded");
			break;
		case VSS_OP_HOT_BACKUP:
			rc = 0;
			logmsg(LOG_INFO, "VSS: op=HOT_BACKUP: succeeded");
			break;
		default:
			rc = -EINVAL;
			logmsg(LOG_ERR, "VSS: unknown operation %u", msg.vss_hdr.operation);
		}
		memset(&msg, 0, sizeof(msg));
		msg.error = rc ? (int)HV_E_FAIL : (int)HV_S_OK;
		if (write(fd, &msg, sizeof(msg)) != sizeof(msg)) {
			logmsg(LOG_ERR, "VSS: answer failed: %s", strerror(errno));
			break;
		}
	}
	thaw_all("daemon exiting");
	logmsg(LOG_INFO, "VSS: hvis-vssd exiting");
	close(fd);
	return stop ? 0 : 1;
}
