/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * net_responder.h: a tiny, pure "host at the other end of the wire" for the fake
 * host's synthetic NIC (dev_nic.c).  One Ethernet frame in, zero or one frame out; no
 * I/O, so it is unit-tested on its own (tests/unit/test_net_responder.c).
 *
 * It owns one IPv4 address and one MAC and answers:
 *  - ARP requests for its address (ARP over Ethernet/IPv4 only);
 *  - ICMP echo requests to its address (any size, payload echoed, checksum computed);
 *  - UDP datagrams to port 7 (echo: ports swapped, payload echoed, checksum computed).
 * Everything else is ignored (counted); frames too short for what their headers claim
 * are counted as truncated.  IP fragments and IP options in requests are ignored /
 * dropped from replies.
 */
#ifndef _FH_NET_RESPONDER_H
#define _FH_NET_RESPONDER_H

#include "hvis/types.h"

#define NET_ETH_HDR		14
#define NET_ETHERTYPE_IPV4	0x0800
#define NET_ETHERTYPE_ARP	0x0806
#define NET_UDP_ECHO_PORT	7

struct net_responder {
	u8 mac[6];		/* the responder's MAC (default 00:15:5d:ff:ff:01) */
	u8 ip[4];		/* its IPv4 address (default 192.0.2.1) */
	u16 ip_id;		/* IP identification of the next reply */
	u64 arp_replies, icmp_replies, udp_replies;
	u64 ignored;		/* well-formed frames it does not answer */
	u64 truncated;		/* frames shorter than their headers say */
};

/* Default MAC and address. */
void net_responder_init(struct net_responder *r);

/*
 * Handles one Ethernet frame of len bytes.  Returns the length of the reply written
 * to out (cap bytes), or 0 when there is none (ignored, truncated, or cap too small:
 * counted as ignored).
 */
u32 net_responder_handle(struct net_responder *r, const u8 *frame, u32 len, u8 *out, u32 cap);

/* The Internet checksum (RFC 1071) of len bytes, folded into sum (host order). */
u16 net_checksum(const void *buf, u32 len, u32 sum);

/* "192.0.2.1" -> 4 bytes; false if malformed. */
bool net_parse_ipv4(const char *s, u8 ip[4]);
/* "00:15:5d:01:02:03" (or '-' separators) -> 6 bytes; false if malformed. */
bool net_parse_mac(const char *s, u8 mac[6]);

#endif /* _FH_NET_RESPONDER_H */
