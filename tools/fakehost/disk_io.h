/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * disk_io.h: asynchronous I/O against image files for the fake host's disks (one
 * process-wide engine).  Requests are submitted from the main thread; their
 * completions are signalled on disk_io_fd(), which the event loop polls, and
 * disk_io_reap() runs the done() callbacks on the main thread.
 */
#ifndef _FH_DISK_IO_H
#define _FH_DISK_IO_H

#include <sys/uio.h>
#include "hvis/types.h"

/*
 * 0 or -errno; safe to call more than once (later calls do nothing).  The engine is
 * io_uring, or a thread pool when HVIS_DISK_IO=threads is set or io_uring is not
 * available (docs/storvsc.md, "Fake host disk I/O", has the measurements).
 */
int disk_io_init(void);
/* "uring" or "threads" (after disk_io_init()). */
const char *disk_io_engine(void);
/* The fd to poll for EPOLLIN (completions ready); -1 before disk_io_init(). */
int disk_io_fd(void);
/* Runs the done() callback of every completed request, on the calling (main) thread. */
void disk_io_reap(void);
/* Blocks until at least one request completes (if any is in flight), then reaps. */
void disk_io_wait(void);
/* Waits for every request in flight, runs their callbacks, then frees the engine. */
void disk_io_uninit(void);

enum disk_io_op {
	DISK_IO_READ,		/* preadv */
	DISK_IO_WRITE,		/* pwritev (DISK_IO_F_FUA: data synced before completion) */
	DISK_IO_FLUSH,		/* fdatasync */
	DISK_IO_PUNCH,		/* fallocate(PUNCH_HOLE | KEEP_SIZE) of off..off+len */
};

#define DISK_IO_F_FUA	0x1

struct disk_io_req {
	/* in */
	int fd;
	u8 op;			/* enum disk_io_op */
	u8 flags;		/* DISK_IO_F_* */
	struct iovec *iov;	/* READ/WRITE: iovcnt entries; the engine advances them */
	u32 iovcnt;
	u64 off;		/* bytes */
	u64 len;		/* PUNCH: bytes; READ/WRITE: the sum of the iov lengths */
	/* out */
	int res;		/* bytes moved (READ/WRITE), 0 (FLUSH/PUNCH), or -errno */
	/* called once, from disk_io_reap() on the main thread */
	void (*done)(struct disk_io_req *r);
	void *ctx;
	/* the engine's */
	struct disk_io_req *next;
	u64 moved;		/* bytes moved so far (short transfers are resumed) */
};

/* Queues r; its done() runs from a later disk_io_reap().  0 or -errno (r not queued). */
int disk_io_submit(struct disk_io_req *r);
/* Requests submitted and not yet reaped. */
u32 disk_io_inflight(void);

#endif /* _FH_DISK_IO_H */
