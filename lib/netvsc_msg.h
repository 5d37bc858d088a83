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
 * data_len inside the message, data_len >= 1 and <= max_frame (the 14 bytes of an
 * Ethernet header are rndis_ppis_parse's rule: an RSC fragment may be shorter),
 * per-packet info inside the message and not overlapping the fixed part, and every
 * PPI element's size and ppi_offset inside the PPI area.  Fills *v.
 */
int rndis_packet_parse(const void *buf, u32 msg_len, u32 max_frame,
		       struct rndis_packet_view *v, const char **why);

/*
 * Where the per-packet info of a PACKET of msg_len bytes lies, read from its first
 * RNDIS_PACKET_HDR_BYTES at head: true with *off and *len (from the start of the
 * message) when it has some inside the message after the fixed part, false when it
 * has none or rndis_packet_parse would refuse it without reading it.  The receive
 * path copies just these areas out of shared memory before parsing.
 */
bool rndis_packet_ppi_area(const void *head, u32 msg_len, u32 *off, u32 *len);

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

/* ---- offload: per-packet info (checksum, LSOv2, 802.1Q, hash, RSC fragments) ---- */

/* Which PPIs a PACKET carries (struct rndis_pkt_ppis.present). */
#define RNDIS_PPIS_CSUM		0x01u	/* PPI_TCPIP_CHKSUM */
#define RNDIS_PPIS_LSO		0x02u	/* PPI_TCP_LARGESEND */
#define RNDIS_PPIS_VLAN		0x04u	/* PPI_IEEE_8021Q */
#define RNDIS_PPIS_HASH		0x08u	/* PPI_NBL_HASH_VALUE */
#define RNDIS_PPIS_PKTINFO	0x10u	/* RNDIS_PPI_PKTINFO_ID (host to guest only) */

/* The values of the PPIs of one PACKET, as on the wire (netvsc_proto.h masks). */
struct rndis_pkt_ppis {
	u32 present;			/* RNDIS_PPIS_* */
	u32 csum;			/* ndis_tcp_ip_checksum_info */
	u32 lso;			/* ndis_tcp_lso_info (lso_v2_transmit) */
	u32 vlan;			/* ndis_pkt_8021q_info */
	u32 hash;
	struct rndis_pktinfo_id id;
};

/*
 * Reads the PPIs of a PACKET checked by rndis_packet_parse into *out, refusing as a
 * whole: a known PPI whose value is not exactly its size ("VLAN PPI of the wrong
 * size"), one that appears twice ("duplicate checksum PPI"), a PPI the sender may not
 * send (LSO from the host, PKTINFO_ID from the guest), and values that contradict
 * themselves or the frame:
 *  - guest checksum info: not both IPv4 and IPv6, not both TCP and UDP, a TCP/UDP
 *    request names IPv4 or IPv6, and tcp_header_offset leaves room for the L4 header
 *    inside data_len;
 *  - LSOv2: type V2, mss >= 1, tcp_header_offset + 20 <= data_len;
 *  - 802.1Q: the 16 reserved bits zero;
 *  - PKTINFO_ID: version 1, no unknown flag, FIRST/LAST only with SUBALLOC;
 *  - data_len >= 14 (an Ethernet header) unless it is an RSC fragment (SUBALLOC).
 * Unknown PPI types are skipped.  Returns 0 or -EINVAL with *why.
 */
int rndis_ppis_parse(const void *buf, const struct rndis_packet_view *v,
		     enum netvsc_dir from, struct rndis_pkt_ppis *out, const char **why);

/* Bytes of PPI that rndis_packet_build_ppis writes for p->present. */
u32 rndis_ppis_size(const struct rndis_pkt_ppis *p);

/*
 * Writes a PACKET header (rndis_msg_hdr + rndis_packet) followed by the PPIs in
 * p->present (in the order checksum, LSO, 802.1Q, hash, PKTINFO_ID), for a frame of
 * frame_len bytes placed right after them, into buf of cap bytes.  Returns the header
 * length (44 + rndis_ppis_size), or 0 if cap is too small.  The caller copies the
 * frame to buf + return value (or sends it in page ranges: msg_len counts it).
 */
u32 rndis_packet_build_ppis(void *buf, u32 cap, u32 frame_len, const struct rndis_pkt_ppis *p);

/*
 * The state of one RSC chain being assembled from the ranges of one transfer-page
 * packet (rndis_filter.c rndis_filter_receive_data / rsc_add_data): fragments carry a
 * PKTINFO_ID PPI with SUBALLOC, the first 1ST_FRAG, the last LAST_FRAG, all one pkt_id.
 */
struct rsc_chain {
	u32 frags;		/* fragments of the open (or just finished) chain */
	u32 bytes;		/* their data bytes */
	u16 pkt_id;
	bool open;		/* a first fragment came, the last not yet */
};

enum rsc_step {
	RSC_SINGLE,		/* not a fragment: a frame of its own */
	RSC_MORE,		/* a fragment added; more must follow */
	RSC_DONE,		/* the last fragment added: the chain is whole */
};

/*
 * Adds one received frame of data_len bytes with PPIs *p to chain *c.  Refuses
 * (-EINVAL, *why; the chain is reset, so its fragments are dropped): a continuation or
 * last fragment with no chain open, a first fragment while a chain is open, a pkt_id
 * other than the chain's, a non-fragment while a chain is open, more than max_frags
 * fragments, or more than max_bytes in all.  Returns an enum rsc_step; after RSC_DONE
 * c->frags and c->bytes describe the whole chain until the next call.  Zero *c to
 * start (and after a refusal it is closed again).
 */
int rsc_chain_add(struct rsc_chain *c, const struct rndis_pkt_ppis *p, u32 data_len,
		  u32 max_frags, u32 max_bytes, const char **why);

/*
 * Writes the RNDIS_CONFIG_PARAMETER info buffer that sets the MAC to @mac (6 bytes),
 * as rndis_filter_set_device_mac does, into buf of cap bytes.  Returns
 * RNDIS_MAC_PARAM_BYTES, or 0 if cap is too small.
 */
u32 rndis_mac_param_build(void *buf, u32 cap, const u8 *mac);

/*
 * Checks a RNDIS_CONFIG_PARAMETER info buffer of len bytes as the host receives it:
 * name and value inside the buffer, type STRING, the name "NetworkAddress" in UTF-16
 * (any case), the value 12 hex digits in UTF-16.  On success writes the MAC to mac.
 * -EINVAL with *why otherwise; -ENOENT (*why "parameter not NetworkAddress") for
 * another well-formed parameter.
 */
int rndis_mac_param_parse(const void *buf, u32 len, u8 *mac, const char **why);
/* ---- rss: RSS capabilities and parameters ---- */

/* RSS parameters as the guest sets them and the host keeps them (checked). */
struct netvsc_rss_conf {
	u16 flag;				/* NDIS_RSS_PARAM_FLAG_* */
	u32 hashinfo;				/* NDIS_HASH_FUNC_TOEPLITZ | NDIS_HASH_* types */
	u32 n_itab;				/* indirection table entries, 1..NETVSC_ITAB_MAX */
	u16 itab[NETVSC_ITAB_MAX];		/* channel numbers */
	u8 key[NETVSC_HASH_KEYLEN];
};

/* The hash types hvis's guest asks for, as upstream (rndis_filter.c rndis_set_rss_param_msg). */
#define NETVSC_RSS_HASH_TYPES	(NDIS_HASH_IPV4 | NDIS_HASH_TCP_IPV4 | NDIS_HASH_IPV6 | \
				 NDIS_HASH_TCP_IPV6)

/*
 * Checks the host's OID_GEN_RECEIVE_SCALE_CAPABILITIES answer of len bytes as the
 * guest receives it: len >= 18, header type NDIS_OBJECT_TYPE_RSS_CAPABILITIES,
 * revision >= 1, 18 <= header.size <= len, num_recv_que >= 1, num_indirect_tabent
 * <= NETVSC_ITAB_MAX.  Sets *queues and *itab (num_indirect_tabent, or
 * NETVSC_ITAB_DEFAULT when the host gives 0, as upstream's rndis_filter.c does).
 */
int ndis_rss_cap_parse(const void *buf, u32 len, u32 *queues, u32 *itab, const char **why);

/*
 * Writes OID_GEN_RECEIVE_SCALE_PARAMETERS for *c into buf (cap bytes): the 40-byte
 * object (revision 2), the table (u32 entries) right after it, the key after the
 * table (rndis_filter.c rndis_set_rss_param_msg).  Returns the bytes, 0 if cap is too
 * small or c->n_itab is out of range.
 */
u32 ndis_rss_params_build(void *buf, u32 cap, const struct netvsc_rss_conf *c);

/*
 * Checks an OID_GEN_RECEIVE_SCALE_PARAMETERS set of len bytes as the host receives it,
 * as a whole: header type NDIS_OBJECT_TYPE_RSS_PARAMETERS, revision >= 1, 40 <=
 * header.size <= len; unless DISABLE_RSS: the hash function Toeplitz and types only
 * among NETVSC_RSS_HASH_TYPES (unless HASH_INFO_UNCHANGED); the table (unless
 * ITABLE_UNCHANGED) a power of two of u32 entries up to NETVSC_ITAB_MAX, each below
 * @channels, and the key (unless HASH_KEY_UNCHANGED) exactly 40 bytes; each inside
 * the message, past the object, and not overlapping the other.  On success *out has
 * the flag and each part the message carries (the others untouched).
 */
int ndis_rss_params_parse(const void *buf, u32 len, u32 channels, struct netvsc_rss_conf *out,
			  const char **why);

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

/* ---- queues: the host's send indirection table ---- */

/*
 * Checks a SEND_INDIRECTION_TABLE of len bytes (msg starts at the NVSP type word, as
 * nvsp_msg_check passed it) as a whole: count exactly VRSS_SEND_TAB_SIZE, the entries
 * inside the message and past the count and offset fields (for @version <= NVSP 6 at
 * NVSP5_SEND_TABLE_OFFSET when the message is long enough, as netvsc.c
 * netvsc_send_table), every entry below @channels.  0 with the entries in @table
 * (VRSS_SEND_TAB_SIZE of them), or -EINVAL (*why names the field; @table untouched).
 */
int nvsp_send_table_parse(const void *msg, u32 len, u32 version, u32 channels, u32 *table,
			  const char **why);

/* ---- netrx: the host's RSC fragments ---- */

/*
 * Builds the RNDIS PACKETs of one RSC chain carrying the frame of len bytes, as Hyper-V
 * sends them (rndis_filter.c rndis_filter_receive_data reads them so): each at most
 * section bytes (one receive section, one range), the frame cut at byte boundaries in
 * order, each with a PKTINFO_ID PPI (version 1, SUBALLOC, 1ST_FRAG on the first,
 * LAST_FRAG on the last, pkt_id), the first also with the PPIs in *first (its PKTINFO
 * bit ignored).  Writes them back to back into out (cap bytes) and their lengths into
 * lens.  Returns the number of fragments, or 0 when more than max_frags would be
 * needed, a section holds no header plus 64 bytes of data, or cap is too small.
 */
u32 rndis_rsc_build(void *out, u32 cap, u32 *lens, u32 max_frags, const void *frame, u32 len,
		    const struct rndis_pkt_ppis *first, u16 pkt_id, u32 section);

#endif /* _HVIS_NETVSC_MSG_H */
