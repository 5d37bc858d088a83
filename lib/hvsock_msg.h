/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hvsock_msg.h: the pure part of Hyper-V sockets: service id <-> vsock port, checking
 * the service ids of a host's offer, and checking one packet the host sent on a
 * connection's channel.  Used by drivers/hvsock (hvis_sock), the unit test and the
 * fuzz target; the fake host may use it too.
 *
 * Rules from net/vmw_vsock/hyperv_transport.c: a service id is the template
 * 00000000-facb-11e6-bd58-64006a7986d3 with the port in its first four bytes; in an
 * offer, user_def[0] of the pipe area says the host connected (if_type is then the
 * guest's listening service, if_instance the host's); else if_instance is the guest's
 * endpoint and if_type the host's service.  A packet is a pipe header and data_size
 * bytes; data_size 0 is the sender's FIN; at most HVS_MTU_SIZE bytes.  Stricter than
 * upstream (the host is not trusted): the header's type must be DATA, both service
 * ids of an offer must be well formed, and nothing may follow a FIN.
 */
#ifndef _HVIS_HVSOCK_MSG_H
#define _HVIS_HVSOCK_MSG_H

#include "../include/hvis/hvsock_proto.h"
#include "../include/hvis/vmbus_proto.h"

/* Writes the service id of @port. */
void hvis_hvsock_srv_id(u32 port, struct hvis_guid *id);
/* True when @id has the template's last 12 bytes. */
bool hvis_hvsock_srv_id_valid(const struct hvis_guid *id);
/* The port of a service id (its first four bytes, little-endian). */
u32 hvis_hvsock_srv_port(const struct hvis_guid *id);

/* What an hvsock offer says. */
struct hvis_hvsock_offer {
	bool from_host;		/* the host connected to a guest listener */
	u32 local_port;		/* the guest's port: listener, or connecting socket */
	u32 remote_port;	/* the host's port */
};

/*
 * Checks an offer that carries VMBUS_CHANNEL_TLNPI_PROVIDER_OFFER.  0 and *out, or
 * -EINVAL and *field naming what is wrong ("chn_flags", "if_type", "if_instance").
 */
int hvis_hvsock_offer_parse(const struct vmbus_channel_offer *offer,
			    struct hvis_hvsock_offer *out, const char **field);

/* The kinds of packet hvis_hvsock_pkt_parse() tells apart. */
enum hvis_hvsock_pkt {
	HVIS_HVSOCK_PKT_DATA = 0,	/* data_size bytes of stream data */
	HVIS_HVSOCK_PKT_FIN = 1,	/* the host will send no more */
};

/*
 * Checks one packet: @buf holds the @len bytes after the VMBus descriptor (header,
 * data, padding).  @fin_seen: the host sent its FIN before.  Returns DATA (with
 * *data_size, the data following the header) or FIN, or -EINVAL with *field naming
 * what is wrong: "header" (shorter than the pipe header), "pkt_type" (not DATA),
 * "data_size" (beyond the packet or above HVS_MTU_SIZE), "data after FIN".
 */
int hvis_hvsock_pkt_parse(const void *buf, u32 len, bool fin_seen, u32 *data_size,
			  const char **field);

/* Fills the pipe header of a DATA packet with @data_size bytes (0 for a FIN). */
void hvis_hvsock_pipe_hdr(struct hvs_pipe_hdr *hdr, u32 data_size);

/*
 * Data bytes of each ring (hvis_channel_open adds the header page), as upstream's
 * hvs_open_connection(): below VERSION_WIN10_V5 6 pages in all (5 of data); from it
 * on the socket's buffer size clamped to 6..64 pages and page aligned.
 */
u32 hvis_hvsock_ring_bytes(u32 vmbus_version, u32 sockbuf_bytes);

#endif /* _HVIS_HVSOCK_MSG_H */
