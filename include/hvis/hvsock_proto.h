/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hvsock_proto.h: Hyper-V sockets (hvsock) on VMBus.  A connection is one channel that
 * the host offers with VMBUS_CHANNEL_TLNPI_PROVIDER_OFFER; its type and instance GUIDs
 * are service ids whose first four bytes are the vsock port.  Every in-band packet, both
 * ways, is a pipe header (type DATA, payload size) and the payload; a payload of zero
 * bytes is the sender's FIN (it will send no more).
 * Sources: net/vmw_vsock/hyperv_transport.c (srv_id_template, struct vmpipe_proto_header,
 * HVS_MTU_SIZE, HVS_SEND_BUF_SIZE, HVS_PKT_LEN, RINGBUFFER_HVS_*, HVS_CLOSE_TIMEOUT, the
 * conn_from_host byte of the offer's pipe user_def).
 */
#ifndef _HVIS_HVSOCK_PROTO_H
#define _HVIS_HVSOCK_PROTO_H

#include "types.h"
#include "ring_proto.h"

/*
 * hyperv_transport.c srv_id_template: 00000000-facb-11e6-bd58-64006a7986d3.  A service id
 * is valid when its last 12 bytes equal the template's; its first 4 bytes (little-endian)
 * are the port.
 */
#define HVS_SRV_ID_TEMPLATE_TAIL \
	{ 0xcb, 0xfa, 0xe6, 0x11, 0xbd, 0x58, 0x64, 0x00, 0x6a, 0x79, 0x86, 0xd3 }
#define HVS_SRV_ID_PORT_BYTES		4u

/* hyperv_transport.c: offer.u.pipe.user_def[0] is non-zero when the host connected */
#define HVS_USER_DEF_CONN_FROM_HOST	0

/* hyperv_transport.c struct vmpipe_proto_header; pkt_type 1 is data */
#define HVS_PIPE_PKT_DATA		1u
struct hvs_pipe_hdr {
	u32 pkt_type;
	u32 data_size;
} __packed;
static_assert(sizeof(struct hvs_pipe_hdr) == 8, "vmpipe_proto_header");

/* hyperv_transport.c HVS_MTU_SIZE: the most payload one packet from the host carries */
#define HVS_MTU_SIZE			(16u * 1024u)
/* HVS_SEND_BUF_SIZE: the most the guest puts in one packet (a 4 KiB page less the header) */
#define HVS_SEND_BUF_SIZE		(4096u - (u32)sizeof(struct hvs_pipe_hdr))

/* HVS_PKT_LEN: ring bytes a packet with this payload takes (descriptor, header, trailer) */
#define HVS_HEADER_LEN	((u32)(sizeof(struct vmpacket_descriptor) + sizeof(struct hvs_pipe_hdr)))
#define HVS_PKT_LEN(payload)	(HVS_HEADER_LEN + (((u32)(payload) + 7u) & ~7u) + \
				 VMBUS_PKT_TRAILER_BYTES)
#define HVS_MAX_PKT_SIZE		HVS_PKT_LEN(HVS_MTU_SIZE)
static_assert(HVS_MAX_PKT_SIZE == 16416, "HVS_MAX_PKT_SIZE: 16 + 8 + 16 KiB + 8");

/*
 * Ring sizes (RINGBUFFER_HVS_*, hvs_open_connection()): 6 pages each way below
 * VERSION_WIN10_V5; from it on, the socket's buffer size clamped to 6..64 pages, then
 * VMBUS_RING_SIZE() (a header page added, page aligned).
 */
#define HVS_RING_LEGACY_BYTES		(6u * 4096u)
#define HVS_RING_MAX_BYTES		(64u * 4096u)

/* HVS_CLOSE_TIMEOUT: how long a closing socket waits for the peer's FIN, in seconds */
#define HVS_CLOSE_TIMEOUT_SECS		8u

#endif /* _HVIS_HVSOCK_PROTO_H */
