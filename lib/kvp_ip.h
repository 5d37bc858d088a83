/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kvp_ip.h: checks of the host's static IP settings (KVP SET_IP_INFO) before anything
 * acts on them.  tools/hv/hv_kvp_daemon.c accepts a list element only if inet_pton()
 * takes it as an IPv4 or IPv6 address (a netmask may also be a prefix length); these
 * parsers accept exactly what glibc's inet_pton() accepts, without libc, so the same
 * check runs in hvis_kvp.ko (for any daemon) and in hvis-kvpd (for any kernel).
 * Used by lib/kvp_msg.c, tools/kvpd, the unit tests and the fuzzers.
 */
#ifndef _HVIS_KVP_IP_H
#define _HVIS_KVP_IP_H

#include "../include/hvis/kvp_abi.h"

/* Most elements of one ';'-separated list (hv_kvp_daemon.c MAX_IP_ENTRIES). */
#define HVIS_KVP_IP_MAX_ENTRIES	64

/* @s (@len bytes, no NUL needed) as inet_pton(AF_INET) reads it; true and @out if so. */
bool hvis_ip4_parse(const char *s, u32 len, u8 out[4]);

/* @s (@len bytes) as inet_pton(AF_INET6) reads it; true and @out if so. */
bool hvis_ip6_parse(const char *s, u32 len, u8 out[16]);

/*
 * The adapter_id of an IP request in the daemon's (UTF-8) form: a MAC or "{GUID}",
 * so printable ASCII without spaces, NUL-terminated in its field.  Returns NULL if
 * good, else why not.
 */
const char *hvis_kvp_adapter_check(const struct hv_kvp_ipaddr_value *v);

/*
 * Checks the address lists of a SET_IP_INFO in the daemon's (UTF-8) form and
 * rewrites them in place as plain ';'-joined lists (leading spaces of an element
 * dropped, as hv_kvp_daemon.c parse_ip_val_buffer does; a trailing ';' dropped).
 * ip_addr, gate_way and dns_addr: IPv4 or IPv6 addresses; sub_net: dotted IPv4
 * masks (contiguous) or prefix lengths, at most one per address, the n-th going with
 * the n-th address.  No control characters, no empty element inside a list, at most
 * HVIS_KVP_IP_MAX_ENTRIES each.  Returns NULL if good, else why not (naming the
 * field); @v may then be partly rewritten.
 */
const char *hvis_kvp_ip_check(struct hv_kvp_ipaddr_value *v);

#endif /* _HVIS_KVP_IP_H */
