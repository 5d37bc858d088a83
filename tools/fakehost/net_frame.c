// SPDX-License-Identifier: GPL-2.0-only
/*
 * net_frame.c: L3/L4 header walking, checksums and 802.1Q tags on Ethernet frames
 * (net_frame.h).  Pure code: offsets are checked against the frame length.
 */
#include <string.h>
#include "net_frame.h"
#include "net_responder.h"

/* Sum of 16-bit words (unfolded), as the pseudo-header wants it. */
static u32 sum16(const u8 *p, u32 n)
{
	u32 s = 0, i;

	for (i = 0; i + 1 < n; i += 2)
		s += net_get16(p + i);
	return s;
}

int net_frame_l4(const u8 *f, u32 len, struct net_l4 *o)
{
	u32 l3 = NET_ETH_HDR, l4, tot;
	u16 type;

	memset(o, 0, sizeof(*o));
	if (len < NET_ETH_HDR)
		return -1;
	type = net_get16(f + 12);
	if (type == NET_ETHERTYPE_VLAN) {
		if (len < NET_ETH_HDR + NET_VLAN_HLEN)
			return -1;
		type = net_get16(f + 16);
		l3 += NET_VLAN_HLEN;
	}
	if (type == NET_ETHERTYPE_IPV4) {
		u32 ihl;

		if (len - l3 < 20 || (f[l3] >> 4) != 4)
			return -1;
		ihl = (f[l3] & 15) * 4u;
		tot = net_get16(f + l3 + 2);
		if (ihl < 20 || tot < ihl || tot > len - l3 || (net_get16(f + l3 + 6) & 0x3fff))
			return -1;
		o->proto = f[l3 + 9];
		l4 = l3 + ihl;
		o->l4_len = tot - ihl;
		o->pseudo = sum16(f + l3 + 12, 8) + o->proto + o->l4_len;
	} else if (type == NET_ETHERTYPE_IPV6) {
		if (len - l3 < 40 || (f[l3] >> 4) != 6)
			return -1;
		o->proto = f[l3 + 6];
		o->l4_len = net_get16(f + l3 + 4);
		l4 = l3 + 40;
		if (o->l4_len > len - l4)
			return -1;
		o->pseudo = sum16(f + l3 + 8, 32) + o->proto + o->l4_len;
		o->ipv6 = true;
	} else {
		return -1;
	}
	if (o->proto == NET_PROTO_TCP ? o->l4_len < 20 :
	    o->proto == NET_PROTO_UDP ? o->l4_len < 8 : true)
		return -1;
	o->l3 = l3;
	o->l4 = l4;
	return 0;
}

int net_l4_csum_verify(const u8 *f, u32 len)
{
	struct net_l4 o;

	if (net_frame_l4(f, len, &o))
		return -1;
	if (!o.ipv6 && net_checksum(f + o.l3, (f[o.l3] & 15) * 4u, 0))
		return 0;
	/* A UDP checksum of 0 over IPv4 means none was computed. */
	if (o.proto == NET_PROTO_UDP && !o.ipv6 && !net_get16(f + o.l4 + 6))
		return -1;
	return net_checksum(f + o.l4, o.l4_len, o.pseudo) == 0;
}

bool net_csum_fill(u8 *f, u32 len, u32 start, u32 off)
{
	u16 c;

	if (start >= len || off > len - start || len - start - off < 2)
		return false;
	c = net_checksum(f + start, len - start, 0);
	/* RFC 768: a computed UDP checksum of 0 is sent as 0xffff (also right for TCP). */
	net_put16(f + start + off, c ? c : 0xffff);
	return true;
}

bool net_vlan_strip(u8 *f, u32 len, u16 *tci)
{
	if (len < NET_ETH_HDR + NET_VLAN_HLEN || net_get16(f + 12) != NET_ETHERTYPE_VLAN)
		return false;
	*tci = net_get16(f + 14);
	memmove(f + NET_VLAN_HLEN, f, 12);
	return true;
}
