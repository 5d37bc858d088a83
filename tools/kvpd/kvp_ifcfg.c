// SPDX-License-Identifier: GPL-2.0-only
/*
 * kvp_ifcfg.c: the ifcfg-<if> file of a SET_IP_INFO, split by address family (see
 * kvp_ifcfg.h).
 */
#include <string.h>
#include "kvp_ifcfg.h"

/* A list as big as the largest field, plus room for the separators. */
#define LIST_CAP	(sizeof(((struct hv_kvp_ipaddr_value *)0)->ip_addr) + 2)

struct family_lists {
	char addr[LIST_CAP];
	char mask[LIST_CAP];
	char gw[LIST_CAP];
};

/* Appends @len bytes of @s to the ';'-list @dst; -1 if it does not fit. */
static int add(char *dst, const char *s, size_t len)
{
	size_t used = strlen(dst), sep = used ? 1 : 0;

	if (used + sep + len + 1 > LIST_CAP)
		return -1;
	if (sep)
		dst[used++] = ';';
	memcpy(dst + used, s, len);
	dst[used + len] = '\0';
	return 0;
}

/* The @n-th element (from 0) of the ';'-list @s: its start and length; false if none. */
static bool element(const char *s, unsigned int n, const char **start, size_t *len)
{
	for (; n; n--) {
		s = strchr(s, ';');
		if (!s)
			return false;
		s++;
	}
	if (!*s)
		return false;
	*start = s;
	*len = strcspn(s, ";");
	return true;
}

/* An element is IPv6 if it has a ':' (the lists hold only checked addresses). */
static bool is_v6(const char *s, size_t len)
{
	return memchr(s, ':', len) != NULL;
}

/*
 * Splits the addresses (with their masks) and the gateways of @v into @v4 and @v6.
 * A mask stays with its address; an address without one (the host's list of masks
 * may be shorter) gets none, and the hook's default applies.
 */
static int split(const struct hv_kvp_ipaddr_value *v, struct family_lists *v4,
		 struct family_lists *v6)
{
	const char *ips = (const char *)v->ip_addr, *masks = (const char *)v->sub_net;
	const char *gws = (const char *)v->gate_way, *a, *m;
	size_t alen, mlen;
	unsigned int i;

	for (i = 0; element(ips, i, &a, &alen); i++) {
		struct family_lists *fl = is_v6(a, alen) ? v6 : v4;

		if (add(fl->addr, a, alen))
			return -1;
		if (element(masks, i, &m, &mlen) && add(fl->mask, m, mlen))
			return -1;
	}
	for (i = 0; element(gws, i, &a, &alen); i++)
		if (add(is_v6(a, alen) ? v6->gw : v4->gw, a, alen))
			return -1;
	return 0;
}

int kvp_ifcfg_write(FILE *f, const char *ifname, const struct hv_kvp_ipaddr_value *v)
{
	static struct family_lists v4, v6;

	memset(&v4, 0, sizeof(v4));
	memset(&v6, 0, sizeof(v6));
	if (split(v, &v4, &v6))
		return -1;
	if (fprintf(f, "DEVICE=%s\nBOOTPROTO=%s\n", ifname, v->dhcp_enabled ? "dhcp" : "none") < 0 ||
	    fprintf(f, "IPADDR=%s\nNETMASK=%s\nGATEWAY=%s\n", v4.addr, v4.mask, v4.gw) < 0 ||
	    fprintf(f, "IPV6ADDR=%s\nIPV6NETMASK=%s\nIPV6_DEFAULTGW=%s\n", v6.addr, v6.mask,
		    v6.gw) < 0 ||
	    fprintf(f, "DNS=%s\n", (const char *)v->dns_addr) < 0)
		return -1;
	return 0;
}
