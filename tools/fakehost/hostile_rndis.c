// SPDX-License-Identifier: GPL-2.0-only
/*
 * hostile_rndis.c: the hostile mode's map of an RNDIS message, as the NIC puts it in a
 * receive-buffer section (hostile.h hostile_rndis): the header's msg_type and msg_len,
 * then by msg_type the fields a guest's RNDIS parser trusts: a data packet's data and
 * per-packet-info offsets and lengths and its first PPI's size, type and offset, a
 * completion's status (and a query's info buffer), an indication's status and buffer.
 * Offsets from the structs in include/hvis/netvsc_proto.h (upstream
 * include/linux/rndis.h, drivers/net/hyperv/hyperv_net.h: struct rndis_message and
 * its rndis_packet, rndis_query_complete, rndis_indicate_status, rndis_per_packet_info).
 */
#include <string.h>
#include "hostile.h"
#include "hvis/netvsc_proto.h"

#define F(n, o, s) { n, o, s }
#define HDR	((u16)sizeof(struct rndis_msg_hdr))
#define OFF(type, member)	((u16)(HDR + __builtin_offsetof(type, member)))

static const struct hostile_field r_hdr[] = {
	F("rndis.msg_type", 0, 4),
	F("rndis.msg_len", 4, 4),
};
static const struct hostile_field r_packet[] = {
	F("rndis.data_offset", OFF(struct rndis_packet, data_offset), 4),
	F("rndis.data_len", OFF(struct rndis_packet, data_len), 4),
	F("rndis.ppi_offset", OFF(struct rndis_packet, per_pkt_info_offset), 4),
	F("rndis.ppi_len", OFF(struct rndis_packet, per_pkt_info_len), 4),
};
/* The first PPI's, from its own start. */
static const struct hostile_field r_ppi[] = {
	F("rndis.ppi0.size", 0, 4),
	F("rndis.ppi0.type", 4, 4),
	F("rndis.ppi0.ppi_offset", 8, 4),
};
/* INIT, QUERY, SET and KEEPALIVE completions: req_id, then status. */
static const struct hostile_field r_init_c[] = {
	F("rndis.status", OFF(struct rndis_init_complete, status), 4),
};
static const struct hostile_field r_query_c[] = {
	F("rndis.status", OFF(struct rndis_query_complete, status), 4),
	F("rndis.info_buflen", OFF(struct rndis_query_complete, info_buflen), 4),
	F("rndis.info_buf_offset", OFF(struct rndis_query_complete, info_buf_offset), 4),
};
static const struct hostile_field r_set_c[] = {
	F("rndis.status", OFF(struct rndis_set_complete, status), 4),
};
static const struct hostile_field r_keepalive_c[] = {
	F("rndis.status", OFF(struct rndis_keepalive_complete, status), 4),
};
/* RESET_C starts with its status (rndis.h struct rndis_reset_complete). */
static const struct hostile_field r_reset_c[] = { F("rndis.status", HDR, 4) };
static const struct hostile_field r_indicate[] = {
	F("rndis.status", OFF(struct rndis_indicate_status, status), 4),
	F("rndis.status_buflen", OFF(struct rndis_indicate_status, status_buflen), 4),
	F("rndis.status_buf_offset", OFF(struct rndis_indicate_status, status_buf_offset), 4),
};
static_assert(OFF(struct rndis_packet, per_pkt_info_offset) == 28, "rndis ppi offset");
static_assert(OFF(struct rndis_query_complete, info_buf_offset) == 20, "query info offset");

#define T(key, arr) { key, arr, ARRAY_SIZE(arr) }
static const struct hostile_table r_tables[] = {
	T(RNDIS_MSG_PACKET, r_packet),
	T(RNDIS_MSG_INIT_C, r_init_c),
	T(RNDIS_MSG_QUERY_C, r_query_c),
	T(RNDIS_MSG_SET_C, r_set_c),
	T(RNDIS_MSG_KEEPALIVE_C, r_keepalive_c),
	T(RNDIS_MSG_RESET_C, r_reset_c),
	T(RNDIS_MSG_INDICATE, r_indicate),
};

/* Appends f's fields that fit in len bytes at base to out; returns the new count. */
unsigned int hostile_rndis_fields(const void *msg, u32 len, struct hostile_field *out,
				  unsigned int max)
{
	struct rndis_msg_hdr h;
	struct rndis_packet p;
	unsigned int i, n;

	if (len < sizeof(h))
		return 0;
	memcpy(&h, msg, sizeof(h));
	n = hostile_add_fields(out, 0, max, r_hdr, ARRAY_SIZE(r_hdr), 0, len);
	for (i = 0; i < ARRAY_SIZE(r_tables); i++)
		if (r_tables[i].key == h.msg_type)
			n = hostile_add_fields(out, n, max, r_tables[i].f, r_tables[i].n, 0, len);
	/* A data packet's first PPI, where its per_pkt_info_offset puts it. */
	if (h.msg_type == RNDIS_MSG_PACKET && len >= HDR + sizeof(p)) {
		memcpy(&p, (const u8 *)msg + HDR, sizeof(p));
		if (p.per_pkt_info_len && p.per_pkt_info_offset < len)
			n = hostile_add_fields(out, n, max, r_ppi, ARRAY_SIZE(r_ppi),
				HDR + p.per_pkt_info_offset, len);
	}
	return n;
}
