// SPDX-License-Identifier: GPL-2.0-only
/*
 * dev_ic.c: the IC framework on the host side (see dev_ic.h).  Wire format:
 * include/linux/hyperv.h (vmbuspipe_hdr, icmsg_hdr, icmsg_negotiate; ICMSG_HDR = 28);
 * the guest answers each request in place with icflags TRANSACTION|RESPONSE and the
 * same trans_id (drivers/hv/hv_util.c); a NEGOTIATE answer lists one framework and
 * one message version (drivers/hv/channel_mgmt.c vmbus_prep_negotiate_resp).
 */
#include <stdio.h>
#include <stdlib.h>
#include "dev_ic.h"

/* Framework versions the host offers (include/uapi/linux/hyperv.h UTIL_FW_VERSION...). */
static const struct ic_version ic_fw_versions[] = { IC_FW_VERSION_3_0, IC_FW_VERSION_1_0 };

#define IC_MAX_DATA	8192u	/* largest request: KVP's 7432 bytes */

int ic_send(struct host_channel *ch, u16 msgtype, const void *data, u32 len)
{
	struct ic_chan *ic = ch->priv;
	u8 pkt[ICMSG_HDR + IC_MAX_DATA] __aligned(8) = {};
	struct vmbuspipe_hdr *pipe = (void *)pkt;
	struct icmsg_hdr *hdr = (void *)(pkt + sizeof(*pipe));
	int ret;

	if (len > IC_MAX_DATA)
		return -EINVAL;
	pipe->flags = 0;
	pipe->msgsize = sizeof(*hdr) + len;
	if (msgtype == ICMSGTYPE_NEGOTIATE) {
		hdr->icverframe = (struct ic_version)IC_FW_VERSION_1_0;
		hdr->icvermsg = (struct ic_version)IC_FW_VERSION_1_0;
	} else {
		hdr->icverframe = ic->fw;
		hdr->icvermsg = ic->msg;
	}
	hdr->icmsgtype = msgtype;
	hdr->icmsgsize = len;
	hdr->status = 0;
	hdr->ictransaction_id = (u8)ic->next_trans_id;
	hdr->icflags = ICMSGHDRFLAG_TRANSACTION | ICMSGHDRFLAG_REQUEST;
	memcpy(pkt + ICMSG_HDR, data, len);
	ret = host_chan_send(ch, VM_PKT_DATA_INBAND, 0, ic->next_trans_id++, pkt, ICMSG_HDR + len);
	if (ret == -EAGAIN)
		ch->stats.dropped++;
	return ret;
}

int ic_request_send(struct host_channel *ch, struct ic_request *r, u64 timeout_ms,
		    u16 msgtype, const void *data, u32 len)
{
	struct ic_chan *ic = ch->priv;
	u8 id = (u8)ic->next_trans_id;	/* ic_send's ictransaction_id */
	int ret = ic_send(ch, msgtype, data, len);

	if (ret)
		return ret;
	r->out = true;
	r->ic_id = id;
	r->sent_ms = ch->host->now_ms;
	r->timeout_ms = timeout_ms;
	return 0;
}

bool ic_request_answered(struct host_channel *ch, struct ic_request *r)
{
	struct ic_chan *ic = ch->priv;

	if (r->out && ic->resp_ic_id == r->ic_id) {
		r->out = false;
		return true;
	}
	host_guest_error(ch->host, "ictransaction_id",
			 "relid=%u class=%s answer ictransaction_id=%u out=%s%u", ch->relid,
			 ch->dev->ops->name, ic->resp_ic_id, r->out ? "" : "none, last ", r->ic_id);
	return false;
}

bool ic_request_expired(struct host_channel *ch, struct ic_request *r, u64 now_ms)
{
	if (!r->out || now_ms - r->sent_ms < r->timeout_ms)
		return false;
	host_event(ch->host, "IC_REQUEST_TIMEOUT", "relid=%u class=%s ictransaction_id=%u ms=%llu",
		   ch->relid, ch->dev->ops->name, r->ic_id,
		   (unsigned long long)(now_ms - r->sent_ms));
	r->out = false;
	r->timeouts++;
	return true;
}

static int send_negotiate(struct host_channel *ch)
{
	struct ic_chan *ic = ch->priv;
	u8 data[sizeof(struct icmsg_negotiate) + 16 * sizeof(struct ic_version)] = {};
	struct icmsg_negotiate *neg = (void *)data;
	u32 nfw = ARRAY_SIZE(ic_fw_versions), nmsg = min(ic->svc->nversions, 14u);

	neg->icframe_vercnt = nfw;
	neg->icmsg_vercnt = nmsg;
	memcpy(neg->icversion_data, ic_fw_versions, sizeof(ic_fw_versions));
	memcpy(neg->icversion_data + nfw, ic->svc->versions, nmsg * sizeof(struct ic_version));
	return ic_send(ch, ICMSGTYPE_NEGOTIATE, data,
		       sizeof(*neg) + (nfw + nmsg) * sizeof(struct ic_version));
}

int ic_pump(struct host_channel *ch)
{
	struct ic_chan *ic = ch->priv;

	if (!ic || !ic->negotiated)
		return -EAGAIN;
	ic->pump_own = !ic->pump_own;
	if (ic->pump_own && ic->svc->pump)
		return ic->svc->pump(ch);
	return send_negotiate(ch);
}

/*
 * A NEGOTIATE the guest cannot accept: our framework versions, but only message
 * version 99.0, which no service has.  The guest must answer it (without a version)
 * and log it, rate limited; the versions it chose before stay in force.
 */
int ic_send_unsupported_negotiate(struct host_channel *ch)
{
	u8 data[sizeof(struct icmsg_negotiate) + 3 * sizeof(struct ic_version)] = {};
	struct icmsg_negotiate *neg = (void *)data;
	const struct ic_version bogus = { .major = 99, .minor = 0 };
	u32 nfw = ARRAY_SIZE(ic_fw_versions);

	neg->icframe_vercnt = nfw;
	neg->icmsg_vercnt = 1;
	memcpy(neg->icversion_data, ic_fw_versions, sizeof(ic_fw_versions));
	neg->icversion_data[nfw] = bogus;
	return ic_send(ch, ICMSGTYPE_NEGOTIATE, data, sizeof(data));
}

int ic_open(struct host_channel *ch, const struct ic_service *svc)
{
	struct ic_chan *ic = calloc(1, sizeof(*ic));

	if (!ic)
		return -ENOMEM;
	ic->svc = svc;
	ic->next_trans_id = 1;
	ic->open_ms = ch->host->now_ms;
	ch->priv = ic;
	return 0;
}

void ic_close(struct host_channel *ch)
{
	free(ch->priv);
	ch->priv = NULL;
}

static bool listed(const struct ic_version *list, u32 n, struct ic_version v)
{
	u32 i;

	for (i = 0; i < n; i++)
		if (list[i].major == v.major && list[i].minor == v.minor)
			return true;
	return false;
}

static void negotiate_response(struct host_channel *ch, const struct icmsg_hdr *hdr,
			       const u8 *data, u32 len)
{
	struct ic_chan *ic = ch->priv;
	const char *cls = ch->dev->ops->name;
	struct icmsg_negotiate neg;
	struct ic_version v[2];

	if (len < sizeof(neg) + sizeof(v)) {
		host_guest_error(ch->host, "icmsgsize", "relid=%u class=%s negotiate len=%u",
				 ch->relid, cls, len);
		return;
	}
	memcpy(&neg, data, sizeof(neg));
	memcpy(v, data + sizeof(neg), sizeof(v));
	if (hdr->status != HV_S_OK || neg.icframe_vercnt != 1 || neg.icmsg_vercnt != 1) {
		host_event(ch->host, "IC_NEGOTIATE_FAILED", "relid=%u class=%s status=%#x",
			   ch->relid, cls, hdr->status);
		return;
	}
	if (!listed(ic_fw_versions, ARRAY_SIZE(ic_fw_versions), v[0]) ||
	    !listed(ic->svc->versions, ic->svc->nversions, v[1])) {
		host_guest_error(ch->host, "icversion_data",
				 "relid=%u class=%s framework=%u.%u message=%u.%u (not offered)",
				 ch->relid, cls, v[0].major, v[0].minor, v[1].major, v[1].minor);
		return;
	}
	if (ic->negotiated && ic->fw.major == v[0].major && ic->fw.minor == v[0].minor &&
	    ic->msg.major == v[1].major && ic->msg.minor == v[1].minor)
		return;		/* the same again (a pump's NEGOTIATE): no event */
	ic->fw = v[0];
	ic->msg = v[1];
	ic->negotiated = true;
	host_event(ch->host, "IC_NEGOTIATED", "relid=%u class=%s framework=%u.%u message=%u.%u",
		   ch->relid, cls, v[0].major, v[0].minor, v[1].major, v[1].minor);
}

static void one_packet(struct host_channel *ch, u32 len)
{
	const struct vmpacket_descriptor *d = (const void *)ch->pkt_buf;
	struct ic_chan *ic = ch->priv;
	u32 off = d->offset8 * 8u;
	struct icmsg_hdr hdr;
	const u8 *p;

	if (d->type != VM_PKT_DATA_INBAND || len - off < ICMSG_HDR) {
		host_guest_error(ch->host, "packet", "relid=%u class=%s type=%u len=%u", ch->relid,
				 ch->dev->ops->name, d->type, len - off);
		return;
	}
	p = ch->pkt_buf + off;
	memcpy(&hdr, p + sizeof(struct vmbuspipe_hdr), sizeof(hdr));
	if (!(hdr.icflags & ICMSGHDRFLAG_RESPONSE)) {
		host_guest_error(ch->host, "icflags", "relid=%u class=%s icflags=%#x", ch->relid,
				 ch->dev->ops->name, hdr.icflags);
		return;
	}
	ic->resp_ic_id = hdr.ictransaction_id;
	if (hdr.icmsgtype == ICMSGTYPE_NEGOTIATE)
		negotiate_response(ch, &hdr, p + ICMSG_HDR, len - off - ICMSG_HDR);
	else if (hdr.icmsgtype == ic->svc->msgtype && ic->negotiated)
		ic->svc->response(ch, &hdr, p + ICMSG_HDR, len - off - ICMSG_HDR);
	else
		host_guest_error(ch->host, "icmsgtype", "relid=%u class=%s icmsgtype=%u",
				 ch->relid, ch->dev->ops->name, hdr.icmsgtype);
}

void ic_packets(struct host_channel *ch)
{
	bool more;
	int len;

	do {
		host_chan_read_begin(ch);
		while ((len = host_chan_peek(ch)) > 0) {
			one_packet(ch, len);
			if (!ch->priv)
				return;
			host_chan_consume(ch, len);
			/*
			 * Each message's ring space goes back at once, as Hyper-V's: a reply
			 * the guest writes while this loop runs must find room
			 * (tools/hv/hv_fcopy_uio_daemon.c gives up on a full ring).
			 */
			host_chan_read_commit(ch);
		}
		more = host_chan_read_end(ch);
	} while (more && len != -EIO);
}

void ic_tick(struct host_channel *ch, u64 now_ms)
{
	struct ic_chan *ic = ch->priv;

	if (!ic || ch->host->quiesced)
		return;
	if (!ic->negotiate_sent) {
		if (now_ms - ic->open_ms < IC_NEGOTIATE_DELAY_MS)
			return;
		if (!send_negotiate(ch))
			ic->negotiate_sent = true;
		return;
	}
	/* Safety net for a lost interrupt: a request left unread gets it again. */
	if (host_chan_out_unread(ch)) {
		if (!ic->unread_since_ms) {
			ic->unread_since_ms = now_ms;
		} else if (now_ms - ic->unread_since_ms >= IC_NUDGE_MS) {
			ic->unread_since_ms = now_ms;
			ch->stats.interrupts_out++;
			ch->host->notify->signal(ch->host->ctx, ch->target_cpu, ch->relid);
		}
	} else {
		ic->unread_since_ms = 0;
	}
	if (ic->negotiated && ic->svc->tick)
		ic->svc->tick(ch, now_ms);
}

struct host_channel *ic_find_channel(struct vmbus_host *h, const struct host_device_ops *ops)
{
	struct host_channel *ch;

	for (ch = h->channels; ch; ch = ch->next) {
		struct ic_chan *ic = ch->priv;

		if (ch->dev && ch->dev->ops == ops && ch->state == CHAN_OPEN && ic &&
		    ic->negotiated)
			return ch;
	}
	return NULL;
}
