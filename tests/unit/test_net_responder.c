// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_net_responder.c: the fake host NIC's "host at the other end of the wire"
 * (tools/fakehost/net_responder.c): ARP, ICMP echo, UDP echo, frames it ignores and
 * frames shorter than their headers say.
 */
#include "tap.h"
#include "../../tools/fakehost/net_responder.h"

#include "eth_frames.h"

static u16 be16(const u8 *p)
{
	return (u16)(p[0] << 8 | p[1]);
}

static u32 udp_dgram(u8 *f, const u8 *dst, u16 dport, const char *text)
{
	u8 *udp = f + 34;
	u32 n = (u32)strlen(text);

	put16(udp, 40000);
	put16(udp + 2, dport);
	put16(udp + 4, (u16)(8 + n));
	put16(udp + 6, 0);	/* no checksum: allowed for IPv4 */
	memcpy(udp + 8, text, n);
	return ipv4_frame(f, dst, 17, 8 + n);
}

static bool ip_reply_ok(const u8 *o, u32 n, u8 proto, u32 l4len)
{
	const u8 *ip = o + 14;
	static const u8 host_ip[4] = { 192, 0, 2, 1 };

	return n == 34 + l4len && !memcmp(o, guest_mac, 6) && !memcmp(o + 6, host_mac, 6) &&
	       be16(o + 12) == 0x0800 && ip[0] == 0x45 && be16(ip + 2) == 20 + l4len &&
	       ip[9] == proto && !memcmp(ip + 12, host_ip, 4) && !memcmp(ip + 16, guest_ip, 4) &&
	       net_checksum(ip, 20, 0) == 0;
}

static void test_arp(void)
{
	static const u8 host_ip[4] = { 192, 0, 2, 1 }, other[4] = { 192, 0, 2, 99 };
	struct net_responder r;
	u8 f[128], o[128];
	u32 n;

	net_responder_init(&r);
	n = net_responder_handle(&r, f, arp_request(f, host_ip), o, sizeof(o));
	tap_check(n == 42 && !memcmp(o, guest_mac, 6) && !memcmp(o + 6, host_mac, 6) &&
		  be16(o + 12) == 0x0806 && be16(o + 20) == 2 && !memcmp(o + 22, host_mac, 6) &&
		  !memcmp(o + 28, host_ip, 4) && !memcmp(o + 32, guest_mac, 6) &&
		  !memcmp(o + 38, guest_ip, 4) && r.arp_replies == 1,
		  "arp: request for 192.0.2.1 answered with 00:15:5d:ff:ff:01");
	tap_check(net_responder_handle(&r, f, arp_request(f, other), o, sizeof(o)) == 0 &&
		  r.ignored == 1, "arp: request for another address ignored");
	arp_request(f, host_ip);
	put16(f + 20, 2);
	tap_check(net_responder_handle(&r, f, 60, o, sizeof(o)) == 0, "arp: a reply is not answered");
	tap_check(net_parse_ipv4("198.51.100.1", r.ip) &&
		  net_responder_handle(&r, f, arp_request(f, (const u8[]){ 198, 51, 100, 1 }), o,
				       sizeof(o)) == 42 &&
		  !net_parse_ipv4("1.2.3", r.ip) && !net_parse_ipv4("1.2.3.256", r.ip) &&
		  !net_parse_ipv4("1.2.3.4x", r.ip),
		  "arp: host-ip change answers for the new address; bad addresses refused");
}

static void test_icmp(void)
{
	static const u8 host_ip[4] = { 192, 0, 2, 1 }, other[4] = { 192, 0, 2, 7 };
	static const u32 sizes[] = { 0, 1, 56, 1400, 1472 };
	struct net_responder r;
	u8 f[1600], o[1600];
	u32 n, len, i;
	bool all = true;

	net_responder_init(&r);
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		len = icmp_echo(f, host_ip, sizes[i]);
		n = net_responder_handle(&r, f, len, o, sizeof(o));
		all &= ip_reply_ok(o, n, 1, 8 + sizes[i]) && o[34] == 0 && o[35] == 0 &&
		       net_checksum(o + 34, 8 + sizes[i], 0) == 0 && be16(o + 38) == 0x77 &&
		       be16(o + 40) == 3 && !memcmp(o + 42, f + 42, sizes[i]);
	}
	tap_check(all && r.icmp_replies == ARRAY_SIZE(sizes),
		  "icmp: echo replies of 0..1472 payload bytes, payload echoed, checksums valid");
	len = icmp_echo(f, host_ip, 56);
	memset(f + len, 0, 10);	/* Ethernet padding after the IP datagram */
	n = net_responder_handle(&r, f, len + 10, o, sizeof(o));
	tap_check(n == len && ip_reply_ok(o, n, 1, 64), "icmp: trailing padding not echoed");
	tap_check(net_responder_handle(&r, f, icmp_echo(f, other, 8), o, sizeof(o)) == 0,
		  "icmp: echo to another address ignored");
	len = icmp_echo(f, host_ip, 8);
	f[24]++;	/* IP header checksum now wrong */
	tap_check(net_responder_handle(&r, f, len, o, sizeof(o)) == 0, "icmp: bad IP checksum ignored");
	len = icmp_echo(f, host_ip, 8);
	f[34] = 0;	/* an echo reply */
	tap_check(net_responder_handle(&r, f, len, o, sizeof(o)) == 0, "icmp: echo reply not answered");
	len = icmp_echo(f, host_ip, 1000);
	tap_check(net_responder_handle(&r, f, len, o, 500) == 0, "icmp: no room in out: no reply");
}

static void test_udp(void)
{
	static const u8 host_ip[4] = { 192, 0, 2, 1 };
	struct net_responder r;
	u8 f[256], o[256];
	u32 n, sum;

	net_responder_init(&r);
	n = net_responder_handle(&r, f, udp_dgram(f, host_ip, 7, "hello udp"), o, sizeof(o));
	/* Checksum over the pseudo header and the datagram folds to 0 (RFC 768). */
	sum = 0xc000 + 0x0201 + 0xc000 + 0x020a + 17 + 17;
	tap_check(ip_reply_ok(o, n, 17, 17) && be16(o + 34) == 7 && be16(o + 36) == 40000 &&
		  be16(o + 38) == 17 && !memcmp(o + 42, "hello udp", 9) &&
		  be16(o + 40) != 0 && net_checksum(o + 34, 17, sum) == 0 && r.udp_replies == 1,
		  "udp: port 7 echoed, ports swapped, checksum valid");
	tap_check(net_responder_handle(&r, f, udp_dgram(f, host_ip, 9, "x"), o, sizeof(o)) == 0,
		  "udp: other ports ignored");
}

static void test_ignored_and_truncated(void)
{
	static const u8 host_ip[4] = { 192, 0, 2, 1 };
	struct net_responder r;
	u8 f[256], o[256];
	u32 len;

	net_responder_init(&r);
	memset(f, 0, sizeof(f));
	memcpy(f, host_mac, 6);
	put16(f + 12, 0x86dd);	/* IPv6 */
	tap_check(net_responder_handle(&r, f, 60, o, sizeof(o)) == 0 && r.ignored == 1,
		  "ignored: IPv6");
	len = icmp_echo(f, host_ip, 8);
	f[0] = 0x02;	/* another MAC */
	tap_check(net_responder_handle(&r, f, len, o, sizeof(o)) == 0 && r.ignored == 2,
		  "ignored: unicast to another MAC");
	len = icmp_echo(f, host_ip, 8);
	put16(f + 20, 0x2000);	/* more fragments */
	put16(f + 24, 0);
	put16(f + 24, net_checksum(f + 14, 20, 0));
	tap_check(net_responder_handle(&r, f, len, o, sizeof(o)) == 0, "ignored: IP fragment");
	len = icmp_echo(f, host_ip, 8);
	f[23] = 6;	/* TCP */
	put16(f + 24, 0);
	put16(f + 24, net_checksum(f + 14, 20, 0));
	tap_check(net_responder_handle(&r, f, len, o, sizeof(o)) == 0, "ignored: TCP");

	tap_check(net_responder_handle(&r, f, 13, o, sizeof(o)) == 0 && r.truncated == 1,
		  "truncated: shorter than Ethernet");
	tap_check(net_responder_handle(&r, f, arp_request(f, host_ip) - 30, o, sizeof(o)) == 0 &&
		  r.truncated == 2, "truncated: ARP");
	len = icmp_echo(f, host_ip, 100);
	tap_check(net_responder_handle(&r, f, len - 1, o, sizeof(o)) == 0 && r.truncated == 3,
		  "truncated: IP total length past the frame");
	tap_check(net_responder_handle(&r, f, 30, o, sizeof(o)) == 0 && r.truncated == 4,
		  "truncated: IP header");
	len = udp_dgram(f, host_ip, 7, "abc");
	put16(f + 38, 200);	/* UDP length past the datagram */
	tap_check(net_responder_handle(&r, f, len, o, sizeof(o)) == 0 && r.truncated == 5,
		  "truncated: UDP length");
	len = ipv4_frame(f, host_ip, 1, 4);	/* ICMP shorter than its header */
	tap_check(net_responder_handle(&r, f, len, o, sizeof(o)) == 0 && r.truncated == 6,
		  "truncated: ICMP header");
	tap_check(r.arp_replies + r.icmp_replies + r.udp_replies == 0, "nothing answered");
}

static void test_parse_mac(void)
{
	u8 m[6];

	tap_check(net_parse_mac("00:15:5d:0A:bc:ff", m) && m[3] == 0x0a && m[4] == 0xbc &&
		  m[5] == 0xff && net_parse_mac("00-15-5d-00-00-01", m) &&
		  !net_parse_mac("00:15:5d:00:00", m) && !net_parse_mac("00:15:5d:00:00:0g", m) &&
		  !net_parse_mac("00:15:5d:00:00:001", m),
		  "mac parsing");
}

int main(void)
{
	test_arp();
	test_icmp();
	test_udp();
	test_ignored_and_truncated();
	test_parse_mac();
	return tap_done();
}
