/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fd_watch.h: file descriptors a device backend wants the event loop to watch (the
 * NIC's TAP queues, hvsock's unix sockets).  A backend registers an fd with a callback; main.c's epoll loop
 * calls it when the fd is readable.  Without an event loop (the unit tests) the
 * registry only records, and nothing is called.
 */
#ifndef _FH_FD_WATCH_H
#define _FH_FD_WATCH_H

#include <stdbool.h>

/* The tag in the high 32 bits of a watched fd's epoll data (main.c's tags are below). */
#define FD_WATCH_TAG	16u

typedef void (*fd_watch_cb)(void *ctx, int fd);

/* The event loop's epoll fd; -1 (the default): none, registrations are only kept. */
void fd_watch_init(int epfd);
/* Watches fd for input; 0 or a negative errno (table full, epoll_ctl failed). */
int fd_watch_add(int fd, fd_watch_cb cb, void *ctx);
/* Stops watching fd (before it is closed). */
void fd_watch_del(int fd);
/* Pauses (false) or resumes (true) input on a watched fd: backpressure. */
void fd_watch_input(int fd, bool on);
/*
 * Sets both interests: input, and output (the callback runs when fd is writable).
 * A hang-up or error is reported whatever they are.
 */
void fd_watch_set(int fd, bool in, bool out);
/* Called by the loop for a readable fd; false if the fd is not registered. */
bool fd_watch_dispatch(int fd);

#endif /* _FH_FD_WATCH_H */
