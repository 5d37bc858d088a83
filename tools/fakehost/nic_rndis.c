// SPDX-License-Identifier: GPL-2.0-only
/*
 * nic_rndis.c: the synthetic NIC's RNDIS device, the messages the guest sends in
 * SEND_RNDIS_PKT.  A table maps each RNDIS message type to its handler: INIT, QUERY,
 * SET, HALT, RESET and KEEPALIVE are answered with control completions queued for the
 * receive buffer (nic_data.c); a PACKET's frame goes to the net responder and its
 * answer back to the guest.  QUERY and SET look the OID up in their own tables; an
 * OID not there answers NOT_SUPPORTED.
 */
#include "nic_dev.h"

/* RESET_C body (include/linux/rndis.h rndis_reset_complete). */
struct nic_reset_complete {
	u32 status;
	u32 addressing_reset;
} __packed;

static u32 on_rndis_init(struct nic_dev *nd, const u8 *msg, u32 msg_len)
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
	nic_queue_ctrl(nd, RNDIS_MSG_INIT_C, &c, sizeof(c));
	nd->rndis_inited = true;
	host_event(nd->dev->host, "NIC_RNDIS_INIT",
		   "nic=%u req_id=%u major=%u minor=%u max_xfer_size=%u mac=%s",
		   nic_ordinal(nd->dev), req.req_id, req.major_ver, req.minor_ver,
		   req.max_xfer_size, nic_fmt_mac(nd->mac, mac));
	return NVSP_STAT_SUCCESS;
}

/*
 * What this NIC offers (nothing yet): a complete NDIS_OFFLOAD whose checksum parts
 * name the 802.3 encapsulation with no checksum bits, and no LSO, IPsec or RSC, the
 * way OpenVMM's netvsp describes a NIC with every offload off.
 */
static void nic_offload_caps(const struct nic_dev *nd, struct ndis_offload *caps)
{
	/* A TAP-wired NIC offers checksum, LSOv2 and RSC (nic_offload.c). */
	nic_offload_fill_caps(nd, caps);
}

/* Each QUERY OID's value: written to val (room for an NDIS_OFFLOAD), its length returned. */
static u32 oid_u32(u8 *val, u32 v)
{
	memcpy(val, &v, sizeof(v));
	return sizeof(v);
}

static u32 get_max_frame(struct nic_dev *nd, u8 *val)
{
	return oid_u32(val, nd->max_frame);
}

static u32 get_mac(struct nic_dev *nd, u8 *val)
{
	memcpy(val, nd->mac, 6);
	return 6;
}

static u32 get_cur_mac(struct nic_dev *nd, u8 *val)
{
	memcpy(val, nd->cur_mac, 6);
	return 6;
}

static u32 get_media_state(struct nic_dev *nd, u8 *val)
{
	return oid_u32(val, nd->link_up ? RNDIS_MEDIA_STATE_CONNECTED :
					  RNDIS_MEDIA_STATE_DISCONNECTED);
}

static u32 get_link_speed(struct nic_dev *nd, u8 *val)
{
	return oid_u32(val, nd->link_speed);
}

static u32 get_offload_caps(struct nic_dev *nd, u8 *val)
{
	struct ndis_offload caps;
	u32 vlen;

	nic_offload_caps(nd, &caps);
	vlen = ndis_offload_build(val, sizeof(caps), nd->nvsp_version, &caps);
	nd->hwcaps_queries++;
	host_event(nd->dev->host, "NIC_OFFLOAD_CAPS", "nic=%u revision=%u size=%u",
		   nic_ordinal(nd->dev), val[1], vlen);
	return vlen;
}

/* The OIDs QUERY answers; any other (FRIENDLY_NAME, ...) is NOT_SUPPORTED. */
static const struct nic_query_oid {
	u32 oid;
	u32 (*get)(struct nic_dev *nd, u8 *val);
} query_oids[] = {
	{ RNDIS_OID_GEN_MAXIMUM_FRAME_SIZE, get_max_frame },
	{ RNDIS_OID_802_3_PERMANENT_ADDRESS, get_mac },
	{ RNDIS_OID_802_3_CURRENT_ADDRESS, get_cur_mac },
	{ RNDIS_OID_GEN_MEDIA_CONNECT_STATUS, get_media_state },
	{ RNDIS_OID_GEN_LINK_SPEED, get_link_speed },
	{ OID_TCP_OFFLOAD_HARDWARE_CAPABILITIES, get_offload_caps },
	{ OID_GEN_RECEIVE_SCALE_CAPABILITIES, nic_rss_get_caps },
};

static u32 on_query(struct nic_dev *nd, const u8 *msg, u32 msg_len)
{
	u8 body[sizeof(struct rndis_query_complete) + sizeof(struct ndis_offload)] __aligned(4) = {};
	struct rndis_query_complete c = {};
	u32 req_id, oid, ioff, ilen, i;
	bool found = false;
	u32 vlen = 0;
	const char *why = "?";

	if (rndis_oid_request_parse(msg, msg_len, &req_id, &oid, &ioff, &ilen, &why)) {
		nic_bad(nd, "rndis_query", "why=\"%s\"", why);
		return NVSP_STAT_SUCCESS;
	}
	for (i = 0; i < ARRAY_SIZE(query_oids) && !found; i++) {
		if (query_oids[i].oid == oid) {
			vlen = query_oids[i].get(nd, body + sizeof(c));
			found = true;
		}
	}
	c.req_id = req_id;
	c.status = found ? RNDIS_STATUS_SUCCESS : RNDIS_STATUS_NOT_SUPPORTED;
	c.info_buflen = vlen;
	c.info_buf_offset = vlen ? sizeof(c) : 0;
	memcpy(body, &c, sizeof(c));
	nic_queue_ctrl(nd, RNDIS_MSG_QUERY_C, body, sizeof(c) + vlen);
	return NVSP_STAT_SUCCESS;
}

/*
 * Each SET OID's setter: the request's info buffer at ioff (ilen bytes), checked by
 * rndis_oid_request_parse(); returns the RNDIS status of the SET_C.
 */

/* OID_TCP_OFFLOAD_PARAMETERS (info checked to lie in the message): an RNDIS status. */
static u32 set_offload(struct nic_dev *nd, const u8 *msg, u32 msg_len, u32 ioff, u32 len)
{
	const u8 *info = msg + ioff;
	struct ndis_offload_params p;
	struct ndis_offload caps;
	const char *why = "?", *off;

	if (ndis_offload_params_parse(info, len, &p, &why)) {
		nic_bad(nd, "offload_params", "len=%u why=\"%s\"", len, why);
		return RNDIS_STATUS_INVALID_DATA;
	}
	nic_offload_caps(nd, &caps);
	off = ndis_offload_params_unsupported(&p, &caps);
	if (off) {
		nic_bad(nd, off, "oid=TCP_OFFLOAD_PARAMETERS (turns on an offload this NIC lacks)");
		return RNDIS_STATUS_NOT_SUPPORTED;
	}
	nd->offload = p;
	nd->offload_set = true;
	nd->offload_sets++;
	nic_rsc_changed(nd);
	host_event(nd->dev->host, "NIC_OFFLOAD_PARAMS",
		   "nic=%u revision=%u size=%u ip_v4_csum=%u tcp_ip_v4_csum=%u udp_ip_v4_csum=%u tcp_ip_v6_csum=%u udp_ip_v6_csum=%u lso_v1=%u lso_v2_ipv4=%u lso_v2_ipv6=%u rsc_ip_v4=%u rsc_ip_v6=%u",
		   nic_ordinal(nd->dev), p.header.revision, p.header.size, p.ip_v4_csum,
		   p.tcp_ip_v4_csum, p.udp_ip_v4_csum, p.tcp_ip_v6_csum, p.udp_ip_v6_csum,
		   p.lso_v1, p.lso_v2_ipv4, p.lso_v2_ipv6, p.rsc_ip_v4, p.rsc_ip_v6);
	return RNDIS_STATUS_SUCCESS;
}

static u32 set_filter(struct nic_dev *nd, const u8 *msg, u32 msg_len, u32 ioff, u32 ilen)
{
	u32 v;

	if (ilen < sizeof(v) || ioff > msg_len || msg_len - ioff < sizeof(v)) {
		nic_bad(nd, "info_buflen", "oid=CURRENT_PACKET_FILTER len=%u", ilen);
		return RNDIS_STATUS_INVALID_DATA;
	}
	memcpy(&v, msg + ioff, sizeof(v));
	nd->filter = v;
	host_event(nd->dev->host, "NIC_FILTER", "nic=%u filter=%#x", nic_ordinal(nd->dev), v);
	return RNDIS_STATUS_SUCCESS;
}

/*
 * RNDIS_OID_GEN_RNDIS_CONFIG_PARAMETER: the guest changes its MAC with the parameter
 * "NetworkAddress" (rndis_filter.c rndis_filter_set_device_mac).  The switch port then
 * delivers frames to the new address only (nic_wire.c); the permanent address stays.
 */
static u32 set_config_param(struct nic_dev *nd, const u8 *msg, u32 msg_len, u32 ioff, u32 ilen)
{
	const char *why = "?";
	char old[18], now[18];
	u8 mac[6];
	int ret = rndis_mac_param_parse(msg + ioff, ilen, mac, &why);

	if (ret == -ENOENT)
		return RNDIS_STATUS_NOT_SUPPORTED;
	if (ret) {
		nic_bad(nd, "config_parameter", "len=%u why=\"%s\"", ilen, why);
		return RNDIS_STATUS_INVALID_DATA;
	}
	if ((mac[0] & 1) || !(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5])) {
		nic_bad(nd, "config_parameter", "NetworkAddress=%s (multicast or zero)",
			nic_fmt_mac(mac, now));
		return RNDIS_STATUS_INVALID_DATA;
	}
	nic_fmt_mac(nd->cur_mac, old);
	memcpy(nd->cur_mac, mac, 6);
	host_event(nd->dev->host, "NIC_MAC", "nic=%u old=%s mac=%s", nic_ordinal(nd->dev), old,
		   nic_fmt_mac(mac, now));
	return RNDIS_STATUS_SUCCESS;
}

/* The OIDs SET takes; any other is NOT_SUPPORTED. */
static const struct nic_set_oid {
	u32 oid;
	u32 (*set)(struct nic_dev *nd, const u8 *msg, u32 msg_len, u32 ioff, u32 ilen);
} set_oids[] = {
	{ OID_TCP_OFFLOAD_PARAMETERS, set_offload },
	{ RNDIS_OID_GEN_CURRENT_PACKET_FILTER, set_filter },
	{ RNDIS_OID_GEN_RNDIS_CONFIG_PARAMETER, set_config_param },
	{ OID_GEN_RECEIVE_SCALE_PARAMETERS, nic_rss_set_params },
};

static u32 on_set(struct nic_dev *nd, const u8 *msg, u32 msg_len)
{
	struct rndis_set_complete c = {};
	u32 req_id, oid, ioff, ilen, i;
	const char *why = "?";

	if (rndis_oid_request_parse(msg, msg_len, &req_id, &oid, &ioff, &ilen, &why)) {
		nic_bad(nd, "rndis_set", "why=\"%s\"", why);
		return NVSP_STAT_SUCCESS;
	}
	c.req_id = req_id;
	c.status = RNDIS_STATUS_NOT_SUPPORTED;
	for (i = 0; i < ARRAY_SIZE(set_oids); i++)
		if (set_oids[i].oid == oid)
			c.status = set_oids[i].set(nd, msg, msg_len, ioff, ilen);
	nic_queue_ctrl(nd, RNDIS_MSG_SET_C, &c, sizeof(c));
	return NVSP_STAT_SUCCESS;
}

/* One guest PACKET: the frame and what its PPIs say go to the wire (nic_wire.c). */
static u32 on_packet(struct nic_dev *nd, const u8 *msg, u32 msg_len)
{
	struct rndis_packet_view v;
	struct nic_pkt_meta meta = {};
	const char *why = "?";

	if (rndis_packet_parse(msg, msg_len, NIC_MAX_FRAME, &v, &why)) {
		nic_bad(nd, "rndis_packet", "why=\"%s\"", why);
		return NVSP_STAT_INVALID_RNDIS_PKT;
	}
	/* msg is the host's own copy (nd->msgbuf): LSO headers are completed in place. */
	if (nic_offload_meta(nd, (u8 *)msg + v.data_off, msg, &v, &meta))
		return NVSP_STAT_INVALID_RNDIS_PKT;
	/* The channel the PACKET came in on: the TAP queue it goes out on. */
	nic_wire_tx(nd, nd->cur_queue, msg + v.data_off, v.data_len, &meta);
	return NVSP_STAT_SUCCESS;
}

static u32 on_halt(struct nic_dev *nd, const u8 *msg, u32 msg_len)
{
	nd->rndis_inited = false;
	host_event(nd->dev->host, "NIC_RNDIS_HALT", "nic=%u", nic_ordinal(nd->dev));
	return NVSP_STAT_SUCCESS;
}

static u32 on_reset(struct nic_dev *nd, const u8 *msg, u32 msg_len)
{
	struct nic_reset_complete rc = {};

	rc.status = RNDIS_STATUS_SUCCESS;
	nic_queue_ctrl(nd, RNDIS_MSG_RESET_C, &rc, sizeof(rc));
	return NVSP_STAT_SUCCESS;
}

static u32 on_keepalive(struct nic_dev *nd, const u8 *msg, u32 msg_len)
{
	struct rndis_keepalive_request ka;
	struct rndis_keepalive_complete kc = {};

	memcpy(&ka, msg + sizeof(struct rndis_msg_hdr), sizeof(ka));
	kc.req_id = ka.req_id;
	kc.status = RNDIS_STATUS_SUCCESS;
	nic_queue_ctrl(nd, RNDIS_MSG_KEEPALIVE_C, &kc, sizeof(kc));
	return NVSP_STAT_SUCCESS;
}

/*
 * The RNDIS messages a guest may send (lengths checked first by rndis_msg_check()):
 * each handler gets one whole message and returns an NVSP status for the
 * SEND_RNDIS_PKT_COMPLETE.  A NULL handler takes the message and does nothing.
 */
static const struct nic_rndis_handler {
	u32 type;
	u32 (*handle)(struct nic_dev *nd, const u8 *msg, u32 msg_len);
} rndis_handlers[] = {
	{ RNDIS_MSG_PACKET, on_packet },
	{ RNDIS_MSG_INIT, on_rndis_init },
	{ RNDIS_MSG_QUERY, on_query },
	{ RNDIS_MSG_SET, on_set },
	{ RNDIS_MSG_HALT, on_halt },
	{ RNDIS_MSG_RESET, on_reset },
	{ RNDIS_MSG_KEEPALIVE, on_keepalive },
	{ RNDIS_MSG_KEEPALIVE_C, NULL },	/* the answer to a keepalive we never send */
};

/* One RNDIS message of msg_len (checked) bytes; an NVSP status. */
static u32 on_rndis_msg(struct nic_dev *nd, u32 type, const u8 *msg, u32 msg_len)
{
	u32 i;

	if (type != RNDIS_MSG_PACKET)
		nd->ctrl_msgs++;
	for (i = 0; i < ARRAY_SIZE(rndis_handlers); i++) {
		if (rndis_handlers[i].type != type)
			continue;
		if (!rndis_handlers[i].handle)
			return NVSP_STAT_SUCCESS;
		return rndis_handlers[i].handle(nd, msg, msg_len);
	}
	nic_bad(nd, "msg_type", "type=%#x (%s)", type, rndis_msg_name(type));
	return NVSP_STAT_INVALID_RNDIS_PKT;
}

static bool all_zero(const u8 *p, u32 n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

/* A sequence of RNDIS messages (batching) in total bytes; an NVSP status. */
u32 nic_on_rndis_bytes(struct nic_dev *nd, const u8 *buf, u32 total)
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
