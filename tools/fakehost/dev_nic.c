// SPDX-License-Identifier: GPL-2.0-only
/*
 * dev_nic.c: the synthetic NIC (class "nic", HV_NIC_GUID) on the host side, the part
 * Hyper-V's VMSwitch port (OpenVMM's netvsp) plays for drivers/net/hyperv/netvsc.c.
 * One channel; no subchannels or RSS (those OIDs answer NOT_SUPPORTED), no offloads:
 * OID_TCP_OFFLOAD_HARDWARE_CAPABILITIES answers a complete NDIS_OFFLOAD object that
 * offers nothing, and OID_TCP_OFFLOAD_PARAMETERS accepts a valid object that turns
 * nothing on (as Hyper-V answers both: upstream's rndis_netdev_set_hwcaps() fails
 * the NIC otherwise).
 *
 * NVSP (in-band VMBus packets, include/hvis/netvsc_proto.h): every request must be as
 * long as the negotiated version needs (28 bytes, 40 from NVSP 6.1; Hyper-V answers
 * nothing shorter), else it is dropped with NIC_BAD field=len8; our messages to the
 * guest have the same sizes.  INIT (versions 2 .. 6.1) -> INIT_COMPLETE; SEND_NDIS_CONFIG / SEND_NDIS_VER recorded; SEND_RECV_BUF and
 * SEND_SEND_BUF map the guest's GPADLs -> *_COMPLETE; REVOKE_* forget them;
 * SEND_RNDIS_PKT carries RNDIS messages from the guest, in a send-buffer section or in
 * GPA-direct page ranges (or both: header in a section, the rest in pages), several
 * batched per section -> SEND_RNDIS_PKT_COMPLETE.
 *
 * Host -> guest RNDIS messages (control completions, INDICATE_STATUS, PACKETs from the
 * net responder) are written to a free 1728-byte section of the guest's receive buffer
 * and announced with a VM_PKT_DATA_USING_XFER_PAGES packet; the section is free again
 * when the guest completes that packet's trans_id.  Until a section is free, messages
 * wait in a queue (NIC_QUEUE_LEN); when that is full they are dropped and counted.
 *
 * Everything from the guest is checked by lib/netvsc_msg.c first; bad input is a
 * NIC_BAD event (rate limited) naming the field, never a crash.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "dev_nic.h"
#include "net_responder.h"
#include "netvsc_msg.h"

#define NIC_QUEUE_LEN		256
#define NIC_MAX_MSG		(128u * 1024)	/* largest RNDIS send the host assembles */
#define NIC_MAX_FRAME		(NETVSC_MTU_MAX + 18u)	/* Ethernet + 802.1Q header */
#define NIC_RECV_MAX_BYTES	(32u << 20)
#define NIC_SEND_MAX_BYTES	(16u << 20)
#define NIC_MAX_MDL_CHAIN	34
#define NIC_LINK_SPEED		100000000u	/* 10 Gbps, in 100 bps units */
#define NIC_BAD_PER_SEC		20
#define XFER_HDR_RANGE_BYTES	32	/* transfer-page header 24 + 1 range 8 */
#define XFER_PKT_MAX		(XFER_HDR_RANGE_BYTES + NVSP_MSG_BYTES_V61)

/* RESET_C body (include/linux/rndis.h rndis_reset_complete). */
struct nic_reset_complete {
	u32 status;
	u32 addressing_reset;
} __packed;

struct nic_out {
	u32 len;
	u32 chan;		/* NVSP_RNDIS_CHANNEL_* */
	u8 data[NETVSC_RECV_SECTION_SIZE];
};

struct nic_buf {
	u32 gpadl;
	u8 *map;		/* NULL: none */
	u32 pages;
	u32 size;
	u32 sections;
	u32 section_size;
};

struct nic_dev {
	struct host_device *dev;
	/* configuration: kept across guest connections */
	u8 mac[6];
	bool link_up;
	u32 max_frame;		/* answer to MAXIMUM_FRAME_SIZE */
	u32 recv_section;	/* receive section size offered (`nic recv-section`) */
	u32 link_speed;
	struct net_responder resp;

	/* the open channel and this connection's state */
	struct host_channel *ch;
	u32 nvsp_version;	/* 0: not negotiated */
	u32 ndis_version;
	u32 guest_mtu;
	u64 guest_caps;
	bool offload_set;	/* OID_TCP_OFFLOAD_PARAMETERS accepted on this connection */
	struct ndis_offload_params offload;	/* ... and what it set */
	struct nic_buf recv, send;
	u8 *recv_used;		/* bitmap of sections the guest has not completed */
	u64 *recv_trans;	/* trans_id of the packet that announced each section */
	u32 recv_in_use, recv_hint;
	u32 seq;
	bool rndis_inited;
	u32 filter;
	struct nic_out *q;
	u32 q_head, q_count;
	bool comp_pending;	/* a completion waits for room in the ring */
	u64 comp_trans;
	struct nvsp_msg comp_msg;
	u8 *msgbuf;		/* NIC_MAX_MSG: the RNDIS bytes of one SEND_RNDIS_PKT */

	/* counters (since the device was created) */
	u64 tx_frames;		/* guest -> wire */
	u64 rx_frames;		/* wire -> guest */
	u64 drops;		/* host -> guest messages dropped: queue full or send error */
	u64 too_big;		/* responder frames larger than a receive section */
	u64 filtered;		/* frames not delivered: packet filter 0 */
	u64 bad;		/* NIC_BAD conditions */
	u64 ctrl_msgs;		/* RNDIS control messages from the guest */
	u64 bad_window_ms;
	u32 bad_in_window;
	u64 bad_suppressed;
	u64 injected;		/* `nic bad` messages sent */
	u64 injected_acks;	/* the guest's completions of those that used no section */
	u64 inject_trans;	/* trans_id of the last such message, 0 if none */
	u64 short_nvsp;		/* NVSP requests shorter than the version needs */
	u64 hwcaps_queries;	/* OID_TCP_OFFLOAD_HARDWARE_CAPABILITIES answered */
	u64 offload_sets;	/* OID_TCP_OFFLOAD_PARAMETERS accepted */
};

static struct nic_dev *nic_of(struct host_channel *ch)
{
	return ch->dev->priv;
}

/* The device's place among the NIC devices (the <dev> of `ctl nic`). */
static u32 nic_ordinal(const struct host_device *dev)
{
	const struct host_device *d;
	u32 n = 0;

	for (d = dev->host->devices; d && d != dev; d = d->next)
		n += d->ops == &dev_nic_ops;
	return n;
}

static void nic_bad(struct nic_dev *nd, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void nic_bad(struct nic_dev *nd, const char *field, const char *fmt, ...)
{
	struct vmbus_host *h = nd->dev->host;
	char text[256];
	va_list ap;

	nd->bad++;
	if (h->now_ms - nd->bad_window_ms >= 1000 || h->now_ms < nd->bad_window_ms) {
		nd->bad_window_ms = h->now_ms;
		nd->bad_in_window = 0;
	}
	if (nd->bad_in_window++ >= NIC_BAD_PER_SEC) {
		nd->bad_suppressed++;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	host_event(h, "NIC_BAD", "nic=%u field=%s %s suppressed=%llu", nic_ordinal(nd->dev), field,
		   text, (unsigned long long)nd->bad_suppressed);
}

static const char *fmt_mac(const u8 *m, char *buf)
{
	sprintf(buf, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
	return buf;
}

/* ---- buffers ---- */

static void buf_unmap(struct nic_buf *b)
{
	guest_mem_unmap(b->map, b->pages);
	memset(b, 0, sizeof(*b));
}

static void recv_forget(struct nic_dev *nd)
{
	buf_unmap(&nd->recv);
	free(nd->recv_used);
	free(nd->recv_trans);
	nd->recv_used = NULL;
	nd->recv_trans = NULL;
	nd->recv_in_use = nd->recv_hint = 0;
}

static struct host_gpadl *find_gpadl(struct host_channel *ch, u32 id)
{
	struct host_gpadl *g;

	for (g = ch->host->gpadls; g; g = g->next)
		if (g->id == id && g->state == GPADL_CREATED && g->relid == ch->relid)
			return g;
	return NULL;
}

/* Maps the GPADL into b; 0, or -1 after a NIC_BAD naming the field. */
static int buf_map(struct host_channel *ch, struct nic_buf *b, u32 id, u32 max_bytes,
		   u32 section_size, const char *what)
{
	struct nic_dev *nd = nic_of(ch);
	struct host_gpadl *g = find_gpadl(ch, id);

	if (b->map) {
		nic_bad(nd, "gpadl_handle", "buf=%s gpadl=%#x (a buffer is already mapped)", what, id);
		return -1;
	}
	if (!g) {
		nic_bad(nd, "gpadl_handle", "buf=%s gpadl=%#x (no such GPADL on this channel)", what, id);
		return -1;
	}
	if (!g->npages || g->npages > max_bytes / GUEST_PAGE_SIZE ||
	    g->npages * GUEST_PAGE_SIZE < section_size) {
		nic_bad(nd, "gpadl_handle", "buf=%s gpadl=%#x pages=%u (size out of range)", what, id,
			g->npages);
		return -1;
	}
	b->map = guest_mem_map(ch->host->mem, g->pfns, g->npages);
	if (!b->map) {
		nic_bad(nd, "gpadl_handle", "buf=%s gpadl=%#x (cannot map)", what, id);
		return -1;
	}
	b->gpadl = id;
	b->pages = g->npages;
	b->size = g->npages * GUEST_PAGE_SIZE;
	b->section_size = section_size;
	b->sections = b->size / section_size;
	return 0;
}

/* ---- host -> guest ---- */

/* NVSP messages to the guest are as long as the negotiated version's (OpenVMM's netvsp). */
static int send_comp(struct host_channel *ch, u64 trans, const struct nvsp_msg *m)
{
	struct nic_dev *nd = nic_of(ch);
	u32 len = nvsp_msg_min_len(nd->nvsp_version);
	int ret = host_chan_send(ch, VM_PKT_COMP, 0, trans, m, len);

	if (ret == -EAGAIN) {
		/* Kept until the guest makes room; no more packets are read meanwhile. */
		nd->comp_pending = true;
		nd->comp_trans = trans;
		nd->comp_msg = *m;
		host_chan_want_room(ch, hvis_ring_packet_bytes(len));
	}
	return ret;
}

static bool q_push(struct nic_dev *nd, u32 chan, const void *msg, u32 len)
{
	struct nic_out *e;

	if (!nd->q || nd->q_count == NIC_QUEUE_LEN || len > sizeof(e->data)) {
		nd->drops++;
		return false;
	}
	e = &nd->q[(nd->q_head + nd->q_count) % NIC_QUEUE_LEN];
	e->len = len;
	e->chan = chan;
	memcpy(e->data, msg, len);
	nd->q_count++;
	return true;
}

static bool section_used(const struct nic_dev *nd, u32 s)
{
	return nd->recv_used[s / 8] & (1u << (s % 8));
}

static void section_mark(struct nic_dev *nd, u32 s, bool used)
{
	if (used)
		nd->recv_used[s / 8] |= 1u << (s % 8);
	else
		nd->recv_used[s / 8] &= ~(1u << (s % 8));
}

static int free_section(struct nic_dev *nd)
{
	u32 i, s;

	if (nd->recv_in_use >= nd->recv.sections)
		return -1;
	for (i = 0; i < nd->recv.sections; i++) {
		s = (nd->recv_hint + i) % nd->recv.sections;
		if (!section_used(nd, s))
			return (int)s;
	}
	return -1;
}

/*
 * Sends one VM_PKT_DATA_USING_XFER_PAGES packet announcing @count bytes at @offset of
 * the guest's receive buffer (one range) as an RNDIS message of channel @chan.
 * Returns 0, -EAGAIN (no room in the ring) or another error.
 */
static int xfer_send(struct host_channel *ch, u32 chan, u64 trans, u16 pageset, u32 offset,
		     u32 count)
{
	u8 pkt[XFER_PKT_MAX] __aligned(8) = {};
	struct vmtransfer_page_packet_header *x = (void *)pkt;
	struct vmtransfer_page_range r = { .byte_count = count, .byte_offset = offset };
	u32 len = (XFER_HDR_RANGE_BYTES + nvsp_msg_min_len(nic_of(ch)->nvsp_version) + 7) & ~7u;
	struct nvsp_msg m = {};
	int ret;

	static_assert(sizeof(*x) + sizeof(r) == XFER_HDR_RANGE_BYTES, "xfer header");
	x->d.type = VM_PKT_DATA_USING_XFER_PAGES;
	x->d.offset8 = (sizeof(*x) + sizeof(r)) / 8;
	x->d.len8 = len / 8;
	x->d.flags = VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED;
	x->d.trans_id = trans;
	x->xfer_pageset_id = pageset;
	x->sender_owns_set = 0;
	x->range_cnt = 1;
	memcpy(pkt + sizeof(*x), &r, sizeof(r));
	m.type = NVSP_MSG1_SEND_RNDIS_PKT;
	m.rndis.channel_type = chan;
	m.rndis.send_buf_section_index = NVSP_NO_SEND_SECTION;
	m.rndis.send_buf_section_size = 0;
	memcpy(pkt + XFER_HDR_RANGE_BYTES, &m, len - XFER_HDR_RANGE_BYTES);
	ret = host_chan_send_raw(ch, pkt, len);
	if (ret == -EAGAIN) {
		host_chan_want_room(ch, hvis_ring_packet_bytes(len - 16));
		ret = host_chan_send_raw(ch, pkt, len);
	}
	return ret;
}

/* Sends queued messages while there are free sections and room in the ring. */
static void nic_flush(struct host_channel *ch)
{
	struct nic_dev *nd = nic_of(ch);

	while (nd->q_count && nd->recv.map && !nd->comp_pending) {
		struct nic_out *e = &nd->q[nd->q_head];
		int s = free_section(nd), ret;
		u64 trans;

		if (s < 0)
			return;
		memcpy(nd->recv.map + (size_t)s * nd->recv.section_size, e->data, e->len);
		trans = (u64)++nd->seq << 32 | (u32)s;
		ret = xfer_send(ch, e->chan, trans, NVSP_RECV_BUFFER_ID,
				(u32)s * nd->recv.section_size, e->len);
		if (ret == -EAGAIN)
			return;		/* the guest's signal brings us back */
		if (ret) {
			nd->drops++;
		} else {
			section_mark(nd, s, true);
			nd->recv_trans[s] = trans;
			nd->recv_in_use++;
			nd->recv_hint = (u32)s + 1;
			if (e->chan == NVSP_RNDIS_CHANNEL_DATA)
				nd->rx_frames++;
		}
		nd->q_head = (nd->q_head + 1) % NIC_QUEUE_LEN;
		nd->q_count--;
	}
}

/* Queues a control message (hdr + body of blen bytes). */
static void queue_ctrl(struct nic_dev *nd, u32 type, const void *body, u32 blen)
{
	u8 buf[NETVSC_RECV_SECTION_SIZE] __aligned(8);
	struct rndis_msg_hdr hdr = { .msg_type = type, .msg_len = sizeof(hdr) + blen };

	if (blen > sizeof(buf) - sizeof(hdr)) {
		nd->drops++;
		return;
	}
	memcpy(buf, &hdr, sizeof(hdr));
	memcpy(buf + sizeof(hdr), body, blen);
	q_push(nd, NVSP_RNDIS_CHANNEL_CONTROL, buf, hdr.msg_len);
}

/* Queues an Ethernet frame for the guest as an RNDIS PACKET. */
static bool queue_frame(struct nic_dev *nd, const u8 *frame, u32 len)
{
	u8 buf[NETVSC_RECV_SECTION_SIZE] __aligned(8);
	u32 hl;

	if (len > sizeof(buf) - RNDIS_PACKET_HDR_BYTES) {
		nd->too_big++;
		return false;
	}
	if (!nd->filter) {
		nd->filtered++;
		return false;
	}
	hl = rndis_packet_build(buf, sizeof(buf), len);
	if (!hl || hl + len > sizeof(buf)) {
		nd->too_big++;
		return false;
	}
	memcpy(buf + hl, frame, len);
	return q_push(nd, NVSP_RNDIS_CHANNEL_DATA, buf, hl + len);
}

static void queue_indicate(struct nic_dev *nd, u32 status)
{
	struct rndis_indicate_status s = { .status = status };

	queue_ctrl(nd, RNDIS_MSG_INDICATE, &s, sizeof(s));
}

/* ---- RNDIS from the guest ---- */

static void on_rndis_init(struct nic_dev *nd, const u8 *msg)
{
	struct rndis_init_request req;
	struct rndis_init_complete c = {};
	char mac[18];

	memcpy(&req, msg + sizeof(struct rndis_msg_hdr), sizeof(req));
	c.req_id = req.req_id;
	c.status = RNDIS_STATUS_SUCCESS;
	c.major_ver = RNDIS_MAJOR_VERSION;
	c.minor_ver = RNDIS_MINOR_VERSION;
	c.medium = RNDIS_MEDIUM_802_3;
	c.max_pkt_per_msg = 8;
	c.max_xfer_size = RNDIS_MAX_XFER_SIZE;
	c.pkt_alignment_factor = 3;
	queue_ctrl(nd, RNDIS_MSG_INIT_C, &c, sizeof(c));
	nd->rndis_inited = true;
	host_event(nd->dev->host, "NIC_RNDIS_INIT",
		   "nic=%u req_id=%u major=%u minor=%u max_xfer_size=%u mac=%s",
		   nic_ordinal(nd->dev), req.req_id, req.major_ver, req.minor_ver,
		   req.max_xfer_size, fmt_mac(nd->mac, mac));
}

/*
 * What this NIC offers (nothing yet): a complete NDIS_OFFLOAD whose checksum parts
 * name the 802.3 encapsulation with no checksum bits, and no LSO, IPsec or RSC, the
 * way OpenVMM's netvsp describes a NIC with every offload off.
 */
static void nic_offload_caps(struct ndis_offload *caps)
{
	memset(caps, 0, sizeof(*caps));
	caps->csum.ip4_txenc = NDIS_OFFLOAD_ENCAP_8023;
	caps->csum.ip4_rxenc = NDIS_OFFLOAD_ENCAP_8023;
	caps->csum.ip6_txenc = NDIS_OFFLOAD_ENCAP_8023;
	caps->csum.ip6_rxenc = NDIS_OFFLOAD_ENCAP_8023;
}

static void on_query(struct nic_dev *nd, const u8 *msg, u32 msg_len)
{
	u8 body[sizeof(struct rndis_query_complete) + sizeof(struct ndis_offload)] __aligned(4) = {};
	u8 obj[sizeof(struct ndis_offload)];
	struct ndis_offload caps;
	struct rndis_query_complete c = {};
	u32 req_id, oid, ioff, ilen, v32;
	const void *val = NULL;
	u32 vlen = 0;
	const char *why = "?";

	if (rndis_oid_request_parse(msg, msg_len, &req_id, &oid, &ioff, &ilen, &why)) {
		nic_bad(nd, "rndis_query", "why=\"%s\"", why);
		return;
	}
	switch (oid) {
	case RNDIS_OID_GEN_MAXIMUM_FRAME_SIZE:
		v32 = nd->max_frame;
		val = &v32;
		vlen = 4;
		break;
	case RNDIS_OID_802_3_PERMANENT_ADDRESS:
	case RNDIS_OID_802_3_CURRENT_ADDRESS:
		val = nd->mac;
		vlen = 6;
		break;
	case RNDIS_OID_GEN_MEDIA_CONNECT_STATUS:
		v32 = nd->link_up ? RNDIS_MEDIA_STATE_CONNECTED : RNDIS_MEDIA_STATE_DISCONNECTED;
		val = &v32;
		vlen = 4;
		break;
	case RNDIS_OID_GEN_LINK_SPEED:
		v32 = nd->link_speed;
		val = &v32;
		vlen = 4;
		break;
	case OID_TCP_OFFLOAD_HARDWARE_CAPABILITIES:
		nic_offload_caps(&caps);
		vlen = ndis_offload_build(obj, sizeof(obj), nd->nvsp_version, &caps);
		val = obj;
		nd->hwcaps_queries++;
		host_event(nd->dev->host, "NIC_OFFLOAD_CAPS", "nic=%u revision=%u size=%u",
			   nic_ordinal(nd->dev), obj[1], vlen);
		break;
	default:
		break;	/* FRIENDLY_NAME, RSS, ...: NOT_SUPPORTED */
	}
	c.req_id = req_id;
	c.status = val ? RNDIS_STATUS_SUCCESS : RNDIS_STATUS_NOT_SUPPORTED;
	c.info_buflen = vlen;
	c.info_buf_offset = vlen ? sizeof(c) : 0;
	memcpy(body, &c, sizeof(c));
	if (vlen)
		memcpy(body + sizeof(c), val, vlen);
	queue_ctrl(nd, RNDIS_MSG_QUERY_C, body, sizeof(c) + vlen);
}

/* OID_TCP_OFFLOAD_PARAMETERS (info checked to lie in the message): an RNDIS status. */
static u32 set_offload(struct nic_dev *nd, const u8 *info, u32 len)
{
	struct ndis_offload_params p;
	struct ndis_offload caps;
	const char *why = "?", *off;

	if (ndis_offload_params_parse(info, len, &p, &why)) {
		nic_bad(nd, "offload_params", "len=%u why=\"%s\"", len, why);
		return RNDIS_STATUS_INVALID_DATA;
	}
	nic_offload_caps(&caps);
	off = ndis_offload_params_unsupported(&p, &caps);
	if (off) {
		nic_bad(nd, off, "oid=TCP_OFFLOAD_PARAMETERS (turns on an offload this NIC lacks)");
		return RNDIS_STATUS_NOT_SUPPORTED;
	}
	nd->offload = p;
	nd->offload_set = true;
	nd->offload_sets++;
	host_event(nd->dev->host, "NIC_OFFLOAD_PARAMS",
		   "nic=%u revision=%u size=%u ip_v4_csum=%u tcp_ip_v4_csum=%u udp_ip_v4_csum=%u tcp_ip_v6_csum=%u udp_ip_v6_csum=%u lso_v1=%u lso_v2_ipv4=%u lso_v2_ipv6=%u rsc_ip_v4=%u rsc_ip_v6=%u",
		   nic_ordinal(nd->dev), p.header.revision, p.header.size, p.ip_v4_csum,
		   p.tcp_ip_v4_csum, p.udp_ip_v4_csum, p.tcp_ip_v6_csum, p.udp_ip_v6_csum,
		   p.lso_v1, p.lso_v2_ipv4, p.lso_v2_ipv6, p.rsc_ip_v4, p.rsc_ip_v6);
	return RNDIS_STATUS_SUCCESS;
}

static void on_set(struct nic_dev *nd, const u8 *msg, u32 msg_len)
{
	struct rndis_set_complete c = {};
	u32 req_id, oid, ioff, ilen, v;
	const char *why = "?";

	if (rndis_oid_request_parse(msg, msg_len, &req_id, &oid, &ioff, &ilen, &why)) {
		nic_bad(nd, "rndis_set", "why=\"%s\"", why);
		return;
	}
	c.req_id = req_id;
	c.status = RNDIS_STATUS_NOT_SUPPORTED;
	if (oid == OID_TCP_OFFLOAD_PARAMETERS) {
		c.status = set_offload(nd, msg + ioff, ilen);
	} else if (oid == RNDIS_OID_GEN_CURRENT_PACKET_FILTER) {
		if (ilen < sizeof(v) || ioff > msg_len || msg_len - ioff < sizeof(v)) {
			nic_bad(nd, "info_buflen", "oid=CURRENT_PACKET_FILTER len=%u", ilen);
			c.status = RNDIS_STATUS_INVALID_DATA;
		} else {
			memcpy(&v, msg + ioff, sizeof(v));
			nd->filter = v;
			c.status = RNDIS_STATUS_SUCCESS;
			host_event(nd->dev->host, "NIC_FILTER", "nic=%u filter=%#x",
				   nic_ordinal(nd->dev), v);
		}
	}
	queue_ctrl(nd, RNDIS_MSG_SET_C, &c, sizeof(c));
}

/* One guest PACKET: the frame goes to the responder, its answer to the guest. */
static u32 on_packet(struct nic_dev *nd, const u8 *msg, u32 msg_len)
{
	struct rndis_packet_view v;
	u8 out[NETVSC_RECV_SECTION_SIZE];
	const char *why = "?";
	u32 n;

	if (rndis_packet_parse(msg, msg_len, NIC_MAX_FRAME, &v, &why)) {
		nic_bad(nd, "rndis_packet", "why=\"%s\"", why);
		return NVSP_STAT_INVALID_RNDIS_PKT;
	}
	nd->tx_frames++;
	n = net_responder_handle(&nd->resp, msg + v.data_off, v.data_len, out, sizeof(out));
	if (n)
		queue_frame(nd, out, n);
	return NVSP_STAT_SUCCESS;
}

/* One RNDIS message of msg_len (checked) bytes; an NVSP status. */
static u32 on_rndis_msg(struct nic_dev *nd, u32 type, const u8 *msg, u32 msg_len)
{
	struct rndis_keepalive_request ka;
	struct rndis_keepalive_complete kc = {};
	struct nic_reset_complete rc = {};

	if (type != RNDIS_MSG_PACKET)
		nd->ctrl_msgs++;
	switch (type) {
	case RNDIS_MSG_PACKET:
		return on_packet(nd, msg, msg_len);
	case RNDIS_MSG_INIT:
		on_rndis_init(nd, msg);
		break;
	case RNDIS_MSG_QUERY:
		on_query(nd, msg, msg_len);
		break;
	case RNDIS_MSG_SET:
		on_set(nd, msg, msg_len);
		break;
	case RNDIS_MSG_HALT:
		nd->rndis_inited = false;
		host_event(nd->dev->host, "NIC_RNDIS_HALT", "nic=%u", nic_ordinal(nd->dev));
		break;
	case RNDIS_MSG_RESET:
		rc.status = RNDIS_STATUS_SUCCESS;
		queue_ctrl(nd, RNDIS_MSG_RESET_C, &rc, sizeof(rc));
		break;
	case RNDIS_MSG_KEEPALIVE:
		memcpy(&ka, msg + sizeof(struct rndis_msg_hdr), sizeof(ka));
		kc.req_id = ka.req_id;
		kc.status = RNDIS_STATUS_SUCCESS;
		queue_ctrl(nd, RNDIS_MSG_KEEPALIVE_C, &kc, sizeof(kc));
		break;
	case RNDIS_MSG_KEEPALIVE_C:
		break;
	default:
		nic_bad(nd, "msg_type", "type=%#x (%s)", type, rndis_msg_name(type));
		return NVSP_STAT_INVALID_RNDIS_PKT;
	}
	return NVSP_STAT_SUCCESS;
}

static bool all_zero(const u8 *p, u32 n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

/* A sequence of RNDIS messages (batching) in total bytes; an NVSP status. */
static u32 on_rndis_bytes(struct nic_dev *nd, const u8 *buf, u32 total)
{
	u32 off = 0, type, mlen, status = NVSP_STAT_SUCCESS, n = 0;
	const char *why = "?";

	while (total - off >= sizeof(struct rndis_msg_hdr)) {
		if (rndis_msg_check(buf + off, total - off, NETVSC_FROM_GUEST, &type, &mlen, &why)) {
			nic_bad(nd, "rndis", "offset=%u msg=%u why=\"%s\"", off, n, why);
			return NVSP_STAT_INVALID_RNDIS_PKT;
		}
		if (on_rndis_msg(nd, type, buf + off, mlen) != NVSP_STAT_SUCCESS)
			status = NVSP_STAT_INVALID_RNDIS_PKT;
		off += mlen;
		n++;
		/* Padding to the next 8-byte boundary not counted in msg_len. */
		if (off & 7) {
			u32 a = (off + 7) & ~7u;

			if (a <= total && all_zero(buf + off, a - off))
				off = a;
		}
	}
	if (!n) {
		nic_bad(nd, "send_buf_section_size", "bytes=%u (no RNDIS message)", total);
		return NVSP_STAT_INVALID_RNDIS_PKT;
	}
	return status;
}

/* Appends the guest pages of a GPA-direct packet's ranges to msgbuf. */
static bool gather_ranges(struct nic_dev *nd, const u8 *pkt, u32 off8, u32 *total)
{
	const struct guest_mem *mem = nd->dev->host->mem;
	const struct vmdata_gpa_direct *g = (const void *)pkt;
	u32 left = off8 - sizeof(*g), pos = sizeof(*g), i, cnt = g->range_cnt;

	if (!cnt || cnt > left / (sizeof(struct vmbus_gpa_range) + 8)) {
		nic_bad(nd, "range_cnt", "range_cnt=%u (header holds %u bytes)", cnt, left);
		return false;
	}
	for (i = 0; i < cnt; i++) {
		struct vmbus_gpa_range r;
		u32 pages, p, in_page, need;

		if (off8 - pos < sizeof(r)) {
			nic_bad(nd, "range_cnt", "range=%u (past offset8)", i);
			return false;
		}
		memcpy(&r, pkt + pos, sizeof(r));
		pos += sizeof(r);
		if (r.byte_offset >= GUEST_PAGE_SIZE || !r.byte_count) {
			nic_bad(nd, r.byte_count ? "byte_offset" : "byte_count",
				"range=%u byte_offset=%u byte_count=%u", i, r.byte_offset, r.byte_count);
			return false;
		}
		if (r.byte_count > NIC_MAX_MSG - *total) {
			nic_bad(nd, "byte_count", "range=%u byte_count=%u (message over %u bytes)", i,
				r.byte_count, NIC_MAX_MSG);
			return false;
		}
		pages = (u32)(((u64)r.byte_offset + r.byte_count + GUEST_PAGE_SIZE - 1) /
			      GUEST_PAGE_SIZE);
		if ((off8 - pos) / 8 < pages) {
			nic_bad(nd, "range_cnt", "range=%u pages=%u (past offset8)", i, pages);
			return false;
		}
		in_page = r.byte_offset;
		need = r.byte_count;
		for (p = 0; p < pages; p++, pos += 8) {
			u64 pfn, foff;
			u32 chunk = min(GUEST_PAGE_SIZE - in_page, need);

			memcpy(&pfn, pkt + pos, 8);
			if (!mem || !guest_mem_pfn_offset(mem, pfn, &foff)) {
				nic_bad(nd, "pfn", "range=%u pfn=%#llx (not guest RAM)", i,
					(unsigned long long)pfn);
				return false;
			}
			if (pread(mem->fd, nd->msgbuf + *total, chunk, (off_t)(foff + in_page)) !=
			    (ssize_t)chunk) {
				nic_bad(nd, "pfn", "range=%u pfn=%#llx (read failed)", i,
					(unsigned long long)pfn);
				return false;
			}
			*total += chunk;
			need -= chunk;
			in_page = 0;
		}
	}
	return true;
}

static u32 on_send_rndis(struct host_channel *ch, const u8 *pkt, u32 off8,
			 const struct nvsp_msg *m)
{
	struct nic_dev *nd = nic_of(ch);
	const struct vmpacket_descriptor *d = (const void *)pkt;
	u32 idx = m->rndis.send_buf_section_index, sz = m->rndis.send_buf_section_size;
	u32 total = 0;

	if (m->rndis.channel_type > NVSP_RNDIS_CHANNEL_CONTROL) {
		nic_bad(nd, "channel_type", "channel_type=%u", m->rndis.channel_type);
		return NVSP_STAT_INVALID_RNDIS_PKT;
	}
	if (idx != NVSP_NO_SEND_SECTION) {
		if (!nd->send.map) {
			nic_bad(nd, "send_buf_section_index", "index=%u (no send buffer)", idx);
			return NVSP_STAT_FAIL;
		}
		if (idx >= nd->send.sections) {
			nic_bad(nd, "send_buf_section_index", "index=%u sections=%u", idx,
				nd->send.sections);
			return NVSP_STAT_FAIL;
		}
		if (!sz || sz > nd->send.section_size) {
			nic_bad(nd, "send_buf_section_size", "size=%u section_size=%u", sz,
				nd->send.section_size);
			return NVSP_STAT_FAIL;
		}
		/* A snapshot: the guest cannot change what was checked. */
		memcpy(nd->msgbuf, nd->send.map + (size_t)idx * nd->send.section_size, sz);
		total = sz;
	}
	if (d->type == VM_PKT_DATA_USING_GPA_DIRECT) {
		if (!gather_ranges(nd, pkt, off8, &total))
			return NVSP_STAT_FAIL;
	} else if (idx == NVSP_NO_SEND_SECTION) {
		nic_bad(nd, "send_buf_section_index", "index=none in an in-band packet (no data)");
		return NVSP_STAT_FAIL;
	}
	return on_rndis_bytes(nd, nd->msgbuf, total);
}

/* ---- NVSP from the guest ---- */

static bool version_ok(u32 v)
{
	return v == NVSP_VERSION_2 || v == NVSP_VERSION_4 || v == NVSP_VERSION_5 ||
	       v == NVSP_VERSION_6 || v == NVSP_VERSION_61;
}

static void on_init(struct host_channel *ch, u64 trans, const struct nvsp_msg *m)
{
	static const u32 newest_first[] = { NVSP_VERSION_61, NVSP_VERSION_6, NVSP_VERSION_5,
					    NVSP_VERSION_4, NVSP_VERSION_2 };
	struct nic_dev *nd = nic_of(ch);
	struct nvsp_msg r = { .type = NVSP_MSG_INIT_COMPLETE };
	u32 i, v = 0;

	for (i = 0; i < ARRAY_SIZE(newest_first); i++) {
		if (newest_first[i] >= m->init.min_protocol_ver &&
		    newest_first[i] <= m->init.max_protocol_ver && version_ok(newest_first[i])) {
			v = newest_first[i];
			break;
		}
	}
	r.init_complete.negotiated_protocol_ver = v;
	r.init_complete.max_mdl_chain_len = NIC_MAX_MDL_CHAIN;
	r.init_complete.status = v ? NVSP_STAT_SUCCESS : NVSP_STAT_PROTOCOL_UNSUPPORTED;
	if (v)
		nd->nvsp_version = v;
	host_event(ch->host, "NIC_INIT", "nic=%u min=%#x max=%#x version=%#x status=%s",
		   nic_ordinal(ch->dev), m->init.min_protocol_ver, m->init.max_protocol_ver, v,
		   v ? "success" : "unsupported");
	send_comp(ch, trans, &r);
}

static void on_recv_buf(struct host_channel *ch, u64 trans, const struct nvsp_msg *m)
{
	struct nic_dev *nd = nic_of(ch);
	struct nvsp_msg r = { .type = NVSP_MSG1_SEND_RECV_BUF_COMPLETE };
	struct nvsp1_recv_buffer_section *s = &r.recv_buf_complete.sections[0];
	u32 section = nd->recv_section;

	r.recv_buf_complete.status = NVSP_STAT_FAIL;
	if (!nd->nvsp_version) {
		nic_bad(nd, "state", "msg=SEND_RECV_BUF (before INIT)");
	} else if (m->send_buf.id != NVSP_RECV_BUFFER_ID) {
		nic_bad(nd, "id", "msg=SEND_RECV_BUF id=%#x (not 0xcafe)", m->send_buf.id);
	} else if (!buf_map(ch, &nd->recv, m->send_buf.gpadl_handle, NIC_RECV_MAX_BYTES,
			    section, "recv")) {
		nd->recv_used = calloc(1, (nd->recv.sections + 7) / 8);
		nd->recv_trans = calloc(nd->recv.sections, sizeof(*nd->recv_trans));
		if (!nd->recv_used || !nd->recv_trans) {
			recv_forget(nd);
		} else {
			r.recv_buf_complete.status = NVSP_STAT_SUCCESS;
			r.recv_buf_complete.num_sections = 1;
			s->offset = 0;
			s->sub_alloc_size = section;
			s->num_sub_allocs = nd->recv.sections;
			s->end_offset = nd->recv.sections * section;
			host_event(ch->host, "NIC_BUFFER",
				   "nic=%u kind=recv gpadl=%#x bytes=%u sections=%u section_size=%u",
				   nic_ordinal(ch->dev), nd->recv.gpadl, nd->recv.size,
				   nd->recv.sections, section);
		}
	}
	send_comp(ch, trans, &r);
}

static void on_send_buf(struct host_channel *ch, u64 trans, const struct nvsp_msg *m)
{
	struct nic_dev *nd = nic_of(ch);
	struct nvsp_msg r = { .type = NVSP_MSG1_SEND_SEND_BUF_COMPLETE };

	r.send_buf_complete.status = NVSP_STAT_FAIL;
	if (!nd->nvsp_version) {
		nic_bad(nd, "state", "msg=SEND_SEND_BUF (before INIT)");
	} else if (m->send_buf.id != NVSP_SEND_BUFFER_ID) {
		nic_bad(nd, "id", "msg=SEND_SEND_BUF id=%#x (not 0)", m->send_buf.id);
	} else if (!buf_map(ch, &nd->send, m->send_buf.gpadl_handle, NIC_SEND_MAX_BYTES,
			    NETVSC_SEND_SECTION_SIZE, "send")) {
		r.send_buf_complete.status = NVSP_STAT_SUCCESS;
		r.send_buf_complete.section_size = NETVSC_SEND_SECTION_SIZE;
		host_event(ch->host, "NIC_BUFFER", "nic=%u kind=send gpadl=%#x bytes=%u sections=%u",
			   nic_ordinal(ch->dev), nd->send.gpadl, nd->send.size, nd->send.sections);
	}
	send_comp(ch, trans, &r);
}

/* The guest completed one of our XFER_PAGES packets: its section is free again. */
static void on_guest_comp(struct host_channel *ch, const struct vmpacket_descriptor *d,
			  const u8 *payload, u32 plen)
{
	struct nic_dev *nd = nic_of(ch);
	const char *why = "?";
	int type = nvsp_msg_check(payload, plen, NETVSC_FROM_GUEST, &why);
	u32 s = (u32)d->trans_id;

	if (type < 0) {
		nic_bad(nd, "completion", "trans_id=%#llx why=\"%s\"",
			(unsigned long long)d->trans_id, why);
		return;
	}
	if (type != NVSP_MSG1_SEND_RNDIS_PKT_COMPLETE) {
		nic_bad(nd, "completion", "type=%s (not SEND_RNDIS_PKT_COMPLETE)", nvsp_msg_name(type));
		return;
	}
	if (nd->inject_trans && d->trans_id == nd->inject_trans) {
		nd->injected_acks++;
		nd->inject_trans = 0;
		return;
	}
	if (!nd->recv.map || s >= nd->recv.sections || !section_used(nd, s) ||
	    nd->recv_trans[s] != d->trans_id) {
		nic_bad(nd, "trans_id", "trans_id=%#llx (no such receive in flight)",
			(unsigned long long)d->trans_id);
		return;
	}
	section_mark(nd, s, false);
	nd->recv_in_use--;
}

static void on_nvsp(struct host_channel *ch, const u8 *pkt, u32 len, u32 off8)
{
	struct nic_dev *nd = nic_of(ch);
	const struct vmpacket_descriptor *d = (const void *)pkt;
	struct nvsp_msg m = {}, r = {};
	const char *why = "?";
	int type = nvsp_msg_check(pkt + off8, len - off8, NETVSC_FROM_GUEST, &why);

	if (type < 0) {
		nic_bad(nd, "nvsp", "why=\"%s\" len=%u", why, len - off8);
		return;
	}
	/* Hyper-V does not answer a request shorter than its version's size. */
	if (nvsp_request_len_check(len - off8, nd->nvsp_version, &why)) {
		nd->short_nvsp++;
		nic_bad(nd, "len8", "msg=%s bytes=%u min=%u version=%#x (%s)", nvsp_msg_name(type),
			len - off8, nvsp_msg_min_len(nd->nvsp_version), nd->nvsp_version, why);
		return;
	}
	memcpy(&m, pkt + off8, min(len - off8, (u32)sizeof(m)));
	if (d->type == VM_PKT_DATA_USING_GPA_DIRECT && type != NVSP_MSG1_SEND_RNDIS_PKT) {
		nic_bad(nd, "packet_type", "msg=%s in a GPA-direct packet", nvsp_msg_name(type));
		return;
	}
	switch (type) {
	case NVSP_MSG_INIT:
		on_init(ch, d->trans_id, &m);
		break;
	case NVSP_MSG1_SEND_NDIS_VER:
		nd->ndis_version = m.ndis_ver.ndis_major_ver << 16 | m.ndis_ver.ndis_minor_ver;
		break;
	case NVSP_MSG2_SEND_NDIS_CONFIG:
		nd->guest_mtu = m.ndis_config.mtu;
		nd->guest_caps = m.ndis_config.capability;
		break;
	case NVSP_MSG1_SEND_RECV_BUF:
		on_recv_buf(ch, d->trans_id, &m);
		break;
	case NVSP_MSG1_SEND_SEND_BUF:
		on_send_buf(ch, d->trans_id, &m);
		break;
	case NVSP_MSG1_REVOKE_RECV_BUF:
		if (m.revoke.id != NVSP_RECV_BUFFER_ID || !nd->recv.map)
			nic_bad(nd, "id", "msg=REVOKE_RECV_BUF id=%#x mapped=%d", m.revoke.id,
				!!nd->recv.map);
		else
			recv_forget(nd);
		nd->q_count = 0;
		break;
	case NVSP_MSG1_REVOKE_SEND_BUF:
		if (m.revoke.id != NVSP_SEND_BUFFER_ID || !nd->send.map)
			nic_bad(nd, "id", "msg=REVOKE_SEND_BUF id=%#x mapped=%d", m.revoke.id,
				!!nd->send.map);
		else
			buf_unmap(&nd->send);
		break;
	case NVSP_MSG1_SEND_RNDIS_PKT:
		r.type = NVSP_MSG1_SEND_RNDIS_PKT_COMPLETE;
		r.rndis_complete.status = on_send_rndis(ch, pkt, off8, &m);
		send_comp(ch, d->trans_id, &r);
		break;
	case NVSP_MSG4_SWITCH_DATA_PATH:
		/* No VF here: acknowledged with a data-less completion, as Hyper-V does. */
		if (d->flags & VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED)
			host_chan_send(ch, VM_PKT_COMP, 0, d->trans_id, &r, 0);
		break;
	case NVSP_MSG5_SUBCHANNEL:
		/* Single channel: refused (status FAIL, 0 subchannels), so the guest goes on. */
		r.type = NVSP_MSG5_SUBCHANNEL;
		r.raw[0] = NVSP_STAT_FAIL;
		send_comp(ch, d->trans_id, &r);
		break;
	default:
		nic_bad(nd, "type", "msg=%s (%u) not handled by this host", nvsp_msg_name(type), type);
		break;
	}
}

static void nic_one(struct host_channel *ch, u32 len)
{
	struct nic_dev *nd = nic_of(ch);
	const u8 *pkt = ch->pkt_buf;
	const struct vmpacket_descriptor *d = (const void *)pkt;
	u32 off8;

	if (len < sizeof(*d)) {
		nic_bad(nd, "len8", "len=%u", len);
		return;
	}
	off8 = d->offset8 * 8u;
	if (off8 < sizeof(*d) || off8 > len) {
		nic_bad(nd, "offset8", "offset8=%u len=%u", d->offset8, len);
		return;
	}
	switch (d->type) {
	case VM_PKT_COMP:
		on_guest_comp(ch, d, pkt + off8, len - off8);
		break;
	case VM_PKT_DATA_INBAND:
		on_nvsp(ch, pkt, len, off8);
		break;
	case VM_PKT_DATA_USING_GPA_DIRECT:
		if (off8 < sizeof(struct vmdata_gpa_direct)) {
			nic_bad(nd, "offset8", "offset8=%u (GPA-direct header is 24 bytes)", d->offset8);
			return;
		}
		on_nvsp(ch, pkt, len, off8);
		break;
	default:
		nic_bad(nd, "packet_type", "type=%u", d->type);
		break;
	}
}

static void nic_packets(struct host_channel *ch)
{
	struct nic_dev *nd = nic_of(ch);
	bool more;
	int len = 0;

	if (!nd)
		return;
	host_chan_want_room(ch, 0);
	if (nd->comp_pending) {
		nd->comp_pending = false;
		if (send_comp(ch, nd->comp_trans, &nd->comp_msg) == -EAGAIN)
			return;
	}
	do {
		host_chan_read_begin(ch);
		while (!nd->comp_pending && (len = host_chan_peek(ch)) > 0) {
			nic_one(ch, (u32)len);
			host_chan_consume(ch, (u32)len);
		}
		more = host_chan_read_end(ch);
	} while (more && !nd->comp_pending && len != -EIO);
	nic_flush(ch);
}

/* ---- open / close / lifetime ---- */

static void reset_conn(struct nic_dev *nd)
{
	recv_forget(nd);
	buf_unmap(&nd->send);
	free(nd->q);
	free(nd->msgbuf);
	nd->q = NULL;
	nd->msgbuf = NULL;
	nd->q_head = nd->q_count = 0;
	nd->ch = NULL;
	nd->nvsp_version = nd->ndis_version = nd->guest_mtu = 0;
	nd->guest_caps = 0;
	nd->offload_set = false;
	memset(&nd->offload, 0, sizeof(nd->offload));
	nd->rndis_inited = false;
	nd->filter = 0;
	nd->comp_pending = false;
}

static int nic_open(struct host_channel *ch)
{
	struct nic_dev *nd = ch->dev->priv;

	if (ch->sub_index)
		return -EINVAL;		/* single channel */
	reset_conn(nd);
	nd->q = calloc(NIC_QUEUE_LEN, sizeof(*nd->q));
	nd->msgbuf = malloc(NIC_MAX_MSG);
	if (!nd->q || !nd->msgbuf) {
		reset_conn(nd);
		return -ENOMEM;
	}
	nd->ch = ch;
	ch->priv = nd;
	return 0;
}

static void nic_close(struct host_channel *ch)
{
	struct nic_dev *nd = ch->dev->priv;

	if (nd->ch == ch)
		reset_conn(nd);
	ch->priv = NULL;
}

static void nic_tick(struct host_channel *ch, u64 now_ms)
{
	if (ch->dev->priv && nic_of(ch)->ch == ch)
		nic_flush(ch);
}

static int nic_create(struct host_device *dev)
{
	struct nic_dev *nd = calloc(1, sizeof(*nd));
	u32 n = dev->index + 1;

	if (!nd)
		return -ENOMEM;
	nd->dev = dev;
	nd->mac[0] = 0x00;
	nd->mac[1] = 0x15;
	nd->mac[2] = 0x5d;
	nd->mac[3] = (n >> 16) & 0xff;
	nd->mac[4] = (n >> 8) & 0xff;
	nd->mac[5] = n & 0xff;
	nd->link_up = true;
	nd->max_frame = 1500;
	nd->recv_section = NETVSC_RECV_SECTION_SIZE;
	nd->link_speed = NIC_LINK_SPEED;
	net_responder_init(&nd->resp);
	dev->priv = nd;
	return 0;
}

static void nic_destroy(struct host_device *dev)
{
	reset_conn(dev->priv);
	free(dev->priv);
}

static void nic_status_line(struct host_device *dev, char *buf, size_t len)
{
	struct nic_dev *nd = dev->priv;
	char mac[18];

	snprintf(buf, len,
		 "nic=%u mac=%s link=%s nvsp=%#x rndis=%d filter=%#x host_ip=%u.%u.%u.%u rx_frames=%llu tx_frames=%llu drops=%llu too_big=%llu rx_sections_in_use=%u/%u queued=%u bad=%llu injected=%llu injected_acks=%llu",
		 nic_ordinal(dev), fmt_mac(nd->mac, mac), nd->link_up ? "up" : "down",
		 nd->nvsp_version, nd->rndis_inited, nd->filter, nd->resp.ip[0], nd->resp.ip[1],
		 nd->resp.ip[2], nd->resp.ip[3], (unsigned long long)nd->rx_frames,
		 (unsigned long long)nd->tx_frames, (unsigned long long)nd->drops,
		 (unsigned long long)nd->too_big, nd->recv_in_use, nd->recv.sections, nd->q_count,
		 (unsigned long long)nd->bad, (unsigned long long)nd->injected,
		 (unsigned long long)nd->injected_acks);
}

const struct host_device_ops dev_nic_ops = {
	.name = "nic",
	.class_id = HV_NIC_GUID,
	.create = nic_create,
	.destroy = nic_destroy,
	.open = nic_open,
	.packets = nic_packets,
	.close = nic_close,
	.tick = nic_tick,
	.status = nic_status_line,
};

int dev_nic_set_mac(struct host_device *dev, const char *mac)
{
	struct nic_dev *nd = dev->priv;

	if (dev->ops != &dev_nic_ops || !net_parse_mac(mac, nd->mac))
		return -EINVAL;
	return 0;
}

/* ---- control commands ---- */

static int fail(char *err, size_t errlen, const char *msg)
{
	snprintf(err, errlen, "%s", msg);
	return -1;
}

/* "0", "nic0": the n-th NIC device. */
static struct host_device *find_nic(struct vmbus_host *h, const char *name)
{
	struct host_device *d;
	unsigned long want;
	char *end;

	if (!strncmp(name, "nic", 3))
		name += 3;
	want = strtoul(name, &end, 10);
	if (end == name || *end)
		return NULL;
	for (d = h->devices; d; d = d->next)
		if (d->ops == &dev_nic_ops && !want--)
			return d;
	return NULL;
}

static bool nic_live(const struct nic_dev *nd)
{
	return nd->ch && nd->ch->state == CHAN_OPEN;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

#define NIC_BAD_KINDS "range-past-end|bad-pageset|rndis-len|data-offset|ppi|bad-comp"

/* A 60-byte frame as an RNDIS PACKET at buf with one PPI of @ppi_size bytes (0: none). */
static u32 inject_packet(u8 *buf, u32 ppi_size)
{
	struct rndis_msg_hdr hdr = { .msg_type = RNDIS_MSG_PACKET };
	struct rndis_packet p = {};
	struct rndis_ppi ppi = { .size = ppi_size, .type = PPI_IEEE_8021Q,
				 .ppi_offset = sizeof(ppi) };
	u32 ppi_len = ppi_size ? sizeof(ppi) + 4 : 0;

	p.per_pkt_info_offset = ppi_len ? sizeof(p) : 0;
	p.per_pkt_info_len = ppi_len;
	p.data_offset = sizeof(p) + ppi_len;
	p.data_len = 60;
	hdr.msg_len = sizeof(hdr) + p.data_offset + p.data_len;
	memcpy(buf, &hdr, sizeof(hdr));
	memcpy(buf + sizeof(hdr), &p, sizeof(p));
	if (ppi_len)
		memcpy(buf + sizeof(hdr) + sizeof(p), &ppi, sizeof(ppi));
	memset(buf + sizeof(hdr) + p.data_offset, 0xff, 6);	/* broadcast */
	return hdr.msg_len;
}

/*
 * `nic bad DEV KIND`: one malformed message the guest must refuse, count and answer.
 * Kinds that put a message in a receive section take it the normal way (the guest's
 * completion frees it); the others are acknowledged through inject_trans.
 */
static int nic_inject(struct nic_dev *nd, const char *kind)
{
	struct host_channel *ch = nd->ch;
	u8 buf[NETVSC_RECV_SECTION_SIZE] __aligned(8) = {};
	struct rndis_msg_hdr *hdr = (void *)buf;
	struct rndis_packet *p = (void *)(buf + sizeof(*hdr));
	u64 trans;
	u32 len;
	int s, ret;

	if (!strcmp(kind, "bad-comp")) {
		struct nvsp_msg m = { .type = NVSP_MSG1_SEND_RNDIS_PKT_COMPLETE };

		m.rndis_complete.status = NVSP_STAT_SUCCESS;
		return send_comp(ch, 0xbad0bad0bad0ull, &m);
	}
	if (!strcmp(kind, "range-past-end") || !strcmp(kind, "bad-pageset")) {
		bool past = kind[0] == 'r';

		trans = (u64)++nd->seq << 32 | 0xfffffffeu;
		ret = xfer_send(ch, NVSP_RNDIS_CHANNEL_DATA, trans,
				past ? NVSP_RECV_BUFFER_ID : 0x1234,
				past ? nd->recv.size - 32 : 0, 64);	/* 32 bytes past the end */
		if (!ret)
			nd->inject_trans = trans;
		return ret;
	}
	if (!strcmp(kind, "rndis-len")) {
		len = inject_packet(buf, 0);
		hdr->msg_len = len + 64;		/* past the range */
	} else if (!strcmp(kind, "data-offset")) {
		len = inject_packet(buf, 0);
		p->data_offset = len;			/* past the message */
	} else if (!strcmp(kind, "ppi")) {
		len = inject_packet(buf, 1);		/* a PPI smaller than its own header */
	} else {
		return -EINVAL;
	}
	s = free_section(nd);
	if (s < 0)
		return -ENOSPC;
	memcpy(nd->recv.map + (size_t)s * nd->recv.section_size, buf, len);
	trans = (u64)++nd->seq << 32 | (u32)s;
	ret = xfer_send(ch, NVSP_RNDIS_CHANNEL_DATA, trans, NVSP_RECV_BUFFER_ID,
			(u32)s * nd->recv.section_size, len);
	if (!ret) {
		section_mark(nd, s, true);
		nd->recv_trans[s] = trans;
		nd->recv_in_use++;
	}
	return ret;
}

int dev_nic_ctl(struct vmbus_host *h, int argc, char **argv, FILE *out, char *err,
		size_t errlen)
{
	static const char usage[] = "usage: nic status | nic link DEV up|down|bounce | nic host-ip DEV A.B.C.D | nic mac DEV MAC | nic recv-section DEV BYTES|default | nic send DEV HEXFRAME | nic bad DEV " NIC_BAD_KINDS;
	struct host_device *dev;
	struct nic_dev *nd;
	char line[400];

	if (argc == 2 && !strcmp(argv[1], "status")) {
		for (dev = h->devices; dev; dev = dev->next) {
			if (dev->ops != &dev_nic_ops)
				continue;
			nic_status_line(dev, line, sizeof(line));
			nd = dev->priv;
			fprintf(out, "nic %s state=%s filtered=%llu ctrl_msgs=%llu arp_replies=%llu icmp_replies=%llu udp_replies=%llu ignored=%llu truncated=%llu short_nvsp=%llu hwcaps_queries=%llu offload_sets=%llu offload_params=%s recv_section=%u\n",
				line, nic_live(nd) ? "open" : "closed",
				(unsigned long long)nd->filtered, (unsigned long long)nd->ctrl_msgs,
				(unsigned long long)nd->resp.arp_replies,
				(unsigned long long)nd->resp.icmp_replies,
				(unsigned long long)nd->resp.udp_replies,
				(unsigned long long)nd->resp.ignored,
				(unsigned long long)nd->resp.truncated,
				(unsigned long long)nd->short_nvsp,
				(unsigned long long)nd->hwcaps_queries,
				(unsigned long long)nd->offload_sets, nd->offload_set ? "set" : "none",
				nd->recv_section);
		}
		return 0;
	}
	if (argc != 4)
		return fail(err, errlen, usage);
	dev = find_nic(h, argv[2]);
	if (!dev)
		return fail(err, errlen, "no such nic (DEV is 0, 1, ... or nic0, ...; --devices ...,nic)");
	nd = dev->priv;
	if (!strcmp(argv[1], "link")) {
		bool sent = nic_live(nd) && nd->rndis_inited;

		if (!strcmp(argv[3], "up") || !strcmp(argv[3], "down")) {
			nd->link_up = argv[3][0] == 'u';
			if (sent)
				queue_indicate(nd, nd->link_up ? RNDIS_STATUS_MEDIA_CONNECT :
								 RNDIS_STATUS_MEDIA_DISCONNECT);
		} else if (!strcmp(argv[3], "bounce")) {
			if (sent)
				queue_indicate(nd, RNDIS_STATUS_NETWORK_CHANGE);
		} else {
			return fail(err, errlen, usage);
		}
		if (sent)
			nic_flush(nd->ch);
		host_event(h, "NIC_LINK", "nic=%u state=%s indicated=%d", nic_ordinal(dev), argv[3],
			   sent);
		fprintf(out, "link=%s indicated=%d\n", nd->link_up ? "up" : "down", sent);
		return 0;
	}
	if (!strcmp(argv[1], "host-ip")) {
		if (!net_parse_ipv4(argv[3], nd->resp.ip))
			return fail(err, errlen, "bad address (A.B.C.D)");
		fprintf(out, "host_ip=%s\n", argv[3]);
		return 0;
	}
	if (!strcmp(argv[1], "recv-section")) {
		unsigned long v = NETVSC_RECV_SECTION_SIZE;
		char *end = NULL;

		if (strcmp(argv[3], "default")) {
			v = strtoul(argv[3], &end, 0);
			if (end == argv[3] || *end || v < NETVSC_RECV_SECTION_SIZE ||
			    v > NIC_RECV_MAX_BYTES)
				return fail(err, errlen, "BYTES: 1728 .. 33554432, or default");
		}
		nd->recv_section = (u32)v;
		fprintf(out, "recv_section=%lu (offered at the guest's next SEND_RECV_BUF)\n", v);
		return 0;
	}
	if (!strcmp(argv[1], "mac")) {
		if (!net_parse_mac(argv[3], nd->mac))
			return fail(err, errlen, "bad MAC (00:15:5d:00:00:10)");
		fprintf(out, "mac=%s (the guest reads it at its next RNDIS query)\n", argv[3]);
		return 0;
	}
	if (!strcmp(argv[1], "bad")) {
		int ret;

		if (!nic_live(nd) || !nd->recv.map || !nd->rndis_inited)
			return fail(err, errlen, "the nic has no open channel with a receive buffer");
		ret = nic_inject(nd, argv[3]);
		if (ret == -EINVAL)
			return fail(err, errlen, "KIND: " NIC_BAD_KINDS);
		if (ret)
			return fail(err, errlen, "not sent (no free section or no room in the ring)");
		nd->injected++;
		host_event(h, "NIC_INJECT", "nic=%u kind=%s", nic_ordinal(dev), argv[3]);
		fprintf(out, "injected=%s\n", argv[3]);
		return 0;
	}
	if (!strcmp(argv[1], "send")) {
		u8 frame[NETVSC_RECV_SECTION_SIZE];
		size_t n = strlen(argv[3]), i;

		if (n % 2 || n / 2 > sizeof(frame) - RNDIS_PACKET_HDR_BYTES || n / 2 < NET_ETH_HDR)
			return fail(err, errlen, "HEXFRAME: 14 .. 1684 bytes as hex digits");
		for (i = 0; i < n / 2; i++) {
			int hi = hexval(argv[3][2 * i]), lo = hexval(argv[3][2 * i + 1]);

			if (hi < 0 || lo < 0)
				return fail(err, errlen, "HEXFRAME: hex digits only");
			frame[i] = (u8)(hi << 4 | lo);
		}
		if (!nic_live(nd) || !nd->recv.map)
			return fail(err, errlen, "the nic has no open channel with a receive buffer");
		if (!queue_frame(nd, frame, (u32)(n / 2)))
			return fail(err, errlen, "frame not queued (packet filter 0 or queue full)");
		nic_flush(nd->ch);
		fprintf(out, "queued=%zu\n", n / 2);
		return 0;
	}
	return fail(err, errlen, usage);
}
