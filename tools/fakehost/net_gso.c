// SPDX-License-Identifier: GPL-2.0-only
/*
 * net_gso.c: TCP segmentation in software (net_gso.h).  Header offsets come from
 * net_frame_l4, which checks them against the frame; the TCP header length is checked
 * here against the IP payload.
 */
#include <string.h>
#include "net_frame.h"
#include "net_gso.h"
#include "net_responder.h"

#define TCP_FIN		0x01
#define TCP_PSH		0x08
#define TCP_CWR		0x80

static u32 get32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

static void put32(u8 *p, u32 v)
{
	p[0] = v >> 24;
	p[1] = v >> 16 & 0xff;
	p[2] = v >> 8 & 0xff;
	p[3] = v & 0xff;
}

int net_tcp_segment(const u8 *f, u32 len, u32 mss, u8 *scratch, u32 scratch_len,
		    net_seg_fn fn, void *ctx)
{
	struct net_l4 o;
	u32 thl, hl, payload, off, n, seq, ihl = 0, pseudo;
	u16 ip_id = 0;
	u8 flags, *ip, *tcp;
	int count = 0;

	if (!mss || net_frame_l4(f, len, &o) || o.proto != NET_PROTO_TCP)
		return -1;
	thl = (f[o.l4 + 12] >> 4) * 4u;
	if (thl < 20 || thl > o.l4_len)
		return -1;
	hl = o.l4 + thl;
	payload = o.l4_len - thl;
	if (hl > scratch_len || mss > scratch_len - hl)
		return -1;
	/* The pseudo-header sum without its length term, added back per segment. */
	pseudo = o.pseudo - o.l4_len;
	seq = get32(f + o.l4 + 4);
	flags = f[o.l4 + 13];
	if (!o.ipv6) {
		ihl = (f[o.l3] & 15) * 4u;
		ip_id = (u16)(f[o.l3 + 4] << 8 | f[o.l3 + 5]);
	}
	off = 0;
	do {
		n = payload - off < mss ? payload - off : mss;
		memcpy(scratch, f, hl);
		memcpy(scratch + hl, f + hl + off, n);
		ip = scratch + o.l3;
		tcp = scratch + o.l4;
		if (o.ipv6) {
			net_put16(ip + 4, thl + n);
		} else {
			net_put16(ip + 2, ihl + thl + n);
			net_put16(ip + 4, (u16)(ip_id + count));
			net_put16(ip + 10, 0);
			net_put16(ip + 10, net_checksum(ip, ihl, 0));
		}
		put32(tcp + 4, seq + off);
		tcp[13] = flags;
		if (off)
			tcp[13] &= ~TCP_CWR;
		if (off + n < payload)
			tcp[13] &= ~(TCP_FIN | TCP_PSH);
		net_put16(tcp + 16, 0);
		net_put16(tcp + 16, net_checksum(tcp, thl + n, pseudo + thl + n));
		count++;
		if (!fn(ctx, scratch, hl + n))
			return count;
		off += n;
	} while (off < payload);
	return count;
}
