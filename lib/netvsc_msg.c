// SPDX-License-Identifier: GPL-2.0-only
/*
 * netvsc_msg.c: pure checks and builders of the synthetic NIC's NVSP and RNDIS messages
 * (see netvsc_msg.h): which side may send which type, each type's body length, the
 * receive and send buffer completions, transfer-page packets, and the offsets and
 * lengths inside RNDIS PACKET, QUERY_C, INDICATE and QUERY/SET messages, and the NDIS
 * offload objects (hardware capabilities, offload parameters), the RSS objects
 * (capabilities, parameters).
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
#include "netvsc_msg.h"

/* Bodies upstream defines that netvsc_proto.h has no struct for (hyperv_net.h). */
#define NVSP4_VF_ASSOCIATION_BYTES	8	/* allocated, serial */
#define NVSP4_SWITCH_DATA_PATH_BYTES	4	/* active_datapath */
#define NVSP5_SUBCHANNEL_BYTES		8	/* op or status, num_subchannels */
#define NVSP5_INDIRECTION_TABLE_BYTES	8	/* count, offset */
#define RNDIS_HALT_BYTES		4	/* req_id */
#define RNDIS_RESET_BYTES		4	/* reserved */
#define RNDIS_RESET_C_BYTES		8	/* status, addressing_reset */

#define RNDIS_HDR_BYTES		((u32)sizeof(struct rndis_msg_hdr))
#define XFER_HDR_BYTES		((u32)sizeof(struct vmtransfer_page_packet_header))
#define XFER_RANGE_BYTES	((u32)sizeof(struct vmtransfer_page_range))
#define ETH_HDR_BYTES		14
#define RET_MAX			0x7fffffffu	/* the largest count an int return holds */

static int bad(const char **why, const char *field)
{
	*why = field;
	return -EINVAL;
}

static int proto(const char **why, const char *field)
{
	*why = field;
	return -EPROTO;
}

static u32 get32(const void *buf, u64 off)
{
	u32 v;

	memcpy(&v, (const u8 *)buf + off, sizeof(v));
	return v;
}

static u16 get16(const void *buf, u64 off)
{
	u16 v;

	memcpy(&v, (const u8 *)buf + off, sizeof(v));
	return v;
}

/* ---- NVSP ---- */

/* Who may send each type (bit 0 host, bit 1 guest) and its body length. */
#define BY_HOST		1
#define BY_GUEST	2

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
	const struct nvsp1_recv_buffer_section *s = &rc.sections[0];

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
	if (p.data_len < ETH_HDR_BYTES)
		return bad(why, "data_len shorter than an Ethernet header");
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

/* ---- NDIS offload objects ---- */

u32 ndis_offload_query_hdr(u32 version, struct ndis_object_header *h)
{
	h->type = NDIS_OBJECT_TYPE_OFFLOAD;
	if (version >= NVSP_VERSION_5) {
		h->revision = NDIS_OFFLOAD_REVISION_3;
		h->size = NDIS_OFFLOAD_SIZE;
	} else if (version >= NVSP_VERSION_4) {
		h->revision = NDIS_OFFLOAD_REVISION_2;
		h->size = NDIS_OFFLOAD_SIZE_6_1;
	} else {
		h->revision = NDIS_OFFLOAD_REVISION_1;
		h->size = NDIS_OFFLOAD_SIZE_6_0;
	}
	return h->size;
}

/* What one kind of NDIS object must have in its header, and how a refusal reads. */
struct ndis_header_rule {
	u8 type;
	u16 min_size;
	const char *too_short, *bad_type, *below_min;
};

/*
 * The checks both objects share: a whole header, the object type, a revision of at
 * least 1, and a header.size between the rule's minimum and the bytes received.
 */
static int ndis_header_check(const void *buf, u32 len, const struct ndis_header_rule *r,
			     struct ndis_object_header *h, const char **why)
{
	if (len < sizeof(*h))
		return bad(why, r->too_short);
	memcpy(h, buf, sizeof(*h));
	if (h->type != r->type)
		return bad(why, r->bad_type);
	if (h->revision < 1)
		return bad(why, "header.revision below 1");
	if (h->size > len)
		return bad(why, "header.size past the bytes received");
	if (h->size < r->min_size)
		return bad(why, r->below_min);
	return 0;
}

int ndis_offload_parse(const void *buf, u32 len, struct ndis_offload *out, const char **why)
{
	static const struct ndis_header_rule rule = {
		NDIS_OBJECT_TYPE_OFFLOAD, NDIS_OFFLOAD_SIZE_6_0,
		"offload object shorter than its header",
		"header.type not NDIS_OBJECT_TYPE_OFFLOAD",
		"header.size below the NDIS 6.0 size",
	};
	struct ndis_object_header h;

	if (len > sizeof(*out))
		return bad(why, "offload object longer than an ndis_offload");
	if (ndis_header_check(buf, len, &rule, &h, why))
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	memcpy(out, buf, h.size);
	return 0;
}

u32 ndis_offload_build(void *buf, u32 cap, u32 version, const struct ndis_offload *caps)
{
	struct ndis_offload o = *caps;
	u32 size = ndis_offload_query_hdr(version, &o.header);

	if (size > cap)
		return 0;
	memcpy(buf, &o, size);
	return size;
}

u32 ndis_offload_params_all_off(u32 version, struct ndis_offload_params *p)
{
	u32 size = version <= NVSP_VERSION_4 ? NDIS_OFFLOAD_PARAMS_SIZE_V4 : sizeof(*p);

	memset(p, 0, sizeof(*p));
	p->header.type = NDIS_OBJECT_TYPE_DEFAULT;
	p->header.revision = NDIS_OFFLOAD_PARAMETERS_REVISION_3;
	p->header.size = size;
	p->ip_v4_csum = NDIS_OFFLOAD_PARAMETERS_TX_RX_DISABLED;
	p->tcp_ip_v4_csum = NDIS_OFFLOAD_PARAMETERS_TX_RX_DISABLED;
	p->tcp_ip_v6_csum = NDIS_OFFLOAD_PARAMETERS_TX_RX_DISABLED;
	/* rndis_filter.c: up to NVSP 4 the UDP checksum fields must stay NO_CHANGE. */
	if (version > NVSP_VERSION_4) {
		p->udp_ip_v4_csum = NDIS_OFFLOAD_PARAMETERS_TX_RX_DISABLED;
		p->udp_ip_v6_csum = NDIS_OFFLOAD_PARAMETERS_TX_RX_DISABLED;
		p->rsc_ip_v4 = NDIS_OFFLOAD_PARAMETERS_RSC_DISABLED;
		p->rsc_ip_v6 = NDIS_OFFLOAD_PARAMETERS_RSC_DISABLED;
	}
	p->lso_v1 = NDIS_OFFLOAD_PARAMETERS_LSO_DISABLED;
	p->lso_v2_ipv4 = NDIS_OFFLOAD_PARAMETERS_LSO_DISABLED;
	p->lso_v2_ipv6 = NDIS_OFFLOAD_PARAMETERS_LSO_DISABLED;
	return size;
}

int ndis_offload_params_parse(const void *buf, u32 len, struct ndis_offload_params *out,
			      const char **why)
{
	static const struct {
		u8 off;
		u8 max;
		const char *bad;
	} fields[] = {
#define P_FIELD(f, m) { offsetof(struct ndis_offload_params, f), m, #f " out of range" }
		P_FIELD(ip_v4_csum, NDIS_OFFLOAD_PARAMETERS_TX_RX_ENABLED),
		P_FIELD(tcp_ip_v4_csum, NDIS_OFFLOAD_PARAMETERS_TX_RX_ENABLED),
		P_FIELD(udp_ip_v4_csum, NDIS_OFFLOAD_PARAMETERS_TX_RX_ENABLED),
		P_FIELD(tcp_ip_v6_csum, NDIS_OFFLOAD_PARAMETERS_TX_RX_ENABLED),
		P_FIELD(udp_ip_v6_csum, NDIS_OFFLOAD_PARAMETERS_TX_RX_ENABLED),
		P_FIELD(lso_v1, NDIS_OFFLOAD_PARAMETERS_LSO_ENABLED),
		P_FIELD(lso_v2_ipv4, NDIS_OFFLOAD_PARAMETERS_LSO_ENABLED),
		P_FIELD(lso_v2_ipv6, NDIS_OFFLOAD_PARAMETERS_LSO_ENABLED),
		P_FIELD(rsc_ip_v4, NDIS_OFFLOAD_PARAMETERS_RSC_ENABLED),
		P_FIELD(rsc_ip_v6, NDIS_OFFLOAD_PARAMETERS_RSC_ENABLED),
#undef P_FIELD
	};
	static const struct ndis_header_rule rule = {
		NDIS_OBJECT_TYPE_DEFAULT, NDIS_OFFLOAD_PARAMS_SIZE_V4,
		"offload parameters shorter than their header",
		"header.type not NDIS_OBJECT_TYPE_DEFAULT",
		"header.size below the NVSP 4 size",
	};
	struct ndis_object_header h;
	u32 i;

	if (ndis_header_check(buf, len, &rule, &h, why))
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	memcpy(out, buf, h.size < sizeof(*out) ? h.size : sizeof(*out));
	for (i = 0; i < ARRAY_SIZE(fields); i++)
		if (((const u8 *)out)[fields[i].off] > fields[i].max)
			return bad(why, fields[i].bad);
	return 0;
}

/* Whether checksum setting v asks for a direction the capability bit lacks. */
static bool csum_lacks(u8 v, u32 tx_caps, u32 rx_caps, u32 bit)
{
	bool tx = v == NDIS_OFFLOAD_PARAMETERS_TX_ENABLED_RX_DISABLED ||
		  v == NDIS_OFFLOAD_PARAMETERS_TX_RX_ENABLED;
	bool rx = v == NDIS_OFFLOAD_PARAMETERS_RX_ENABLED_TX_DISABLED ||
		  v == NDIS_OFFLOAD_PARAMETERS_TX_RX_ENABLED;

	return (tx && !(tx_caps & bit)) || (rx && !(rx_caps & bit));
}

const char *ndis_offload_params_unsupported(const struct ndis_offload_params *p,
					    const struct ndis_offload *caps)
{
	const struct ndis_csum_offload *c = &caps->csum;
	const u8 on = NDIS_OFFLOAD_PARAMETERS_LSO_ENABLED;	/* = RSC_ENABLED */

	if (csum_lacks(p->ip_v4_csum, c->ip4_txcsum, c->ip4_rxcsum, NDIS_TXCSUM_CAP_IP4))
		return "ip_v4_csum";
	if (csum_lacks(p->tcp_ip_v4_csum, c->ip4_txcsum, c->ip4_rxcsum, NDIS_TXCSUM_CAP_TCP4))
		return "tcp_ip_v4_csum";
	if (csum_lacks(p->udp_ip_v4_csum, c->ip4_txcsum, c->ip4_rxcsum, NDIS_TXCSUM_CAP_UDP4))
		return "udp_ip_v4_csum";
	if (csum_lacks(p->tcp_ip_v6_csum, c->ip6_txcsum, c->ip6_rxcsum, NDIS_TXCSUM_CAP_TCP6))
		return "tcp_ip_v6_csum";
	if (csum_lacks(p->udp_ip_v6_csum, c->ip6_txcsum, c->ip6_rxcsum, NDIS_TXCSUM_CAP_UDP6))
		return "udp_ip_v6_csum";
	if (p->lso_v1 == on && !(caps->lsov1.encap & NDIS_OFFLOAD_ENCAP_8023))
		return "lso_v1";
	if (p->lso_v2_ipv4 == on && !(caps->lsov2.ip4_encap & NDIS_OFFLOAD_ENCAP_8023))
		return "lso_v2_ipv4";
	if (p->lso_v2_ipv6 == on && !(caps->lsov2.ip6_encap & NDIS_OFFLOAD_ENCAP_8023))
		return "lso_v2_ipv6";
	if (p->rsc_ip_v4 == on && !caps->rsc_ip4)
		return "rsc_ip_v4";
	if (p->rsc_ip_v6 == on && !caps->rsc_ip6)
		return "rsc_ip_v6";
	return NULL;
}

/* ---- offload: per-packet info (checksum, LSOv2, 802.1Q, hash, RSC fragments) ---- */

#define TCP_HDR_MIN	20u
#define UDP_HDR_BYTES	8u
#define IP4_HDR_MIN	20u

struct ppi_rule {
	u32 type;
	u32 bit;
	u8 by;
	const char *wrong_size, *dup, *not_allowed;
};

static const struct ppi_rule ppi_rules[] = {
	{ PPI_TCPIP_CHKSUM, RNDIS_PPIS_CSUM, BY_HOST | BY_GUEST,
	  "checksum PPI of the wrong size", "duplicate checksum PPI", NULL },
	{ PPI_TCP_LARGESEND, RNDIS_PPIS_LSO, BY_GUEST, "LSO PPI of the wrong size",
	  "duplicate LSO PPI", "LSO PPI from the host" },
	{ PPI_IEEE_8021Q, RNDIS_PPIS_VLAN, BY_HOST | BY_GUEST, "VLAN PPI of the wrong size",
	  "duplicate VLAN PPI", NULL },
	{ PPI_NBL_HASH_VALUE, RNDIS_PPIS_HASH, BY_HOST | BY_GUEST,
	  "hash PPI of the wrong size", "duplicate hash PPI", NULL },
	{ RNDIS_PPI_PKTINFO_ID, RNDIS_PPIS_PKTINFO, BY_HOST, "PKTINFO_ID PPI of the wrong size",
	  "duplicate PKTINFO_ID PPI", "PKTINFO_ID PPI from the guest" },
};

static int ppis_check_csum_tx(u32 csum, u32 data_len, const char **why)
{
	bool v4 = csum & NDIS_CSUM_TX_IS_IPV4, v6 = csum & NDIS_CSUM_TX_IS_IPV6;
	bool tcp = csum & NDIS_CSUM_TX_TCP, udp = csum & NDIS_CSUM_TX_UDP;
	u32 tho = (csum & NDIS_CSUM_TX_THO_MASK) >> NDIS_CSUM_TX_THO_SHIFT;

	if (v4 && v6)
		return bad(why, "checksum PPI both IPv4 and IPv6");
	if (tcp && udp)
		return bad(why, "checksum PPI both TCP and UDP");
	if ((tcp || udp || (csum & NDIS_CSUM_TX_IP_HDR)) && !v4 && !v6)
		return bad(why, "checksum PPI neither IPv4 nor IPv6");
	if (csum & NDIS_CSUM_TX_IP_HDR && !v4)
		return bad(why, "checksum PPI IP header checksum without IPv4");
	if ((tcp || udp) && (tho < ETH_HDR_BYTES + IP4_HDR_MIN ||
			     (u64)tho + (tcp ? TCP_HDR_MIN : UDP_HDR_BYTES) > data_len))
		return bad(why, "checksum PPI tcp_header_offset outside the frame");
	return 0;
}

static int ppis_check_lso(u32 lso, u32 data_len, const char **why)
{
	u32 tho = (lso & NDIS_LSO2_THO_MASK) >> NDIS_LSO2_THO_SHIFT;

	if (!(lso & NDIS_LSO2_TYPE_V2))
		return bad(why, "LSO PPI not LSOv2");
	if (!(lso & NDIS_LSO2_MSS_MASK))
		return bad(why, "LSO PPI mss 0");
	if (tho < ETH_HDR_BYTES + IP4_HDR_MIN || (u64)tho + TCP_HDR_MIN > data_len)
		return bad(why, "LSO PPI tcp_header_offset outside the frame");
	return 0;
}

static int ppis_check_pktinfo(const struct rndis_pktinfo_id *id, const char **why)
{
	const u8 known = RNDIS_PKTINFO_SUBALLOC | RNDIS_PKTINFO_1ST_FRAG |
			 RNDIS_PKTINFO_LAST_FRAG;

	if (id->ver != RNDIS_PKTINFO_ID_V1)
		return bad(why, "PKTINFO_ID PPI version not 1");
	if (id->flag & ~known)
		return bad(why, "PKTINFO_ID PPI unknown flag");
	if (!(id->flag & RNDIS_PKTINFO_SUBALLOC) && id->flag)
		return bad(why, "PKTINFO_ID PPI fragment flag without SUBALLOC");
	return 0;
}

int rndis_ppis_parse(const void *buf, const struct rndis_packet_view *v,
		     enum netvsc_dir from, struct rndis_pkt_ppis *out, const char **why)
{
	u8 by = from == NETVSC_FROM_HOST ? BY_HOST : BY_GUEST;
	u32 at = v->ppi_off, left = v->ppi_len, i;
	int rc;

	memset(out, 0, sizeof(*out));
	while (left) {
		const struct ppi_rule *r = NULL;
		struct rndis_ppi e;
		u32 val;

		/* rndis_packet_parse checked the walk; these guards only stop a loop. */
		if (left < sizeof(e))
			return bad(why, "PPI header past the PPI area");
		memcpy(&e, (const u8 *)buf + at, sizeof(e));
		if (e.size < sizeof(e) || e.size > left || e.ppi_offset >= e.size)
			return bad(why, "PPI size past the PPI area");
		for (i = 0; i < ARRAY_SIZE(ppi_rules); i++)
			if (ppi_rules[i].type == e.type)
				r = &ppi_rules[i];
		if (r) {
			if (!(r->by & by))
				return bad(why, r->not_allowed);
			if (e.size - e.ppi_offset != sizeof(u32))
				return bad(why, r->wrong_size);
			if (out->present & r->bit)
				return bad(why, r->dup);
			out->present |= r->bit;
			val = get32(buf, (u64)at + e.ppi_offset);
			switch (r->bit) {
			case RNDIS_PPIS_CSUM:
				out->csum = val;
				break;
			case RNDIS_PPIS_LSO:
				out->lso = val;
				break;
			case RNDIS_PPIS_VLAN:
				out->vlan = val;
				break;
			case RNDIS_PPIS_HASH:
				out->hash = val;
				break;
			default:
				memcpy(&out->id, &val, sizeof(out->id));
				break;
			}
		}
		at += e.size;
		left -= e.size;
	}

	if (out->present & RNDIS_PPIS_VLAN && out->vlan & 0xffff0000u)
		return bad(why, "VLAN PPI reserved bits set");
	if (out->present & RNDIS_PPIS_LSO) {
		rc = ppis_check_lso(out->lso, v->data_len, why);
		if (rc)
			return rc;
	}
	if (out->present & RNDIS_PPIS_CSUM && from == NETVSC_FROM_GUEST) {
		rc = ppis_check_csum_tx(out->csum, v->data_len, why);
		if (rc)
			return rc;
	}
	if (out->present & RNDIS_PPIS_PKTINFO)
		return ppis_check_pktinfo(&out->id, why);
	return 0;
}

u32 rndis_ppis_size(const struct rndis_pkt_ppis *p)
{
	u32 n = 0, i;

	for (i = 0; i < ARRAY_SIZE(ppi_rules); i++)
		if (p->present & ppi_rules[i].bit)
			n++;
	return n * NDIS_PPI_U32_SIZE;
}

u32 rndis_packet_build_ppis(void *buf, u32 cap, u32 frame_len, const struct rndis_pkt_ppis *p)
{
	const u32 ppi_len = rndis_ppis_size(p);
	const u32 hdr_len = RNDIS_PACKET_HDR_BYTES + ppi_len;
	struct rndis_msg_hdr h;
	struct rndis_packet pk;
	u32 at = RNDIS_PACKET_HDR_BYTES, i;

	if ((u64)hdr_len + frame_len > cap || (u64)hdr_len + frame_len > 0xffffffffu)
		return 0;
	h.msg_type = RNDIS_MSG_PACKET;
	h.msg_len = hdr_len + frame_len;
	memset(&pk, 0, sizeof(pk));
	pk.data_offset = sizeof(pk) + ppi_len;
	pk.data_len = frame_len;
	if (ppi_len) {
		pk.per_pkt_info_offset = sizeof(pk);
		pk.per_pkt_info_len = ppi_len;
	}
	memcpy(buf, &h, sizeof(h));
	memcpy((u8 *)buf + sizeof(h), &pk, sizeof(pk));
	for (i = 0; i < ARRAY_SIZE(ppi_rules); i++) {
		struct rndis_ppi_u32 e;

		if (!(p->present & ppi_rules[i].bit))
			continue;
		e.hdr.size = NDIS_PPI_U32_SIZE;
		e.hdr.type = ppi_rules[i].type;
		e.hdr.ppi_offset = sizeof(e.hdr);
		switch (ppi_rules[i].bit) {
		case RNDIS_PPIS_CSUM:
			e.value = p->csum;
			break;
		case RNDIS_PPIS_LSO:
			e.value = p->lso;
			break;
		case RNDIS_PPIS_VLAN:
			e.value = p->vlan;
			break;
		case RNDIS_PPIS_HASH:
			e.value = p->hash;
			break;
		default:
			memcpy(&e.value, &p->id, sizeof(e.value));
			break;
		}
		memcpy((u8 *)buf + at, &e, sizeof(e));
		at += sizeof(e);
	}
	return hdr_len;
}

static int rsc_refuse(struct rsc_chain *c, const char **why, const char *field)
{
	c->open = false;
	c->frags = 0;
	c->bytes = 0;
	return bad(why, field);
}

int rsc_chain_add(struct rsc_chain *c, const struct rndis_pkt_ppis *p, u32 data_len,
		  u32 max_frags, u32 max_bytes, const char **why)
{
	u8 flag = p->present & RNDIS_PPIS_PKTINFO ? p->id.flag : 0;

	if (!(flag & RNDIS_PKTINFO_SUBALLOC)) {
		if (c->open)
			return rsc_refuse(c, why, "RSC chain interrupted by a whole frame");
		c->frags = 0;
		c->bytes = 0;
		return RSC_SINGLE;
	}
	if (flag & RNDIS_PKTINFO_1ST_FRAG) {
		if (c->open)
			return rsc_refuse(c, why, "RSC first fragment inside an open chain");
		c->open = true;
		c->frags = 0;
		c->bytes = 0;
		c->pkt_id = p->id.pkt_id;
	} else if (!c->open) {
		return rsc_refuse(c, why, "RSC fragment without a first fragment");
	} else if (p->id.pkt_id != c->pkt_id) {
		return rsc_refuse(c, why, "RSC fragment of another pkt_id");
	}
	if (c->frags >= max_frags)
		return rsc_refuse(c, why, "RSC chain with too many fragments");
	if ((u64)c->bytes + data_len > max_bytes)
		return rsc_refuse(c, why, "RSC chain longer than the maximum");
	c->frags++;
	c->bytes += data_len;
	if (!(flag & RNDIS_PKTINFO_LAST_FRAG))
		return RSC_MORE;
	c->open = false;
	return RSC_DONE;
}

/* ---- offload: the MAC address as an RNDIS config parameter ---- */

u32 rndis_mac_param_build(void *buf, u32 cap, const u8 *mac)
{
	static const char hex[] = "0123456789abcdef";
	struct rndis_config_parameter_info ci;
	u8 *at = (u8 *)buf + sizeof(ci);
	u32 i;

	if (cap < RNDIS_MAC_PARAM_BYTES)
		return 0;
	ci.parameter_name_offset = sizeof(ci);
	ci.parameter_name_length = 2 * RNDIS_NWADR_STRLEN;
	ci.parameter_type = RNDIS_CONFIG_PARAM_TYPE_STRING;
	ci.parameter_value_offset = ci.parameter_name_offset + ci.parameter_name_length;
	ci.parameter_value_length = 4 * 6;
	memcpy(buf, &ci, sizeof(ci));
	for (i = 0; i < RNDIS_NWADR_STRLEN; i++, at += 2) {
		at[0] = (u8)RNDIS_NWADR_STR[i];
		at[1] = 0;
	}
	for (i = 0; i < 12; i++, at += 2) {
		at[0] = (u8)hex[(mac[i / 2] >> (i % 2 ? 0 : 4)) & 0xf];
		at[1] = 0;
	}
	return RNDIS_MAC_PARAM_BYTES;
}

static int not_found(const char **why, const char *field)
{
	*why = field;
	return -ENOENT;
}

static int hex_val(u8 lo, u8 hi)
{
	if (hi)
		return -1;
	if (lo >= '0' && lo <= '9')
		return lo - '0';
	if (lo >= 'a' && lo <= 'f')
		return lo - 'a' + 10;
	if (lo >= 'A' && lo <= 'F')
		return lo - 'A' + 10;
	return -1;
}

int rndis_mac_param_parse(const void *buf, u32 len, u8 *mac, const char **why)
{
	struct rndis_config_parameter_info ci;
	const u8 *p = buf;
	u32 i;

	if (len < sizeof(ci))
		return bad(why, "config parameter shorter than its header");
	memcpy(&ci, buf, sizeof(ci));
	if ((u64)ci.parameter_name_offset + ci.parameter_name_length > len)
		return bad(why, "parameter name past the info buffer");
	if ((u64)ci.parameter_value_offset + ci.parameter_value_length > len)
		return bad(why, "parameter value past the info buffer");
	if (ci.parameter_name_length != 2 * RNDIS_NWADR_STRLEN)
		return not_found(why, "parameter not NetworkAddress");
	for (i = 0; i < RNDIS_NWADR_STRLEN; i++) {
		const u8 *c = p + ci.parameter_name_offset + 2 * i;
		u8 lo = c[0], hi = c[1];
		u8 want = (u8)RNDIS_NWADR_STR[i];

		if (hi || (lo | 0x20) != (want | 0x20))
			return not_found(why, "parameter not NetworkAddress");
	}
	if (ci.parameter_type != RNDIS_CONFIG_PARAM_TYPE_STRING)
		return bad(why, "NetworkAddress not a string");
	if (ci.parameter_value_length != 4 * 6)
		return bad(why, "NetworkAddress value not 12 characters");
	for (i = 0; i < 6; i++) {
		const u8 *v = p + ci.parameter_value_offset + 4 * i;
		int h = hex_val(v[0], v[1]), l = hex_val(v[2], v[3]);

		if (h < 0 || l < 0)
			return bad(why, "NetworkAddress value not hex digits");
		mac[i] = (u8)(h << 4 | l);
	}
	return 0;
}

/* ---- rss: RSS capabilities and parameters ---- */

int ndis_rss_cap_parse(const void *buf, u32 len, u32 *queues, u32 *itab, const char **why)
{
	struct ndis_recv_scale_cap c;

	if (len < sizeof(c))
		return bad(why, "RSS capabilities shorter than 18 bytes");
	memcpy(&c, buf, sizeof(c));
	if (c.hdr.type != NDIS_OBJECT_TYPE_RSS_CAPABILITIES)
		return bad(why, "RSS capabilities header type");
	if (c.hdr.revision < 1)
		return bad(why, "RSS capabilities header revision");
	if (c.hdr.size < sizeof(c) || c.hdr.size > len)
		return bad(why, "RSS capabilities header size");
	if (!c.num_recv_que)
		return bad(why, "num_recv_que 0");
	if (c.num_indirect_tabent > NETVSC_ITAB_MAX)
		return bad(why, "num_indirect_tabent above 256");
	*queues = c.num_recv_que;
	*itab = c.num_indirect_tabent ? c.num_indirect_tabent : NETVSC_ITAB_DEFAULT;
	return 0;
}

u32 ndis_rss_params_build(void *buf, u32 cap, const struct netvsc_rss_conf *c)
{
	struct ndis_recv_scale_param p = {};
	u32 tab_bytes = c->n_itab * 4, total, i, e;
	u8 *out = buf;

	if (!c->n_itab || c->n_itab > NETVSC_ITAB_MAX)
		return 0;
	total = sizeof(p) + tab_bytes + NETVSC_HASH_KEYLEN;
	if (cap < total)
		return 0;
	p.hdr.type = NDIS_OBJECT_TYPE_RSS_PARAMETERS;
	p.hdr.revision = NDIS_RECEIVE_SCALE_PARAMETERS_REVISION_2;
	p.hdr.size = sizeof(p);
	p.flag = c->flag;
	p.hashinfo = c->hashinfo;
	p.indirect_tabsize = (u16)tab_bytes;
	p.indirect_taboffset = sizeof(p);
	p.hashkey_size = NETVSC_HASH_KEYLEN;
	p.hashkey_offset = sizeof(p) + tab_bytes;
	memcpy(out, &p, sizeof(p));
	for (i = 0; i < c->n_itab; i++) {
		e = c->itab[i];
		memcpy(out + sizeof(p) + i * 4, &e, 4);
	}
	memcpy(out + p.hashkey_offset, c->key, NETVSC_HASH_KEYLEN);
	return total;
}

/* [off, off + n) inside len and at or past the object's fixed part. */
static bool rss_area_ok(u32 off, u32 n, u32 fixed, u32 len)
{
	return off >= fixed && (u64)off + n <= len;
}

int ndis_rss_params_parse(const void *buf, u32 len, u32 channels, struct netvsc_rss_conf *out,
			  const char **why)
{
	const u8 *in = buf;
	struct ndis_recv_scale_param p;
	bool want_tab, want_key;
	u32 n = 0, i, e;

	if (len < sizeof(p))
		return bad(why, "RSS parameters shorter than 40 bytes");
	memcpy(&p, buf, sizeof(p));
	if (p.hdr.type != NDIS_OBJECT_TYPE_RSS_PARAMETERS)
		return bad(why, "RSS parameters header type");
	if (p.hdr.revision < 1)
		return bad(why, "RSS parameters header revision");
	if (p.hdr.size < sizeof(p) || p.hdr.size > len)
		return bad(why, "RSS parameters header size");
	if (p.flag & NDIS_RSS_PARAM_FLAG_DISABLE_RSS) {
		out->flag = p.flag;
		return 0;
	}
	if (!(p.flag & NDIS_RSS_PARAM_FLAG_HASH_INFO_UNCHANGED)) {
		if ((p.hashinfo & NDIS_HASH_FUNC_MASK) != NDIS_HASH_FUNC_TOEPLITZ)
			return bad(why, "hashinfo: hash function not Toeplitz");
		if (!(p.hashinfo & ~NDIS_HASH_FUNC_MASK))
			return bad(why, "hashinfo: no hash type");
		if (p.hashinfo & ~(NDIS_HASH_FUNC_MASK | NETVSC_RSS_HASH_TYPES))
			return bad(why, "hashinfo: a hash type this NIC does not offer");
	}
	want_tab = !(p.flag & NDIS_RSS_PARAM_FLAG_ITABLE_UNCHANGED);
	want_key = !(p.flag & NDIS_RSS_PARAM_FLAG_HASH_KEY_UNCHANGED);
	if (want_tab) {
		n = p.indirect_tabsize / 4;
		if (p.indirect_tabsize % 4 || !n || n > NETVSC_ITAB_MAX || (n & (n - 1)))
			return bad(why, "indirect_tabsize not 4 x a power of two up to 256");
		if (!rss_area_ok(p.indirect_taboffset, p.indirect_tabsize, p.hdr.size, len))
			return bad(why, "indirect_taboffset outside the message");
		if (!channels)
			return bad(why, "indirection table with no channel open");
		for (i = 0; i < n; i++) {
			memcpy(&e, in + p.indirect_taboffset + i * 4, 4);
			if (e >= channels)
				return bad(why, "indirection table entry past the open channels");
		}
	}
	if (want_key) {
		if (p.hashkey_size != NETVSC_HASH_KEYLEN)
			return bad(why, "hashkey_size not 40");
		if (!rss_area_ok(p.hashkey_offset, p.hashkey_size, p.hdr.size, len))
			return bad(why, "hashkey_offset outside the message");
	}
	if (want_tab && want_key &&
	    (u64)p.indirect_taboffset < (u64)p.hashkey_offset + p.hashkey_size &&
	    (u64)p.hashkey_offset < (u64)p.indirect_taboffset + p.indirect_tabsize)
		return bad(why, "hash key overlaps the indirection table");

	/* All checked: nothing is written before. */
	out->flag = p.flag;
	if (!(p.flag & NDIS_RSS_PARAM_FLAG_HASH_INFO_UNCHANGED))
		out->hashinfo = p.hashinfo;
	if (want_tab) {
		out->n_itab = n;
		for (i = 0; i < n; i++) {
			memcpy(&e, in + p.indirect_taboffset + i * 4, 4);
			out->itab[i] = (u16)e;
		}
	}
	if (want_key)
		memcpy(out->key, in + p.hashkey_offset, NETVSC_HASH_KEYLEN);
	return 0;
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
