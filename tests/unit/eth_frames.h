/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * eth_frames.h: Ethernet frames a guest would send (ARP request, IPv4, ICMP echo),
 * built byte by byte for the fake host NIC's unit tests (test_net_responder.c,
 * test_fakehost_nic.c).  The guest is 00:15:5d:00:00:01 / 192.0.2.10; the host end
 * of the wire 00:15:5d:ff:ff:01.
 */
#ifndef _HVIS_TEST_ETH_FRAMES_H
#define _HVIS_TEST_ETH_FRAMES_H

#include <string.h>
#include "../../tools/fakehost/net_responder.h"

static const u8 guest_mac[6] = { 0x00, 0x15, 0x5d, 0x00, 0x00, 0x01 };
static const u8 guest_ip[4] = { 192, 0, 2, 10 };
static const u8 host_mac[6] = { 0x00, 0x15, 0x5d, 0xff, 0xff, 0x01 };

static void put16(u8 *p, u16 v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static u32 arp_request(u8 *f, const u8 *target_ip)
{
	memset(f, 0xff, 6);
	memcpy(f + 6, guest_mac, 6);
	put16(f + 12, 0x0806);
	put16(f + 14, 1);
	put16(f + 16, 0x0800);
	f[18] = 6;
	f[19] = 4;
	put16(f + 20, 1);
	memcpy(f + 22, guest_mac, 6);
	memcpy(f + 28, guest_ip, 4);
	memset(f + 32, 0, 6);
	memcpy(f + 38, target_ip, 4);
	memset(f + 42, 0, 18);	/* padded to 60 like a real NIC */
	return 60;
}

/* An IPv4 frame to dst carrying l4len bytes of proto already at f + 34. */
static u32 ipv4_frame(u8 *f, const u8 *dst, u8 proto, u32 l4len)
{
	u8 *ip = f + 14;

	memcpy(f, host_mac, 6);
	memcpy(f + 6, guest_mac, 6);
	put16(f + 12, 0x0800);
	ip[0] = 0x45;
	ip[1] = 0;
	put16(ip + 2, (u16)(20 + l4len));
	put16(ip + 4, 0x1234);
	put16(ip + 6, 0x4000);	/* DF */
	ip[8] = 64;
	ip[9] = proto;
	put16(ip + 10, 0);
	memcpy(ip + 12, guest_ip, 4);
	memcpy(ip + 16, dst, 4);
	put16(ip + 10, net_checksum(ip, 20, 0));
	return 34 + l4len;
}

static u32 icmp_echo(u8 *f, const u8 *dst, u32 payload)
{
	u8 *icmp = f + 34;
	u32 i;

	icmp[0] = 8;
	icmp[1] = 0;
	put16(icmp + 2, 0);
	put16(icmp + 4, 0x77);	/* id */
	put16(icmp + 6, 3);	/* seq */
	for (i = 0; i < payload; i++)
		icmp[8 + i] = (u8)(i * 7);
	put16(icmp + 2, net_checksum(icmp, 8 + payload, 0));
	return ipv4_frame(f, dst, 1, 8 + payload);
}

#endif /* _HVIS_TEST_ETH_FRAMES_H */
