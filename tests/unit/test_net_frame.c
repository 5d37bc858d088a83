// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_net_frame.c: the NIC wire's frame helpers (tools/fakehost/net_frame.c): finding
 * the L4 header (IPv4, IPv6, one 802.1Q tag), verifying TCP/UDP checksums (right, one
 * bit wrong, UDP without checksum, ICMP), completing a partial checksum as a TAP's
 * NEEDS_CSUM asks, stripping a tag, and frames whose headers lie about their length.
 */
#include "tap.h"
#include "../../tools/fakehost/net_frame.h"

#include "eth_frames.h"

static const u8 dst_ip[4] = { 192, 0, 2, 1 };

/* A UDP datagram of n payload bytes, its checksum computed. */
static u32 udp4(u8 *f, u32 n)
{
	u8 *udp = f + 34;
	u32 len, i, sum;

	put16(udp, 40000);
	put16(udp + 2, 7);
	put16(udp + 4, (u16)(8 + n));
	put16(udp + 6, 0);
	for (i = 0; i < n; i++)
		udp[8 + i] = (u8)(i * 7 + 1);
	len = ipv4_frame(f, dst_ip, 17, 8 + n);
	/* pseudo header: addresses, protocol, UDP length */
	sum = (192 << 8 | 0) + (2 << 8 | 10) + (192 << 8 | 0) + (2 << 8 | 1) + 17 + 8 + n;
	put16(udp + 6, net_checksum(udp, 8 + n, sum));
	return len;
}

/* A TCP segment over IPv6 with n payload bytes; checksum left as the pseudo sum. */
static u32 tcp6_partial(u8 *f, u32 n)
{
	u8 *ip = f + 14, *tcp = f + 54;
	u32 i, sum = 0;

	memcpy(f, host_mac, 6);
	memcpy(f + 6, guest_mac, 6);
	put16(f + 12, 0x86dd);
	memset(ip, 0, 40);
	ip[0] = 0x60;
	put16(ip + 4, (u16)(20 + n));
	ip[6] = 6;
	ip[7] = 64;
	ip[8] = 0xfd;
	ip[23] = 2;
	ip[24] = 0xfd;
	ip[39] = 1;
	memset(tcp, 0, 20);
	put16(tcp, 5201);
	put16(tcp + 2, 40000);
	tcp[12] = 5 << 4;
	for (i = 0; i < n; i++)
		tcp[20 + i] = (u8)(i ^ 0x5a);
	for (i = 8; i < 40; i += 2)
		sum += (u32)(ip[i] << 8 | ip[i + 1]);
	sum += 6 + 20 + n;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	put16(tcp + 16, (u16)sum);	/* what a NEEDS_CSUM frame carries */
	return 54 + 20 + n;
}

int main(void)
{
	u8 f[2048], g[2048];
	struct net_l4 l4;
	u32 n;
	u16 tci;

	n = udp4(f, 100);
	tap_check(!net_frame_l4(f, n, &l4) && l4.l3 == 14 && l4.l4 == 34 && l4.l4_len == 108 &&
		  l4.proto == 17 && !l4.ipv6, "IPv4 UDP: headers found");
	tap_check(net_l4_csum_verify(f, n) == 1, "IPv4 UDP: right checksum verifies");
	f[34 + 8 + 50] ^= 0x10;
	tap_check(net_l4_csum_verify(f, n) == 0, "IPv4 UDP: one flipped payload bit fails");
	f[34 + 8 + 50] ^= 0x10;
	f[14 + 8] ^= 1;		/* TTL: the IPv4 header checksum breaks */
	tap_check(net_l4_csum_verify(f, n) == 0, "IPv4: a wrong header checksum fails");
	f[14 + 8] ^= 1;
	put16(f + 34 + 6, 0);
	tap_check(net_l4_csum_verify(f, n) == -1, "IPv4 UDP without checksum: no verdict");
	put16(f + 14 + 2, (u16)(n + 10));	/* IP total length past the frame */
	tap_check(net_frame_l4(f, n, &l4) == -1 && net_l4_csum_verify(f, n) == -1,
		  "IPv4 length past the frame: refused");
	tap_check(net_frame_l4(f, 20, &l4) == -1 && net_frame_l4(f, 10, &l4) == -1,
		  "truncated frames refused");

	n = icmp_echo(f, dst_ip, 56);
	tap_check(net_l4_csum_verify(f, n) == -1, "ICMP: no L4 verdict");
	n = arp_request(f, dst_ip);
	tap_check(net_frame_l4(f, n, &l4) == -1 && net_l4_csum_verify(f, n) == -1,
		  "ARP: not IP, no verdict");

	n = tcp6_partial(f, 300);
	tap_check(!net_frame_l4(f, n, &l4) && l4.ipv6 && l4.l4 == 54 && l4.proto == 6,
		  "IPv6 TCP: headers found");
	tap_check(net_l4_csum_verify(f, n) == 0, "IPv6 TCP: a partial checksum does not verify");
	tap_check(net_csum_fill(f, n, 54, 16) && net_l4_csum_verify(f, n) == 1,
		  "IPv6 TCP: NEEDS_CSUM completed, then it verifies");
	tap_check(!net_csum_fill(f, n, n, 0) && !net_csum_fill(f, n, 54, n - 55) &&
		  !net_csum_fill(f, n, 0xffff, 16), "csum_start/offset outside the frame refused");

	/* The same segment with an 802.1Q tag (VLAN 5, priority 3): found, then stripped. */
	memcpy(g, f, 12);
	put16(g + 12, 0x8100);
	put16(g + 14, 3 << 13 | 5);
	memcpy(g + 16, f + 12, n - 12);
	tap_check(!net_frame_l4(g, n + 4, &l4) && l4.l3 == 18 && l4.l4 == 58 &&
		  net_l4_csum_verify(g, n + 4) == 1, "tagged IPv6 TCP: headers found, verifies");
	tap_check(net_vlan_strip(g, n + 4, &tci) && tci == (3 << 13 | 5) &&
		  !memcmp(g + 4, f, n), "tag stripped: TCI read, the frame is the untagged one");
	tap_check(!net_vlan_strip(f, n, &tci), "an untagged frame is left alone");
	return tap_done();
}
