/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * netvsc_msg.h: pure checks and builders of the synthetic NIC's NVSP and RNDIS
 * messages (include/hvis/netvsc_proto.h).  No kernel API: built into
 * hvis_netvsc.ko, the fake host, the unit tests and the fuzzer, so every length,
 * offset and count either side receives is checked by the same code.
 *
 * Every check returns a negative errno (-EINVAL, or -EPROTO for a type the sender
 * may not send) and sets *why to a short phrase naming the field ("data_offset past
 * the message"); on success *why is untouched.  Nothing here reads past len.
 */
#ifndef _HVIS_NETVSC_MSG_H
#define _HVIS_NETVSC_MSG_H

#include "../include/hvis/netvsc_proto.h"
#include "../include/hvis/ring_proto.h"

enum netvsc_dir {
	NETVSC_FROM_HOST,
	NETVSC_FROM_GUEST,
};

/* ---- NVSP ---- */

/*
 * Checks one in-band NVSP message of len bytes (the payload after the VMBus
 * descriptor): the type word fits, the type is one that side may send, and len holds
 * that type's body.  RECV_BUF_COMPLETE from the host must carry exactly one section;
 * a status other than SUCCESS skips the section check.  Returns the type.
 */
int nvsp_msg_check(const void *buf, u32 len, enum netvsc_dir from, const char **why);

/*
 * The bytes an NVSP request must have once @version is negotiated (0: none yet):
 * NVSP_MSG_BYTES_V61 from NVSP 6.1 on, NVSP_MSG_BYTES_V1 before.  What the host
 * requires of the guest's in-band requests (not of completions), and what a host
 * sends.
 */
u32 nvsp_msg_min_len(u32 version);

/*
 * Checks the length of an in-band NVSP request of len bytes against @version:
 * -EINVAL ("NVSP request shorter than the negotiated version's size") if shorter
 * than nvsp_msg_min_len(version).
 */
int nvsp_request_len_check(u32 len, u32 version, const char **why);

/* The name of an NVSP type for logs ("SEND_RNDIS_PKT"), "UNKNOWN" if none. */
const char *nvsp_msg_name(u32 type);

/*
 * Checks a receive-buffer completion against the buffer the guest offered:
 * one section, offset 0, NETVSC_MIN_SECTION_SIZE <= sub_alloc_size <=
 * NETVSC_RECV_SECTION_MAX (the guest allocates one section's copy), num_sub_allocs
 * >= 1 and sub_alloc_size * num_sub_allocs <= buf_size (no overflow).  On success
 * sets *section_size and *sections.
 */
int nvsp_recv_buf_check(const struct nvsp1_recv_buffer_complete *c, u32 buf_size,
			u32 *section_size, u32 *sections, const char **why);

/*
 * Checks a send-buffer completion: section_size >= NETVSC_MIN_SECTION_SIZE and
 * <= buf_size.  On success sets *sections = buf_size / section_size.
 */
int nvsp_send_buf_check(const struct nvsp1_send_buffer_complete *c, u32 buf_size,
			u32 *sections, const char **why);

/*
 * Checks a whole VM_PKT_DATA_USING_XFER_PAGES packet of pkt_len bytes (descriptor
 * included) as the guest receives it: the header and its range_cnt ranges fit below
 * offset8 * 8, offset8 * 8 <= pkt_len, xfer_pageset_id is NVSP_RECV_BUFFER_ID,
 * 1 <= range_cnt <= max_ranges, every range lies inside a recv buffer of buf_size
 * bytes and is at most section_size long, and the NVSP message after the header is
 * SEND_RNDIS_PKT.  Returns range_cnt.
 */
int nvsp_xfer_check(const void *pkt, u32 pkt_len, u32 buf_size, u32 section_size,
		    u32 max_ranges, const char **why);

/* ---- RNDIS ---- */

/*
 * Checks one RNDIS message of len bytes: the header fits, 8 <= msg_len <= len, the
 * type is one that side may send (the host: PACKET, INDICATE, the completions and
 * KEEPALIVE; the guest: PACKET, INIT, HALT, QUERY, SET, RESET, KEEPALIVE and
 * KEEPALIVE_C), and msg_len holds the type's fixed part.  Offsets inside the message
 * are checked by the functions below.  Returns 0 and sets *type and *msg_len;
 * callers use msg_len, not len, from here on.
 */
int rndis_msg_check(const void *buf, u32 len, enum netvsc_dir from, u32 *type,
		    u32 *msg_len, const char **why);

/* The name of an RNDIS type for logs ("QUERY_C"), "UNKNOWN" if none. */
const char *rndis_msg_name(u32 type);

/* Where a checked PACKET's frame and per-packet info lie, as offsets from buf. */
struct rndis_packet_view {
	u32 data_off;
	u32 data_len;
	u32 ppi_off;
	u32 ppi_len;
};

/*
 * Checks a PACKET message of msg_len bytes (from rndis_msg_check): data_offset and
 * data_len inside the message, data_len >= 14 (an Ethernet header) and <= max_frame,
 * per-packet info inside the message and not overlapping the fixed part, and every
 * PPI element's size and ppi_offset inside the PPI area.  Fills *v.
 */
int rndis_packet_parse(const void *buf, u32 msg_len, u32 max_frame,
		       struct rndis_packet_view *v, const char **why);

/*
 * The value of the first PPI of @type (RNDIS_PPI_INTERNAL set for internal types) in
 * a parsed packet, if its value is at least want bytes: returns a pointer into buf, or
 * NULL if there is none.
 */
const void *rndis_ppi_find(const void *buf, const struct rndis_packet_view *v, u32 type,
			   u32 want);

/*
 * Checks a QUERY_C of msg_len bytes: when info_buflen != 0, info_buf_offset and
 * info_buflen lie inside the message.  Sets *req_id, *status, and *info_off (from
 * buf) / *info_len (0 if none).
 */
int rndis_query_c_parse(const void *buf, u32 msg_len, u32 *req_id, u32 *status,
			u32 *info_off, u32 *info_len, const char **why);

/*
 * Checks an INDICATE of msg_len bytes; sets *status and, if it carries a status
 * buffer inside the message, *info_off / *info_len (else 0, 0).
 */
int rndis_indicate_parse(const void *buf, u32 msg_len, u32 *status, u32 *info_off,
			 u32 *info_len, const char **why);

/*
 * Checks a QUERY or SET request of msg_len bytes (as the host receives it): the info
 * buffer lies inside the message.  Sets *req_id, *oid, *info_off / *info_len.
 */
int rndis_oid_request_parse(const void *buf, u32 msg_len, u32 *req_id, u32 *oid,
			    u32 *info_off, u32 *info_len, const char **why);

/*
 * Writes a PACKET message header (rndis_msg_hdr + rndis_packet) for a frame of
 * frame_len bytes placed right after it with no PPI, into buf of cap bytes.  Returns
 * the header length (44), or 0 if cap is too small.  The caller copies the frame to
 * buf + 44.
 */
u32 rndis_packet_build(void *buf, u32 cap, u32 frame_len);

/* Bytes of a PACKET header as rndis_packet_build writes it. */
#define RNDIS_PACKET_HDR_BYTES	(sizeof(struct rndis_msg_hdr) + sizeof(struct rndis_packet))

/* ---- NDIS offload objects ---- */

/*
 * What the guest puts in its OID_TCP_OFFLOAD_HARDWARE_CAPABILITIES query for
 * @version (rndis_filter.c rndis_filter_query_device): an ndis_offload header of
 * revision 3 / NDIS_OFFLOAD_SIZE from NVSP 5, revision 2 / NDIS_OFFLOAD_SIZE_6_1 for
 * NVSP 4, revision 1 / NDIS_OFFLOAD_SIZE_6_0 before.  Returns the size.
 */
u32 ndis_offload_query_hdr(u32 version, struct ndis_object_header *h);

/*
 * Checks the host's OID_TCP_OFFLOAD_HARDWARE_CAPABILITIES answer of len bytes as the
 * guest receives it (rndis_filter.c rndis_query_hwcaps): len <= sizeof(*out), header
 * type NDIS_OBJECT_TYPE_OFFLOAD, revision >= 1, NDIS_OFFLOAD_SIZE_6_0 <= size <= len.
 * On success *out holds the object, zero past header.size.
 */
int ndis_offload_parse(const void *buf, u32 len, struct ndis_offload *out, const char **why);

/*
 * Writes the host's answer for a guest at @version: the capabilities in *caps with a
 * header of the revision and size the guest asks for (as ndis_offload_query_hdr), into
 * buf of cap bytes.  Returns the bytes written, 0 if cap is too small.
 */
u32 ndis_offload_build(void *buf, u32 cap, u32 version, const struct ndis_offload *caps);

/*
 * Fills *p as a guest that turns every offload off (hvis has none yet) and returns
 * the bytes to send for @version (rndis_filter.c rndis_filter_set_offload_params):
 * header type NDIS_OBJECT_TYPE_DEFAULT, revision 3, size 28, or 22 up to NVSP 4
 * (where the UDP checksum fields stay NO_CHANGE and RSC is not sent).
 */
u32 ndis_offload_params_all_off(u32 version, struct ndis_offload_params *p);

/*
 * Checks an OID_TCP_OFFLOAD_PARAMETERS set of len bytes as the host receives it:
 * header type NDIS_OBJECT_TYPE_DEFAULT, revision >= 1, NDIS_OFFLOAD_PARAMS_SIZE_V4 <=
 * size <= len, and every setting in range (checksums 0..4, LSO and RSC 0..2; RSC only
 * when size covers it).  On success *out holds the object, zero past header.size.
 */
int ndis_offload_params_parse(const void *buf, u32 len, struct ndis_offload_params *out,
			      const char **why);

/*
 * The first setting of a checked *p that turns on an offload *caps does not offer
 * ("tcp_ip_v4_csum"), or NULL if it asks for nothing the caps lack.
 */
const char *ndis_offload_params_unsupported(const struct ndis_offload_params *p,
					    const struct ndis_offload *caps);

/* ---- wire: PACKETs with per-packet info, the NetworkAddress parameter ---- */

/* One PPI to write: its type and 4-byte value (checksum, 802.1Q, hash, pktinfo id). */
struct rndis_ppi_val {
	u32 type;		/* RNDIS_PPI_INTERNAL set for internal types */
	u32 value;
};

/*
 * An RNDIS PACKET header with @n PPIs (12-byte header + 4-byte value each) and room for
 * frame_len bytes right after them, into buf of cap bytes.  Returns the header bytes
 * (where the frame goes), or 0 if it does not fit.
 */
u32 rndis_packet_build_ppi(void *buf, u32 cap, u32 frame_len, const struct rndis_ppi_val *v,
			   u32 n);

/*
 * RNDIS_OID_GEN_RNDIS_CONFIG_PARAMETER's info buffer (len bytes) as a host receives it:
 * a rndis_config_parameter_info whose name and value lie inside the buffer.  Returns 0
 * and the MAC for a string parameter "NetworkAddress" whose value is 12 hex digits
 * (UTF-16), 1 for a well-formed parameter of another name, -1 (with *why) if malformed.
 */
int rndis_config_param_mac(const void *info, u32 len, u8 mac[6], const char **why);

/* ---- migrate: SR-IOV VF association and data path ---- */

/*
 * The body of a SEND_VF_ASSOCIATION (after the type word; len bytes, as
 * nvsp_msg_check passed it): 0 with *allocated (true/false) and *serial, or -EINVAL
 * (*why names the field) for a short body or an allocated value other than 0 or 1.
 */
int nvsp_vf_assoc_parse(const void *body, u32 len, bool *allocated, u32 *serial,
			const char **why);

/*
 * The body of a SWITCH_DATA_PATH: 0 with *to_vf, or -EINVAL for a short body or an
 * active_datapath other than NVSP_DATAPATH_SYNTHETIC / NVSP_DATAPATH_VF.
 */
int nvsp_datapath_parse(const void *body, u32 len, bool *to_vf, const char **why);

#endif /* _HVIS_NETVSC_MSG_H */
