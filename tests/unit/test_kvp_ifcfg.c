// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_kvp_ifcfg.c: unit tests of tools/kvpd/kvp_ifcfg.c, the ifcfg-<if> file of a
 * SET_IP_INFO: the host's mixed lists checked by hvis_kvp_ip_check() and split by
 * family into IPADDR/NETMASK/GATEWAY and IPV6ADDR/IPV6NETMASK/IPV6_DEFAULTGW, each mask
 * kept with its address, DNS of both families in one list.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tap.h"
#include "kvp_ip.h"
#include "../../tools/kvpd/kvp_ifcfg.h"

static struct hv_kvp_ipaddr_value v;
static char out[16384];

/* The file kvp_ifcfg_write() makes of these lists (after the daemon's check). */
static const char *ifcfg(bool dhcp, const char *ip, const char *mask, const char *gw,
			 const char *dns)
{
	FILE *f;
	const char *why;
	int rc;

	memset(&v, 0, sizeof(v));
	strcpy((char *)v.adapter_id, "{7d0c2a9e-1111-2222-3333-444455556666}");
	v.dhcp_enabled = dhcp;
	snprintf((char *)v.ip_addr, sizeof(v.ip_addr), "%s", ip);
	snprintf((char *)v.sub_net, sizeof(v.sub_net), "%s", mask);
	snprintf((char *)v.gate_way, sizeof(v.gate_way), "%s", gw);
	snprintf((char *)v.dns_addr, sizeof(v.dns_addr), "%s", dns);
	why = hvis_kvp_ip_check(&v);
	if (why) {
		snprintf(out, sizeof(out), "refused: %s", why);
		return out;
	}
	memset(out, 0, sizeof(out));
	f = fmemopen(out, sizeof(out) - 1, "w");
	if (!f)
		return "fmemopen failed";
	rc = kvp_ifcfg_write(f, "eth0", &v);
	fclose(f);
	return rc ? "write failed" : out;
}

static int same(const char *have, const char *want)
{
	if (!strcmp(have, want))
		return 1;
	printf("# have:\n%s# want:\n%s", have, want);
	return 0;
}

int main(void)
{
	const char *s;
	char big[2100];
	int i;

	s = ifcfg(false, "192.0.2.77", "255.255.255.0", "192.0.2.1", "192.0.2.53");
	tap_check(same(s, "DEVICE=eth0\nBOOTPROTO=none\nIPADDR=192.0.2.77\nNETMASK=255.255.255.0\n"
		       "GATEWAY=192.0.2.1\nIPV6ADDR=\nIPV6NETMASK=\nIPV6_DEFAULTGW=\n"
		       "DNS=192.0.2.53\n"), "one IPv4 address: the old keys, empty IPv6 keys");

	s = ifcfg(false, "192.0.2.77;2001:db8::77;192.0.2.78;2001:db8:1::5",
		  "255.255.255.0;64;16;56", "192.0.2.1;2001:db8::1", "192.0.2.53;2001:db8::53");
	tap_check(same(s, "DEVICE=eth0\nBOOTPROTO=none\nIPADDR=192.0.2.77;192.0.2.78\n"
		       "NETMASK=255.255.255.0;16\nGATEWAY=192.0.2.1\n"
		       "IPV6ADDR=2001:db8::77;2001:db8:1::5\nIPV6NETMASK=64;56\n"
		       "IPV6_DEFAULTGW=2001:db8::1\nDNS=192.0.2.53;2001:db8::53\n"),
		  "mixed lists split by family, each mask with its address, DNS of both families");

	s = ifcfg(false, "2001:db8::9", "64", "fe80::1", "2001:db8::53");
	tap_check(same(s, "DEVICE=eth0\nBOOTPROTO=none\nIPADDR=\nNETMASK=\nGATEWAY=\n"
		       "IPV6ADDR=2001:db8::9\nIPV6NETMASK=64\nIPV6_DEFAULTGW=fe80::1\n"
		       "DNS=2001:db8::53\n"), "IPv6 only: a link-local gateway");

	s = ifcfg(false, "192.0.2.5;2001:db8::5;192.0.2.6", "24", "", "");
	tap_check(same(s, "DEVICE=eth0\nBOOTPROTO=none\nIPADDR=192.0.2.5;192.0.2.6\nNETMASK=24\n"
		       "GATEWAY=\nIPV6ADDR=2001:db8::5\nIPV6NETMASK=\nIPV6_DEFAULTGW=\nDNS=\n"),
		  "a short mask list: the masks stay with the first addresses, the rest get none");

	s = ifcfg(true, "", "", "", "");
	tap_check(strstr(s, "BOOTPROTO=dhcp\nIPADDR=\n") != NULL, "dhcp_enabled: BOOTPROTO=dhcp");

	s = ifcfg(false, " 192.0.2.5; 2001:db8::5;", "24; 64;", "192.0.2.1;", "192.0.2.53;");
	tap_check(strstr(s, "IPADDR=192.0.2.5\nNETMASK=24\n") && strstr(s, "IPV6ADDR=2001:db8::5\nIPV6NETMASK=64\n"),
		  "spaces before elements and trailing ';' gone (as the daemon's check rewrites them)");

	s = ifcfg(false, "192.0.2.5\nDEVICE=lo", "24", "", "");
	tap_check(!strncmp(s, "refused:", 8), "a newline in a list never reaches the writer (%s)", s);

	/* 64 IPv6 addresses of 39 characters fill most of the field: still written whole. */
	big[0] = '\0';
	for (i = 0; i < 50; i++)
		snprintf(big + strlen(big), sizeof(big) - strlen(big), "%s2001:db8:aaaa:bbbb:cccc:dddd:eeee:%04x",
			 i ? ";" : "", i);
	s = ifcfg(false, big, "", "", "");
	tap_check(strstr(s, "IPV6ADDR=2001:db8:aaaa:bbbb:cccc:dddd:eeee:0000;") &&
		  strstr(s, ";2001:db8:aaaa:bbbb:cccc:dddd:eeee:0031\nIPV6NETMASK=\n"),
		  "a full field of addresses (%zu bytes) is written whole", strlen(big));
	return tap_done();
}
