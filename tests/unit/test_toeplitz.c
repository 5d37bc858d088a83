// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_toeplitz.c: lib/toeplitz.c against Microsoft's published RSS verification
 * vectors ("Verifying the RSS hash calculation", learn.microsoft.com
 * windows-hardware/drivers/network): the key 6d5a56da..., IPv4 and IPv6, with and
 * without the TCP ports; and the frame parser (which fields, which hash type, VLAN,
 * fragments, UDP, truncation).
 */
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include "tap.h"
#include "toeplitz.h"
#include "hvis/netvsc_proto.h"

static const u8 ms_key[40] = {
	0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3,
	0x8f, 0xb0, 0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3,
	0x80, 0x30, 0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
};

struct vec {
	const char *dst, *src;
	u16 dport, sport;
	u32 ip_hash, tcp_hash;
};

static const struct vec v4[] = {
	{ "161.142.100.80", "66.9.149.187", 1766, 2794, 0x323e8fc2, 0x51ccc178 },
	{ "65.69.140.83", "199.92.111.2", 4739, 14230, 0xd718262a, 0xc626b0ea },
	{ "12.22.207.184", "24.19.198.95", 38024, 12898, 0xd2d0a5de, 0x5c2b394a },
	{ "209.142.163.6", "38.27.205.30", 2217, 48228, 0x82989176, 0xafc7327f },
	{ "202.188.127.2", "153.39.163.191", 1303, 44251, 0x5d1809c5, 0x10e828a2 },
};

static const struct vec v6[] = {
	{ "3ffe:2501:200:3::1", "3ffe:2501:200:1fff::7", 1766, 2794, 0x2cc18cd5, 0x40207d3d },
	{ "ff02::1", "3ffe:501:8::260:97ff:fe40:efab", 4739, 14230, 0x0f0c461c, 0xdde51bbf },
	{ "fe80::200:f8ff:fe21:67cf", "3ffe:1900:4545:3:200:f8ff:fe21:67cf", 38024, 44251,
	  0x4b61e985, 0x02d1feef },
};

#define ALL_TYPES (NDIS_HASH_IPV4 | NDIS_HASH_TCP_IPV4 | NDIS_HASH_IPV6 | NDIS_HASH_TCP_IPV6)

/* An Ethernet frame carrying an IP packet (proto, ports) from src to dst. */
static u32 build_frame(u8 *f, int af, const char *src, const char *dst, u8 proto,
		       u16 sport, u16 dport, bool vlan)
{
	u32 off = 12, ip;
	u16 sp = htons(sport), dp = htons(dport);

	memset(f, 0, 128);
	if (vlan) {
		f[off++] = 0x81;
		f[off++] = 0x00;
		f[off++] = 0x00;
		f[off++] = 0x05;
	}
	f[off++] = af == AF_INET ? 0x08 : 0x86;
	f[off++] = af == AF_INET ? 0x00 : 0xdd;
	ip = off;
	if (af == AF_INET) {
		f[ip] = 0x45;
		f[ip + 9] = proto;
		inet_pton(AF_INET, src, f + ip + 12);
		inet_pton(AF_INET, dst, f + ip + 16);
		off = ip + 20;
	} else {
		f[ip] = 0x60;
		f[ip + 6] = proto;
		inet_pton(AF_INET6, src, f + ip + 8);
		inet_pton(AF_INET6, dst, f + ip + 24);
		off = ip + 40;
	}
	memcpy(f + off, &sp, 2);
	memcpy(f + off + 2, &dp, 2);
	return off + 20;	/* a TCP header's worth */
}

static void check_vectors(int af, const struct vec *v, unsigned int n)
{
	u8 f[128], in[TOEPLITZ_INPUT_MAX];
	unsigned int i;
	u32 len, ilen, type;

	for (i = 0; i < n; i++) {
		len = build_frame(f, af, v[i].src, v[i].dst, 6, v[i].sport, v[i].dport, false);
		type = toeplitz_frame_input(f, len, ALL_TYPES, in, &ilen);
		tap_check(type == (af == AF_INET ? NDIS_HASH_TCP_IPV4 : NDIS_HASH_TCP_IPV6),
			  "%s vector %u: TCP 4-tuple type", af == AF_INET ? "IPv4" : "IPv6", i);
		tap_check(toeplitz_hash(ms_key, 40, in, ilen) == v[i].tcp_hash,
			  "%s vector %u with ports: %#x", af == AF_INET ? "IPv4" : "IPv6", i,
			  v[i].tcp_hash);
		type = toeplitz_frame_input(f, len, NDIS_HASH_IPV4 | NDIS_HASH_IPV6, in, &ilen);
		tap_check(type == (af == AF_INET ? NDIS_HASH_IPV4 : NDIS_HASH_IPV6) &&
			  ilen == (af == AF_INET ? 8u : 32u),
			  "%s vector %u: addresses only", af == AF_INET ? "IPv4" : "IPv6", i);
		tap_check(toeplitz_hash(ms_key, 40, in, ilen) == v[i].ip_hash,
			  "%s vector %u without ports: %#x", af == AF_INET ? "IPv4" : "IPv6", i,
			  v[i].ip_hash);
	}
}

static void check_parser(void)
{
	u8 f[128], in[TOEPLITZ_INPUT_MAX], in2[TOEPLITZ_INPUT_MAX];
	u32 len, ilen, ilen2, type;

	/* UDP: only the addresses (the TCP types do not cover it). */
	len = build_frame(f, AF_INET, "10.11.0.1", "10.11.0.2", 17, 5000, 5001, false);
	type = toeplitz_frame_input(f, len, ALL_TYPES, in, &ilen);
	tap_check(type == NDIS_HASH_IPV4 && ilen == 8, "UDP over IPv4: addresses only");
	/* ... and nothing if the IPv4 type is off. */
	type = toeplitz_frame_input(f, len, NDIS_HASH_TCP_IPV4, in, &ilen);
	tap_check(type == 0 && ilen == 0, "UDP with only TCP_IPV4 enabled: not hashed");

	/* One 802.1Q tag is skipped: same input as untagged. */
	len = build_frame(f, AF_INET, "66.9.149.187", "161.142.100.80", 6, 2794, 1766, false);
	toeplitz_frame_input(f, len, ALL_TYPES, in, &ilen);
	len = build_frame(f, AF_INET, "66.9.149.187", "161.142.100.80", 6, 2794, 1766, true);
	type = toeplitz_frame_input(f, len, ALL_TYPES, in2, &ilen2);
	tap_check(type == NDIS_HASH_TCP_IPV4 && ilen2 == ilen && !memcmp(in, in2, ilen),
		  "802.1Q tagged frame hashes like the untagged one");
	tap_check(toeplitz_hash(ms_key, 40, in2, ilen2) == 0x51ccc178, "tagged vector 0");

	/* A fragment: no ports, even for TCP. */
	len = build_frame(f, AF_INET, "66.9.149.187", "161.142.100.80", 6, 2794, 1766, false);
	f[14 + 6] = 0x20;	/* MF */
	type = toeplitz_frame_input(f, len, ALL_TYPES, in, &ilen);
	tap_check(type == NDIS_HASH_IPV4 && toeplitz_hash(ms_key, 40, in, ilen) == 0x323e8fc2,
		  "IPv4 fragment: hashed over the addresses");

	/* Truncated frames: never read past len. */
	len = build_frame(f, AF_INET6, "3ffe:2501:200:1fff::7", "3ffe:2501:200:3::1", 6, 2794,
			  1766, false);
	type = toeplitz_frame_input(f, 14 + 39, ALL_TYPES, in, &ilen);
	tap_check(type == 0, "IPv6 header cut short: not hashed");
	type = toeplitz_frame_input(f, 14 + 42, ALL_TYPES, in, &ilen);
	tap_check(type == NDIS_HASH_IPV6 && ilen == 32, "IPv6 with 2 bytes of TCP: addresses only");
	type = toeplitz_frame_input(f, 13, ALL_TYPES, in, &ilen);
	tap_check(type == 0, "13-byte frame: not hashed");
	f[12] = 0x08;
	f[13] = 0x06;	/* ARP */
	type = toeplitz_frame_input(f, len, ALL_TYPES, in, &ilen);
	tap_check(type == 0, "ARP: not hashed");
	/* A key too short for the input. */
	tap_check(toeplitz_hash(ms_key, 12, in, 12) == 0, "key shorter than input + 4: 0");
}

int main(void)
{
	check_vectors(AF_INET, v4, sizeof(v4) / sizeof(v4[0]));
	check_vectors(AF_INET6, v6, sizeof(v6) / sizeof(v6[0]));
	check_parser();
	return tap_done();
}
