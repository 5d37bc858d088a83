/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * netvsc_proto.h: the synthetic NIC's two wire protocols, shared by hvis_netvsc.ko and
 * the fake host's NIC backend:
 *  - NVSP, the VMBus-level protocol: version negotiation, the receive and send
 *    buffers, and "here is an RNDIS message" packets;
 *  - RNDIS, the NDIS messages carried inside: control (INITIALIZE, QUERY, SET,
 *    INDICATE_STATUS, KEEPALIVE) and data (PACKET with per-packet info).
 *
 * Facts are from drivers/net/hyperv/hyperv_net.h (torvalds/linux: NVSP message
 * numbers and structs, RNDIS structs, PPI types, buffer sizes) and
 * include/linux/rndis.h (RNDIS message numbers, status codes, OIDs).  Upstream's
 * bit-field structs are spelled as little-endian words with masks here.
 */
#ifndef _HVIS_NETVSC_PROTO_H
#define _HVIS_NETVSC_PROTO_H

#include "types.h"

/* The NIC's class GUID, HV_NIC_GUID, is in vmbus_proto.h with the other classes. */

/* ---- NVSP ---- */

/* Versions (hyperv_net.h NVSP_PROTOCOL_VERSION_*). */
#define NVSP_VERSION_1		0x00002
#define NVSP_VERSION_2		0x30002
#define NVSP_VERSION_4		0x40000
#define NVSP_VERSION_5		0x50000
#define NVSP_VERSION_6		0x60000
#define NVSP_VERSION_61		0x60001

/* NDIS versions announced with SEND_NDIS_VER (netvsc.c: 6.1 up to NVSP 4, else 6.30). */
#define NDIS_VERSION_6_1	0x00060001
#define NDIS_VERSION_6_30	0x0006001e

/* Message types (hyperv_net.h enum nvsp_msg_type / NVSP_MSG*_TYPE_*). */
enum nvsp_msg_type {
	NVSP_MSG_INIT			= 1,
	NVSP_MSG_INIT_COMPLETE		= 2,
	NVSP_MSG1_SEND_NDIS_VER		= 100,
	NVSP_MSG1_SEND_RECV_BUF		= 101,
	NVSP_MSG1_SEND_RECV_BUF_COMPLETE = 102,
	NVSP_MSG1_REVOKE_RECV_BUF	= 103,
	NVSP_MSG1_SEND_SEND_BUF		= 104,
	NVSP_MSG1_SEND_SEND_BUF_COMPLETE = 105,
	NVSP_MSG1_REVOKE_SEND_BUF	= 106,
	NVSP_MSG1_SEND_RNDIS_PKT	= 107,
	NVSP_MSG1_SEND_RNDIS_PKT_COMPLETE = 108,
	NVSP_MSG2_SEND_NDIS_CONFIG	= 125,
	NVSP_MSG4_SEND_VF_ASSOCIATION	= 128,
	NVSP_MSG4_SWITCH_DATA_PATH	= 129,
	NVSP_MSG5_OID_QUERY_EX		= 131,
	NVSP_MSG5_OID_QUERY_EX_COMP	= 132,
	NVSP_MSG5_SUBCHANNEL		= 133,
	NVSP_MSG5_SEND_INDIRECTION_TABLE = 134,
};

/* Status values (hyperv_net.h enum nvsp_status / NVSP_STAT_*). */
enum nvsp_status {
	NVSP_STAT_NONE			= 0,
	NVSP_STAT_SUCCESS		= 1,
	NVSP_STAT_FAIL			= 2,
	NVSP_STAT_PROTOCOL_TOO_NEW	= 3,
	NVSP_STAT_PROTOCOL_TOO_OLD	= 4,
	NVSP_STAT_INVALID_RNDIS_PKT	= 5,
	NVSP_STAT_BUSY			= 6,
	NVSP_STAT_PROTOCOL_UNSUPPORTED	= 7,
};

struct nvsp_init {
	u32 min_protocol_ver;
	u32 max_protocol_ver;
} __packed;

struct nvsp_init_complete {
	u32 negotiated_protocol_ver;
	u32 max_mdl_chain_len;
	u32 status;
} __packed;

struct nvsp1_send_ndis_version {
	u32 ndis_major_ver;
	u32 ndis_minor_ver;
} __packed;

/* SEND_RECV_BUF and SEND_SEND_BUF: a GPADL and an id (RECV 0xcafe, SEND 0). */
struct nvsp1_send_buffer {
	u32 gpadl_handle;
	u16 id;
} __packed;

#define NVSP_RECV_BUFFER_ID	0xcafe
#define NVSP_SEND_BUFFER_ID	0

struct nvsp1_recv_buffer_section {
	u32 offset;
	u32 sub_alloc_size;
	u32 num_sub_allocs;
	u32 end_offset;
} __packed;

/*
 * netvsc.c accepts exactly one section at offset 0: upstream's sections[1] is that one
 * section (the message's size counts it).
 */
struct nvsp1_recv_buffer_complete {
	u32 status;
	u32 num_sections;
	struct nvsp1_recv_buffer_section section;
} __packed;

struct nvsp1_send_buffer_complete {
	u32 status;
	u32 section_size;
} __packed;

struct nvsp1_revoke_buffer {
	u16 id;
} __packed;

#define NVSP_RNDIS_CHANNEL_DATA		0
#define NVSP_RNDIS_CHANNEL_CONTROL	1
#define NVSP_NO_SEND_SECTION		0xffffffffu

struct nvsp1_send_rndis_packet {
	u32 channel_type;		/* NVSP_RNDIS_CHANNEL_* */
	u32 send_buf_section_index;	/* NVSP_NO_SEND_SECTION: data is in page ranges */
	u32 send_buf_section_size;
} __packed;

struct nvsp1_send_rndis_packet_complete {
	u32 status;
} __packed;

/* NVSP 2 capability bits (hyperv_net.h struct nvsp_2_vsc_capability). */
#define NVSP_CAP_VMQ			0x01ull
#define NVSP_CAP_CHIMNEY		0x02ull
#define NVSP_CAP_SRIOV			0x04ull
#define NVSP_CAP_IEEE8021Q		0x08ull
#define NVSP_CAP_CORRELATION_ID		0x10ull
#define NVSP_CAP_TEAMING		0x20ull
#define NVSP_CAP_VSUBNETID		0x40ull
#define NVSP_CAP_RSC			0x80ull

struct nvsp2_send_ndis_config {
	u32 mtu;
	u32 reserved;
	u64 capability;
} __packed;

/*
 * One NVSP message: a type word and the body.  Upstream's union nvsp_all_messages
 * (drivers/net/hyperv/hyperv_net.h, 6.1 and 6.12) is 36 bytes because it holds the
 * NVSP 6 PacketDirect messages (struct nvsp_6_pd_api_req / _comp), so struct
 * nvsp_message is 40 bytes and upstream's guest sends 40 bytes for every NVSP
 * request.  Hyper-V does not answer a request shorter than it expects (FreeBSD
 * sys/dev/hyperv/netvsc/if_hnreg.h, HN_NVS_REQSIZE_MIN); OpenVMM's netvsp
 * (vm/devices/net/netvsp/src/protocol.rs PACKET_SIZE_V1 0x1c, PACKET_SIZE_V61 0x28)
 * sends 28-byte messages until NVSP 6.1 is negotiated and 40-byte ones after.
 * Receivers accept any length that holds the body of the type they read.
 */
#define NVSP_MSG_BODY_BYTES	36
#define NVSP_MSG_BYTES_V1	28u	/* a request before NVSP 6.1 */
#define NVSP_MSG_BYTES_V61	40u	/* a request once NVSP 6.1 is negotiated */

struct nvsp_msg {
	u32 type;
	union {
		struct nvsp_init init;
		struct nvsp_init_complete init_complete;
		struct nvsp1_send_ndis_version ndis_ver;
		struct nvsp1_send_buffer send_buf;	/* SEND_RECV_BUF / SEND_SEND_BUF */
		struct nvsp1_recv_buffer_complete recv_buf_complete;
		struct nvsp1_send_buffer_complete send_buf_complete;
		struct nvsp1_revoke_buffer revoke;
		struct nvsp1_send_rndis_packet rndis;
		struct nvsp1_send_rndis_packet_complete rndis_complete;
		struct nvsp2_send_ndis_config ndis_config;
		u8 raw[NVSP_MSG_BODY_BYTES];
	};
} __packed;
static_assert(sizeof(struct nvsp_init_complete) == 12, "nvsp_init_complete");
static_assert(sizeof(struct nvsp1_send_buffer) == 6, "nvsp1_send_buffer");
static_assert(sizeof(struct nvsp1_recv_buffer_complete) == 24, "recv_buffer_complete");
static_assert(sizeof(struct nvsp1_send_rndis_packet) == 12, "send_rndis_packet");
static_assert(sizeof(struct nvsp2_send_ndis_config) == 16, "send_ndis_config");
/* hyperv_net.h: sizeof(struct nvsp_message) == 40 (6.1 and 6.12). */
static_assert(sizeof(struct nvsp_msg) == NVSP_MSG_BYTES_V61, "nvsp_msg");

#define NVSP_HDR_BYTES	4u	/* the type word */

/* Buffer sizes (hyperv_net.h NETVSC_*): defaults and the host's limits. */
#define NETVSC_RECV_SECTION_SIZE	1728
#define NETVSC_SEND_SECTION_SIZE	6144
#define NETVSC_RECV_BUFFER_MAX		(31u * 1024 * 1024)
#define NETVSC_RECV_BUFFER_MAX_LEGACY	(15u * 1024 * 1024)	/* NVSP <= 2 */
#define NETVSC_SEND_BUFFER_MAX		(15u * 1024 * 1024)
#define NETVSC_MIN_SECTION_SIZE		68	/* netvsc.c rejects smaller sections */
/*
 * hvis's own bound on a host-chosen receive section (the guest keeps one section's
 * copy in a kmalloc buffer): far above what one RNDIS message with a frame of
 * NETVSC_MTU_MAX and its per-packet info needs, far below the 4 MiB where kmalloc
 * warns (and panic_on_warn panics).
 */
#define NETVSC_RECV_SECTION_MAX		(128u * 1024)
#define NETVSC_MTU_MAX			65535
#define NETVSC_MTU_MIN			68

/* ---- RNDIS (include/linux/rndis.h, hyperv_net.h) ---- */

#define RNDIS_MSG_PACKET		0x00000001
#define RNDIS_MSG_INIT			0x00000002
#define RNDIS_MSG_HALT			0x00000003
#define RNDIS_MSG_QUERY			0x00000004
#define RNDIS_MSG_SET			0x00000005
#define RNDIS_MSG_RESET			0x00000006
#define RNDIS_MSG_INDICATE		0x00000007
#define RNDIS_MSG_KEEPALIVE		0x00000008
#define RNDIS_MSG_COMPLETION		0x80000000u
#define RNDIS_MSG_INIT_C		(RNDIS_MSG_INIT | RNDIS_MSG_COMPLETION)
#define RNDIS_MSG_QUERY_C		(RNDIS_MSG_QUERY | RNDIS_MSG_COMPLETION)
#define RNDIS_MSG_SET_C			(RNDIS_MSG_SET | RNDIS_MSG_COMPLETION)
#define RNDIS_MSG_RESET_C		(RNDIS_MSG_RESET | RNDIS_MSG_COMPLETION)
#define RNDIS_MSG_KEEPALIVE_C		(RNDIS_MSG_KEEPALIVE | RNDIS_MSG_COMPLETION)

#define RNDIS_STATUS_SUCCESS		0x00000000u
#define RNDIS_STATUS_FAILURE		0xc0000001u
#define RNDIS_STATUS_INVALID_DATA	0xc0010015u
#define RNDIS_STATUS_NOT_SUPPORTED	0xc00000bbu
#define RNDIS_STATUS_BUFFER_OVERFLOW	0x80000005u
#define RNDIS_STATUS_MEDIA_CONNECT	0x4001000bu
#define RNDIS_STATUS_MEDIA_DISCONNECT	0x4001000cu
#define RNDIS_STATUS_LINK_SPEED_CHANGE	0x40010013u
#define RNDIS_STATUS_NETWORK_CHANGE	0x40010018u

#define RNDIS_MAJOR_VERSION		1
#define RNDIS_MINOR_VERSION		0
#define RNDIS_MAX_XFER_SIZE		0x4000	/* what rndis_filter.c asks for */
#define RNDIS_MEDIUM_802_3		0

/* OIDs (include/linux/rndis.h RNDIS_OID_*). */
#define RNDIS_OID_GEN_MAXIMUM_FRAME_SIZE	0x00010106
#define RNDIS_OID_GEN_LINK_SPEED		0x00010107
#define RNDIS_OID_GEN_CURRENT_PACKET_FILTER	0x0001010e
#define RNDIS_OID_GEN_MAXIMUM_TOTAL_SIZE	0x00010111
#define RNDIS_OID_GEN_MEDIA_CONNECT_STATUS	0x00010114
#define RNDIS_OID_GEN_RNDIS_CONFIG_PARAMETER	0x0001021b
#define RNDIS_OID_GEN_FRIENDLY_NAME		0x00020216
#define RNDIS_OID_802_3_PERMANENT_ADDRESS	0x01010101
#define RNDIS_OID_802_3_CURRENT_ADDRESS		0x01010102

/* NDIS 6 offload OIDs (hyperv_net.h OID_TCP_OFFLOAD_*). */
#define OID_TCP_OFFLOAD_CURRENT_CONFIG		0xfc01020b	/* query */
#define OID_TCP_OFFLOAD_PARAMETERS		0xfc01020c	/* set */
#define OID_TCP_OFFLOAD_HARDWARE_CAPABILITIES	0xfc01020d	/* query */

#define RNDIS_MEDIA_STATE_CONNECTED	0
#define RNDIS_MEDIA_STATE_DISCONNECTED	1

/* Packet filter bits (hyperv_net.h NDIS_PACKET_TYPE_*). */
#define NDIS_PACKET_TYPE_DIRECTED	0x00000001
#define NDIS_PACKET_TYPE_MULTICAST	0x00000002
#define NDIS_PACKET_TYPE_ALL_MULTICAST	0x00000004
#define NDIS_PACKET_TYPE_BROADCAST	0x00000008
#define NDIS_PACKET_TYPE_PROMISCUOUS	0x00000020

/* Every RNDIS message starts with this; msg_len counts it. */
struct rndis_msg_hdr {
	u32 msg_type;
	u32 msg_len;
} __packed;

struct rndis_init_request {
	u32 req_id;
	u32 major_ver;
	u32 minor_ver;
	u32 max_xfer_size;
} __packed;

struct rndis_init_complete {
	u32 req_id;
	u32 status;
	u32 major_ver;
	u32 minor_ver;
	u32 dev_flags;
	u32 medium;
	u32 max_pkt_per_msg;
	u32 max_xfer_size;
	u32 pkt_alignment_factor;	/* alignment is 1 << this */
	u32 af_list_offset;
	u32 af_list_size;
} __packed;

/* QUERY and SET requests: info buffer offset counts from the start of this struct. */
struct rndis_oid_request {
	u32 req_id;
	u32 oid;
	u32 info_buflen;
	u32 info_buf_offset;
	u32 dev_vc_handle;
} __packed;

struct rndis_query_complete {
	u32 req_id;
	u32 status;
	u32 info_buflen;
	u32 info_buf_offset;	/* from the start of this struct */
} __packed;

struct rndis_set_complete {
	u32 req_id;
	u32 status;
} __packed;

struct rndis_indicate_status {
	u32 status;
	u32 status_buflen;
	u32 status_buf_offset;	/* from the start of this struct */
} __packed;

struct rndis_keepalive_request {
	u32 req_id;
} __packed;

struct rndis_keepalive_complete {
	u32 req_id;
	u32 status;
} __packed;

/* A data packet: every offset counts from the start of this struct (after the hdr). */
struct rndis_packet {
	u32 data_offset;
	u32 data_len;
	u32 oob_data_offset;
	u32 oob_data_len;
	u32 num_oob_data_elements;
	u32 per_pkt_info_offset;
	u32 per_pkt_info_len;
	u32 vc_handle;
	u32 reserved;
} __packed;

/* One per-packet info element; ppi_offset counts from the start of this element. */
struct rndis_ppi {
	u32 size;
	u32 type;		/* bit 31: an internal (hypervisor) type */
	u32 ppi_offset;
} __packed;

#define RNDIS_PPI_INTERNAL	0x80000000u

/* PPI types (hyperv_net.h enum ndis_per_pkt_info_type). */
enum rndis_ppi_type {
	PPI_TCPIP_CHKSUM	= 0,
	PPI_IPSEC		= 1,
	PPI_TCP_LARGESEND	= 2,
	PPI_CLASSIFICATION	= 3,
	PPI_SG_LIST		= 5,
	PPI_IEEE_8021Q		= 6,
	PPI_ORIGINAL		= 7,
	PPI_NBL_HASH_VALUE	= 8,
};

static_assert(sizeof(struct rndis_msg_hdr) == 8, "rndis_msg_hdr");
static_assert(sizeof(struct rndis_init_request) == 16, "rndis_init_request");
static_assert(sizeof(struct rndis_init_complete) == 44, "rndis_init_complete");
static_assert(sizeof(struct rndis_oid_request) == 20, "rndis_oid_request");
static_assert(sizeof(struct rndis_query_complete) == 16, "rndis_query_complete");
static_assert(sizeof(struct rndis_indicate_status) == 12, "rndis_indicate_status");
static_assert(sizeof(struct rndis_packet) == 36, "rndis_packet");
static_assert(sizeof(struct rndis_ppi) == 12, "rndis_ppi");

/*
 * ---- NDIS offload objects (hyperv_net.h struct ndis_object_header, ndis_offload,
 * ndis_offload_params; how they are used: rndis_filter.c rndis_query_hwcaps,
 * rndis_filter_set_offload_params, rndis_netdev_set_hwcaps).  Upstream's structs are
 * naturally aligned, not packed; the padding they get is spelled out here.
 */
#define NDIS_OBJECT_TYPE_DEFAULT	0x80	/* ndis_offload_params */
#define NDIS_OBJECT_TYPE_OFFLOAD	0xa7	/* ndis_offload */

#define NDIS_OFFLOAD_REVISION_1		1	/* NDIS 6.0 layout: up to flags */
#define NDIS_OFFLOAD_REVISION_2		2	/* NDIS 6.1: + ipsecv2 */
#define NDIS_OFFLOAD_REVISION_3		3	/* NDIS 6.30: + rsc, encap_gre */

/* Encapsulation bits of ndis_offload (hyperv_net.h NDIS_OFFLOAD_ENCAP_*). */
#define NDIS_OFFLOAD_ENCAP_8023		0x0002

/* ndis_csum_offload tx bits (hyperv_net.h NDIS_TXCSUM_CAP_*). */
#define NDIS_TXCSUM_CAP_TCP4OPT		0x004
#define NDIS_TXCSUM_CAP_TCP4		0x010
#define NDIS_TXCSUM_CAP_UDP4		0x040
#define NDIS_TXCSUM_CAP_IP4		0x100
#define NDIS_TXCSUM_CAP_TCP6		0x010
#define NDIS_TXCSUM_CAP_UDP6		0x040

struct ndis_object_header {
	u8 type;
	u8 revision;
	u16 size;
} __packed;

struct ndis_csum_offload {
	u32 ip4_txenc;
	u32 ip4_txcsum;
	u32 ip4_rxenc;
	u32 ip4_rxcsum;
	u32 ip6_txenc;
	u32 ip6_txcsum;
	u32 ip6_rxenc;
	u32 ip6_rxcsum;
} __packed;

struct ndis_lsov1_offload {
	u32 encap;
	u32 maxsize;
	u32 minsegs;
	u32 opts;
} __packed;

struct ndis_ipsecv1_offload {
	u32 encap;
	u32 ah_esp;
	u32 xport_tun;
	u32 ip4_opts;
	u32 flags;
	u32 ip4_ah;
	u32 ip4_esp;
} __packed;

struct ndis_lsov2_offload {
	u32 ip4_encap;
	u32 ip4_maxsz;
	u32 ip4_minsg;
	u32 ip6_encap;
	u32 ip6_maxsz;
	u32 ip6_minsg;
	u32 ip6_opts;
} __packed;

struct ndis_ipsecv2_offload {
	u32 encap;
	u8 ip6, ip4opt, ip6ext, ah, esp, ah_esp, xport, tun, xport_tun, lso, extseq;
	u8 pad;
	u32 udp_esp;
	u32 auth;
	u32 crypto;
	u32 sa_caps;
} __packed;

/* OID_TCP_OFFLOAD_HARDWARE_CAPABILITIES answer, header.type NDIS_OBJECT_TYPE_OFFLOAD. */
struct ndis_offload {
	struct ndis_object_header header;
	struct ndis_csum_offload csum;
	struct ndis_lsov1_offload lsov1;
	struct ndis_ipsecv1_offload ipsecv1;
	struct ndis_lsov2_offload lsov2;
	u32 flags;
	struct ndis_ipsecv2_offload ipsecv2;	/* NDIS >= 6.1 */
	u8 rsc_ip4;				/* NDIS >= 6.30 */
	u8 rsc_ip6;
	u16 pad;
	u32 encap_gre_flags;
	u32 encap_gre_maxhdr;
} __packed;

/* hyperv_net.h NDIS_OFFLOAD_SIZE_6_0 / _6_1 / NDIS_OFFLOAD_SIZE (upstream offsetofs). */
#define NDIS_OFFLOAD_SIZE_6_0		112u
#define NDIS_OFFLOAD_SIZE_6_1		144u
#define NDIS_OFFLOAD_SIZE		156u

/* ndis_offload_params values (hyperv_net.h NDIS_OFFLOAD_PARAMETERS_*). */
#define NDIS_OFFLOAD_PARAMETERS_NO_CHANGE		0
#define NDIS_OFFLOAD_PARAMETERS_TX_RX_DISABLED		1	/* checksum fields */
#define NDIS_OFFLOAD_PARAMETERS_TX_ENABLED_RX_DISABLED	2
#define NDIS_OFFLOAD_PARAMETERS_RX_ENABLED_TX_DISABLED	3
#define NDIS_OFFLOAD_PARAMETERS_TX_RX_ENABLED		4	/* the largest */
#define NDIS_OFFLOAD_PARAMETERS_LSO_DISABLED		1	/* lso_v1, lso_v2_* */
#define NDIS_OFFLOAD_PARAMETERS_LSO_ENABLED		2
#define NDIS_OFFLOAD_PARAMETERS_RSC_DISABLED		1
#define NDIS_OFFLOAD_PARAMETERS_RSC_ENABLED		2
#define NDIS_OFFLOAD_PARAMETERS_REVISION_3		3

/* OID_TCP_OFFLOAD_PARAMETERS set, header.type NDIS_OBJECT_TYPE_DEFAULT. */
struct ndis_offload_params {
	struct ndis_object_header header;
	u8 ip_v4_csum;
	u8 tcp_ip_v4_csum;
	u8 udp_ip_v4_csum;
	u8 tcp_ip_v6_csum;
	u8 udp_ip_v6_csum;
	u8 lso_v1;
	u8 ip_sec_v1;
	u8 lso_v2_ipv4;
	u8 lso_v2_ipv6;
	u8 tcp_connection_ip_v4;
	u8 tcp_connection_ip_v6;
	u8 pad;
	u32 flags;
	u8 ip_sec_v2;
	u8 ip_sec_v2_ip_v4;
	u8 rsc_ip_v4;
	u8 rsc_ip_v6;
	u8 encapsulated_packet_task_offload;
	u8 encapsulation_types;
	u16 pad2;
} __packed;

/* rndis_filter.c: NVSP <= 4 sends the first 22 bytes (hyperv_net.h VERSION_4_OFFLOAD_SIZE). */
#define NDIS_OFFLOAD_PARAMS_SIZE_V4	22u

static_assert(sizeof(struct ndis_object_header) == 4, "ndis_object_header");
static_assert(sizeof(struct ndis_ipsecv2_offload) == 32, "ndis_ipsecv2_offload");
static_assert(offsetof(struct ndis_offload, ipsecv2) == NDIS_OFFLOAD_SIZE_6_0, "6.0 size");
static_assert(offsetof(struct ndis_offload, rsc_ip4) == NDIS_OFFLOAD_SIZE_6_1, "6.1 size");
static_assert(offsetof(struct ndis_offload, encap_gre_flags) == 148, "encap_gre");
static_assert(sizeof(struct ndis_offload) == NDIS_OFFLOAD_SIZE, "ndis_offload");
static_assert(offsetof(struct ndis_offload_params, flags) == 16, "params flags");
static_assert(offsetof(struct ndis_offload_params, rsc_ip_v4) == NDIS_OFFLOAD_PARAMS_SIZE_V4,
	      "params rsc");
static_assert(sizeof(struct ndis_offload_params) == 28, "ndis_offload_params");

/*
 * ---- offload: per-packet info values, RSC fragments, offload capability bits ----
 * Upstream's bit-field unions (drivers/net/hyperv/hyperv_net.h struct
 * ndis_tcp_ip_checksum_info, ndis_tcp_lso_info, ndis_pkt_8021q_info, struct
 * rndis_pktinfo_id) are spelled here as one little-endian u32 with masks; how they are
 * used: netvsc_drv.c netvsc_xmit (TX) and netvsc_recv_callback / rndis_filter.c
 * rndis_filter_receive_data (RX).
 */

/* A PPI element (struct rndis_ppi) directly followed by its 4-byte value. */
struct rndis_ppi_u32 {
	struct rndis_ppi hdr;
	u32 value;
} __packed;

/* ndis_tcp_ip_checksum_info, as the guest sends it (transmit). */
#define NDIS_CSUM_TX_IS_IPV4		0x00000001u
#define NDIS_CSUM_TX_IS_IPV6		0x00000002u
#define NDIS_CSUM_TX_TCP		0x00000004u
#define NDIS_CSUM_TX_UDP		0x00000008u
#define NDIS_CSUM_TX_IP_HDR		0x00000010u
#define NDIS_CSUM_TX_THO_SHIFT		16		/* tcp_header_offset: 10 bits */
#define NDIS_CSUM_TX_THO_MASK		0x03ff0000u

/* ndis_tcp_ip_checksum_info, as the host sends it (receive). */
#define NDIS_CSUM_RX_TCP_FAILED		0x00000001u
#define NDIS_CSUM_RX_UDP_FAILED		0x00000002u
#define NDIS_CSUM_RX_IP_FAILED		0x00000004u
#define NDIS_CSUM_RX_TCP_OK		0x00000008u
#define NDIS_CSUM_RX_UDP_OK		0x00000010u
#define NDIS_CSUM_RX_IP_OK		0x00000020u
#define NDIS_CSUM_RX_LOOPBACK		0x00000040u

/* ndis_tcp_lso_info.lso_v2_transmit (guest to host). */
#define NDIS_LSO2_MSS_MASK		0x000fffffu	/* mss: 20 bits */
#define NDIS_LSO2_THO_SHIFT		20		/* tcp_header_offset: 10 bits */
#define NDIS_LSO2_THO_MASK		0x3ff00000u
#define NDIS_LSO2_TYPE_V2		0x40000000u	/* NDIS_TCP_LARGE_SEND_OFFLOAD_V2_TYPE */
#define NDIS_LSO2_IPV6			0x80000000u	/* ip_version: 0 IPv4, 1 IPv6 */

/* ndis_pkt_8021q_info: pri 3 bits, cfi 1 bit, vlanid 12 bits, 16 reserved. */
#define NDIS_8021Q_PRI_MASK		0x00000007u
#define NDIS_8021Q_CFI			0x00000008u
#define NDIS_8021Q_VID_SHIFT		4
#define NDIS_8021Q_VID_MASK		0x0000fff0u

/* The internal PPI type RNDIS_PKTINFO_ID (hyperv_net.h), with the internal bit. */
#define RNDIS_PPI_PKTINFO_ID		(RNDIS_PPI_INTERNAL | 1u)
#define RNDIS_PKTINFO_ID_V1		1
#define RNDIS_PKTINFO_SUBALLOC		0x01	/* one fragment of an RSC chain */
#define RNDIS_PKTINFO_1ST_FRAG		0x02
#define RNDIS_PKTINFO_LAST_FRAG		0x04

struct rndis_pktinfo_id {
	u8 ver;
	u8 flag;
	u16 pkt_id;
} __packed;

/* hyperv_net.h NVSP_RSC_MAX: the most RSC fragments in one transfer-page packet. */
#define NVSP_RSC_MAX			562

/* Each value is 4 bytes (hyperv_net.h NDIS_{CSUM,LSO,VLAN,HASH}_PPI_SIZE = 12 + 4). */
#define NDIS_PPI_U32_SIZE		16u
static_assert(sizeof(struct rndis_ppi_u32) == NDIS_PPI_U32_SIZE, "PPI + u32 value");
static_assert(sizeof(struct rndis_pktinfo_id) == 4, "rndis_pktinfo_id");

/* ndis_offload lsov2 ip6_opts, ndis_csum_offload ip6 tx bits (hyperv_net.h). */
#define NDIS_LSOV2_CAP_IP6		0x0005	/* NDIS_LSOV2_CAP_IP6EXT 1 | _TCP6OPT 4 */
#define NDIS_TXCSUM_CAP_IP6EXT		0x001
#define NDIS_TXCSUM_CAP_TCP6OPT		0x004

/*
 * RNDIS_OID_GEN_RNDIS_CONFIG_PARAMETER: one named parameter (hyperv_net.h struct
 * rndis_config_parameter_info); offsets count from the start of this struct.  The
 * guest sets its MAC with the UTF-16 string parameter "NetworkAddress" whose value is
 * 12 lower-case hex digits in UTF-16 (rndis_filter.c rndis_filter_set_device_mac).
 */
struct rndis_config_parameter_info {
	u32 parameter_name_offset;
	u32 parameter_name_length;	/* bytes */
	u32 parameter_type;
	u32 parameter_value_offset;
	u32 parameter_value_length;	/* bytes */
} __packed;

#define RNDIS_CONFIG_PARAM_TYPE_INTEGER	0
#define RNDIS_CONFIG_PARAM_TYPE_STRING	2
#define RNDIS_NWADR_STR			"NetworkAddress"
#define RNDIS_NWADR_STRLEN		14
/* The whole info buffer: the struct, the name (2 * 14) and the value (4 * 6). */
#define RNDIS_MAC_PARAM_BYTES		(20u + 2 * RNDIS_NWADR_STRLEN + 4 * 6)
static_assert(sizeof(struct rndis_config_parameter_info) == 20, "config_parameter_info");

/* ---- rss: NVSP5 subchannels, send indirection table, RSS capabilities/parameters ---- */

/* NVSP5_SUBCHANNEL ops (hyperv_net.h enum nvsp_subchannel_operation). */
#define NVSP_SUBCHANNEL_ALLOCATE	1u

/* The guest's SUBCHANNEL request (hyperv_net.h struct nvsp_5_subchannel_request). */
struct nvsp5_subchannel_request {
	u32 op;
	u32 num_subchannels;
} __packed;

/* The host's completion (struct nvsp_5_subchannel_complete): how many it allocated. */
struct nvsp5_subchannel_complete {
	u32 status;
	u32 num_subchannels;
} __packed;

/*
 * SEND_INDIRECTION_TABLE from the host (struct nvsp_5_send_indirect_table): @count
 * u32 channel numbers at @offset from the start of the NVSP message (netvsc.c
 * netvsc_send_table; VRSS_SEND_TAB_SIZE entries).
 */
struct nvsp5_send_indirect_table {
	u32 count;
	u32 offset;
} __packed;
#define VRSS_SEND_TAB_SIZE		16u	/* hyperv_net.h */
#define VRSS_CHANNEL_DEFAULT		8u	/* hyperv_net.h: default channel count cap */

/* RSS OIDs (hyperv_net.h OID_GEN_RECEIVE_SCALE_*). */
#define OID_GEN_RECEIVE_SCALE_CAPABILITIES	0x00010203	/* query */
#define OID_GEN_RECEIVE_SCALE_PARAMETERS	0x00010204	/* set */

#define NDIS_OBJECT_TYPE_RSS_CAPABILITIES	0x88
#define NDIS_OBJECT_TYPE_RSS_PARAMETERS		0x89
#define NDIS_RECEIVE_SCALE_CAPABILITIES_REVISION_2	2
#define NDIS_RECEIVE_SCALE_PARAMETERS_REVISION_2	2

/* Capability flags the host may set (hyperv_net.h NDIS_RSS_CAPS_*). */
#define NDIS_RSS_CAPS_HASH_TYPE_TCP_IPV4	0x00000100
#define NDIS_RSS_CAPS_HASH_TYPE_TCP_IPV6	0x00000200
#define NDIS_RSS_CAPS_HASH_TYPE_TCP_IPV6_EX	0x00000400

/* Parameter flags (hyperv_net.h NDIS_RSS_PARAM_FLAG_*). */
#define NDIS_RSS_PARAM_FLAG_BASE_CPU_UNCHANGED	0x0001
#define NDIS_RSS_PARAM_FLAG_HASH_INFO_UNCHANGED	0x0002
#define NDIS_RSS_PARAM_FLAG_ITABLE_UNCHANGED	0x0004
#define NDIS_RSS_PARAM_FLAG_HASH_KEY_UNCHANGED	0x0008
#define NDIS_RSS_PARAM_FLAG_DISABLE_RSS		0x0010

/* Hash function and types (hyperv_net.h NDIS_HASH_*). */
#define NDIS_HASH_FUNC_TOEPLITZ		0x00000001
#define NDIS_HASH_FUNC_MASK		0x000000ff
#define NDIS_HASH_IPV4			0x00000100
#define NDIS_HASH_TCP_IPV4		0x00000200
#define NDIS_HASH_IPV6			0x00000400
#define NDIS_HASH_IPV6_EX		0x00000800
#define NDIS_HASH_TCP_IPV6		0x00001000
#define NDIS_HASH_TCP_IPV6_EX		0x00002000

/* Key and table sizes (hyperv_net.h NETVSC_HASH_KEYLEN, ITAB_NUM, ITAB_NUM_MAX). */
#define NETVSC_HASH_KEYLEN		40u
#define NETVSC_ITAB_DEFAULT		128u	/* when the host gives no table size */
#define NETVSC_ITAB_MAX			256u

/* OID_GEN_RECEIVE_SCALE_CAPABILITIES (hyperv_net.h struct ndis_recv_scale_cap, packed). */
struct ndis_recv_scale_cap {
	struct ndis_object_header hdr;
	u32 cap_flag;
	u32 num_int_msg;
	u32 num_recv_que;
	u16 num_indirect_tabent;
} __packed;

/*
 * OID_GEN_RECEIVE_SCALE_PARAMETERS (hyperv_net.h struct ndis_recv_scale_param, not
 * packed: 2 bytes of padding after each u16 before a u32), followed in the message by
 * the indirection table (u32 entries, channel numbers) and the hash key at the offsets
 * it names (rndis_filter.c rndis_set_rss_param_msg: table right after the struct, key
 * right after the table).
 */
struct ndis_recv_scale_param {
	struct ndis_object_header hdr;
	u16 flag;
	u16 base_cpu_number;
	u32 hashinfo;
	u16 indirect_tabsize;		/* bytes */
	u16 pad1;
	u32 indirect_taboffset;
	u16 hashkey_size;		/* bytes */
	u16 pad2;
	u32 hashkey_offset;
	u32 processor_masks_offset;
	u32 num_processor_masks;
	u32 processor_masks_entry_size;
} __packed;

static_assert(sizeof(struct nvsp5_subchannel_request) == 8, "nvsp5_subchannel_request");
static_assert(sizeof(struct nvsp5_subchannel_complete) == 8, "nvsp5_subchannel_complete");
static_assert(sizeof(struct nvsp5_send_indirect_table) == 8, "nvsp5_send_indirect_table");
static_assert(sizeof(struct ndis_recv_scale_cap) == 18, "ndis_recv_scale_cap");
static_assert(offsetof(struct ndis_recv_scale_param, indirect_taboffset) == 16, "taboffset");
static_assert(offsetof(struct ndis_recv_scale_param, hashkey_offset) == 24, "keyoffset");
static_assert(sizeof(struct ndis_recv_scale_param) == 40, "ndis_recv_scale_param");

/* hyperv_net.h NDIS_OFFLOAD_PARAMETERS_RSC_DISABLED / _ENABLED (wire's names). */
#define NDIS_OFFLOAD_PARAMS_RSC_DISABLED	NDIS_OFFLOAD_PARAMETERS_RSC_DISABLED
#define NDIS_OFFLOAD_PARAMS_RSC_ENABLED		NDIS_OFFLOAD_PARAMETERS_RSC_ENABLED

/* ---- migrate: NVSP 4 VF association and data path switch ---- */

/*
 * drivers/net/hyperv/hyperv_net.h struct nvsp_4_send_vf_association: the host says
 * whether a VF (SR-IOV virtual function) is teamed with this NIC; serial names it.
 */
#define NVSP_VF_NOT_ALLOCATED	0u
#define NVSP_VF_ALLOCATED	1u

struct nvsp4_send_vf_association {
	u32 allocated;		/* 1: a VF, serial valid; 0: none (revoked) */
	u32 serial;
} __packed;

/* hyperv_net.h enum nvsp_vm_datapath and struct nvsp_4_sw_datapath (guest to host). */
#define NVSP_DATAPATH_SYNTHETIC	0u
#define NVSP_DATAPATH_VF	1u

struct nvsp4_sw_datapath {
	u32 active_datapath;
} __packed;

static_assert(sizeof(struct nvsp4_send_vf_association) == 8, "nvsp4_send_vf_association");
static_assert(sizeof(struct nvsp4_sw_datapath) == 4, "nvsp4_sw_datapath");

/* ---- queues: the host's send indirection table ---- */

/*
 * Where a SEND_INDIRECTION_TABLE's entries are, counted from the NVSP type word:
 * netvsc.c netvsc_send_table takes them right after a whole struct nvsp_message (the
 * type word and union nvsp_6_message_uber, 4 + 36 bytes) whatever @offset says when
 * the agreed version is 6 or older (a Hyper-V bug it works around).  The fake host
 * puts them there and says so in @offset.
 */
#define NVSP5_SEND_TABLE_OFFSET		40u
/* The whole message the fake host sends: the NVSP message, then 16 u32 entries. */
#define NVSP5_SEND_TABLE_MSG_BYTES	(NVSP5_SEND_TABLE_OFFSET + 4u * VRSS_SEND_TAB_SIZE)

#endif /* _HVIS_NETVSC_PROTO_H */
