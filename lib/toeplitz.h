/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * toeplitz.h: the Toeplitz hash of NDIS receive-side scaling, and the input it is
 * computed over for an Ethernet frame (the IPv4/IPv6 addresses, and the TCP ports
 * when the hash type asks for them).  Pure: built into the fake host and the unit
 * tests (tests/unit/test_toeplitz.c checks Microsoft's published vectors).
 *
 * Facts: the algorithm and input order are Microsoft's "RSS hashing functions" and
 * "Verifying the RSS hash calculation" (learn.microsoft.com, windows-hardware
 * drivers/network); the hash type bits are include/hvis/netvsc_proto.h's NDIS_HASH_*
 * (drivers/net/hyperv/hyperv_net.h).
 */
#ifndef _HVIS_TOEPLITZ_H
#define _HVIS_TOEPLITZ_H

#include "../include/hvis/types.h"

/* The longest input: two IPv6 addresses and two ports. */
#define TOEPLITZ_INPUT_MAX	36u

/*
 * The Toeplitz hash of @len bytes of @data under @key (@key_len bytes; the key must
 * be at least len + 4 bytes long, which the 40-byte RSS key is for every input here).
 * Returns 0 when the key is too short.
 */
u32 toeplitz_hash(const u8 *key, u32 key_len, const u8 *data, u32 len);

/*
 * What an Ethernet @frame of @len bytes is hashed over under @hash_types (NDIS_HASH_*
 * bits): for IPv4, source and destination address, then source and destination TCP
 * port if NDIS_HASH_TCP_IPV4 is set and the packet is an unfragmented TCP segment
 * (else the two addresses alone if NDIS_HASH_IPV4 is set); the same for IPv6 with
 * NDIS_HASH_IPV6 / NDIS_HASH_TCP_IPV6 (no extension headers: the _EX types are not
 * offered).  One 802.1Q tag is skipped.  Writes the bytes to @out
 * (TOEPLITZ_INPUT_MAX) and returns the hash type used (NDIS_HASH_IPV4, _TCP_IPV4,
 * _IPV6 or _TCP_IPV6), their count in *out_len; 0 if the frame is not hashed (not
 * IP, truncated, or its type not enabled).  Never reads past @len.
 */
u32 toeplitz_frame_input(const u8 *frame, u32 len, u32 hash_types, u8 *out, u32 *out_len);

#endif /* _HVIS_TOEPLITZ_H */
