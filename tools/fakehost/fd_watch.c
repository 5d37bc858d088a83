// SPDX-License-Identifier: GPL-2.0-only
/*
 * fd_watch.c: the registry of device fds (fd_watch.h) and their epoll registration.
 * The epoll data of a watched fd is (FD_WATCH_TAG << 32) | fd, so main.c tells them
 * from its own fds and hands them to fd_watch_dispatch().
 */
#include <errno.h>
#include <sys/epoll.h>
#include "fd_watch.h"
#include "hvis/types.h"

#define FD_WATCH_MAX	1024	/* TAP queues, hvsock sockets (100s of connections) */

static struct {
	int fd;
	fd_watch_cb cb;
	void *ctx;
	bool in, out;
} watches[FD_WATCH_MAX];
static int watch_epfd = -1;

static int epoll_set(int op, int fd, bool in, bool out);

void fd_watch_init(int epfd)
{
	int i;

	watch_epfd = epfd;
	for (i = 0; i < FD_WATCH_MAX; i++)
		if (watches[i].cb)
			epoll_set(EPOLL_CTL_ADD, watches[i].fd, watches[i].in, watches[i].out);
}

static int slot_of(int fd)
{
	int i;

	for (i = 0; i < FD_WATCH_MAX; i++)
		if (watches[i].cb && watches[i].fd == fd)
			return i;
	return -1;
}

static int epoll_set(int op, int fd, bool in, bool out)
{
	struct epoll_event e = { .events = (in ? EPOLLIN : 0) | (out ? EPOLLOUT : 0),
				 .data.u64 = ((u64)FD_WATCH_TAG << 32) | (u32)fd };

	if (watch_epfd < 0)
		return 0;
	return epoll_ctl(watch_epfd, op, fd, &e) ? -errno : 0;
}

int fd_watch_add(int fd, fd_watch_cb cb, void *ctx)
{
	int i, ret;

	if (fd < 0 || !cb || slot_of(fd) >= 0)
		return -EINVAL;
	for (i = 0; i < FD_WATCH_MAX; i++)
		if (!watches[i].cb)
			break;
	if (i == FD_WATCH_MAX)
		return -ENOSPC;
	ret = epoll_set(EPOLL_CTL_ADD, fd, true, false);
	if (ret)
		return ret;
	watches[i].fd = fd;
	watches[i].cb = cb;
	watches[i].ctx = ctx;
	watches[i].in = true;
	watches[i].out = false;
	return 0;
}

void fd_watch_del(int fd)
{
	int i = slot_of(fd);

	if (i < 0)
		return;
	epoll_set(EPOLL_CTL_DEL, fd, false, false);
	watches[i].cb = NULL;
	watches[i].fd = -1;
}

void fd_watch_input(int fd, bool on)
{
	int i = slot_of(fd);

	if (i < 0)
		return;
	if (watches[i].in != on)
		epoll_set(EPOLL_CTL_MOD, fd, on, watches[i].out);
	watches[i].in = on;
}

void fd_watch_set(int fd, bool in, bool out)
{
	int i = slot_of(fd);

	if (i < 0)
		return;
	if (watches[i].in != in || watches[i].out != out)
		epoll_set(EPOLL_CTL_MOD, fd, in, out);
	watches[i].in = in;
	watches[i].out = out;
}

bool fd_watch_dispatch(int fd)
{
	int i = slot_of(fd);

	if (i < 0)
		return false;
	watches[i].cb(watches[i].ctx, fd);
	return true;
}
