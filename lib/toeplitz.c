// SPDX-License-Identifier: GPL-2.0-only
/*
 * toeplitz.c: the Toeplitz hash of NDIS receive-side scaling and the input bytes of a
 * frame (see toeplitz.h).  The fake host uses both to choose the channel a received
 * frame goes to, through the indirection table the guest set, and to fill the hash
 * value per-packet info.
 */
#include "toeplitz.h"
#include "../include/hvis/netvsc_proto.h"

/*
 * For each set bit of the input (most significant first), XOR in the 32 key bits that
 * start at that bit's position.  A sliding 64-bit window of the key keeps the next 32
 * bits at hand.
 */
u32 toeplitz_hash(const u8 *key, u32 key_len, const u8 *data, u32 len)
{
	u64 window = 0;
	u32 hash = 0, i, k, next = 0;
	int b;

	if (key_len < 4 || len > key_len - 4)
		return 0;
	for (; next < 8; next++)
		window = window << 8 | (next < key_len ? key[next] : 0);
	for (i = 0; i < len; i++) {
		for (b = 7; b >= 0; b--) {
			if (data[i] & (1u << b))
				hash ^= (u32)(window >> 32);
			window <<= 1;
		}
		/* 8 bits used: bring in the next key byte (zeros past the key). */
		k = next < key_len ? key[next] : 0;
		window |= (u64)k;
		next++;
	}
	return hash;
}

#define ETH_HDR		14u
#define VLAN_HDR	4u
#define ETHERTYPE_IPV4	0x0800
#define ETHERTYPE_IPV6	0x86dd
#define ETHERTYPE_VLAN	0x8100
#define IPPROTO_TCP_NR	6

static u16 be16_at(const u8 *p)
{
	return (u16)(p[0] << 8 | p[1]);
}

static u32 put(u8 *out, u32 at, const u8 *src, u32 n)
{
	u32 i;

	for (i = 0; i < n; i++)
		out[at + i] = src[i];
	return at + n;
}

static u32 ipv4_input(const u8 *ip, u32 len, u32 types, u8 *out, u32 *out_len)
{
	u32 ihl, frag;

	if (len < 20 || (ip[0] >> 4) != 4)
		return 0;
	ihl = (ip[0] & 0xf) * 4u;
	if (ihl < 20 || ihl > len)
		return 0;
	frag = be16_at(ip + 6) & 0x3fff;	/* MF and the fragment offset */
	put(out, 0, ip + 12, 8);		/* source, then destination */
	if ((types & NDIS_HASH_TCP_IPV4) && ip[9] == IPPROTO_TCP_NR && !frag &&
	    len - ihl >= 4) {
		put(out, 8, ip + ihl, 4);	/* source port, then destination port */
		*out_len = 12;
		return NDIS_HASH_TCP_IPV4;
	}
	if (!(types & NDIS_HASH_IPV4))
		return 0;
	*out_len = 8;
	return NDIS_HASH_IPV4;
}

static u32 ipv6_input(const u8 *ip, u32 len, u32 types, u8 *out, u32 *out_len)
{
	if (len < 40 || (ip[0] >> 4) != 6)
		return 0;
	put(out, 0, ip + 8, 32);		/* source, then destination */
	/* The next header must be TCP itself: no extension headers (_EX not offered). */
	if ((types & NDIS_HASH_TCP_IPV6) && ip[6] == IPPROTO_TCP_NR && len - 40 >= 4) {
		put(out, 32, ip + 40, 4);
		*out_len = 36;
		return NDIS_HASH_TCP_IPV6;
	}
	if (!(types & NDIS_HASH_IPV6))
		return 0;
	*out_len = 32;
	return NDIS_HASH_IPV6;
}

u32 toeplitz_frame_input(const u8 *frame, u32 len, u32 hash_types, u8 *out, u32 *out_len)
{
	u32 off = ETH_HDR;
	u16 type;

	*out_len = 0;
	if (len < ETH_HDR)
		return 0;
	type = be16_at(frame + 12);
	if (type == ETHERTYPE_VLAN) {
		if (len < ETH_HDR + VLAN_HDR)
			return 0;
		type = be16_at(frame + 16);
		off += VLAN_HDR;
	}
	if (type == ETHERTYPE_IPV4)
		return ipv4_input(frame + off, len - off, hash_types, out, out_len);
	if (type == ETHERTYPE_IPV6)
		return ipv6_input(frame + off, len - off, hash_types, out, out_len);
	return 0;
}
