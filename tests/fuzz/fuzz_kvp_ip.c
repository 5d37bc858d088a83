// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuzz_kvp_ip.c: libFuzzer target for the address syntax of KVP SET_IP_INFO
 * (lib/kvp_ip.c).  The parsers must agree with glibc's inet_pton() on any string,
 * byte for byte; and a list that hvis_kvp_ip_check() accepts holds only address
 * characters afterwards.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include "kvp_ip.h"
#include "fuzz_types.h"

FUZZ_TYPES("IPv4 address", "IPv6 address", "address list accepted")

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size)
{
	static struct hv_kvp_ipaddr_value v;
	u8 ours[16], theirs[16];
	char s[128];
	bool a, b;
	size_t i;

	if (size >= sizeof(s) || memchr(in, 0, size))
		return 0;
	memcpy(s, in, size);
	s[size] = '\0';
	a = hvis_ip4_parse(s, (u32)size, ours);
	b = inet_pton(AF_INET, s, theirs) == 1;
	if (a != b || (a && memcmp(ours, theirs, 4)))
		abort();
	if (a)
		fuzz_hit(0);
	a = hvis_ip6_parse(s, (u32)size, ours);
	b = inet_pton(AF_INET6, s, theirs) == 1;
	if (a != b || (a && memcmp(ours, theirs, 16)))
		abort();
	if (a)
		fuzz_hit(1);
	/* The same bytes as an address list (and its DNS list) of a SET_IP_INFO. */
	memset(&v, 0, sizeof(v));
	strcpy((char *)v.adapter_id, "{0}");
	memcpy(v.ip_addr, s, size);
	memcpy(v.dns_addr, s, size);
	if (!hvis_kvp_ip_check(&v)) {
		for (i = 0; i < sizeof(v.ip_addr) && ((char *)v.ip_addr)[i]; i++)
			if (!strchr("0123456789abcdefABCDEF.:;", ((char *)v.ip_addr)[i]))
				abort();
		fuzz_hit(2);
	}
	return 0;
}
