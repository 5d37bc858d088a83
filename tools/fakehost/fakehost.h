/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fakehost.h: the running server's state, shared by the event loop (main.c) and the
 * control socket (ctl.c).
 */
#ifndef _FH_FAKEHOST_H
#define _FH_FAKEHOST_H

#include "events.h"
#include "guest_mem.h"
#include "link.h"
#include "vmbus_host.h"
#include "crash_log.h"

/* A `ctl wait-event` client parked until its event shows up or time runs out. */
struct ctl_waiter {
	struct ctl_waiter *next;
	int fd;
	char name[64];
	u64 since;
	u64 deadline_ms;
};

struct fakehost {
	struct vmbus_host host;
	struct link link;
	struct event_log ev;
	struct guest_mem mem;
	const char *ram_path;
	u64 ram_size;
	const char *ctl_path;
	int ctl_fd;
	int epfd;
	bool verbose;
	struct ctl_waiter *waiters;
	struct crash_log crash;
};

u64 fh_now_ms(void);

/* ctl.c: the control socket. */
int ctl_listen(struct fakehost *fh);
void ctl_accept(struct fakehost *fh);
/* Answers waiters whose event arrived or whose time ran out; returns ms to the next deadline. */
int ctl_check_waiters(struct fakehost *fh, u64 now_ms);
void ctl_close(struct fakehost *fh);
/* The `hvis-fakehost ctl` client. */
int ctl_client(const char *path, int argc, char **argv);

#endif /* _FH_FAKEHOST_H */
