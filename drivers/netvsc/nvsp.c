// SPDX-License-Identifier: GPL-2.0-only
/*
 * nvsp.c: the NVSP side of the synthetic NIC: version negotiation (newest first),
 * NDIS config and version, the receive and send buffers with their GPADLs, the
 * host's completions of those requests, and revoking and freeing the buffers on
 * teardown.
 *
 * Protocol facts from torvalds/linux drivers/net/hyperv/netvsc.c
 * (negotiate_nvsp_ver, netvsc_connect_vsp, netvsc_init_buf, netvsc_revoke_*_buf).
 */
#include <linux/bitmap.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include "netvsc.h"

/* netvsc.c nvsp_protocol_versions: newest first. */
static const u32 nvsp_versions[] = {
	NVSP_VERSION_61, NVSP_VERSION_6, NVSP_VERSION_5,
	NVSP_VERSION_4, NVSP_VERSION_2, NVSP_VERSION_1,
};

/*
 * Every request is a whole struct nvsp_msg, 40 bytes, whatever its type and version,
 * as upstream's netvsc.c sends them (see netvsc_proto.h).
 */
static int nvsp_send(struct netvsc_dev *nv, const struct nvsp_msg *msg, bool want_reply)
{
	return hvis_channel_send(nv->ch, msg, sizeof(*msg),
				 want_reply ? NETVSC_TID_NVSP : NETVSC_TID_NONE,
				 VM_PKT_DATA_INBAND,
				 want_reply ? VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED : 0);
}

/*
 * Sends @msg and waits for the host's completion of type @want, copied to *resp.
 * One request at a time (probe is the only caller).
 */
static int nvsp_request(struct netvsc_dev *nv, const struct nvsp_msg *msg, u32 want,
			struct nvsp_msg *resp)
{
	unsigned long left;
	int rc;

	reinit_completion(&nv->nvsp_done);
	spin_lock_bh(&nv->nvsp_lock);
	nv->nvsp_want = want;
	nv->nvsp_waiting = true;
	spin_unlock_bh(&nv->nvsp_lock);

	rc = nvsp_send(nv, msg, true);
	if (!rc) {
		left = wait_for_completion_timeout(&nv->nvsp_done, NETVSC_REQ_TIMEOUT);
		if (!left)
			rc = hvis_channel_rescinded(nv->ch) ? -ENODEV : -ETIMEDOUT;
	}

	spin_lock_bh(&nv->nvsp_lock);
	nv->nvsp_waiting = false;
	if (!rc)
		*resp = nv->nvsp_resp;
	spin_unlock_bh(&nv->nvsp_lock);
	if (rc)
		netdev_err(nv->ndev, "NVSP %s: no completion: %d\n",
			   nvsp_msg_name(msg->type), rc);
	return rc;
}

/* A VM_PKT_COMP for NETVSC_TID_NVSP (softirq): hand it to the waiting request. */
void netvsc_nvsp_complete(struct netvsc_dev *nv, const void *msg, u32 len)
{
	const char *why = NULL;
	int type = nvsp_msg_check(msg, len, NETVSC_FROM_HOST, &why);

	if (type < 0) {
		net_warn_ratelimited("%s: NVSP completion dropped: %s\n",
				     netdev_name(nv->ndev), why);
		netvsc_count(nv, NETVSC_C_TX_COMP_BAD);
		return;
	}
	spin_lock(&nv->nvsp_lock);
	if (!nv->nvsp_waiting || nv->nvsp_want != type) {
		spin_unlock(&nv->nvsp_lock);
		net_warn_ratelimited("%s: unexpected NVSP completion %s\n",
				     netdev_name(nv->ndev), nvsp_msg_name(type));
		netvsc_count(nv, NETVSC_C_TX_COMP_BAD);
		return;
	}
	memset(&nv->nvsp_resp, 0, sizeof(nv->nvsp_resp));
	memcpy(&nv->nvsp_resp, msg, min_t(u32, len, sizeof(nv->nvsp_resp)));
	nv->nvsp_waiting = false;
	complete(&nv->nvsp_done);
	spin_unlock(&nv->nvsp_lock);
}

static int nvsp_try_version(struct netvsc_dev *nv, u32 ver)
{
	struct nvsp_msg msg = { .type = NVSP_MSG_INIT };
	struct nvsp_msg resp;
	int rc;

	msg.init.min_protocol_ver = ver;
	msg.init.max_protocol_ver = ver;
	rc = nvsp_request(nv, &msg, NVSP_MSG_INIT_COMPLETE, &resp);
	if (rc)
		return rc;
	return resp.init_complete.status == NVSP_STAT_SUCCESS ? 0 : -EPROTONOSUPPORT;
}

static int nvsp_negotiate(struct netvsc_dev *nv)
{
	unsigned int i;
	int rc = -EPROTONOSUPPORT;

	for (i = 0; i < ARRAY_SIZE(nvsp_versions); i++) {
		rc = nvsp_try_version(nv, nvsp_versions[i]);
		if (!rc) {
			nv->nvsp_ver = nvsp_versions[i];
			return 0;
		}
		if (rc != -EPROTONOSUPPORT)
			return rc;
	}
	netdev_err(nv->ndev, "host supports no NVSP version we know\n");
	return rc;
}

/* SEND_NDIS_CONFIG (>= NVSP 2) and SEND_NDIS_VER; neither is answered (netvsc.c). */
static int nvsp_announce(struct netvsc_dev *nv, u32 mtu)
{
	struct nvsp_msg msg = { .type = NVSP_MSG2_SEND_NDIS_CONFIG };
	u32 ndis;
	int rc;

	if (nv->nvsp_ver >= NVSP_VERSION_2) {
		msg.ndis_config.mtu = mtu + ETH_HLEN;
		msg.ndis_config.capability = NVSP_CAP_IEEE8021Q;
		/* Teaming lets the host send link speed changes (netvsc.c). */
		if (nv->nvsp_ver >= NVSP_VERSION_5)
			msg.ndis_config.capability |= NVSP_CAP_TEAMING;
		/* RSC receive (netvsc.c: from NVSP 6.1). */
		if (nv->nvsp_ver >= NVSP_VERSION_61)
			msg.ndis_config.capability |= NVSP_CAP_RSC;
		rc = nvsp_send(nv, &msg, false);
		if (rc)
			return rc;
	}

	ndis = nv->nvsp_ver <= NVSP_VERSION_4 ? NDIS_VERSION_6_1 : NDIS_VERSION_6_30;
	memset(&msg, 0, sizeof(msg));
	msg.type = NVSP_MSG1_SEND_NDIS_VER;
	msg.ndis_ver.ndis_major_ver = ndis >> 16;
	msg.ndis_ver.ndis_minor_ver = ndis & 0xffff;
	return nvsp_send(nv, &msg, false);
}

/* Allocates a buffer and describes it to the host. */
static int nvsp_buffer_create(struct netvsc_dev *nv, void **buf, u32 size, u32 *gpadl,
			      bool *gpadl_ok)
{
	int rc;

	*buf = vzalloc(size);
	if (!*buf)
		return -ENOMEM;
	rc = hvis_channel_gpadl_create(nv->ch, *buf, size, gpadl);
	if (rc == -ETIMEDOUT) {
		/* The host may have the GPADL after all: never reuse this memory. */
		netdev_err(nv->ndev, "GPADL for %u bytes timed out; buffer leaked\n", size);
		*buf = NULL;
		return rc;
	}
	if (rc) {
		vfree(*buf);
		*buf = NULL;
		return rc;
	}
	*gpadl_ok = true;
	return 0;
}

static int nvsp_recv_buffer(struct netvsc_dev *nv, u32 size)
{
	struct nvsp_msg msg = { .type = NVSP_MSG1_SEND_RECV_BUF };
	struct nvsp_msg resp;
	const char *why = NULL;
	int rc;

	rc = nvsp_buffer_create(nv, &nv->recv_buf, size, &nv->recv_gpadl, &nv->recv_gpadl_ok);
	if (rc)
		return rc;
	nv->recv_buf_size = size;

	msg.send_buf.gpadl_handle = nv->recv_gpadl;
	msg.send_buf.id = NVSP_RECV_BUFFER_ID;
	rc = nvsp_request(nv, &msg, NVSP_MSG1_SEND_RECV_BUF_COMPLETE, &resp);
	if (rc)
		return rc;
	/* Sent and answered: the host may hold it even if it said no. */
	nv->recv_buf_sent = true;
	if (resp.recv_buf_complete.status != NVSP_STAT_SUCCESS) {
		netdev_err(nv->ndev, "host refused the receive buffer: status %u\n",
			   resp.recv_buf_complete.status);
		return -EIO;
	}
	/* Section size and count size guest allocations (rx.c): bounded here. */
	rc = nvsp_recv_buf_check(&resp.recv_buf_complete, size, &nv->recv_section_size,
				 &nv->recv_sections, &why);
	if (rc) {
		const struct nvsp1_recv_buffer_section *s = &resp.recv_buf_complete.section;

		if (net_ratelimit())
			netdev_err(nv->ndev,
				   "receive buffer completion refused: %s (sub_alloc_size %u, num_sub_allocs %u, buffer %u)\n",
				   why, s->sub_alloc_size, s->num_sub_allocs, size);
		return rc;
	}
	/* Without its page table, frames are copied (rxlend.c): not fatal. */
	netvsc_lend_init(nv);
	return 0;
}

static int nvsp_send_buffer(struct netvsc_dev *nv, u32 size)
{
	struct nvsp_msg msg = { .type = NVSP_MSG1_SEND_SEND_BUF };
	struct nvsp_msg resp;
	const char *why = NULL;
	unsigned long *map;
	u32 sections;
	int rc;

	rc = nvsp_buffer_create(nv, &nv->send_buf, size, &nv->send_gpadl, &nv->send_gpadl_ok);
	if (rc)
		return rc;
	nv->send_buf_size = size;

	msg.send_buf.gpadl_handle = nv->send_gpadl;
	msg.send_buf.id = NVSP_SEND_BUFFER_ID;
	rc = nvsp_request(nv, &msg, NVSP_MSG1_SEND_SEND_BUF_COMPLETE, &resp);
	if (rc)
		return rc;
	nv->send_buf_sent = true;
	if (resp.send_buf_complete.status != NVSP_STAT_SUCCESS) {
		netdev_err(nv->ndev, "host refused the send buffer: status %u\n",
			   resp.send_buf_complete.status);
		return -EIO;
	}
	rc = nvsp_send_buf_check(&resp.send_buf_complete, size, &sections, &why);
	if (rc) {
		netdev_err(nv->ndev, "bad send buffer completion: %s\n", why);
		return rc;
	}
	map = bitmap_zalloc(sections, GFP_KERNEL);
	if (!map)
		return -ENOMEM;
	nv->send_section_size = resp.send_buf_complete.section_size;
	nv->send_sections = sections;
	/* The completion path looks at the map without a lock (tx.c). */
	smp_store_release(&nv->send_map, map);
	return 0;
}

/*
 * Negotiates NVSP and hands the host both buffers.  On failure the caller still
 * calls netvsc_nvsp_revoke() and, after closing the channel, _free_buffers().
 */
int netvsc_nvsp_connect(struct netvsc_dev *nv, u32 mtu, u32 recv_bytes, u32 send_bytes)
{
	int rc;

	rc = nvsp_negotiate(nv);
	if (rc)
		return rc;
	rc = nvsp_announce(nv, mtu);
	if (rc)
		return rc;
	/* netvsc.c: hosts speaking NVSP 2 or older take at most 15 MiB. */
	if (nv->nvsp_ver <= NVSP_VERSION_2)
		recv_bytes = min(recv_bytes, NETVSC_RECV_BUFFER_MAX_LEGACY);
	rc = nvsp_recv_buffer(nv, recv_bytes);
	if (rc)
		return rc;
	rc = nvsp_send_buffer(nv, send_bytes);
	if (rc)
		return rc;
	netdev_dbg(nv->ndev, "NVSP %#x, recv %u x %u, send %u x %u\n", nv->nvsp_ver,
		   nv->recv_sections, nv->recv_section_size, nv->send_sections,
		   nv->send_section_size);
	return 0;
}

/*
 * NVSP5 SUBCHANNEL ALLOCATE for @want subchannels (netvsc.c / rndis_filter.c
 * rndis_set_subchannel); *granted is what the host allocated, checked to be at most
 * what was asked.  Its offers come through the bus (rss.c).
 */
int netvsc_nvsp_subchannels(struct netvsc_dev *nv, u32 want, u32 *granted)
{
	struct nvsp5_subchannel_request req = { .op = NVSP_SUBCHANNEL_ALLOCATE };
	struct nvsp_msg msg = { .type = NVSP_MSG5_SUBCHANNEL };
	struct nvsp5_subchannel_complete c;
	struct nvsp_msg resp;
	int rc;

	req.num_subchannels = want;
	memcpy(msg.raw, &req, sizeof(req));
	rc = nvsp_request(nv, &msg, NVSP_MSG5_SUBCHANNEL, &resp);
	if (rc)
		return rc;
	memcpy(&c, resp.raw, sizeof(c));
	if (c.status != NVSP_STAT_SUCCESS) {
		netdev_warn(nv->ndev, "host refused %u subchannels: status %u\n", want, c.status);
		return -EIO;
	}
	if (c.num_subchannels > want) {
		if (net_ratelimit())
			netdev_err(nv->ndev,
				   "subchannel completion refused: num_subchannels %u above the %u asked\n",
				   c.num_subchannels, want);
		return -EINVAL;
	}
	*granted = c.num_subchannels;
	return 0;
}

/* Tells the host to stop using the buffers (no reply, netvsc.c netvsc_revoke_*_buf). */
void netvsc_nvsp_revoke(struct netvsc_dev *nv)
{
	struct nvsp_msg msg = {};
	int rc;

	if (nv->recv_buf_sent) {
		msg.type = NVSP_MSG1_REVOKE_RECV_BUF;
		msg.revoke.id = NVSP_RECV_BUFFER_ID;
		rc = nvsp_send(nv, &msg, false);
		if (rc && rc != -ENODEV)
			netdev_warn(nv->ndev, "REVOKE_RECV_BUF failed: %d\n", rc);
		nv->recv_buf_sent = false;
	}
	if (nv->send_buf_sent) {
		memset(&msg, 0, sizeof(msg));
		msg.type = NVSP_MSG1_REVOKE_SEND_BUF;
		msg.revoke.id = NVSP_SEND_BUFFER_ID;
		rc = nvsp_send(nv, &msg, false);
		if (rc && rc != -ENODEV)
			netdev_warn(nv->ndev, "REVOKE_SEND_BUF failed: %d\n", rc);
		nv->send_buf_sent = false;
	}
}

static void nvsp_buffer_drop(struct netvsc_dev *nv, void **buf, u32 size, u32 gpadl,
			     bool *gpadl_ok, const char *what)
{
	if (!*buf)
		return;
	if (*gpadl_ok && hvis_channel_gpadl_teardown(nv->ch, gpadl)) {
		/* The host may still write into it: leaking beats corrupting. */
		netdev_err(nv->ndev, "%s buffer GPADL %#x not released; %u bytes leaked\n",
			   what, gpadl, size);
		*buf = NULL;
		*gpadl_ok = false;
		return;
	}
	*gpadl_ok = false;
	vfree(*buf);
	*buf = NULL;
}

/* After hvis_channel_close(): tears the GPADLs down and frees what the host let go. */
void netvsc_nvsp_free_buffers(struct netvsc_dev *nv)
{
	/* Pages still lent to skbs stay allocated until the last one is freed. */
	netvsc_lend_exit(nv);
	nvsp_buffer_drop(nv, &nv->recv_buf, nv->recv_buf_size, nv->recv_gpadl,
			 &nv->recv_gpadl_ok, "receive");
	nvsp_buffer_drop(nv, &nv->send_buf, nv->send_buf_size, nv->send_gpadl,
			 &nv->send_gpadl_ok, "send");
	bitmap_free(nv->send_map);
	nv->send_map = NULL;
}
