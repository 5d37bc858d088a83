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
 *   CANCEL_FCOPY     the temporary file is removed: nothing partial is left (also when a
 *                    START comes while a copy is open: the host gave that one up)
 * Refused with an error status, changing nothing: a relative path or one with ".."
 * components, a file name with '/', an existing target without OVER_WRITE, a chunk
 * out of order or past the announced size, any operation out of sequence.
 *
 * Symbolic links: the destination directory is resolved once, at START, with no
 * symbolic link in any component (openat2 RESOLVE_NO_SYMLINKS, or O_NOFOLLOW one
 * component at a time; CREATE_PATH makes the missing ones with mkdirat), and kept
 * open; the temporary file is created (O_EXCL|O_NOFOLLOW) and renamed relative to
 * that directory.  So a local user who owns a directory on the host's path can
 * neither point it elsewhere (a link to /root/.ssh is refused: E_ACCESSDENIED) nor
 * redirect the copy by swapping path components before COMPLETE.
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
#include <sys/syscall.h>
#include <syslog.h>
#include <unistd.h>
#include "../daemon_log.h"
#include "hvis/ic_proto.h"
#include "hvis/fcopy_abi.h"

#ifdef __has_include
#if __has_include(<linux/openat2.h>)
#include <linux/openat2.h>
#endif
#endif
#ifndef RESOLVE_NO_SYMLINKS
/* include/uapi/linux/openat2.h (Linux 5.6) */
struct open_how {
	unsigned long long flags, mode, resolve;
};
#define RESOLVE_NO_MAGICLINKS	0x02
#define RESOLVE_NO_SYMLINKS	0x04
#endif
#ifndef SYS_openat2
#define SYS_openat2 437		/* arch/x86/entry/syscalls/syscall_64.tbl */
#endif

#define FCOPY_DEV	"/dev/vmbus/hv_fcopy"

static volatile sig_atomic_t stop;

static struct {
	int fd;			/* the temporary file; -1 when no copy is open */
	int dirfd;		/* its directory, resolved once at START */
	char tmp[NAME_MAX + 1];		/* names in dirfd */
	char name[NAME_MAX + 1];
	char target[PATH_MAX];		/* for log lines only */
	u64 size;		/* announced */
	u64 written;		/* end of the data so far */
	bool overwrite;
} cp = { .fd = -1, .dirfd = -1 };

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

/*
 * The absolute directory @dir opened (O_DIRECTORY) without following a symbolic
 * link anywhere on the way; missing components are made with @create.  -1 and errno
 * (ELOOP or ENOTDIR for a link) on failure.
 */
static int open_dir_nofollow(const char *dir, bool create)
{
	struct open_how how = {
		.flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC,
		.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	char comp[NAME_MAX + 1];
	const char *s = dir, *e;
	int fd, next;

	fd = (int)syscall(SYS_openat2, AT_FDCWD, dir, &how, sizeof(how));
	if (fd >= 0 || (errno != ENOSYS && errno != EPERM && !(errno == ENOENT && create)))
		return fd;
	/* No openat2 (or a seccomp filter), or components to create: one at a time. */
	fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	while (fd >= 0) {
		while (*s == '/')
			s++;
		if (!*s)
			return fd;
		e = strchrnul(s, '/');
		if ((size_t)(e - s) >= sizeof(comp)) {
			close(fd);
			errno = ENAMETOOLONG;
			return -1;
		}
		memcpy(comp, s, e - s);
		comp[e - s] = '\0';
		s = e;
		next = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0 && errno == ENOENT && create) {
			if (mkdirat(fd, comp, 0755) && errno != EEXIST) {
				close(fd);
				return -1;
			}
			next = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		}
		close(fd);
		fd = next;
	}
	return -1;
}

static void close_copy(void)
{
	close(cp.fd);
	cp.fd = -1;
	close(cp.dirfd);
	cp.dirfd = -1;
}

static void drop_copy(const char *why)
{
	if (cp.fd < 0)
		return;
	if (unlinkat(cp.dirfd, cp.tmp, 0))
		logmsg(LOG_ERR, "FCopy: removing %s in the directory of %s failed: %m", cp.tmp,
		       cp.target);
	close_copy();
	logmsg(LOG_INFO, "FCopy: copy to %s dropped (%s), partial data removed", cp.target, why);
}

static u32 start_copy(const struct hv_start_fcopy *m)
{
	char dir[PATH_MAX], name[NAME_MAX + 1];
	struct stat st;
	size_t dl;

	/*
	 * The host sends one request at a time, so a START while a copy is open means
	 * it gave that copy up without a CANCEL (its channel was reset, or it timed
	 * out): drop it, as hv_fcopy_daemon forgets it, rather than refuse every copy
	 * from now on.
	 */
	drop_copy("the host started another copy");
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
	if (snprintf(cp.target, sizeof(cp.target), "%s/%s", dl > 1 ? dir : "", name) >=
	    (int)sizeof(cp.target) ||
	    snprintf(cp.tmp, sizeof(cp.tmp), ".%s.hvis-fcopy", name) >= (int)sizeof(cp.tmp)) {
		logmsg(LOG_ERR, "FCopy: path too long");
		return HV_INVALIDARG;
	}
	snprintf(cp.name, sizeof(cp.name), "%s", name);
	cp.dirfd = open_dir_nofollow(dir, m->copy_flags & CREATE_PATH);
	if (cp.dirfd < 0) {
		if (errno == ELOOP || errno == ENOTDIR) {
			logmsg(LOG_ERR, "FCopy: START_FILE_COPY refused: %s has a symbolic link (or a non-directory) in its path",
			       dir);
			return HV_E_ACCESSDENIED;
		}
		logmsg(LOG_ERR, "FCopy: cannot open%s %s: %m",
		       m->copy_flags & CREATE_PATH ? " or create" : "", dir);
		return HV_E_FAIL;
	}
	cp.overwrite = m->copy_flags & OVER_WRITE;
	if (!fstatat(cp.dirfd, cp.name, &st, AT_SYMLINK_NOFOLLOW) && !cp.overwrite) {
		logmsg(LOG_ERR, "FCopy: %s exists and the host did not ask to overwrite it",
		       cp.target);
		close(cp.dirfd);
		cp.dirfd = -1;
		return HV_ERROR_ALREADY_EXISTS;
	}
	/* A leftover of a killed daemon, or a planted link: gone, then made anew. */
	unlinkat(cp.dirfd, cp.tmp, 0);
	cp.fd = openat(cp.dirfd, cp.tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
		       0644);
	if (cp.fd < 0) {
		u32 status = errno == ENOSPC ? HV_ERROR_DISK_FULL : HV_E_FAIL;

		logmsg(LOG_ERR, "FCopy: cannot create %s next to %s: %m", cp.tmp, cp.target);
		close(cp.dirfd);
		cp.dirfd = -1;
		return status;
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
		logmsg(LOG_ERR, "FCopy: writing %s failed: %m", cp.target);
		return errno == ENOSPC ? HV_ERROR_DISK_FULL : HV_E_FAIL;
	}
	if (m->offset + m->size > cp.written)
		cp.written = m->offset + m->size;
	return HV_S_OK;
}

static u32 complete_copy(void)
{
	struct stat st;
	int rc;

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
		logmsg(LOG_ERR, "FCopy: fsync of %s failed: %m", cp.target);
		drop_copy("fsync failed");
		return HV_E_FAIL;
	}
	/*
	 * In the directory opened at START, whatever its path is now.  Without
	 * OVER_WRITE a target that appeared meanwhile is kept (RENAME_NOREPLACE).
	 */
	if (cp.overwrite)
		rc = renameat(cp.dirfd, cp.tmp, cp.dirfd, cp.name);
	else
		rc = renameat2(cp.dirfd, cp.tmp, cp.dirfd, cp.name, RENAME_NOREPLACE);
	if (rc && errno == EINVAL && !cp.overwrite) {
		/* A filesystem without RENAME_NOREPLACE: check, then rename. */
		rc = fstatat(cp.dirfd, cp.name, &st, AT_SYMLINK_NOFOLLOW) ? 0 : -1;
		errno = EEXIST;
		if (!rc)
			rc = renameat(cp.dirfd, cp.tmp, cp.dirfd, cp.name);
	}
	if (rc && errno == EEXIST) {
		logmsg(LOG_ERR, "FCopy: %s appeared during the copy; not overwritten", cp.target);
		drop_copy("target exists");
		return HV_ERROR_ALREADY_EXISTS;
	}
	if (rc) {
		logmsg(LOG_ERR, "FCopy: rename to %s failed: %m", cp.target);
		drop_copy("rename failed");
		return HV_E_FAIL;
	}
	close_copy();
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
