// SPDX-License-Identifier: GPL-2.0-only
/*
 * kvp_ip.c: address syntax and the SET_IP_INFO list check (see kvp_ip.h).
 *
 * Why: the daemon writes these lists into a KEY=VALUE file that a hook applies, so a
 * newline in a host string would add lines (a second DEVICE=, say) to that file.
 * Every element must be an address (or a mask), which leaves no room for one.
 */
#include "kvp_ip.h"
#include "hex.h"

bool hvis_ip4_parse(const char *s, u32 len, u8 out[4])
{
	u32 i, parts = 0, digits = 0, val = 0;
	u8 b[4];

	for (i = 0; i < len; i++) {
		char c = s[i];

		if (c >= '0' && c <= '9') {
			if (digits && !val)
				return false;	/* no leading zeros, as inet_pton */
			val = val * 10 + (u32)(c - '0');
			if (val > 255)
				return false;
			if (!digits++ && ++parts > 4)
				return false;
		} else if (c == '.' && digits && parts < 4) {
			b[parts - 1] = (u8)val;
			val = 0;
			digits = 0;
		} else {
			return false;
		}
	}
	if (parts != 4 || !digits)
		return false;
	b[3] = (u8)val;
	memcpy(out, b, sizeof(b));
	return true;
}

bool hvis_ip6_parse(const char *s, u32 len, u8 out[16])
{
	u8 grp[16];	/* the groups written out, 2 bytes each */
	u32 i = 0, j, n = 0, k, val;
	int gap = -1;	/* where "::" stands, in groups */

	if (!len)
		return false;
	if (s[0] == ':') {
		if (len < 2 || s[1] != ':')
			return false;
		gap = 0;
		i = 2;
	}
	while (i < len) {
		for (j = i; j < len && hvis_hexval(s[j]) >= 0; j++)
			;
		if (j < len && s[j] == '.') {
			/* An IPv4 tail ends the address and fills two groups. */
			if (n > 6 || !hvis_ip4_parse(s + i, len - i, grp + 2 * n))
				return false;
			n += 2;
			i = len;
			break;
		}
		if (j == i || j - i > 4 || n == 8)
			return false;
		for (val = 0, k = i; k < j; k++)
			val = val << 4 | (u32)hvis_hexval(s[k]);
		grp[2 * n] = (u8)(val >> 8);
		grp[2 * n + 1] = (u8)val;
		n++;
		i = j;
		if (i == len)
			break;
		if (s[i++] != ':' || i == len)
			return false;	/* a stray character or a trailing single ':' */
		if (s[i] == ':') {
			if (gap >= 0)
				return false;
			gap = (int)n;
			i++;
		}
	}
	if (gap < 0 ? n != 8 : n > 7)
		return false;	/* "::" stands for at least one group */
	if (gap < 0) {
		memcpy(out, grp, 16);
	} else {
		memset(out, 0, 16);
		memcpy(out, grp, 2 * (u32)gap);
		memcpy(out + 16 - 2 * (n - (u32)gap), grp + 2 * gap, 2 * (n - (u32)gap));
	}
	return true;
}

/* A netmask element: a contiguous dotted IPv4 mask or a prefix length 0..128. */
static bool mask_parse(const char *s, u32 len, u32 *prefix, bool *dotted)
{
	u8 b[4];
	u32 i, m, v = 0;

	*dotted = hvis_ip4_parse(s, len, b);
	if (*dotted) {
		m = (u32)b[0] << 24 | (u32)b[1] << 16 | (u32)b[2] << 8 | b[3];
		for (*prefix = 0; *prefix < 32 && (m & (1u << (31 - *prefix))); (*prefix)++)
			;
		/* contiguous: nothing set after the first 0 bit */
		return *prefix == 32 || !(m << *prefix);
	}
	if (!len || len > 3 || (len > 1 && s[0] == '0'))
		return false;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (u32)(s[i] - '0');
	}
	*prefix = v;
	return v <= 128;
}

enum ip_kind { IP_ADDR, IP_MASK };

struct ip_list {
	u32 n;
	u8 family[HVIS_KVP_IP_MAX_ENTRIES];	/* 4 or 6; masks: 4 dotted, 6 a prefix */
	u8 prefix[HVIS_KVP_IP_MAX_ENTRIES];	/* masks only */
};

/*
 * One field (@cap bytes of UTF-8, NUL-terminated inside): checked element by element
 * and rewritten in place without the spaces before an element or a trailing ';'.
 */
static const char *list_check(char *s, u32 cap, enum ip_kind kind, struct ip_list *l,
			      const char *bad_ctl, const char *bad_elem, const char *empty,
			      const char *unterminated)
{
	u32 len, i, end, w = 0;
	u8 addr[16];
	bool dotted;
	u32 prefix;

	for (len = 0; len < cap && s[len]; len++)
		if ((u8)s[len] < 0x20 || s[len] == 0x7f)
			return bad_ctl;
	if (len == cap)
		return unterminated;
	l->n = 0;
	for (i = 0; i < len; i = end + 1) {
		while (i < len && s[i] == ' ')
			i++;
		for (end = i; end < len && s[end] != ';'; end++)
			;
		if (end == i) {
			if (end == len)
				break;	/* after a trailing ';': the list ends */
			return empty;
		}
		if (l->n == HVIS_KVP_IP_MAX_ENTRIES)
			return "more than 64 elements in one list";
		if (kind == IP_ADDR) {
			if (hvis_ip4_parse(s + i, end - i, addr))
				l->family[l->n] = 4;
			else if (hvis_ip6_parse(s + i, end - i, addr))
				l->family[l->n] = 6;
			else
				return bad_elem;
		} else {
			if (!mask_parse(s + i, end - i, &prefix, &dotted))
				return bad_elem;
			l->family[l->n] = dotted ? 4 : 6;
			l->prefix[l->n] = (u8)prefix;
		}
		l->n++;
		if (w)
			s[w++] = ';';
		memmove(s + w, s + i, end - i);
		w += end - i;
	}
	memset(s + w, 0, len - w);
	return NULL;
}

const char *hvis_kvp_adapter_check(const struct hv_kvp_ipaddr_value *v)
{
	const char *s = (const char *)v->adapter_id;
	u32 i;

	for (i = 0; i < sizeof(v->adapter_id) && s[i]; i++)
		if (s[i] <= ' ' || s[i] > '~')
			return "adapter_id holds a character other than printable ASCII";
	if (i == sizeof(v->adapter_id))
		return "adapter_id is not NUL-terminated";
	return i ? NULL : "adapter_id is empty";
}

const char *hvis_kvp_ip_check(struct hv_kvp_ipaddr_value *v)
{
	struct ip_list ips, masks, other;
	const char *why;
	u32 i;

	why = hvis_kvp_adapter_check(v);
	if (why)
		return why;
	why = list_check((char *)v->ip_addr, sizeof(v->ip_addr), IP_ADDR, &ips,
			 "ip_addr holds a control character",
			 "ip_addr: an element is not an IPv4 or IPv6 address",
			 "ip_addr: empty element inside the list",
			 "ip_addr is not NUL-terminated");
	if (!why)
		why = list_check((char *)v->sub_net, sizeof(v->sub_net), IP_MASK, &masks,
				 "sub_net holds a control character",
				 "sub_net: an element is not a dotted mask or a prefix length",
				 "sub_net: empty element inside the list",
				 "sub_net is not NUL-terminated");
	if (!why)
		why = list_check((char *)v->gate_way, sizeof(v->gate_way), IP_ADDR, &other,
				 "gate_way holds a control character",
				 "gate_way: an element is not an IPv4 or IPv6 address",
				 "gate_way: empty element inside the list",
				 "gate_way is not NUL-terminated");
	if (!why)
		why = list_check((char *)v->dns_addr, sizeof(v->dns_addr), IP_ADDR, &other,
				 "dns_addr holds a control character",
				 "dns_addr: an element is not an IPv4 or IPv6 address",
				 "dns_addr: empty element inside the list",
				 "dns_addr is not NUL-terminated");
	if (why)
		return why;
	if (masks.n > ips.n)
		return "sub_net lists more masks than ip_addr has addresses";
	for (i = 0; i < masks.n; i++) {
		if (ips.family[i] == 4 && masks.family[i] == 6 && masks.prefix[i] > 32)
			return "sub_net: prefix longer than 32 for an IPv4 address";
		if (ips.family[i] == 6 && masks.family[i] == 4)
			return "sub_net: dotted mask for an IPv6 address";
	}
	return NULL;
}
