/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * net_frame.h: pure helpers over Ethernet frames for the NIC's wire (nic_wire.c,
 * nic_tap.c): finding the TCP/UDP header of an IPv4/IPv6 frame (one 802.1Q tag
 * allowed), verifying and filling L4 checksums, 802.1Q tag insert and strip.  No I/O;
 * unit-tested in tests/unit/test_net_frame.c.  Frames come from the namespace's
 * stack or from the guest: every offset is checked against the frame's length.  Also
 * the network-order 16-bit field accessors the fake host's frame code shares.
 */
#ifndef _FH_NET_FRAME_H
#define _FH_NET_FRAME_H

#include <stdbool.h>
#include "hvis/types.h"

#define NET_ETHERTYPE_VLAN	0x8100
#define NET_ETHERTYPE_IPV6	0x86dd
#define NET_VLAN_HLEN		4
#define NET_PROTO_TCP		6
#define NET_PROTO_UDP		17

/* A big-endian (network order) 16-bit field at p. */
static inline u16 net_get16(const u8 *p)
{
	return (u16)(p[0] << 8 | p[1]);
}

static inline void net_put16(u8 *p, u16 v)
{
	p[0] = (u8)(v >> 8);
	p[1] = (u8)v;
}

struct net_l4 {
	u32 l3;			/* offset of the IP header */
	u32 l4;			/* offset of the TCP/UDP header */
	u32 l4_len;		/* L4 header + payload bytes, from the IP header's length */
	u8 proto;		/* NET_PROTO_TCP / NET_PROTO_UDP */
	bool ipv6;
	u32 pseudo;		/* the pseudo-header's sum (unfolded) */
};

/* The TCP/UDP header of an unfragmented IPv4 or IPv6 (no extension header) frame; 0 or -1. */
int net_frame_l4(const u8 *f, u32 len, struct net_l4 *o);
/* 1: the L4 checksum (and an IPv4 header's) is right, 0: wrong, -1: not TCP/UDP or none. */
int net_l4_csum_verify(const u8 *f, u32 len);
/*
 * Completes a partial checksum (virtio-net NEEDS_CSUM): the 16 bits at start + off
 * hold the pseudo-header sum; the sum of bytes start .. len, complemented, goes there.
 * False if start or off lie outside the frame.
 */
bool net_csum_fill(u8 *f, u32 len, u32 start, u32 off);
/* Removes an 802.1Q tag in place: the frame then starts 4 bytes later.  True if tagged. */
bool net_vlan_strip(u8 *f, u32 len, u16 *tci);

#endif /* _FH_NET_FRAME_H */
