/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ic.h: the integration-component framework that hvis_ic.ko gives each IC driver:
 * it opens the channel, answers version negotiation, validates every packet and
 * sends the reply; a service only fills in its answer to its own message type.
 */
#ifndef _HVIS_IC_H
#define _HVIS_IC_H

#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <hvis/vmbus.h>
#include "ic_msg.h"

struct hvis_ic;

struct hvis_ic_service {
	const char *name;			/* "Heartbeat": used in log lines */
	u16 msgtype;				/* ICMSGTYPE_* this service answers */
	const struct ic_version *versions;	/* message versions, newest first */
	unsigned int n_versions;
	u32 min_data_len;			/* bytes its message needs after the IC header */
	/*
	 * Answers one request in place (softirq context, must not sleep).  Returns the
	 * IC status for the host (HV_S_OK or HV_E_FAIL), or HVIS_IC_DEFER when the
	 * service copied the packet (ic->len bytes at ic->buf, ic->trans_id) and answers
	 * later with hvis_ic_reply().
	 */
	u32 (*handle)(struct hvis_ic *ic, struct hvis_ic_view *msg);
	/*
	 * (optional) True while the host's version negotiation should wait, e.g. KVP
	 * until its daemon registers, so that the host's first requests are not failed.
	 * The framework keeps the request and answers it when the service calls
	 * hvis_ic_release_negotiation() or after *hold_secs seconds.
	 */
	bool (*hold_negotiation)(struct hvis_ic *ic);
	const unsigned int *hold_secs;
};

/* handle()'s "no reply now" answer; never a status on the wire. */
#define HVIS_IC_DEFER	0xffffffffu

struct hvis_ic {
	struct hvis_device *dev;
	const struct hvis_ic_service *svc;
	struct ic_version fw;			/* negotiated framework version */
	struct ic_version srv;			/* negotiated service version */
	bool negotiated;
	void *priv;				/* the service's own state */
	u8 *buf;				/* one received packet */
	u32 len;				/* its length */
	u64 trans_id;				/* and its transaction id */
	/* A held negotiate request (hold_negotiation), under hold_lock. */
	spinlock_t hold_lock;
	u8 *held;
	u32 held_len;
	u64 held_trans_id;
	bool hold_expired;			/* held once already: do not hold again */
	bool dying;				/* being removed: answer nothing more */
	struct delayed_work hold_work;
};

int hvis_ic_probe(struct hvis_device *dev, const struct hvis_ic_service *svc, void *priv);
void hvis_ic_remove(struct hvis_device *dev);

/*
 * Sends a deferred answer: @pkt is a copy of the request (@len bytes, as received,
 * with @trans_id); its IC header gets the response flags and @status.  Any context.
 * Returns 0, or -EAGAIN (not logged) when the outbound ring is full: retry later.
 */
int hvis_ic_reply(struct hvis_ic *ic, void *pkt, u32 len, u64 trans_id, u32 status);

/* Answers a held negotiation now (any context); nothing if none is held. */
void hvis_ic_release_negotiation(struct hvis_ic *ic);

static inline struct hvis_ic *hvis_ic_get(struct hvis_device *dev)
{
	return hvis_get_drvdata(dev);
}

#endif /* _HVIS_IC_H */
