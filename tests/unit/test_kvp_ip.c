// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_kvp_ip.c: unit tests of lib/kvp_ip.c: the IPv4/IPv6 parsers agree with glibc's
 * inet_pton() on chosen and on random strings, and the SET_IP_INFO check refuses
 * control characters (the ifcfg newline injection), non-addresses, bad masks and
 * empty elements, naming the field, while it accepts and tidies the host's lists.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include "tap.h"
#include "kvp_ip.h"

/* Our parser and inet_pton agree on @s: same verdict, same bytes. */
static bool agrees(int fam, const char *s)
{
	u8 ours[16], theirs[16];
	bool a, b;

	memset(ours, 0xaa, sizeof(ours));
	memset(theirs, 0xaa, sizeof(theirs));
	a = fam == AF_INET ? hvis_ip4_parse(s, (u32)strlen(s), ours) :
			     hvis_ip6_parse(s, (u32)strlen(s), ours);
	b = inet_pton(fam, s, theirs) == 1;
	return a == b && (!a || !memcmp(ours, theirs, fam == AF_INET ? 4 : 16));
}

static struct hv_kvp_ipaddr_value v;

/* Fills @v (daemon form: UTF-8 in the fields) and runs the check. */
static const char *check(const char *ip, const char *mask, const char *gw, const char *dns)
{
	memset(&v, 0, sizeof(v));
	strcpy((char *)v.adapter_id, "{00000004-6876-6973-8004-000000000004}");
	strcpy((char *)v.ip_addr, ip);
	strcpy((char *)v.sub_net, mask);
	strcpy((char *)v.gate_way, gw);
	strcpy((char *)v.dns_addr, dns);
	return hvis_kvp_ip_check(&v);
}

#define refused(call, reason, what) \
	do { \
		const char *w_ = (call); \
		tap_check(w_ && strstr(w_, reason), "%s: refused (%s)", what, w_ ? w_ : "accepted"); \
	} while (0)

int main(void)
{
	static const char *const v4[] = {
		"0.0.0.0", "192.0.2.1", "255.255.255.255", "256.1.1.1", "1.2.3", "1.2.3.4.",
		".1.2.3", "01.2.3.4", "1.2.3.04", "1..2.3", "1.2.3.4.5", "1.2.3.4 ", " 1.2.3.4",
		"1.2.3.4\n", "", "1.2.3.-4", "1.2.3.0x4", "1.2.3.000", "10.0.0.1a",
	};
	static const char *const v6[] = {
		"::", "::1", "1::", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8",
		"1::2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8::", ":::", "1:::2", ":1::", "1:", ":",
		"12345::", "fe80::1%eth0", "::ffff:192.0.2.1", "::192.0.2.1", "1:2:3:4:5:6:1.2.3.4",
		"1:2:3:4:5:6:7:1.2.3.4", "1.2.3.4::", "::1.2.3", "::01.2.3.4", "abcd:EF01::",
		"2001:db8::1::2", "1:2:3:4:5:6:7", "0000:0000::0000", "::0:0:0:0:0:0:0",
		"::0:0:0:0:0:0", "1::2\n", "::1234.1.1.1", "::a.1.2.3", "", "g::",
	};
	const char *alpha = "0123456789abcdefABCDEF:.:..:";
	unsigned int i, j, bad4 = 0, bad6 = 0, ok6 = 0;
	char s[48];

	for (i = 0; i < ARRAY_SIZE(v4); i++)
		tap_check(agrees(AF_INET, v4[i]), "IPv4 '%s' as inet_pton", v4[i]);
	for (i = 0; i < ARRAY_SIZE(v6); i++)
		tap_check(agrees(AF_INET6, v6[i]), "IPv6 '%s' as inet_pton", v6[i]);
	/* Random strings over the address alphabet: the same verdict every time. */
	srandom(1);
	for (i = 0; i < 300000; i++) {
		unsigned int n = (unsigned int)random() % 40;

		for (j = 0; j < n; j++)
			s[j] = alpha[random() % strlen(alpha)];
		s[n] = '\0';
		bad4 += !agrees(AF_INET, s);
		bad6 += !agrees(AF_INET6, s);
		ok6 += inet_pton(AF_INET6, s, v.ip_addr) == 1;
	}
	tap_check(!bad4 && !bad6, "300000 random strings: IPv4 %u and IPv6 %u disagreements with inet_pton (%u valid IPv6)",
		  bad4, bad6, ok6);
	tap_check(ok6 > 100, "the random strings include %u valid IPv6 addresses", ok6);

	/* Good settings pass and come out tidy. */
	tap_check(!check("192.0.2.77", "255.255.255.0", "192.0.2.1", "192.0.2.54"),
		  "one IPv4 address, mask, gateway, DNS server");
	tap_check(!check("192.0.2.20; 2001:db8::5;", "24; 64", "192.0.2.1;fe80::1", " 192.0.2.53;192.0.2.54;"),
		  "lists with spaces and trailing ';' are accepted");
	tap_check(!strcmp((char *)v.ip_addr, "192.0.2.20;2001:db8::5") &&
		  !strcmp((char *)v.sub_net, "24;64") &&
		  !strcmp((char *)v.dns_addr, "192.0.2.53;192.0.2.54"),
		  "... and rewritten as plain ';' lists: '%s' '%s' '%s'", (char *)v.ip_addr,
		  (char *)v.sub_net, (char *)v.dns_addr);
	tap_check(!check("", "", "", ""), "empty lists (nothing to set) are accepted");
	tap_check(!check("192.0.2.1;192.0.2.2", "255.255.0.0", "", ""),
		  "fewer masks than addresses are accepted (the hook defaults the rest)");

	/* The injection: a newline makes a second DEVICE= line in the ifcfg file. */
	refused(check("192.0.2.99\nDEVICE=lo", "255.255.255.0", "192.0.2.1", "192.0.2.53"),
		"ip_addr holds a control character", "newline + DEVICE= in ip_addr");
	refused(check("192.0.2.99", "24\nDEVICE=lo", "", ""), "sub_net holds a control character",
		"newline in sub_net");
	refused(check("192.0.2.99", "24", "192.0.2.1\rX", ""), "gate_way holds a control character",
		"carriage return in gate_way");
	refused(check("192.0.2.99", "24", "", "192.0.2.53\tX"), "dns_addr holds a control character",
		"tab in dns_addr");
	refused(check("192.0.2.99;$(reboot)", "24", "", ""), "ip_addr: an element is not",
		"shell text in ip_addr");
	refused(check("192.0.2.99", "24", "gw.example", ""), "gate_way: an element is not",
		"a host name as gateway");
	refused(check("192.0.2.99", "24", "", "192.0.2.53 DEVICE=lo"), "dns_addr: an element is not",
		"a space and more in dns_addr");
	refused(check("192.0.2.1;;192.0.2.2", "", "", ""), "ip_addr: empty element",
		"an empty element inside ip_addr");
	refused(check("192.0.2.1", "255.0.255.0", "", ""), "sub_net: an element is not",
		"a non-contiguous mask");
	refused(check("192.0.2.1", "129", "", ""), "sub_net: an element is not", "prefix 129");
	refused(check("192.0.2.1", "024", "", ""), "sub_net: an element is not",
		"a prefix with a leading zero");
	refused(check("192.0.2.1", "33", "", ""), "prefix longer than 32",
		"prefix 33 for an IPv4 address");
	refused(check("2001:db8::1", "255.255.255.0", "", ""), "dotted mask for an IPv6",
		"a dotted mask for an IPv6 address");
	refused(check("192.0.2.1", "24;24", "", ""), "more masks than",
		"two masks for one address");
	memset(s, 0, sizeof(s));
	check("192.0.2.1", "24", "", "");
	strcpy((char *)v.adapter_id, "{guid}\nX");
	refused(hvis_kvp_ip_check(&v), "adapter_id holds", "a newline in adapter_id");
	check("192.0.2.1", "24", "", "");
	memset(v.dns_addr, 'A', sizeof(v.dns_addr));
	refused(hvis_kvp_ip_check(&v), "dns_addr is not NUL-terminated", "an unterminated dns_addr");
	{
		char many[1100] = "";

		for (i = 0; i < 65; i++)
			strcat(many, i ? ";1.2.3.4" : "1.2.3.4");
		refused(check("192.0.2.1", "24", "", many), "more than 64", "65 DNS servers");
	}
	return tap_done();
}
