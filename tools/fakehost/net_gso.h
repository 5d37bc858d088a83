/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * net_gso.h: software segmentation of a coalesced TCP frame (what a TAP hands over as
 * a virtio-net GSO frame) into frames of at most a given payload each, with correct
 * IPv4/IPv6 and TCP headers and checksums: what the host does for a guest that has
 * RSC off, so that the guest never receives a frame above its MTU.  Pure code, no I/O;
 * unit-tested in tests/unit/test_net_gso.c.
 */
#ifndef _FH_NET_GSO_H
#define _FH_NET_GSO_H

#include <stdbool.h>
#include "hvis/types.h"

/* Called once per segment with the frame (valid until it returns); false stops. */
typedef bool (*net_seg_fn)(void *ctx, const u8 *frame, u32 len);

/*
 * Cuts the TCP frame f (Ethernet, at most one 802.1Q tag, IPv4 with or without options
 * or IPv6 without extension headers, TCP with any options) into segments of at most
 * mss payload bytes.  Each segment: the headers copied, IPv4 total length, id
 * (+1 per segment) and header checksum, or IPv6 payload length, set; TCP sequence
 * number advanced; CWR only in the first, FIN and PSH only in the last; the TCP
 * checksum computed over the segment.  Bytes after the IP length (padding) are left
 * out.  scratch (scratch_len bytes) must hold the headers + mss.
 * Returns the number of segments given to fn (a frame of no payload or at most mss is
 * one segment), or -1 without calling fn when f is not such a frame, mss is 0, or
 * scratch is too small; if fn returns false, stops and returns the count so far + 1.
 */
int net_tcp_segment(const u8 *f, u32 len, u32 mss, u8 *scratch, u32 scratch_len,
		    net_seg_fn fn, void *ctx);

#endif /* _FH_NET_GSO_H */
