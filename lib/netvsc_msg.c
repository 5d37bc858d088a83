// SPDX-License-Identifier: GPL-2.0-only
/*
 * netvsc_msg.c: pure checks and builders of the synthetic NIC's NVSP and RNDIS messages
 * (see netvsc_msg.h): which side may send which type, each type's body length, the
 * receive and send buffer completions, transfer-page packets, the offsets and lengths
 * inside RNDIS PACKET, QUERY_C, INDICATE and QUERY/SET messages, and the VF association
 * and data-path bodies.  The NDIS objects are in ndis_obj.c, the per-packet info in
 * netvsc_ppi.c.
 *
 * Facts (message numbers, body layouts, what the guest accepts) are from torvalds/linux
 * drivers/net/hyperv/hyperv_net.h, drivers/net/hyperv/netvsc.c (netvsc_receive,
 * netvsc_send_completion, netvsc_init_buf, netvsc_send_table) and
 * drivers/net/hyperv/rndis_filter.c (rndis_filter_receive_data, rndis_get_ppi,
 * rndis_filter_query_device, the indicate status checks, rndis_query_hwcaps,
 * rndis_filter_set_offload_params), and for what a host requires and sends OpenVMM's
 * vm/devices/net/netvsp/src/lib.rs (NvspMessage sizes, read_ndis_object).
 *
 * Everything read from a buffer is copied into a local first (packets are not
 * aligned), every offset sum is done in u64 so a hostile u32 cannot wrap, and nothing
 * is read past the length given.
 */
#include "netvsc_msg_priv.h"

/* ---- NVSP ---- */

/* Who may send each type (BY_HOST, BY_GUEST) and its body length. */
struct nvsp_rule {
	u32 type;
	const char *name;
	u8 by;
	u8 body;
};

static const struct nvsp_rule nvsp_rules[] = {
	{ NVSP_MSG_INIT, "INIT", BY_GUEST, sizeof(struct nvsp_init) },
	{ NVSP_MSG_INIT_COMPLETE, "INIT_COMPLETE", BY_HOST, sizeof(struct nvsp_init_complete) },
	{ NVSP_MSG1_SEND_NDIS_VER, "SEND_NDIS_VER", BY_GUEST,
	  sizeof(struct nvsp1_send_ndis_version) },
	{ NVSP_MSG1_SEND_RECV_BUF, "SEND_RECV_BUF", BY_GUEST, sizeof(struct nvsp1_send_buffer) },
	{ NVSP_MSG1_SEND_RECV_BUF_COMPLETE, "SEND_RECV_BUF_COMPLETE", BY_HOST,
	  sizeof(struct nvsp1_recv_buffer_complete) },
	{ NVSP_MSG1_REVOKE_RECV_BUF, "REVOKE_RECV_BUF", BY_GUEST,
	  sizeof(struct nvsp1_revoke_buffer) },
	{ NVSP_MSG1_SEND_SEND_BUF, "SEND_SEND_BUF", BY_GUEST, sizeof(struct nvsp1_send_buffer) },
	{ NVSP_MSG1_SEND_SEND_BUF_COMPLETE, "SEND_SEND_BUF_COMPLETE", BY_HOST,
	  sizeof(struct nvsp1_send_buffer_complete) },
	{ NVSP_MSG1_REVOKE_SEND_BUF, "REVOKE_SEND_BUF", BY_GUEST,
	  sizeof(struct nvsp1_revoke_buffer) },
	{ NVSP_MSG1_SEND_RNDIS_PKT, "SEND_RNDIS_PKT", BY_HOST | BY_GUEST,
	  sizeof(struct nvsp1_send_rndis_packet) },
	{ NVSP_MSG1_SEND_RNDIS_PKT_COMPLETE, "SEND_RNDIS_PKT_COMPLETE", BY_HOST | BY_GUEST,
	  sizeof(struct nvsp1_send_rndis_packet_complete) },
	{ NVSP_MSG2_SEND_NDIS_CONFIG, "SEND_NDIS_CONFIG", BY_GUEST,
	  sizeof(struct nvsp2_send_ndis_config) },
	{ NVSP_MSG4_SEND_VF_ASSOCIATION, "SEND_VF_ASSOCIATION", BY_HOST,
	  NVSP4_VF_ASSOCIATION_BYTES },
	{ NVSP_MSG4_SWITCH_DATA_PATH, "SWITCH_DATA_PATH", BY_GUEST, NVSP4_SWITCH_DATA_PATH_BYTES },
	/* Known, but neither side of this driver sends them. */
	{ NVSP_MSG5_OID_QUERY_EX, "OID_QUERY_EX", 0, 0 },
	{ NVSP_MSG5_OID_QUERY_EX_COMP, "OID_QUERY_EX_COMP", 0, 0 },
	/* The guest's request and the host's completion share the type. */
	{ NVSP_MSG5_SUBCHANNEL, "SUBCHANNEL", BY_HOST | BY_GUEST, NVSP5_SUBCHANNEL_BYTES },
	{ NVSP_MSG5_SEND_INDIRECTION_TABLE, "SEND_INDIRECTION_TABLE", BY_HOST,
	  NVSP5_INDIRECTION_TABLE_BYTES },
};

static const struct nvsp_rule *nvsp_rule(u32 type)
{
	u32 i;

	for (i = 0; i < ARRAY_SIZE(nvsp_rules); i++)
		if (nvsp_rules[i].type == type)
			return &nvsp_rules[i];
	return NULL;
}

u32 nvsp_msg_min_len(u32 version)
{
	return version >= NVSP_VERSION_61 ? NVSP_MSG_BYTES_V61 : NVSP_MSG_BYTES_V1;
}

int nvsp_request_len_check(u32 len, u32 version, const char **why)
{
	if (len < nvsp_msg_min_len(version))
		return bad(why, "NVSP request shorter than the negotiated version's size");
	return 0;
}

const char *nvsp_msg_name(u32 type)
{
	const struct nvsp_rule *r = nvsp_rule(type);

	return r ? r->name : "UNKNOWN";
}

int nvsp_msg_check(const void *buf, u32 len, enum netvsc_dir from, const char **why)
{
	u8 by = from == NETVSC_FROM_HOST ? BY_HOST : BY_GUEST;
	const struct nvsp_rule *r;
	u32 type;

	if (len < NVSP_HDR_BYTES)
		return bad(why, "NVSP message shorter than its type word");
	type = get32(buf, 0);
	r = nvsp_rule(type);
	if (!r)
		return proto(why, "unknown NVSP type");
	if (!(r->by & by))
		return proto(why, by == BY_HOST ? "NVSP type the host may not send" :
			     "NVSP type the guest may not send");
	if ((u64)len - NVSP_HDR_BYTES < r->body)
		return bad(why, "NVSP message shorter than its body");
	if (type == NVSP_MSG1_SEND_RECV_BUF_COMPLETE &&
	    get32(buf, NVSP_HDR_BYTES + offsetof(struct nvsp1_recv_buffer_complete, status)) ==
	    NVSP_STAT_SUCCESS &&
	    get32(buf, NVSP_HDR_BYTES +
		  offsetof(struct nvsp1_recv_buffer_complete, num_sections)) != 1)
		return bad(why, "num_sections not 1");
	return type;
}

int nvsp_recv_buf_check(const struct nvsp1_recv_buffer_complete *c, u32 buf_size,
			u32 *section_size, u32 *sections, const char **why)
{
	struct nvsp1_recv_buffer_complete rc;
	const struct nvsp1_recv_buffer_section *s = &rc.section;

	memcpy(&rc, c, sizeof(rc));
	if (rc.status != NVSP_STAT_SUCCESS)
		return bad(why, "status not SUCCESS");
	if (rc.num_sections != 1)
		return bad(why, "num_sections not 1");
	if (s->offset != 0)
		return bad(why, "section offset not 0");
	if (s->sub_alloc_size < NETVSC_MIN_SECTION_SIZE)
		return bad(why, "sub_alloc_size below the minimum");
	if (s->sub_alloc_size > NETVSC_RECV_SECTION_MAX)
		return bad(why, "sub_alloc_size above the maximum");
	if (s->num_sub_allocs < 1)
		return bad(why, "num_sub_allocs is 0");
	if ((u64)s->sub_alloc_size * s->num_sub_allocs > buf_size)
		return bad(why, "sections past the receive buffer");
	*section_size = s->sub_alloc_size;
	*sections = s->num_sub_allocs;
	return 0;
}

int nvsp_send_buf_check(const struct nvsp1_send_buffer_complete *c, u32 buf_size,
			u32 *sections, const char **why)
{
	struct nvsp1_send_buffer_complete sc;

	memcpy(&sc, c, sizeof(sc));
	if (sc.status != NVSP_STAT_SUCCESS)
		return bad(why, "status not SUCCESS");
	if (sc.section_size < NETVSC_MIN_SECTION_SIZE)
		return bad(why, "section_size below the minimum");
	if (sc.section_size > buf_size)
		return bad(why, "section_size past the send buffer");
	*sections = buf_size / sc.section_size;
	return 0;
}

int nvsp_xfer_check(const void *pkt, u32 pkt_len, u32 buf_size, u32 section_size,
		    u32 max_ranges, const char **why)
{
	u32 payload, range_cnt, i;
	u16 type;

	if (pkt_len < XFER_HDR_BYTES)
		return bad(why, "packet shorter than the transfer-page header");
	type = get16(pkt, offsetof(struct vmpacket_descriptor, type));
	if (type != VM_PKT_DATA_USING_XFER_PAGES)
		return bad(why, "packet type not DATA_USING_XFER_PAGES");
	payload = (u32)get16(pkt, offsetof(struct vmpacket_descriptor, offset8)) * 8;
	if (payload > pkt_len)
		return bad(why, "offset8 past the packet");
	if (payload < XFER_HDR_BYTES)
		return bad(why, "offset8 inside the transfer-page header");
	if (get16(pkt, offsetof(struct vmtransfer_page_packet_header, xfer_pageset_id)) !=
	    NVSP_RECV_BUFFER_ID)
		return bad(why, "xfer_pageset_id not the receive buffer");
	range_cnt = get32(pkt, offsetof(struct vmtransfer_page_packet_header, range_cnt));
	if (range_cnt < 1 || range_cnt > max_ranges || range_cnt > RET_MAX)
		return bad(why, "range_cnt out of range");
	if (XFER_HDR_BYTES + (u64)range_cnt * XFER_RANGE_BYTES > payload)
		return bad(why, "range_cnt past offset8");
	if (pkt_len - payload < NVSP_HDR_BYTES)
		return bad(why, "NVSP message shorter than its type word");
	if (get32(pkt, payload) != NVSP_MSG1_SEND_RNDIS_PKT)
		return bad(why, "NVSP type not SEND_RNDIS_PKT");
	for (i = 0; i < range_cnt; i++) {
		u64 at = XFER_HDR_BYTES + (u64)i * XFER_RANGE_BYTES;
		u32 count = get32(pkt, at + offsetof(struct vmtransfer_page_range, byte_count));
		u32 off = get32(pkt, at + offsetof(struct vmtransfer_page_range, byte_offset));

		if ((u64)off + count > buf_size)
			return bad(why, "range past the receive buffer");
		if (count > section_size)
			return bad(why, "range longer than a section");
	}
	return range_cnt;
}

/* ---- RNDIS ---- */

struct rndis_rule {
	u32 type;
	const char *name;
	u8 by;
	u8 body;	/* the type's fixed part after rndis_msg_hdr */
};

static const struct rndis_rule rndis_rules[] = {
	{ RNDIS_MSG_PACKET, "PACKET", BY_HOST | BY_GUEST, sizeof(struct rndis_packet) },
	{ RNDIS_MSG_INIT, "INIT", BY_GUEST, sizeof(struct rndis_init_request) },
	{ RNDIS_MSG_HALT, "HALT", BY_GUEST, RNDIS_HALT_BYTES },
	{ RNDIS_MSG_QUERY, "QUERY", BY_GUEST, sizeof(struct rndis_oid_request) },
	{ RNDIS_MSG_SET, "SET", BY_GUEST, sizeof(struct rndis_oid_request) },
	{ RNDIS_MSG_RESET, "RESET", BY_GUEST, RNDIS_RESET_BYTES },
	{ RNDIS_MSG_INDICATE, "INDICATE", BY_HOST, sizeof(struct rndis_indicate_status) },
	{ RNDIS_MSG_KEEPALIVE, "KEEPALIVE", BY_HOST | BY_GUEST,
	  sizeof(struct rndis_keepalive_request) },
	{ RNDIS_MSG_INIT_C, "INIT_C", BY_HOST, sizeof(struct rndis_init_complete) },
	{ RNDIS_MSG_QUERY_C, "QUERY_C", BY_HOST, sizeof(struct rndis_query_complete) },
	{ RNDIS_MSG_SET_C, "SET_C", BY_HOST, sizeof(struct rndis_set_complete) },
	{ RNDIS_MSG_RESET_C, "RESET_C", BY_HOST, RNDIS_RESET_C_BYTES },
	{ RNDIS_MSG_KEEPALIVE_C, "KEEPALIVE_C", BY_HOST | BY_GUEST,
	  sizeof(struct rndis_keepalive_complete) },
};

static const struct rndis_rule *rndis_rule(u32 type)
{
	u32 i;

	for (i = 0; i < ARRAY_SIZE(rndis_rules); i++)
		if (rndis_rules[i].type == type)
			return &rndis_rules[i];
	return NULL;
}

const char *rndis_msg_name(u32 type)
{
	const struct rndis_rule *r = rndis_rule(type);

	return r ? r->name : "UNKNOWN";
}

int rndis_msg_check(const void *buf, u32 len, enum netvsc_dir from, u32 *type,
		    u32 *msg_len, const char **why)
{
	u8 by = from == NETVSC_FROM_HOST ? BY_HOST : BY_GUEST;
	const struct rndis_rule *r;
	struct rndis_msg_hdr h;

	if (len < RNDIS_HDR_BYTES)
		return bad(why, "RNDIS message shorter than its header");
	memcpy(&h, buf, sizeof(h));
	if (h.msg_len < RNDIS_HDR_BYTES)
		return bad(why, "msg_len shorter than the header");
	if (h.msg_len > len)
		return bad(why, "msg_len past the bytes received");
	r = rndis_rule(h.msg_type);
	if (!r)
		return proto(why, "unknown RNDIS type");
	if (!(r->by & by))
		return proto(why, by == BY_HOST ? "RNDIS type the host may not send" :
			     "RNDIS type the guest may not send");
	if (h.msg_len - RNDIS_HDR_BYTES < r->body)
		return bad(why, "msg_len shorter than the type's fixed part");
	*type = h.msg_type;
	*msg_len = h.msg_len;
	return 0;
}

/*
 * Whether an area of len bytes at off, counted from the end of rndis_msg_hdr, starts
 * after the type's fixed part and ends inside msg_len bytes (u64: nothing wraps).
 */
static bool area_fits(u32 msg_len, u32 fixed, u32 off, u32 len)
{
	return off >= fixed && (u64)RNDIS_HDR_BYTES + off + len <= msg_len;
}

/* Names the first thing wrong with an area that does not fit. */
static int area_bad(u32 msg_len, u32 fixed, u32 off, const char **why, const char *before,
		    const char *off_past, const char *len_past)
{
	if (off < fixed)
		return bad(why, before);
	if ((u64)RNDIS_HDR_BYTES + off > msg_len)
		return bad(why, off_past);
	return bad(why, len_past);
}

bool rndis_packet_ppi_area(const void *head, u32 msg_len, u32 *off, u32 *len)
{
	struct rndis_packet p;

	if (msg_len < RNDIS_PACKET_HDR_BYTES)
		return false;
	memcpy(&p, (const u8 *)head + RNDIS_HDR_BYTES, sizeof(p));
	if (!p.per_pkt_info_len ||
	    !area_fits(msg_len, sizeof(p), p.per_pkt_info_offset, p.per_pkt_info_len))
		return false;
	*off = RNDIS_HDR_BYTES + p.per_pkt_info_offset;
	*len = p.per_pkt_info_len;
	return true;
}

int rndis_packet_parse(const void *buf, u32 msg_len, u32 max_frame,
		       struct rndis_packet_view *v, const char **why)
{
	const u32 fixed = sizeof(struct rndis_packet);
	struct rndis_packet p;
	u32 at, left;

	if (msg_len < RNDIS_HDR_BYTES + fixed)
		return bad(why, "msg_len shorter than a PACKET");
	memcpy(&p, (const u8 *)buf + RNDIS_HDR_BYTES, sizeof(p));
	if (!area_fits(msg_len, fixed, p.data_offset, p.data_len))
		return area_bad(msg_len, fixed, p.data_offset, why,
				"data_offset inside the fixed part", "data_offset past the message",
				"data_len past the message");
	/*
	 * An RSC fragment may hold a few bytes only: the Ethernet header minimum of a
	 * whole frame is rndis_ppis_parse's, which knows whether this is a fragment.
	 */
	if (!p.data_len)
		return bad(why, "data_len zero");
	if (p.data_len > max_frame)
		return bad(why, "data_len above the maximum frame");
	v->data_off = RNDIS_HDR_BYTES + p.data_offset;
	v->data_len = p.data_len;
	v->ppi_off = 0;
	v->ppi_len = 0;
	if (!p.per_pkt_info_len)
		return 0;

	if (!area_fits(msg_len, fixed, p.per_pkt_info_offset, p.per_pkt_info_len))
		return area_bad(msg_len, fixed, p.per_pkt_info_offset, why,
				"per_pkt_info_offset inside the fixed part",
				"per_pkt_info_offset past the message",
				"per_pkt_info_len past the message");
	at = RNDIS_HDR_BYTES + p.per_pkt_info_offset;
	for (left = p.per_pkt_info_len; left; ) {
		struct rndis_ppi e;

		if (left < sizeof(e))
			return bad(why, "PPI header past the PPI area");
		memcpy(&e, (const u8 *)buf + at, sizeof(e));
		if (e.size < sizeof(e))
			return bad(why, "PPI size smaller than its header");
		if (e.size > left)
			return bad(why, "PPI size past the PPI area");
		if (e.ppi_offset < sizeof(e))
			return bad(why, "ppi_offset inside the PPI header");
		if (e.ppi_offset >= e.size)
			return bad(why, "ppi_offset past the PPI");
		at += e.size;
		left -= e.size;
	}
	v->ppi_off = RNDIS_HDR_BYTES + p.per_pkt_info_offset;
	v->ppi_len = p.per_pkt_info_len;
	return 0;
}

const void *rndis_ppi_find(const void *buf, const struct rndis_packet_view *v, u32 type,
			   u32 want)
{
	const u8 *at = (const u8 *)buf + v->ppi_off;
	u32 left = v->ppi_len;

	/* The area was checked by rndis_packet_parse; the guards only stop a loop. */
	while (left >= sizeof(struct rndis_ppi)) {
		struct rndis_ppi e;

		memcpy(&e, at, sizeof(e));
		if (e.size < sizeof(e) || e.size > left || e.ppi_offset >= e.size)
			return NULL;
		if (e.type == type)
			return e.size - e.ppi_offset >= want ? at + e.ppi_offset : NULL;
		at += e.size;
		left -= e.size;
	}
	return NULL;
}

int rndis_query_c_parse(const void *buf, u32 msg_len, u32 *req_id, u32 *status,
			u32 *info_off, u32 *info_len, const char **why)
{
	const u32 fixed = sizeof(struct rndis_query_complete);
	struct rndis_query_complete q;

	if (msg_len < RNDIS_HDR_BYTES + fixed)
		return bad(why, "msg_len shorter than a QUERY_C");
	memcpy(&q, (const u8 *)buf + RNDIS_HDR_BYTES, sizeof(q));
	if (q.info_buflen && !area_fits(msg_len, fixed, q.info_buf_offset, q.info_buflen))
		return area_bad(msg_len, fixed, q.info_buf_offset, why,
				"info_buf_offset inside the fixed part",
				"info_buf_offset past the message", "info_buflen past the message");
	*req_id = q.req_id;
	*status = q.status;
	*info_off = q.info_buflen ? RNDIS_HDR_BYTES + q.info_buf_offset : 0;
	*info_len = q.info_buflen;
	return 0;
}

int rndis_indicate_parse(const void *buf, u32 msg_len, u32 *status, u32 *info_off,
			 u32 *info_len, const char **why)
{
	const u32 fixed = sizeof(struct rndis_indicate_status);
	struct rndis_indicate_status s;

	if (msg_len < RNDIS_HDR_BYTES + fixed)
		return bad(why, "msg_len shorter than an INDICATE");
	memcpy(&s, (const u8 *)buf + RNDIS_HDR_BYTES, sizeof(s));
	*status = s.status;
	*info_off = 0;
	*info_len = 0;
	/*
	 * Older hosts leave the status buffer out of msg_len (rndis_filter.c), so one
	 * outside the message is no error: the caller just gets none.
	 */
	if (s.status_buflen && area_fits(msg_len, fixed, s.status_buf_offset, s.status_buflen)) {
		*info_off = RNDIS_HDR_BYTES + s.status_buf_offset;
		*info_len = s.status_buflen;
	}
	return 0;
}

int rndis_oid_request_parse(const void *buf, u32 msg_len, u32 *req_id, u32 *oid,
			    u32 *info_off, u32 *info_len, const char **why)
{
	const u32 fixed = sizeof(struct rndis_oid_request);
	struct rndis_oid_request r;

	if (msg_len < RNDIS_HDR_BYTES + fixed)
		return bad(why, "msg_len shorter than a QUERY or SET");
	memcpy(&r, (const u8 *)buf + RNDIS_HDR_BYTES, sizeof(r));
	if (r.info_buflen && !area_fits(msg_len, fixed, r.info_buf_offset, r.info_buflen))
		return area_bad(msg_len, fixed, r.info_buf_offset, why,
				"info_buf_offset inside the fixed part",
				"info_buf_offset past the message", "info_buflen past the message");
	*req_id = r.req_id;
	*oid = r.oid;
	*info_off = r.info_buflen ? RNDIS_HDR_BYTES + r.info_buf_offset : 0;
	*info_len = r.info_buflen;
	return 0;
}

u32 rndis_packet_build(void *buf, u32 cap, u32 frame_len)
{
	const u32 hdr_len = RNDIS_PACKET_HDR_BYTES;
	struct rndis_msg_hdr h;
	struct rndis_packet p;

	if ((u64)hdr_len + frame_len > cap)
		return 0;
	h.msg_type = RNDIS_MSG_PACKET;
	h.msg_len = hdr_len + frame_len;
	memset(&p, 0, sizeof(p));
	p.data_offset = sizeof(p);
	p.data_len = frame_len;
	memcpy(buf, &h, sizeof(h));
	memcpy((u8 *)buf + sizeof(h), &p, sizeof(p));
	return hdr_len;
}

/* ---- migrate: SR-IOV VF association and data path ---- */

int nvsp_vf_assoc_parse(const void *body, u32 len, bool *allocated, u32 *serial,
			const char **why)
{
	struct nvsp4_send_vf_association a;

	if (len < sizeof(a))
		return bad(why, "vf_association_len");
	memcpy(&a, body, sizeof(a));
	if (a.allocated != NVSP_VF_ALLOCATED && a.allocated != NVSP_VF_NOT_ALLOCATED)
		return bad(why, "allocated");
	*allocated = a.allocated == NVSP_VF_ALLOCATED;
	*serial = a.serial;
	return 0;
}

int nvsp_datapath_parse(const void *body, u32 len, bool *to_vf, const char **why)
{
	struct nvsp4_sw_datapath d;

	if (len < sizeof(d))
		return bad(why, "datapath_len");
	memcpy(&d, body, sizeof(d));
	if (d.active_datapath != NVSP_DATAPATH_SYNTHETIC && d.active_datapath != NVSP_DATAPATH_VF)
		return bad(why, "active_datapath");
	*to_vf = d.active_datapath == NVSP_DATAPATH_VF;
	return 0;
}

/* ---- queues: the host's send indirection table ---- */

int nvsp_send_table_parse(const void *msg, u32 len, u32 version, u32 channels, u32 *table,
			  const char **why)
{
	const u32 fields = NVSP_HDR_BYTES + (u32)sizeof(struct nvsp5_send_indirect_table);
	const u64 tab_bytes = 4ull * VRSS_SEND_TAB_SIZE;
	struct nvsp5_send_indirect_table t;
	u32 tab[VRSS_SEND_TAB_SIZE], i;
	u64 off;

	if (len < fields)
		return bad(why, "send table message length");
	memcpy(&t, (const u8 *)msg + NVSP_HDR_BYTES, sizeof(t));
	if (t.count != VRSS_SEND_TAB_SIZE)
		return bad(why, "send table count");
	off = t.offset;
	/* netvsc.c netvsc_send_table: up to NVSP 6 the entries follow a whole message. */
	if (version <= NVSP_VERSION_6 && len >= NVSP5_SEND_TABLE_OFFSET + tab_bytes)
		off = NVSP5_SEND_TABLE_OFFSET;
	if (off < fields || off + tab_bytes > len)
		return bad(why, "send table offset");
	for (i = 0; i < VRSS_SEND_TAB_SIZE; i++) {
		tab[i] = get32(msg, off + 4ull * i);
		if (tab[i] >= channels)
			return bad(why, "send table entry");
	}
	memcpy(table, tab, sizeof(tab));
	return 0;
}
