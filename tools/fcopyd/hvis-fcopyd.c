// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvis-fcopyd: the host-to-guest file copy daemon.  It registers on
 * /dev/vmbus/hv_fcopy (upstream's pre-6.10 ABI: include/hvis/fcopy_abi.h) and serves the host's
 * copies (the operations of upstream's hv_fcopy_daemon / hv_fcopy_uio_daemon):
 *   START_FILE_COPY  path_name (a directory) + file_name; OVER_WRITE allows replacing
 *                    an existing file, CREATE_PATH creating the directory.  Data goes
 *                    to a hidden temporary file next to the target.
 *   WRITE_TO_FILE    a chunk at an offset: at most the current end of the data (no
 *                    holes) and inside the announced file size
 *   COMPLETE_FCOPY   fsync, then rename over the target (atomic replace)
 *   CANCEL_FCOPY     the temporary file is removed: nothing partial is left
 * Refused with an error status, changing nothing: a relative path or one with ".."
 * components, a file name with '/', an existing target without OVER_WRITE, a chunk
 * out of order or past the announced size, any operation out of sequence.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>
#include "../daemon_log.h"
#include "hvis/ic_proto.h"
#include "hvis/fcopy_abi.h"

#define FCOPY_DEV	"/dev/vmbus/hv_fcopy"

static volatile sig_atomic_t stop;

static struct {
	int fd;			/* the temporary file; -1 when no copy is open */
	char tmp[PATH_MAX];
	char target[PATH_MAX];
	u64 size;		/* announced */
	u64 written;		/* end of the data so far */
	bool overwrite;
} cp = { .fd = -1 };

/* A name field the driver filled with NUL-terminated UTF-8, copied to @out. */
static bool name_field(const char *p, char *out, size_t cap)
{
	const char *nul = memchr(p, '\0', W_MAX_PATH * sizeof(u16));

	if (!nul || (size_t)(nul - p) >= cap)
		return false;
	memcpy(out, p, nul - p + 1);
	return true;
}

/* An absolute directory path with no "." or ".." component. */
static bool safe_dir(const char *p)
{
	const char *s = p;

	if (p[0] != '/')
		return false;
	while (*s) {
		while (*s == '/')
			s++;
		if ((s[0] == '.' && (s[1] == '/' || !s[1])) ||
		    (s[0] == '.' && s[1] == '.' && (s[2] == '/' || !s[2])))
			return false;
		while (*s && *s != '/')
			s++;
	}
	return true;
}

static bool safe_name(const char *n)
{
	return n[0] && !strchr(n, '/') && strcmp(n, ".") && strcmp(n, "..");
}

static int mkdir_p(char *dir)
{
	char *s;

	for (s = dir + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(dir, 0755) && errno != EEXIST) {
			*s = '/';
			return -1;
		}
		*s = '/';
	}
	return mkdir(dir, 0755) && errno != EEXIST ? -1 : 0;
}

static void drop_copy(const char *why)
{
	if (cp.fd < 0)
		return;
	close(cp.fd);
	cp.fd = -1;
	if (unlink(cp.tmp))
		logmsg(LOG_ERR, "FCopy: removing %s failed: %m", cp.tmp);
	logmsg(LOG_INFO, "FCopy: copy to %s dropped (%s), partial data removed", cp.target, why);
}

static u32 start_copy(const struct hv_start_fcopy *m)
{
	char dir[PATH_MAX], name[NAME_MAX + 1];
	struct stat st;
	size_t dl;

	if (cp.fd >= 0) {
		logmsg(LOG_ERR, "FCopy: START_FILE_COPY while a copy to %s is open: refused",
		       cp.target);
		return HV_E_FAIL;
	}
	if (!name_field((const char *)m + offsetof(struct hv_start_fcopy, path_name), dir,
			sizeof(dir)) ||
	    !name_field((const char *)m + offsetof(struct hv_start_fcopy, file_name), name,
			sizeof(name))) {
		logmsg(LOG_ERR, "FCopy: START_FILE_COPY: unterminated or over-long name: refused");
		return HV_INVALIDARG;
	}
	dl = strlen(dir);
	while (dl > 1 && dir[dl - 1] == '/')
		dir[--dl] = '\0';
	if (!safe_dir(dir) || !safe_name(name)) {
		logmsg(LOG_ERR, "FCopy: START_FILE_COPY: unsafe path '%s' + '%s' refused", dir, name);
		return HV_INVALIDARG;
	}
	if ((m->copy_flags & CREATE_PATH) && mkdir_p(dir)) {
		logmsg(LOG_ERR, "FCopy: cannot create %s: %m", dir);
		return HV_E_FAIL;
	}
	if (snprintf(cp.target, sizeof(cp.target), "%s/%s", dl > 1 ? dir : "", name) >=
	    (int)sizeof(cp.target) ||
	    snprintf(cp.tmp, sizeof(cp.tmp), "%s/.%s.hvis-fcopy", dl > 1 ? dir : "", name) >=
	    (int)sizeof(cp.tmp)) {
		logmsg(LOG_ERR, "FCopy: path too long");
		return HV_INVALIDARG;
	}
	cp.overwrite = m->copy_flags & OVER_WRITE;
	if (!lstat(cp.target, &st) && !cp.overwrite) {
		logmsg(LOG_ERR, "FCopy: %s exists and the host did not ask to overwrite it",
		       cp.target);
		return HV_ERROR_ALREADY_EXISTS;
	}
	cp.fd = open(cp.tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (cp.fd < 0) {
		logmsg(LOG_ERR, "FCopy: cannot create %s: %m", cp.tmp);
		return errno == ENOSPC ? HV_ERROR_DISK_FULL : HV_E_FAIL;
	}
	cp.size = m->file_size;
	cp.written = 0;
	logmsg(LOG_INFO, "FCopy: receiving %s (%llu bytes%s)", cp.target,
	       (unsigned long long)cp.size, cp.overwrite ? ", overwrite" : "");
	return HV_S_OK;
}

static u32 write_chunk(const struct hv_do_fcopy *m)
{
	ssize_t n;

	if (cp.fd < 0) {
		logmsg(LOG_ERR, "FCopy: WRITE_TO_FILE with no copy open: refused");
		return HV_E_FAIL;
	}
	if (m->offset > cp.written || m->offset + m->size > cp.size) {
		logmsg(LOG_ERR, "FCopy: WRITE_TO_FILE at %llu+%u refused: data ends at %llu, file is %llu bytes",
		       (unsigned long long)m->offset, m->size, (unsigned long long)cp.written,
		       (unsigned long long)cp.size);
		return HV_INVALIDARG;
	}
	n = pwrite(cp.fd, m->data, m->size, (off_t)m->offset);
	if (n != (ssize_t)m->size) {
		logmsg(LOG_ERR, "FCopy: writing %s failed: %m", cp.tmp);
		return errno == ENOSPC ? HV_ERROR_DISK_FULL : HV_E_FAIL;
	}
	if (m->offset + m->size > cp.written)
		cp.written = m->offset + m->size;
	return HV_S_OK;
}

static u32 complete_copy(void)
{
	struct stat st;

	if (cp.fd < 0) {
		logmsg(LOG_ERR, "FCopy: COMPLETE_FCOPY with no copy open: refused");
		return HV_E_FAIL;
	}
	if (cp.written != cp.size) {
		logmsg(LOG_ERR, "FCopy: COMPLETE_FCOPY after %llu of %llu bytes",
		       (unsigned long long)cp.written, (unsigned long long)cp.size);
		drop_copy("incomplete");
		return HV_E_FAIL;
	}
	if (fsync(cp.fd)) {
		logmsg(LOG_ERR, "FCopy: fsync of %s failed: %m", cp.tmp);
		drop_copy("fsync failed");
		return HV_E_FAIL;
	}
	/* Checked again: the target may have appeared meanwhile. */
	if (!cp.overwrite && !lstat(cp.target, &st)) {
		logmsg(LOG_ERR, "FCopy: %s appeared during the copy; not overwritten", cp.target);
		drop_copy("target exists");
		return HV_ERROR_ALREADY_EXISTS;
	}
	if (rename(cp.tmp, cp.target)) {
		logmsg(LOG_ERR, "FCopy: rename to %s failed: %m", cp.target);
		drop_copy("rename failed");
		return HV_E_FAIL;
	}
	close(cp.fd);
	cp.fd = -1;
	logmsg(LOG_INFO, "FCopy: %s complete (%llu bytes)", cp.target,
	       (unsigned long long)cp.size);
	return HV_S_OK;
}

static void on_signal(int sig)
{
	stop = 1;
}

int main(int argc, char **argv)
{
	static u8 buf[16384];
	struct sigaction sa = { .sa_handler = on_signal };
	u32 version = FCOPY_CURRENT_VERSION, status;
	int fd, opt;
	ssize_t n;

	while ((opt = getopt(argc, argv, "nh")) != -1) {
		if (opt == 'n') {
			foreground = true;
		} else {
			fprintf(stderr, "usage: %s [-n]\n  -n  stay in the foreground, log to stderr\n",
				argv[0]);
			return opt == 'h' ? 0 : 2;
		}
	}
	if (!foreground) {
		openlog("hvis-fcopyd", LOG_PID, LOG_DAEMON);
		if (daemon(0, 0)) {
			perror("daemon");
			return 1;
		}
	}
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	fd = open(FCOPY_DEV, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		logmsg(LOG_ERR, "FCopy: open %s failed: %m", FCOPY_DEV);
		return 1;
	}
	if (write(fd, &version, sizeof(version)) != sizeof(version)) {
		logmsg(LOG_ERR, "FCopy: registration failed: %m");
		return 1;
	}
	/* The driver answers a version-1 registration with its own version. */
	n = read(fd, &version, sizeof(version));
	if (n != sizeof(version)) {
		logmsg(LOG_ERR, "FCopy: no version from the driver (%zd): %m", n);
		return 1;
	}
	logmsg(LOG_INFO, "FCopy: hvis-fcopyd registered, driver version %u; pid %d", version,
	       getpid());
	while (!stop) {
		const struct hv_fcopy_hdr *h = (const void *)buf;

		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < (ssize_t)sizeof(*h)) {
			logmsg(LOG_ERR, "FCopy: read failed (%zd): %m", n);
			break;
		}
		switch (h->operation) {
		case START_FILE_COPY:
			status = start_copy((const void *)buf);
			break;
		case WRITE_TO_FILE:
			status = write_chunk((const void *)buf);
			break;
		case COMPLETE_FCOPY:
			status = complete_copy();
			break;
		case CANCEL_FCOPY:
			drop_copy("host cancelled");
			status = HV_S_OK;
			break;
		default:
			logmsg(LOG_ERR, "FCopy: unknown operation %u", h->operation);
			status = HV_E_FAIL;
		}
		if (write(fd, &status, sizeof(status)) != sizeof(status)) {
			logmsg(LOG_ERR, "FCopy: answer failed: %m");
			break;
		}
	}
	drop_copy("daemon exiting");
	close(fd);
	return stop ? 0 : 1;
}
