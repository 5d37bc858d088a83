// SPDX-License-Identifier: GPL-2.0-only
/*
 * disk_io.c: the fake host's asynchronous disk I/O engine (disk_io.h).  Two back ends
 * behind one queue interface:
 *  - io_uring (liburing): one ring; completions raise an eventfd registered with the
 *    ring; disk_io_reap() drains the completion queue on the main thread.
 *  - a thread pool: workers run preadv/pwritev2/fdatasync/fallocate and push finished
 *    requests on a list, then write the eventfd.
 * Both resume short transfers and split requests with more iovecs than one system call
 * takes, so a request completes with every byte moved or an error.  io_uring is the
 * default (measured, docs/storvsc.md "Fake host disk I/O"); HVIS_DISK_IO=threads selects
 * the pool, which is also the fallback when io_uring cannot be set up.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/uio.h>
#include <unistd.h>
#include "disk_io.h"

/* include/uapi/linux/uio.h: UIO_MAXIOV, the most iovecs one readv/writev takes. */
#define DIO_MAX_IOV	1024
#define DIO_RING_DEPTH	256	/* submission queue entries; the CQ is twice that */
#define DIO_THREADS	16

enum dio_engine { DIO_NONE, DIO_URING, DIO_THREADS_POOL };

static struct {
	enum dio_engine engine;
	int efd;
	u32 inflight;		/* submitted and not yet reaped (main thread only) */
	/* io_uring */
	struct io_uring ring;
	u32 in_ring;		/* requests whose SQE is in the ring */
	struct disk_io_req *backlog, **backlog_tail;	/* waiting for room in the ring */
	/* thread pool */
	pthread_t threads[DIO_THREADS];
	u32 nthreads;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool stopping;
	struct disk_io_req *queue, **queue_tail;	/* to run */
	struct disk_io_req *finished;	/* done, for disk_io_reap() (LIFO; reversed there) */
} dio = { .efd = -1 };

/* ---- shared helpers ---- */

static u32 seg_iovcnt(const struct disk_io_req *r)
{
	return r->iovcnt < DIO_MAX_IOV ? r->iovcnt : DIO_MAX_IOV;
}

/* Skips n bytes of r's iovecs (after a partial transfer) and moves the offset on. */
static void req_advance(struct disk_io_req *r, size_t n)
{
	r->off += n;
	r->moved += n;
	while (n && r->iovcnt) {
		if (n < r->iov->iov_len) {
			r->iov->iov_base = (u8 *)r->iov->iov_base + n;
			r->iov->iov_len -= n;
			return;
		}
		n -= r->iov->iov_len;
		r->iov++;
		r->iovcnt--;
	}
	/* Drop empty entries so the next segment starts with bytes to move. */
	while (r->iovcnt && !r->iov->iov_len) {
		r->iov++;
		r->iovcnt--;
	}
}

/*
 * Accounts one system call's result for r.  True when r is finished (r->res set),
 * false when bytes remain and another call must run.
 */
static bool req_account(struct disk_io_req *r, long res)
{
	if (r->op == DISK_IO_FLUSH || r->op == DISK_IO_PUNCH) {
		r->res = res < 0 ? (int)res : 0;
		return true;
	}
	if (res < 0) {
		r->res = (int)res;
		return true;
	}
	if (res == 0 && r->moved < r->len) {
		r->res = -EIO;		/* end of file inside the disk: the image shrank */
		return true;
	}
	req_advance(r, (size_t)res);
	if (r->moved >= r->len || !r->iovcnt) {
		r->res = (int)(r->moved > 0x7fffffff ? 0x7fffffff : r->moved);
		return true;
	}
	return false;
}

/* ---- io_uring ---- */

static bool uring_prep(struct disk_io_req *r)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&dio.ring);

	if (!sqe) {
		io_uring_submit(&dio.ring);
		sqe = io_uring_get_sqe(&dio.ring);
		if (!sqe)
			return false;
	}
	switch (r->op) {
	case DISK_IO_READ:
		io_uring_prep_readv(sqe, r->fd, r->iov, seg_iovcnt(r), r->off);
		break;
	case DISK_IO_WRITE:
		io_uring_prep_writev(sqe, r->fd, r->iov, seg_iovcnt(r), r->off);
		if (r->flags & DISK_IO_F_FUA)
			sqe->rw_flags = RWF_DSYNC;
		break;
	case DISK_IO_FLUSH:
		io_uring_prep_fsync(sqe, r->fd, IORING_FSYNC_DATASYNC);
		break;
	case DISK_IO_PUNCH:
		io_uring_prep_fallocate(sqe, r->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
					(off_t)r->off, (off_t)r->len);
		break;
	}
	io_uring_sqe_set_data(sqe, r);
	dio.in_ring++;
	return true;
}

/* Moves backlogged requests into the ring while the completion queue has room. */
static void uring_feed(void)
{
	bool any = false;

	while (dio.backlog && dio.in_ring < 2 * DIO_RING_DEPTH) {
		struct disk_io_req *r = dio.backlog;

		if (!uring_prep(r))
			break;
		dio.backlog = r->next;
		if (!dio.backlog)
			dio.backlog_tail = &dio.backlog;
		any = true;
	}
	if (any)
		io_uring_submit(&dio.ring);
}

static void uring_queue(struct disk_io_req *r)
{
	r->next = NULL;
	*dio.backlog_tail = r;
	dio.backlog_tail = &r->next;
}

static int uring_init(void)
{
	int ret = io_uring_queue_init(DIO_RING_DEPTH, &dio.ring, 0);

	if (ret)
		return ret;
	ret = io_uring_register_eventfd(&dio.ring, dio.efd);
	if (ret) {
		io_uring_queue_exit(&dio.ring);
		return ret;
	}
	dio.backlog = NULL;
	dio.backlog_tail = &dio.backlog;
	return 0;
}

/* Collects finished requests from the completion queue into a list (in order). */
static struct disk_io_req *uring_collect(void)
{
	struct disk_io_req *head = NULL, **tail = &head;
	struct io_uring_cqe *cqe;
	bool resubmit = false;

	while (io_uring_peek_cqe(&dio.ring, &cqe) == 0) {
		struct disk_io_req *r = io_uring_cqe_get_data(cqe);
		long res = cqe->res;

		io_uring_cqe_seen(&dio.ring, cqe);
		dio.in_ring--;
		if (res == -EAGAIN || res == -EINTR) {
			uring_queue(r);	/* try again as it was */
			resubmit = true;
			continue;
		}
		if (!req_account(r, res)) {
			uring_queue(r);	/* the rest of a short or split transfer */
			resubmit = true;
			continue;
		}
		r->next = NULL;
		*tail = r;
		tail = &r->next;
	}
	if (resubmit || dio.backlog)
		uring_feed();
	return head;
}

/* ---- thread pool ---- */

static void pool_run(struct disk_io_req *r)
{
	long res;

	for (;;) {
		switch (r->op) {
		case DISK_IO_READ:
			res = preadv(r->fd, r->iov, (int)seg_iovcnt(r), (off_t)r->off);
			break;
		case DISK_IO_WRITE:
			res = pwritev2(r->fd, r->iov, (int)seg_iovcnt(r), (off_t)r->off,
				       r->flags & DISK_IO_F_FUA ? RWF_DSYNC : 0);
			break;
		case DISK_IO_FLUSH:
			res = fdatasync(r->fd);
			break;
		case DISK_IO_PUNCH:
		default:
			res = fallocate(r->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
					(off_t)r->off, (off_t)r->len);
			break;
		}
		if (res < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			res = -errno;
		}
		if (req_account(r, res))
			return;
	}
}

static void *pool_worker(void *arg __attribute__((unused)))
{
	u64 one = 1;

	pthread_mutex_lock(&dio.lock);
	for (;;) {
		struct disk_io_req *r;

		while (!dio.queue && !dio.stopping)
			pthread_cond_wait(&dio.cond, &dio.lock);
		if (!dio.queue)
			break;
		r = dio.queue;
		dio.queue = r->next;
		if (!dio.queue)
			dio.queue_tail = &dio.queue;
		pthread_mutex_unlock(&dio.lock);

		pool_run(r);

		pthread_mutex_lock(&dio.lock);
		r->next = dio.finished;
		dio.finished = r;
		pthread_mutex_unlock(&dio.lock);
		if (write(dio.efd, &one, sizeof(one)) < 0) {
			/* the counter cannot overflow at our rates; nothing to do */
		}
		pthread_mutex_lock(&dio.lock);
	}
	pthread_mutex_unlock(&dio.lock);
	return NULL;
}

static int pool_init(void)
{
	u32 i;

	pthread_mutex_init(&dio.lock, NULL);
	pthread_cond_init(&dio.cond, NULL);
	dio.queue = NULL;
	dio.queue_tail = &dio.queue;
	dio.finished = NULL;
	dio.stopping = false;
	for (i = 0; i < DIO_THREADS; i++) {
		if (pthread_create(&dio.threads[i], NULL, pool_worker, NULL))
			break;
	}
	dio.nthreads = i;
	if (!i) {
		pthread_cond_destroy(&dio.cond);
		pthread_mutex_destroy(&dio.lock);
		return -EAGAIN;
	}
	return 0;
}

static struct disk_io_req *pool_collect(void)
{
	struct disk_io_req *lifo, *head = NULL;

	pthread_mutex_lock(&dio.lock);
	lifo = dio.finished;
	dio.finished = NULL;
	pthread_mutex_unlock(&dio.lock);
	while (lifo) {		/* reverse: callbacks run in completion order */
		struct disk_io_req *r = lifo;

		lifo = r->next;
		r->next = head;
		head = r;
	}
	return head;
}

/* ---- the interface ---- */

int disk_io_init(void)
{
	const char *want = getenv("HVIS_DISK_IO");
	int ret;

	if (dio.engine != DIO_NONE)
		return 0;
	dio.efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (dio.efd < 0)
		return -errno;
	dio.inflight = 0;
	if (!want || strcmp(want, "threads")) {
		if (!uring_init()) {
			dio.engine = DIO_URING;
			return 0;
		}
	}
	ret = pool_init();
	if (ret) {
		close(dio.efd);
		dio.efd = -1;
		return ret;
	}
	dio.engine = DIO_THREADS_POOL;
	return 0;
}

const char *disk_io_engine(void)
{
	switch (dio.engine) {
	case DIO_URING:
		return "uring";
	case DIO_THREADS_POOL:
		return "threads";
	default:
		return "none";
	}
}

int disk_io_fd(void)
{
	return dio.efd;
}

u32 disk_io_inflight(void)
{
	return dio.inflight;
}

int disk_io_submit(struct disk_io_req *r)
{
	if (dio.engine == DIO_NONE)
		return -ENODEV;
	if (r->op > DISK_IO_PUNCH || ((r->op == DISK_IO_READ || r->op == DISK_IO_WRITE) &&
				      (!r->iovcnt || !r->len)))
		return -EINVAL;
	r->moved = 0;
	r->res = 0;
	r->next = NULL;
	dio.inflight++;
	if (dio.engine == DIO_URING) {
		uring_queue(r);
		uring_feed();
		return 0;
	}
	pthread_mutex_lock(&dio.lock);
	*dio.queue_tail = r;
	dio.queue_tail = &r->next;
	pthread_cond_signal(&dio.cond);
	pthread_mutex_unlock(&dio.lock);
	return 0;
}

void disk_io_reap(void)
{
	struct disk_io_req *list, *r;
	u64 cnt;

	if (dio.engine == DIO_NONE)
		return;
	/* Clear the eventfd first: a completion after this raises it again. */
	if (read(dio.efd, &cnt, sizeof(cnt)) < 0 && errno != EAGAIN) {
		/* nothing to clear */
	}
	list = dio.engine == DIO_URING ? uring_collect() : pool_collect();
	/* The list is private now: a callback may submit, reap or wait again. */
	while (list) {
		r = list;
		list = r->next;
		r->next = NULL;
		dio.inflight--;
		r->done(r);
	}
}

void disk_io_wait(void)
{
	struct pollfd p = { .fd = dio.efd, .events = POLLIN };

	if (dio.engine == DIO_NONE || !dio.inflight)
		return;
	while (poll(&p, 1, -1) < 0 && errno == EINTR)
		;
	disk_io_reap();
}

void disk_io_uninit(void)
{
	u32 i;

	if (dio.engine == DIO_NONE)
		return;
	while (dio.inflight)
		disk_io_wait();
	if (dio.engine == DIO_URING) {
		io_uring_queue_exit(&dio.ring);
	} else {
		pthread_mutex_lock(&dio.lock);
		dio.stopping = true;
		pthread_cond_broadcast(&dio.cond);
		pthread_mutex_unlock(&dio.lock);
		for (i = 0; i < dio.nthreads; i++)
			pthread_join(dio.threads[i], NULL);
		pthread_cond_destroy(&dio.cond);
		pthread_mutex_destroy(&dio.lock);
	}
	close(dio.efd);
	dio.efd = -1;
	dio.engine = DIO_NONE;
}
