/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * dm_dev.h: the Dynamic Memory backend's private state, shared by its four files:
 * dev_dm.c (lifecycle, channel drain, the DM protocol state machine and its table of
 * guest messages), dm_requests.c (the host's balloon, unballoon and hot-add requests:
 * sending them, taking their answers, the unanswered-request timeout), dm_policy.c
 * (the fixed and dynamic policies: which request to send next) and dm_ctl.c
 * (`ctl memory`, `ctl dm` and the `dm inject` requests).  Nothing outside those files
 * includes it; the rest of the fake host sees dev_dm.h.
 */
#ifndef _FH_DM_DEV_H
#define _FH_DM_DEV_H

#include "dev_dm.h"
#include "dm_msg.h"

#define PG		4096ull
#define MIB_PAGES	256ull
#define DM_TIMEOUT_MS	60000u		/* default: a transaction the guest leaves unanswered */
#define DM_RETRY_MS	5000u		/* after a partial answer, before trying again */
#define DM_HA_ATTEMPTS	3u		/* failed hot-adds before the host stops trying */
#define DM_SHRINK_MS	5000u		/* dynamic: a lower target holds this long first */

enum dm_policy { POL_FIXED, POL_DYNAMIC };
enum dm_pending { P_NONE, P_BALLOON, P_UNBALLOON, P_HOT_ADD };

extern const char *const dm_pending_names[];

/*
 * The protocol state of an open connection (dev_dm.c): a version is agreed, then the
 * guest's capabilities; only then does the host send requests.
 */
enum dm_state { DM_OPEN, DM_NEGOTIATED, DM_READY };

extern const char *const dm_state_names[];

struct dm_dev {
	/* configuration: kept across guest connections (sizes in 4 KiB pages) */
	u64 startup;		/* memory the guest boots with; 0: all of the RAM file */
	enum dm_policy policy;
	u64 target;		/* fixed policy; 0: startup */
	u64 min, max;		/* dynamic policy; max 0: the RAM file */
	u32 buffer;		/* dynamic policy: percent above committed */
	u32 versions[4];	/* protocol versions the host accepts */
	u32 nversions;
	bool hot_add;		/* the host may hot-add */
	u64 batch;		/* largest balloon or hot-add request */
	u64 timeout_ms;		/* how long a request may stay unanswered */

	/* the open channel and the protocol state of this connection */
	struct host_channel *ch;
	u32 version;
	bool negotiated, caps_done;
	u64 caps;
	char tried[64];		/* versions the guest asked for, refused */
	u64 status_reports, avail, committed;
	bool stale;		/* a transaction ended after the last status report */
	u64 shrink_ms;		/* dynamic: when the target fell below assigned; 0: not */
	u64 ballooned;
	/*
	 * Memory hot-added in this VM: it stays in the guest when the channel closes
	 * (driver reload, VMBus reset), so it is kept until a new VM (vm_gen) starts.
	 */
	u64 hot_added;
	u64 ha_base;		/* hot_added when this channel opened */
	u32 vm_gen;
	u64 *ranges;		/* ballooned ranges as the guest reported them (LIFO) */
	u32 nranges, cap_ranges;
	u8 *bitmap;		/* ballooned pages, by RAM-file page */
	u64 file_pages;

	enum dm_pending pending;
	enum dm_pending late;	/* timed out; its answer may still come */
	bool injected;		/* the pending transaction came from `dm inject` */
	bool late_answer;	/* the answer being handled is a late one */
	u64 timeouts;
	enum dm_pending last_timeout;
	u64 ha_last_start, ha_last_pages, ha_last_region;	/* the last hot-add request */
	u64 pending_ms, req_pages, got_pages, unb_pages;
	u32 resp_msgs, unb_from;
	u64 ha_start;
	u64 retry_ms;
	u32 ha_failures;
	bool ha_stopped, ha_unsupported_logged;
	u32 trans;
	u64 balloon_ops, unballoon_ops, hot_add_ops;
};

/* Pages a pump's balloon request asks for (dev_dm.c dm_pump). */
#define DM_PUMP_PAGES	16

static inline struct dm_dev *dm_of(struct host_channel *ch)
{
	return ch->dev->priv;
}

/* Pages in the guest-RAM file; 0 if there is none. */
static inline u64 ram_pages(const struct vmbus_host *h)
{
	return h->mem && h->mem->fd >= 0 ? h->mem->size / PG : 0;
}

static inline u64 startup_of(const struct dm_dev *d, const struct vmbus_host *h)
{
	u64 all = ram_pages(h);

	return d->startup && (d->startup < all || !all) ? d->startup : all;
}

/* The guest's memory now: startup + hot-added - ballooned. */
static inline u64 assigned(const struct dm_dev *d, const struct vmbus_host *h)
{
	return startup_of(d, h) + d->hot_added - d->ballooned;
}

static inline enum dm_state dm_state(const struct dm_dev *d)
{
	return d->caps_done ? DM_READY : d->negotiated ? DM_NEGOTIATED : DM_OPEN;
}

static inline u64 mib(u64 pages)
{
	return pages / MIB_PAGES;
}

/* ---- dev_dm.c ---- */

/* A DM_GUEST_ERROR event naming @what. */
void dm_error(struct dm_dev *d, struct vmbus_host *h, const char *what, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Fills in the DM header of @msg and sends it in-band; 0 or the send's error. */
int dm_send(struct host_channel *ch, void *msg, u16 type, u32 len, u32 trans_id);

/* ---- dm_requests.c ---- */

/*
 * Whether an answer of this kind belongs to a transaction: the pending one, or one
 * that timed out when nothing was sent since (then it becomes the pending one again,
 * answered late).
 */
bool dm_answer_expected(struct dm_dev *d, enum dm_pending kind);
void dm_on_balloon_response(struct host_channel *ch, const void *msg);
void dm_on_unballoon_response(struct host_channel *ch, const void *msg);
void dm_on_hot_add_response(struct host_channel *ch, const void *msg);
int dm_send_balloon(struct host_channel *ch, u64 pages, bool injected);
/* Returns whole ranges, newest first, until at least @want pages; -ENOENT if none. */
int dm_send_unballoon(struct host_channel *ch, u64 want);
/* An UNBALLOON_REQUEST of ranges the host did not take from the guest (`dm inject`). */
int dm_send_unballoon_injected(struct host_channel *ch, const u64 *ranges, u32 n);
int dm_send_hot_add(struct host_channel *ch, u64 pfn, u64 pages, u64 region, bool injected);
/* Where hot-add continues (see dm_requests.c); false if the RAM file is all used. */
bool dm_ha_next(const struct dm_dev *d, const struct vmbus_host *h, u64 *pfn, u64 *room,
		u64 *seg_start);
/* Ends the pending request if it has waited too long; true while one is pending. */
bool dm_pending_tick(struct host_channel *ch, u64 now_ms);

/* ---- dm_policy.c ---- */

/* The assigned memory the policy wants now, in pages. */
u64 dm_target(const struct dm_dev *d, const struct vmbus_host *h);
/* With nothing pending: the balloon, unballoon or hot-add request the policy wants. */
void dm_policy_tick(struct host_channel *ch, u64 now_ms);
void dm_kick(struct dm_dev *d);

#endif /* _FH_DM_DEV_H */
