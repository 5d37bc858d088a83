// SPDX-License-Identifier: GPL-2.0-only
/*
 * rndis.c: RNDIS control on the synthetic NIC: INIT, QUERY, SET and HALT requests, the
 * offload capabilities query and offload parameters set,
 * matching the host's completions to requests by req_id (with a timeout, so a
 * silent or rescinded host cannot hang us), status indications (link up/down,
 * network change, link speed) and answering the host's keepalives.
 *
 * Protocol facts from torvalds/linux drivers/net/hyperv/rndis_filter.c
 * (rndis_filter_send_request, rndis_filter_receive_response, rndis_filter_init_device,
 * rndis_filter_query_device*, rndis_filter_set_packet_filter, rndis_netdev_set_hwcaps,
 * rndis_query_hwcaps, rndis_filter_set_offload_params) and netvsc_drv.c
 * (netvsc_linkstatus_callback).
 */
#include <linux/etherdevice.h>
#include <linux/ethtool.h>
#include <linux/io.h>
#include <linux/slab.h>
#include "netvsc.h"

/*
 * Control messages travel like upstream's: one GPA-direct range pointing at the
 * message, inside an in-band SEND_RNDIS_PKT on the control channel with no send
 * section (rndis_filter.c rndis_filter_send_request).  @msg never crosses a page.
 */
static int rndis_send_ctrl(struct netvsc_dev *nv, u8 *msg, u32 len)
{
	struct {
		struct vmbus_gpa_range range;
		u64 pfn;
	} __packed r;
	struct nvsp_msg nvsp = { .type = NVSP_MSG1_SEND_RNDIS_PKT };
	phys_addr_t pa = virt_to_phys(msg);

	if (len > NETVSC_CTRL_MSG_BYTES ||
	    (pa & (HV_HYP_PAGE_SIZE - 1)) + len > HV_HYP_PAGE_SIZE)
		return -EINVAL;
	r.range.byte_count = len;
	r.range.byte_offset = pa & (HV_HYP_PAGE_SIZE - 1);
	r.pfn = pa / HV_HYP_PAGE_SIZE;
	nvsp.rndis.channel_type = NVSP_RNDIS_CHANNEL_CONTROL;
	nvsp.rndis.send_buf_section_index = NVSP_NO_SEND_SECTION;
	nvsp.rndis.send_buf_section_size = 0;
	return hvis_channel_send_gpa_direct(nv->ch, &r.range, sizeof(r), &nvsp, sizeof(nvsp),
					    NETVSC_TID_CTRL);
}

static struct netvsc_req *rndis_req_alloc(struct netvsc_dev *nv, u32 type, u32 body_len)
{
	struct netvsc_req *req;
	struct rndis_msg_hdr *hdr;

	req = kzalloc(sizeof(*req), GFP_KERNEL);
	if (!req)
		return NULL;
	/* A power-of-two kmalloc is naturally aligned, so it stays inside one page. */
	req->msg = kzalloc(NETVSC_CTRL_MSG_BYTES, GFP_KERNEL);
	if (!req->msg) {
		kfree(req);
		return NULL;
	}
	init_completion(&req->done);
	INIT_LIST_HEAD(&req->node);
	req->req_id = (u32)atomic_inc_return(&nv->next_req_id);
	hdr = (struct rndis_msg_hdr *)req->msg;
	hdr->msg_type = type;
	hdr->msg_len = sizeof(*hdr) + body_len;
	/* Every request body begins with req_id. */
	memcpy(req->msg + sizeof(*hdr), &req->req_id, sizeof(req->req_id));
	return req;
}

static void rndis_req_free(struct netvsc_req *req)
{
	kfree(req->msg);
	kfree(req);
}

static void *rndis_body(struct netvsc_req *req)
{
	return req->msg + sizeof(struct rndis_msg_hdr);
}

/* Sends req and waits for its completion; 0 means req->resp holds it. */
static int rndis_req_run(struct netvsc_dev *nv, struct netvsc_req *req)
{
	const struct rndis_msg_hdr *hdr = (const void *)req->msg;
	bool answered;
	int rc;

	spin_lock_bh(&nv->req_lock);
	list_add_tail(&req->node, &nv->reqs);
	spin_unlock_bh(&nv->req_lock);

	rc = rndis_send_ctrl(nv, req->msg, hdr->msg_len);
	if (!rc)
		wait_for_completion_timeout(&req->done, NETVSC_REQ_TIMEOUT);

	/* The receive path completes requests under req_lock, so this settles it. */
	spin_lock_bh(&nv->req_lock);
	answered = list_empty(&req->node);
	if (!answered)
		list_del_init(&req->node);
	spin_unlock_bh(&nv->req_lock);

	if (rc) {
		/* A rescinded channel is not an error worth a line: the device is going. */
		if (rc != -ENODEV)
			netdev_err(nv->ndev, "RNDIS %s: send failed: %d\n",
				   rndis_msg_name(hdr->msg_type), rc);
		return rc;
	}
	if (!answered) {
		netdev_err(nv->ndev, "RNDIS %s: no answer from the host\n",
			   rndis_msg_name(hdr->msg_type));
		return hvis_channel_rescinded(nv->ch) ? -ENODEV : -ETIMEDOUT;
	}
	if (req->overflow) {
		netdev_err(nv->ndev, "RNDIS %s: response larger than %u bytes\n",
			   rndis_msg_name(hdr->msg_type), NETVSC_CTRL_RESP_BYTES);
		return -EMSGSIZE;
	}
	return 0;
}

/* Completion from the receive path: find the request by req_id and wake it. */
static void rndis_complete(struct netvsc_dev *nv, const u8 *msg, u32 msg_len, u32 req_id)
{
	struct netvsc_req *req;

	spin_lock(&nv->req_lock);
	list_for_each_entry(req, &nv->reqs, node) {
		if (req->req_id != req_id)
			continue;
		if (msg_len > sizeof(req->resp)) {
			req->overflow = true;
			req->resp_len = 0;
		} else {
			memcpy(req->resp, msg, msg_len);
			req->resp_len = msg_len;
		}
		list_del_init(&req->node);
		complete(&req->done);
		spin_unlock(&nv->req_lock);
		return;
	}
	spin_unlock(&nv->req_lock);
	net_warn_ratelimited("%s: no RNDIS request %u for this %s\n", netdev_name(nv->ndev),
			     req_id, rndis_msg_name(*(const u32 *)msg));
}

/* Wakes every waiter at once (rescind): they see no answer and fail. */
void netvsc_rndis_fail_all(struct netvsc_dev *nv)
{
	struct netvsc_req *req, *tmp;

	spin_lock_bh(&nv->req_lock);
	list_for_each_entry_safe(req, tmp, &nv->reqs, node)
		complete(&req->done);
	spin_unlock_bh(&nv->req_lock);
}

static int rndis_status(struct netvsc_dev *nv, struct netvsc_req *req, const char *what)
{
	u32 status;

	/* req_id then status open every completion body we wait for. */
	memcpy(&status, req->resp + sizeof(struct rndis_msg_hdr) + 4, sizeof(status));
	if (status == RNDIS_STATUS_SUCCESS)
		return 0;
	netdev_err(nv->ndev, "RNDIS %s failed: status %#x\n", what, status);
	return -EIO;
}

/*
 * QUERY @oid.  @in (in_len bytes, may be NULL) is the info buffer sent with the
 * query; the answer's info buffer (at most *out_len bytes) lands in @out.
 */
static int rndis_query_in(struct netvsc_dev *nv, u32 oid, const void *in, u32 in_len,
			  void *out, u32 *out_len)
{
	struct rndis_oid_request *q;
	struct netvsc_req *req;
	const char *why = NULL;
	u32 req_id, status, info_off, info_len;
	int rc;

	if (sizeof(struct rndis_msg_hdr) + sizeof(*q) + in_len > NETVSC_CTRL_MSG_BYTES)
		return -EINVAL;
	req = rndis_req_alloc(nv, RNDIS_MSG_QUERY, sizeof(*q) + in_len);
	if (!req)
		return -ENOMEM;
	q = rndis_body(req);
	q->oid = oid;
	q->info_buflen = in_len;
	q->info_buf_offset = sizeof(*q);
	if (in_len)
		memcpy((u8 *)q + sizeof(*q), in, in_len);
	rc = rndis_req_run(nv, req);
	if (rc)
		goto out;
	rc = rndis_query_c_parse(req->resp, req->resp_len, &req_id, &status, &info_off,
				 &info_len, &why);
	if (rc) {
		netdev_err(nv->ndev, "QUERY %#x: bad completion: %s\n", oid, why);
		goto out;
	}
	if (status != RNDIS_STATUS_SUCCESS) {
		netdev_dbg(nv->ndev, "QUERY %#x: status %#x\n", oid, status);
		rc = -EIO;
		goto out;
	}
	if (info_len > *out_len) {
		netdev_err(nv->ndev, "QUERY %#x: %u bytes, expected at most %u\n", oid,
			   info_len, *out_len);
		rc = -EMSGSIZE;
		goto out;
	}
	memcpy(out, req->resp + info_off, info_len);
	*out_len = info_len;
out:
	rndis_req_free(req);
	return rc;
}

static int rndis_query(struct netvsc_dev *nv, u32 oid, void *out, u32 *out_len)
{
	return rndis_query_in(nv, oid, NULL, 0, out, out_len);
}

static int rndis_query_u32(struct netvsc_dev *nv, u32 oid, u32 *val)
{
	u32 len = sizeof(*val);
	int rc = rndis_query(nv, oid, val, &len);

	if (!rc && len != sizeof(*val))
		rc = -EINVAL;
	return rc;
}

int netvsc_rndis_set(struct netvsc_dev *nv, u32 oid, const void *val, u32 len)
{
	struct rndis_oid_request *s;
	struct netvsc_req *req;
	int rc;

	if (sizeof(struct rndis_msg_hdr) + sizeof(*s) + len > NETVSC_CTRL_MSG_BYTES)
		return -EINVAL;
	req = rndis_req_alloc(nv, RNDIS_MSG_SET, sizeof(*s) + len);
	if (!req)
		return -ENOMEM;
	s = rndis_body(req);
	s->oid = oid;
	s->info_buflen = len;
	s->info_buf_offset = sizeof(*s);
	memcpy((u8 *)s + sizeof(*s), val, len);
	rc = rndis_req_run(nv, req);
	if (!rc)
		rc = rndis_status(nv, req, "SET");
	rndis_req_free(req);
	return rc;
}

int netvsc_rndis_query(struct netvsc_dev *nv, u32 oid, const void *in, u32 in_len, void *out,
		       u32 *out_len)
{
	return rndis_query_in(nv, oid, in, in_len, out, out_len);
}

int netvsc_rndis_set_filter(struct netvsc_dev *nv, u32 filter)
{
	int rc = netvsc_rndis_set(nv, RNDIS_OID_GEN_CURRENT_PACKET_FILTER, &filter, sizeof(filter));

	if (!rc)
		nv->filter = filter;
	return rc;
}

static int rndis_init_msg(struct netvsc_dev *nv)
{
	struct rndis_init_request *r;
	struct rndis_init_complete c;
	struct netvsc_req *req;
	int rc;

	req = rndis_req_alloc(nv, RNDIS_MSG_INIT, sizeof(*r));
	if (!req)
		return -ENOMEM;
	r = rndis_body(req);
	r->major_ver = RNDIS_MAJOR_VERSION;
	r->minor_ver = RNDIS_MINOR_VERSION;
	r->max_xfer_size = RNDIS_MAX_XFER_SIZE;
	rc = rndis_req_run(nv, req);
	if (!rc && req->resp_len < sizeof(struct rndis_msg_hdr) + sizeof(c))
		rc = -EINVAL;	/* rndis_msg_check guarantees this; be explicit */
	if (!rc)
		rc = rndis_status(nv, req, "INIT");
	if (!rc) {
		memcpy(&c, req->resp + sizeof(struct rndis_msg_hdr), sizeof(c));
		nv->max_pkt_per_msg = c.max_pkt_per_msg;
		nv->rndis_inited = true;
	}
	rndis_req_free(req);
	return rc;
}

static void rndis_set_link(struct netvsc_dev *nv, bool up)
{
	WRITE_ONCE(nv->link_up, up);
	if (up)
		netif_carrier_on(nv->ndev);
	else
		netif_carrier_off(nv->ndev);
}

/*
 * Offloads, as upstream's rndis_netdev_set_hwcaps() does at every attach: query the
 * host's hardware capabilities (the query carries the ndis_offload header of the
 * revision and size our NVSP version reads), check the answer as untrusted input,
 * then set the offload parameters for what the host offers (offload.c).  Hyper-V
 * answers both; upstream fails the device if
 * either fails, and so do we.
 */
static int rndis_set_hwcaps(struct netvsc_dev *nv)
{
	struct ndis_object_header h;
	struct ndis_offload caps;
	u32 len = sizeof(caps), in_len;
	const char *why = NULL;
	int rc;

	in_len = ndis_offload_query_hdr(nv->nvsp_ver, &h);
	memset(&caps, 0, sizeof(caps));
	caps.header = h;
	rc = rndis_query_in(nv, OID_TCP_OFFLOAD_HARDWARE_CAPABILITIES, &caps, in_len, &caps,
			    &len);
	if (rc) {
		netdev_err(nv->ndev, "offload capabilities query failed: %d\n", rc);
		return rc;
	}
	rc = ndis_offload_parse(&caps, len, &nv->hwcaps, &why);
	if (rc) {
		if (net_ratelimit())
			netdev_err(nv->ndev, "offload capabilities refused: %s (%u bytes)\n",
				   why, len);
		return rc;
	}
	netdev_dbg(nv->ndev,
		   "host offloads: revision %u, tx csum v4 %#x v6 %#x, lso v2 encap v4 %#x v6 %#x, rsc %u/%u\n",
		   nv->hwcaps.header.revision, nv->hwcaps.csum.ip4_txcsum,
		   nv->hwcaps.csum.ip6_txcsum, nv->hwcaps.lsov2.ip4_encap,
		   nv->hwcaps.lsov2.ip6_encap, nv->hwcaps.rsc_ip4, nv->hwcaps.rsc_ip6);

	return netvsc_offload_attach(nv);
}

/* The guest's MAC (rndis_filter.c rndis_filter_set_device_mac). */
int netvsc_rndis_set_mac(struct netvsc_dev *nv, const u8 *mac)
{
	u8 info[RNDIS_MAC_PARAM_BYTES];
	u32 len = rndis_mac_param_build(info, sizeof(info), mac);

	return netvsc_rndis_set(nv, RNDIS_OID_GEN_RNDIS_CONFIG_PARAMETER, info, len);
}

/*
 * The RNDIS part of probe (rndis_filter.c rndis_filter_device_add): INIT, then the
 * frame size, the MAC, the link state, the offloads and, from NVSP 5 on, the link
 * speed.
 */
int netvsc_rndis_init(struct netvsc_dev *nv, u8 *mac, u32 *max_frame)
{
	u32 len = ETH_ALEN, val;
	int rc;

	rc = rndis_init_msg(nv);
	if (rc)
		return rc;

	*max_frame = 0;
	if (!rndis_query_u32(nv, RNDIS_OID_GEN_MAXIMUM_FRAME_SIZE, &val))
		*max_frame = val;

	rc = rndis_query(nv, RNDIS_OID_802_3_PERMANENT_ADDRESS, mac, &len);
	if (rc || len != ETH_ALEN || !is_valid_ether_addr(mac)) {
		netdev_warn(nv->ndev, "host gave no valid MAC (%d, %u bytes); using a random one\n",
			    rc, len);
		eth_random_addr(mac);
	}

	rc = rndis_query_u32(nv, RNDIS_OID_GEN_MEDIA_CONNECT_STATUS, &val);
	if (rc)
		return rc;
	rndis_set_link(nv, val == RNDIS_MEDIA_STATE_CONNECTED);

	rc = rndis_set_hwcaps(nv);
	if (rc)
		return rc;

	nv->link_speed_mbps = SPEED_UNKNOWN;
	/* The value is in units of 100 bps (rndis_filter.c). */
	if (nv->nvsp_ver >= NVSP_VERSION_5 &&
	    !rndis_query_u32(nv, RNDIS_OID_GEN_LINK_SPEED, &val))
		nv->link_speed_mbps = val / 10000;
	return 0;
}

/*
 * HALT has no answer.  It uses the second half of ka_msg (keepalive answers use the
 * first), which outlives the channel, so the host may read it late.
 */
void netvsc_rndis_halt(struct netvsc_dev *nv)
{
	u8 *msg = nv->ka_msg + NETVSC_CTRL_MSG_BYTES / 2;
	struct rndis_msg_hdr *hdr = (struct rndis_msg_hdr *)msg;
	u32 req_id;
	int rc;

	if (!nv->rndis_inited)
		return;
	nv->rndis_inited = false;
	req_id = (u32)atomic_inc_return(&nv->next_req_id);
	hdr->msg_type = RNDIS_MSG_HALT;
	hdr->msg_len = sizeof(*hdr) + sizeof(req_id);
	memcpy(msg + sizeof(*hdr), &req_id, sizeof(req_id));
	rc = rndis_send_ctrl(nv, msg, hdr->msg_len);
	if (rc && rc != -ENODEV)
		netdev_warn(nv->ndev, "RNDIS HALT failed: %d\n", rc);
}

/* Answers a host KEEPALIVE (rndis_filter.c has no handler; the RNDIS spec wants one). */
static void rndis_keepalive(struct netvsc_dev *nv, const u8 *msg)
{
	struct rndis_msg_hdr *hdr = (struct rndis_msg_hdr *)nv->ka_msg;
	struct rndis_keepalive_complete c = { .status = RNDIS_STATUS_SUCCESS };
	int rc;

	memcpy(&c.req_id, msg + sizeof(*hdr), sizeof(c.req_id));
	hdr->msg_type = RNDIS_MSG_KEEPALIVE_C;
	hdr->msg_len = sizeof(*hdr) + sizeof(c);
	memcpy(nv->ka_msg + sizeof(*hdr), &c, sizeof(c));
	rc = rndis_send_ctrl(nv, nv->ka_msg, hdr->msg_len);
	if (rc)
		net_warn_ratelimited("%s: KEEPALIVE_C not sent: %d\n", netdev_name(nv->ndev), rc);
}

/* INDICATE_STATUS (netvsc_drv.c netvsc_linkstatus_callback). */
static void rndis_indicate(struct netvsc_dev *nv, const u8 *msg, u32 msg_len)
{
	u32 status, info_off, info_len, speed;
	const char *why = NULL;

	if (rndis_indicate_parse(msg, msg_len, &status, &info_off, &info_len, &why)) {
		net_warn_ratelimited("%s: bad INDICATE dropped: %s\n", netdev_name(nv->ndev), why);
		netvsc_count(nv, NETVSC_C_RX_BAD);
		return;
	}
	switch (status) {
	case RNDIS_STATUS_MEDIA_CONNECT:
		netvsc_count(nv, NETVSC_C_LINK_CHANGE);
		/* Connected already: the host moved us; tell the peers (netvsc_drv.c). */
		if (READ_ONCE(nv->link_up))
			netvsc_announce(nv, "media connect");
		else
			rndis_set_link(nv, true);
		break;
	case RNDIS_STATUS_MEDIA_DISCONNECT:
		netvsc_count(nv, NETVSC_C_LINK_CHANGE);
		cancel_delayed_work(&nv->link_work);
		rndis_set_link(nv, false);
		break;
	case RNDIS_STATUS_NETWORK_CHANGE:
		/* After a live migration: re-announce, carrier kept (announce.c). */
		netvsc_count(nv, NETVSC_C_LINK_CHANGE);
		netvsc_announce(nv, "network change");
		break;
	case RNDIS_STATUS_LINK_SPEED_CHANGE:
		if (info_len < sizeof(speed)) {
			net_warn_ratelimited("%s: LINK_SPEED_CHANGE without a speed\n",
					     netdev_name(nv->ndev));
			netvsc_count(nv, NETVSC_C_RX_BAD);
			break;
		}
		memcpy(&speed, msg + info_off, sizeof(speed));
		WRITE_ONCE(nv->link_speed_mbps, speed / 10000);
		break;
	default:
		netdev_dbg(nv->ndev, "RNDIS status %#x ignored\n", status);
		break;
	}
}

/* A checked control message from the receive path (softirq). */
void netvsc_rndis_receive_ctrl(struct netvsc_dev *nv, const u8 *msg, u32 type, u32 msg_len)
{
	u32 req_id;

	switch (type) {
	case RNDIS_MSG_INIT_C:
	case RNDIS_MSG_QUERY_C:
	case RNDIS_MSG_SET_C:
	case RNDIS_MSG_KEEPALIVE_C:
		/* rndis_msg_check made sure the fixed part, req_id first, is there. */
		memcpy(&req_id, msg + sizeof(struct rndis_msg_hdr), sizeof(req_id));
		rndis_complete(nv, msg, msg_len, req_id);
		break;
	case RNDIS_MSG_INDICATE:
		rndis_indicate(nv, msg, msg_len);
		break;
	case RNDIS_MSG_KEEPALIVE:
		rndis_keepalive(nv, msg);
		break;
	default:
		net_warn_ratelimited("%s: unhandled RNDIS %s (%u bytes)\n", netdev_name(nv->ndev),
				     rndis_msg_name(type), msg_len);
		netvsc_count(nv, NETVSC_C_RX_BAD);
		break;
	}
}
