/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * dev_ic.h: the host side of the integration-component (IC) framework shared by the
 * heartbeat and shutdown backends: version negotiation, building requests, reading
 * the guest's responses.
 */
#ifndef _FH_DEV_IC_H
#define _FH_DEV_IC_H

#include "hvis/ic_proto.h"
#include "vmbus_host.h"

struct ic_service {
	u16 msgtype;			/* ICMSGTYPE_* of the service's own requests */
	const struct ic_version *versions;	/* message versions offered, newest first */
	u32 nversions;
	/* A response to one of the service's requests (not NEGOTIATE). */
	void (*response)(struct host_channel *ch, const struct icmsg_hdr *hdr,
			 const u8 *data, u32 len);
	/* Called from tick once negotiated. */
	void (*tick)(struct host_channel *ch, u64 now_ms);
	/* (optional) The service's own pump message, every other pump (pump.c). */
	int (*pump)(struct host_channel *ch);
};

/* Per open channel (ch->priv). */
struct ic_chan {
	const struct ic_service *svc;
	bool negotiate_sent;
	bool negotiated;
	struct ic_version fw;		/* chosen by the guest */
	struct ic_version msg;
	u64 next_trans_id;
	u64 open_ms;
	u64 unread_since_ms;		/* host->guest ring non-empty since (0: empty) */
	bool pump_own;			/* the next pump is the service's own message */
	u8 resp_ic_id;			/* ictransaction_id of the response being handled */
};

/*
 * The one request a service (KVP, VSS, file copy) has out with the guest.  The guest
 * answers in place, so the answer carries the request's IC header and its
 * ictransaction_id (drivers/hv/hv_util.c); the packet's own trans_id is no help
 * (tools/hv/hv_fcopy_uio_daemon.c answers with VMBUS_RQST_ERROR there).  An answer
 * with another ictransaction_id answers nothing.  The host gives up on a request left
 * unanswered (it cannot wait for good) after its timeout, longer than the guest's own
 * wait for its daemon (hv_kvp.c HV_UTIL_TIMEOUT 30 s; hv_snapshot.c
 * VSS_FREEZE_TIMEOUT 15 min for a freeze), so that only a request the guest lost or
 * never understood times out.
 */
struct ic_request {
	bool out;
	u8 ic_id;			/* its ictransaction_id */
	u64 sent_ms;
	u64 timeout_ms;
	u64 timeouts;			/* requests given up on, for status */
};

#define IC_REQUEST_TIMEOUT_MS	45000

/* Delay from open to the NEGOTIATE request, so the guest has seen OPENCHANNEL_RESULT. */
#define IC_NEGOTIATE_DELAY_MS	20
/* A guest that leaves a request unread this long gets its interrupt again. */
#define IC_NUDGE_MS		1000

int ic_open(struct host_channel *ch, const struct ic_service *svc);
void ic_close(struct host_channel *ch);
void ic_packets(struct host_channel *ch);
void ic_tick(struct host_channel *ch, u64 now_ms);

/* Sends a request of the service's type with data; 0 or -errno. */
int ic_send(struct host_channel *ch, u16 msgtype, const void *data, u32 len);

/* ic_send() of the service's request @r, out until answered or timed out; 0 or -errno. */
int ic_request_send(struct host_channel *ch, struct ic_request *r, u64 timeout_ms,
		    u16 msgtype, const void *data, u32 len);

static inline bool ic_request_out(const struct ic_request *r)
{
	return r->out;
}

/*
 * In a service's response(): whether the response answers @r (its ictransaction_id);
 * if so @r is no longer out.  Any other answer is the guest's error, logged.
 */
bool ic_request_answered(struct host_channel *ch, struct ic_request *r);

/* In a service's tick: whether @r just timed out (it is then no longer out). */
bool ic_request_expired(struct host_channel *ch, struct ic_request *r, u64 now_ms);

/*
 * ops->pump of every IC (pump.c): once negotiated, a NEGOTIATE again (the guest must
 * answer it at any time: Hyper-V renegotiates after a live migration), and every other
 * time the service's own pump message if it has one.
 */
int ic_pump(struct host_channel *ch);

/* Sends a NEGOTIATE whose only message version is 99.0; 0 or -errno. */
int ic_send_unsupported_negotiate(struct host_channel *ch);

/* The open, negotiated channel of the first configured device with these ops. */
struct host_channel *ic_find_channel(struct vmbus_host *h, const struct host_device_ops *ops);

#endif /* _FH_DEV_IC_H */
