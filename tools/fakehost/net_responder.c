// SPDX-License-Identifier: GPL-2.0-only
/*
 * net_responder.c: the pure ARP / ICMP echo / UDP echo responder (see
 * net_responder.h).  Frame layouts: RFC 826 (ARP), RFC 791 (IPv4), RFC 792 (ICMP),
 * RFC 768 (UDP).  Multi-byte fields are big-endian on the wire; they are read and
 * written byte by byte, so nothing here depends on alignment or host byte order.
 */
#include <stdio.h>
#include <stdlib.h>
#include "net_frame.h"
#include "net_responder.h"

#define ARP_LEN		28
#define IP_MIN_HDR	20
#define ICMP_HDR	8
#define UDP_HDR		8
#define IPPROTO_ICMP_	1
#define IPPROTO_UDP_	17

static const u8 default_mac[6] = { 0x00, 0x15, 0x5d, 0xff, 0xff, 0x01 };
static const u8 default_ip[4] = { 192, 0, 2, 1 };

void net_responder_init(struct net_responder *r)
{
	memset(r, 0, sizeof(*r));
	memcpy(r->mac, default_mac, 6);
	memcpy(r->ip, default_ip, 4);
	r->ip_id = 1;
}

u16 net_checksum(const void *buf, u32 len, u32 sum)
{
	const u8 *p = buf;
	u64 s = sum;
	u32 i;

	for (i = 0; i + 1 < len; i += 2)
		s += net_get16(p + i);
	if (len & 1)
		s += (u32)p[len - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (u16)~s;
}

static bool is_broadcast(const u8 *mac)
{
	static const u8 bc[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

	return !memcmp(mac, bc, 6);
}

static u32 ignore(struct net_responder *r)
{
	r->ignored++;
	return 0;
}

static u32 truncated(struct net_responder *r)
{
	r->truncated++;
	return 0;
}

/* Ethernet header of a reply to frame. */
static void eth_reply(const struct net_responder *r, const u8 *frame, u8 *out, u16 type)
{
	memcpy(out, frame + 6, 6);
	memcpy(out + 6, r->mac, 6);
	net_put16(out + 12, type);
}

static u32 handle_arp(struct net_responder *r, const u8 *frame, u32 len, u8 *out, u32 cap)
{
	const u8 *a = frame + NET_ETH_HDR;
	u8 *o = out + NET_ETH_HDR;

	if (len < NET_ETH_HDR + ARP_LEN)
		return truncated(r);
	/* Ethernet (1), IPv4 (0x0800), 6-byte and 4-byte addresses, a request (1). */
	if (net_get16(a) != 1 || net_get16(a + 2) != NET_ETHERTYPE_IPV4 || a[4] != 6 || a[5] != 4 ||
	    net_get16(a + 6) != 1 || memcmp(a + 24, r->ip, 4))
		return ignore(r);
	if (cap < NET_ETH_HDR + ARP_LEN)
		return ignore(r);
	eth_reply(r, frame, out, NET_ETHERTYPE_ARP);
	memcpy(o, a, 6);		/* htype, ptype, hlen, plen */
	net_put16(o + 6, 2);		/* reply */
	memcpy(o + 8, r->mac, 6);	/* sender: us */
	memcpy(o + 14, r->ip, 4);
	memcpy(o + 18, a + 8, 6);	/* target: who asked */
	memcpy(o + 24, a + 14, 4);
	r->arp_replies++;
	return NET_ETH_HDR + ARP_LEN;
}

/* Writes the IPv4 header of a reply carrying payload bytes of proto to dst. */
static void ip_reply(struct net_responder *r, u8 *ip, const u8 *dst, u8 proto, u32 payload)
{
	ip[0] = 0x45;
	ip[1] = 0;
	net_put16(ip + 2, (u16)(IP_MIN_HDR + payload));
	net_put16(ip + 4, r->ip_id++);
	net_put16(ip + 6, 0);
	ip[8] = 64;
	ip[9] = proto;
	net_put16(ip + 10, 0);
	memcpy(ip + 12, r->ip, 4);
	memcpy(ip + 16, dst, 4);
	net_put16(ip + 10, net_checksum(ip, IP_MIN_HDR, 0));
}

static u32 handle_ipv4(struct net_responder *r, const u8 *frame, u32 len, u8 *out, u32 cap)
{
	const u8 *ip = frame + NET_ETH_HDR, *l4;
	u8 *oip = out + NET_ETH_HDR, *o4 = oip + IP_MIN_HDR;
	u32 ihl, total, l4len;

	if (len < NET_ETH_HDR + IP_MIN_HDR)
		return truncated(r);
	if (ip[0] >> 4 != 4)
		return ignore(r);
	ihl = (ip[0] & 0xf) * 4u;
	total = net_get16(ip + 2);
	if (ihl < IP_MIN_HDR || total < ihl)
		return ignore(r);
	if (total > len - NET_ETH_HDR || ihl > len - NET_ETH_HDR)
		return truncated(r);
	/* Ours only (by MAC and address); no fragments; a valid header checksum. */
	if ((memcmp(frame, r->mac, 6) && !is_broadcast(frame)) || memcmp(ip + 16, r->ip, 4) ||
	    (net_get16(ip + 6) & 0x3fff) || net_checksum(ip, ihl, 0) != 0)
		return ignore(r);
	l4 = ip + ihl;
	l4len = total - ihl;	/* Ethernet padding after total is not ours */
	if (ip[9] == IPPROTO_ICMP_) {
		if (l4len < ICMP_HDR)
			return truncated(r);
		if (l4[0] != 8 || l4[1] != 0)
			return ignore(r);
		if (cap < NET_ETH_HDR + IP_MIN_HDR + l4len)
			return ignore(r);
		memcpy(o4, l4, l4len);
		o4[0] = 0;		/* echo reply */
		net_put16(o4 + 2, 0);
		net_put16(o4 + 2, net_checksum(o4, l4len, 0));
		r->icmp_replies++;
	} else if (ip[9] == IPPROTO_UDP_) {
		u32 ulen, sum;

		if (l4len < UDP_HDR)
			return truncated(r);
		ulen = net_get16(l4 + 4);
		if (ulen < UDP_HDR)
			return ignore(r);
		if (ulen > l4len)
			return truncated(r);
		if (net_get16(l4 + 2) != NET_UDP_ECHO_PORT)
			return ignore(r);
		if (cap < NET_ETH_HDR + IP_MIN_HDR + ulen)
			return ignore(r);
		l4len = ulen;
		memcpy(o4, l4, ulen);
		net_put16(o4, net_get16(l4 + 2));	/* ports swapped */
		net_put16(o4 + 2, net_get16(l4));
		net_put16(o4 + 6, 0);
		/* Pseudo header: source, destination, protocol, UDP length. */
		sum = net_get16(r->ip) + net_get16(r->ip + 2) + net_get16(ip + 12) + net_get16(ip + 14) +
		      IPPROTO_UDP_ + ulen;
		sum = net_checksum(o4, ulen, sum);
		net_put16(o4 + 6, sum ? (u16)sum : 0xffff);
		r->udp_replies++;
	} else {
		return ignore(r);
	}
	eth_reply(r, frame, out, NET_ETHERTYPE_IPV4);
	ip_reply(r, oip, ip + 12, ip[9], l4len);
	return NET_ETH_HDR + IP_MIN_HDR + l4len;
}

u32 net_responder_handle(struct net_responder *r, const u8 *frame, u32 len, u8 *out, u32 cap)
{
	if (len < NET_ETH_HDR)
		return truncated(r);
	switch (net_get16(frame + 12)) {
	case NET_ETHERTYPE_ARP:
		return handle_arp(r, frame, len, out, cap);
	case NET_ETHERTYPE_IPV4:
		return handle_ipv4(r, frame, len, out, cap);
	default:
		return ignore(r);
	}
}

bool net_parse_ipv4(const char *s, u8 ip[4])
{
	unsigned int a, b, c, d;
	char tail;

	if (!s || sscanf(s, "%u.%u.%u.%u%c", &a, &b, &c, &d, &tail) != 4 || a > 255 ||
	    b > 255 || c > 255 || d > 255)
		return false;
	ip[0] = a;
	ip[1] = b;
	ip[2] = c;
	ip[3] = d;
	return true;
}

bool net_parse_mac(const char *s, u8 mac[6])
{
	u32 i;

	if (!s || strlen(s) != 17)
		return false;
	for (i = 0; i < 6; i++) {
		char hex[3] = { s[i * 3], s[i * 3 + 1], 0 }, *end;

		if (i < 5 && s[i * 3 + 2] != ':' && s[i * 3 + 2] != '-')
			return false;
		if (!((hex[0] >= '0' && hex[0] <= '9') || ((hex[0] | 0x20) >= 'a' && (hex[0] | 0x20) <= 'f')))
			return false;
		mac[i] = (u8)strtoul(hex, &end, 16);
		if (*end)
			return false;
	}
	return true;
}
