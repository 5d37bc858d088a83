// SPDX-License-Identifier: GPL-2.0-only
/*
 * ndis_obj.c: pure checks and builders of the NDIS objects the synthetic NIC carries in
 * RNDIS QUERY and SET messages (see netvsc_msg.h): the hardware offload capabilities and
 * the offload parameters, the MAC address as an RNDIS configuration parameter, and the
 * RSS capabilities and parameters.  Facts: torvalds/linux drivers/net/hyperv/hyperv_net.h
 * and rndis_filter.c (rndis_query_hwcaps, rndis_filter_set_offload_params,
 * rndis_filter_set_device_mac, rndis_set_rss_param_msg).  As in netvsc_msg.c, every
 * offset sum is done in u64 and nothing is read past the length given.
 */
#include "netvsc_msg_priv.h"
#include "hex.h"

/* ---- NDIS offload objects ---- */

u32 ndis_offload_query_hdr(u32 version, struct ndis_object_header *h)
{
	h->type = NDIS_OBJECT_TYPE_OFFLOAD;
	if (version >= NVSP_VERSION_5) {
		h->revision = NDIS_OFFLOAD_REVISION_3;
		h->size = NDIS_OFFLOAD_SIZE;
	} else if (version >= NVSP_VERSION_4) {
		h->revision = NDIS_OFFLOAD_REVISION_2;
		h->size = NDIS_OFFLOAD_SIZE_6_1;
	} else {
		h->revision = NDIS_OFFLOAD_REVISION_1;
		h->size = NDIS_OFFLOAD_SIZE_6_0;
	}
	return h->size;
}

/* What one kind of NDIS object must have in its header, and how a refusal reads. */
struct ndis_header_rule {
	u8 type;
	u16 min_size;
	const char *too_short, *bad_type, *below_min;
	const char *bad_rev, *past_len;
};

/*
 * The checks every NDIS object shares (offload capabilities and parameters, RSS
 * capabilities and parameters): a whole header, the object type, a revision of at
 * least 1, and a header.size between the rule's minimum and the bytes received.
 */
static int ndis_header_check(const void *buf, u32 len, const struct ndis_header_rule *r,
			     struct ndis_object_header *h, const char **why)
{
	if (len < sizeof(*h))
		return bad(why, r->too_short);
	memcpy(h, buf, sizeof(*h));
	if (h->type != r->type)
		return bad(why, r->bad_type);
	if (h->revision < 1)
		return bad(why, r->bad_rev);
	if (h->size > len)
		return bad(why, r->past_len);
	if (h->size < r->min_size)
		return bad(why, r->below_min);
	return 0;
}

int ndis_offload_parse(const void *buf, u32 len, struct ndis_offload *out, const char **why)
{
	static const struct ndis_header_rule rule = {
		NDIS_OBJECT_TYPE_OFFLOAD, NDIS_OFFLOAD_SIZE_6_0,
		"offload object shorter than its header",
		"header.type not NDIS_OBJECT_TYPE_OFFLOAD",
		"header.size below the NDIS 6.0 size",
		"header.revision below 1", "header.size past the bytes received",
	};
	struct ndis_object_header h;

	if (len > sizeof(*out))
		return bad(why, "offload object longer than an ndis_offload");
	if (ndis_header_check(buf, len, &rule, &h, why))
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	memcpy(out, buf, h.size);
	return 0;
}

u32 ndis_offload_build(void *buf, u32 cap, u32 version, const struct ndis_offload *caps)
{
	struct ndis_offload o = *caps;
	u32 size = ndis_offload_query_hdr(version, &o.header);

	if (size > cap)
		return 0;
	memcpy(buf, &o, size);
	return size;
}

u32 ndis_offload_params_all_off(u32 version, struct ndis_offload_params *p)
{
	u32 size = version <= NVSP_VERSION_4 ? NDIS_OFFLOAD_PARAMS_SIZE_V4 : sizeof(*p);

	memset(p, 0, sizeof(*p));
	p->header.type = NDIS_OBJECT_TYPE_DEFAULT;
	p->header.revision = NDIS_OFFLOAD_PARAMETERS_REVISION_3;
	p->header.size = size;
	p->ip_v4_csum = NDIS_OFFLOAD_PARAMETERS_TX_RX_DISABLED;
	p->tcp_ip_v4_csum = NDIS_OFFLOAD_PARAMETERS_TX_RX_DISABLED;
	p->tcp_ip_v6_csum = NDIS_OFFLOAD_PARAMETERS_TX_RX_DISABLED;
	/* rndis_filter.c: up to NVSP 4 the UDP checksum fields must stay NO_CHANGE. */
	if (version > NVSP_VERSION_4) {
		p->udp_ip_v4_csum = NDIS_OFFLOAD_PARAMETERS_TX_RX_DISABLED;
		p->udp_ip_v6_csum = NDIS_OFFLOAD_PARAMETERS_TX_RX_DISABLED;
		p->rsc_ip_v4 = NDIS_OFFLOAD_PARAMETERS_RSC_DISABLED;
		p->rsc_ip_v6 = NDIS_OFFLOAD_PARAMETERS_RSC_DISABLED;
	}
	p->lso_v1 = NDIS_OFFLOAD_PARAMETERS_LSO_DISABLED;
	p->lso_v2_ipv4 = NDIS_OFFLOAD_PARAMETERS_LSO_DISABLED;
	p->lso_v2_ipv6 = NDIS_OFFLOAD_PARAMETERS_LSO_DISABLED;
	return size;
}

int ndis_offload_params_parse(const void *buf, u32 len, struct ndis_offload_params *out,
			      const char **why)
{
	static const struct {
		u8 off;
		u8 max;
		const char *bad;
	} fields[] = {
#define P_FIELD(f, m) { offsetof(struct ndis_offload_params, f), m, #f " out of range" }
		P_FIELD(ip_v4_csum, NDIS_OFFLOAD_PARAMETERS_TX_RX_ENABLED),
		P_FIELD(tcp_ip_v4_csum, NDIS_OFFLOAD_PARAMETERS_TX_RX_ENABLED),
		P_FIELD(udp_ip_v4_csum, NDIS_OFFLOAD_PARAMETERS_TX_RX_ENABLED),
		P_FIELD(tcp_ip_v6_csum, NDIS_OFFLOAD_PARAMETERS_TX_RX_ENABLED),
		P_FIELD(udp_ip_v6_csum, NDIS_OFFLOAD_PARAMETERS_TX_RX_ENABLED),
		P_FIELD(lso_v1, NDIS_OFFLOAD_PARAMETERS_LSO_ENABLED),
		P_FIELD(lso_v2_ipv4, NDIS_OFFLOAD_PARAMETERS_LSO_ENABLED),
		P_FIELD(lso_v2_ipv6, NDIS_OFFLOAD_PARAMETERS_LSO_ENABLED),
		P_FIELD(rsc_ip_v4, NDIS_OFFLOAD_PARAMETERS_RSC_ENABLED),
		P_FIELD(rsc_ip_v6, NDIS_OFFLOAD_PARAMETERS_RSC_ENABLED),
#undef P_FIELD
	};
	static const struct ndis_header_rule rule = {
		NDIS_OBJECT_TYPE_DEFAULT, NDIS_OFFLOAD_PARAMS_SIZE_V4,
		"offload parameters shorter than their header",
		"header.type not NDIS_OBJECT_TYPE_DEFAULT",
		"header.size below the NVSP 4 size",
		"header.revision below 1", "header.size past the bytes received",
	};
	struct ndis_object_header h;
	u32 i;

	if (ndis_header_check(buf, len, &rule, &h, why))
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	memcpy(out, buf, h.size < sizeof(*out) ? h.size : sizeof(*out));
	for (i = 0; i < ARRAY_SIZE(fields); i++)
		if (((const u8 *)out)[fields[i].off] > fields[i].max)
			return bad(why, fields[i].bad);
	return 0;
}

/* Whether checksum setting v asks for a direction the capability bit lacks. */
static bool csum_lacks(u8 v, u32 tx_caps, u32 rx_caps, u32 bit)
{
	bool tx = v == NDIS_OFFLOAD_PARAMETERS_TX_ENABLED_RX_DISABLED ||
		  v == NDIS_OFFLOAD_PARAMETERS_TX_RX_ENABLED;
	bool rx = v == NDIS_OFFLOAD_PARAMETERS_RX_ENABLED_TX_DISABLED ||
		  v == NDIS_OFFLOAD_PARAMETERS_TX_RX_ENABLED;

	return (tx && !(tx_caps & bit)) || (rx && !(rx_caps & bit));
}

const char *ndis_offload_params_unsupported(const struct ndis_offload_params *p,
					    const struct ndis_offload *caps)
{
	const struct ndis_csum_offload *c = &caps->csum;
	const u8 on = NDIS_OFFLOAD_PARAMETERS_LSO_ENABLED;	/* = RSC_ENABLED */

	if (csum_lacks(p->ip_v4_csum, c->ip4_txcsum, c->ip4_rxcsum, NDIS_TXCSUM_CAP_IP4))
		return "ip_v4_csum";
	if (csum_lacks(p->tcp_ip_v4_csum, c->ip4_txcsum, c->ip4_rxcsum, NDIS_TXCSUM_CAP_TCP4))
		return "tcp_ip_v4_csum";
	if (csum_lacks(p->udp_ip_v4_csum, c->ip4_txcsum, c->ip4_rxcsum, NDIS_TXCSUM_CAP_UDP4))
		return "udp_ip_v4_csum";
	if (csum_lacks(p->tcp_ip_v6_csum, c->ip6_txcsum, c->ip6_rxcsum, NDIS_TXCSUM_CAP_TCP6))
		return "tcp_ip_v6_csum";
	if (csum_lacks(p->udp_ip_v6_csum, c->ip6_txcsum, c->ip6_rxcsum, NDIS_TXCSUM_CAP_UDP6))
		return "udp_ip_v6_csum";
	if (p->lso_v1 == on && !(caps->lsov1.encap & NDIS_OFFLOAD_ENCAP_8023))
		return "lso_v1";
	if (p->lso_v2_ipv4 == on && !(caps->lsov2.ip4_encap & NDIS_OFFLOAD_ENCAP_8023))
		return "lso_v2_ipv4";
	if (p->lso_v2_ipv6 == on && !(caps->lsov2.ip6_encap & NDIS_OFFLOAD_ENCAP_8023))
		return "lso_v2_ipv6";
	if (p->rsc_ip_v4 == on && !caps->rsc_ip4)
		return "rsc_ip_v4";
	if (p->rsc_ip_v6 == on && !caps->rsc_ip6)
		return "rsc_ip_v6";
	return NULL;
}

/* ---- offload: the MAC address as an RNDIS config parameter ---- */

u32 rndis_mac_param_build(void *buf, u32 cap, const u8 *mac)
{
	static const char hex[] = "0123456789abcdef";
	struct rndis_config_parameter_info ci;
	u8 *at = (u8 *)buf + sizeof(ci);
	u32 i;

	if (cap < RNDIS_MAC_PARAM_BYTES)
		return 0;
	ci.parameter_name_offset = sizeof(ci);
	ci.parameter_name_length = 2 * RNDIS_NWADR_STRLEN;
	ci.parameter_type = RNDIS_CONFIG_PARAM_TYPE_STRING;
	ci.parameter_value_offset = ci.parameter_name_offset + ci.parameter_name_length;
	ci.parameter_value_length = 4 * 6;
	memcpy(buf, &ci, sizeof(ci));
	for (i = 0; i < RNDIS_NWADR_STRLEN; i++, at += 2) {
		at[0] = (u8)RNDIS_NWADR_STR[i];
		at[1] = 0;
	}
	for (i = 0; i < 12; i++, at += 2) {
		at[0] = (u8)hex[(mac[i / 2] >> (i % 2 ? 0 : 4)) & 0xf];
		at[1] = 0;
	}
	return RNDIS_MAC_PARAM_BYTES;
}

static int not_found(const char **why, const char *field)
{
	*why = field;
	return -ENOENT;
}

/* One UTF-16LE code unit as a hex digit: 0..15, or -1 (hex.h). */
static int hex_val(u8 lo, u8 hi)
{
	return hi ? -1 : hvis_hexval((char)lo);
}

int rndis_mac_param_parse(const void *buf, u32 len, u8 *mac, const char **why)
{
	struct rndis_config_parameter_info ci;
	const u8 *p = buf;
	u32 i;

	if (len < sizeof(ci))
		return bad(why, "config parameter shorter than its header");
	memcpy(&ci, buf, sizeof(ci));
	if ((u64)ci.parameter_name_offset + ci.parameter_name_length > len)
		return bad(why, "parameter name past the info buffer");
	if ((u64)ci.parameter_value_offset + ci.parameter_value_length > len)
		return bad(why, "parameter value past the info buffer");
	if (ci.parameter_name_length != 2 * RNDIS_NWADR_STRLEN)
		return not_found(why, "parameter not NetworkAddress");
	for (i = 0; i < RNDIS_NWADR_STRLEN; i++) {
		const u8 *c = p + ci.parameter_name_offset + 2 * i;
		u8 lo = c[0], hi = c[1];
		u8 want = (u8)RNDIS_NWADR_STR[i];

		if (hi || (lo | 0x20) != (want | 0x20))
			return not_found(why, "parameter not NetworkAddress");
	}
	if (ci.parameter_type != RNDIS_CONFIG_PARAM_TYPE_STRING)
		return bad(why, "NetworkAddress not a string");
	if (ci.parameter_value_length != 4 * 6)
		return bad(why, "NetworkAddress value not 12 characters");
	for (i = 0; i < 6; i++) {
		const u8 *v = p + ci.parameter_value_offset + 4 * i;
		int h = hex_val(v[0], v[1]), l = hex_val(v[2], v[3]);

		if (h < 0 || l < 0)
			return bad(why, "NetworkAddress value not hex digits");
		mac[i] = (u8)(h << 4 | l);
	}
	return 0;
}

/* ---- rss: RSS capabilities and parameters ---- */

int ndis_rss_cap_parse(const void *buf, u32 len, u32 *queues, u32 *itab, const char **why)
{
	static const struct ndis_header_rule rule = {
		NDIS_OBJECT_TYPE_RSS_CAPABILITIES, sizeof(struct ndis_recv_scale_cap),
		"RSS capabilities shorter than 18 bytes", "RSS capabilities header type",
		"RSS capabilities header size", "RSS capabilities header revision",
		"RSS capabilities header size",
	};
	struct ndis_recv_scale_cap c;
	struct ndis_object_header h;

	if (len < sizeof(c))
		return bad(why, "RSS capabilities shorter than 18 bytes");
	if (ndis_header_check(buf, len, &rule, &h, why))
		return -EINVAL;
	memcpy(&c, buf, sizeof(c));
	if (!c.num_recv_que)
		return bad(why, "num_recv_que 0");
	if (c.num_indirect_tabent > NETVSC_ITAB_MAX)
		return bad(why, "num_indirect_tabent above 256");
	*queues = c.num_recv_que;
	*itab = c.num_indirect_tabent ? c.num_indirect_tabent : NETVSC_ITAB_DEFAULT;
	return 0;
}

u32 ndis_rss_params_build(void *buf, u32 cap, const struct netvsc_rss_conf *c)
{
	struct ndis_recv_scale_param p = {};
	u32 tab_bytes = c->n_itab * 4, total, i, e;
	u8 *out = buf;

	if (!c->n_itab || c->n_itab > NETVSC_ITAB_MAX)
		return 0;
	total = sizeof(p) + tab_bytes + NETVSC_HASH_KEYLEN;
	if (cap < total)
		return 0;
	p.hdr.type = NDIS_OBJECT_TYPE_RSS_PARAMETERS;
	p.hdr.revision = NDIS_RECEIVE_SCALE_PARAMETERS_REVISION_2;
	p.hdr.size = sizeof(p);
	p.flag = c->flag;
	p.hashinfo = c->hashinfo;
	p.indirect_tabsize = (u16)tab_bytes;
	p.indirect_taboffset = sizeof(p);
	p.hashkey_size = NETVSC_HASH_KEYLEN;
	p.hashkey_offset = sizeof(p) + tab_bytes;
	memcpy(out, &p, sizeof(p));
	for (i = 0; i < c->n_itab; i++) {
		e = c->itab[i];
		memcpy(out + sizeof(p) + i * 4, &e, 4);
	}
	memcpy(out + p.hashkey_offset, c->key, NETVSC_HASH_KEYLEN);
	return total;
}

/* [off, off + n) inside len and at or past the object's fixed part. */
static bool rss_area_ok(u32 off, u32 n, u32 fixed, u32 len)
{
	return off >= fixed && (u64)off + n <= len;
}

int ndis_rss_params_parse(const void *buf, u32 len, u32 channels, struct netvsc_rss_conf *out,
			  const char **why)
{
	static const struct ndis_header_rule rule = {
		NDIS_OBJECT_TYPE_RSS_PARAMETERS, sizeof(struct ndis_recv_scale_param),
		"RSS parameters shorter than 40 bytes", "RSS parameters header type",
		"RSS parameters header size", "RSS parameters header revision",
		"RSS parameters header size",
	};
	const u8 *in = buf;
	struct ndis_recv_scale_param p;
	struct ndis_object_header h;
	bool want_tab, want_key;
	u32 n = 0, i, e;

	if (len < sizeof(p))
		return bad(why, "RSS parameters shorter than 40 bytes");
	if (ndis_header_check(buf, len, &rule, &h, why))
		return -EINVAL;
	memcpy(&p, buf, sizeof(p));
	if (p.flag & NDIS_RSS_PARAM_FLAG_DISABLE_RSS) {
		out->flag = p.flag;
		return 0;
	}
	if (!(p.flag & NDIS_RSS_PARAM_FLAG_HASH_INFO_UNCHANGED)) {
		if ((p.hashinfo & NDIS_HASH_FUNC_MASK) != NDIS_HASH_FUNC_TOEPLITZ)
			return bad(why, "hashinfo: hash function not Toeplitz");
		if (!(p.hashinfo & ~NDIS_HASH_FUNC_MASK))
			return bad(why, "hashinfo: no hash type");
		if (p.hashinfo & ~(NDIS_HASH_FUNC_MASK | NETVSC_RSS_HASH_TYPES))
			return bad(why, "hashinfo: a hash type this NIC does not offer");
	}
	want_tab = !(p.flag & NDIS_RSS_PARAM_FLAG_ITABLE_UNCHANGED);
	want_key = !(p.flag & NDIS_RSS_PARAM_FLAG_HASH_KEY_UNCHANGED);
	if (want_tab) {
		n = p.indirect_tabsize / 4;
		if (p.indirect_tabsize % 4 || !n || n > NETVSC_ITAB_MAX || (n & (n - 1)))
			return bad(why, "indirect_tabsize not 4 x a power of two up to 256");
		if (!rss_area_ok(p.indirect_taboffset, p.indirect_tabsize, p.hdr.size, len))
			return bad(why, "indirect_taboffset outside the message");
		if (!channels)
			return bad(why, "indirection table with no channel open");
		for (i = 0; i < n; i++) {
			memcpy(&e, in + p.indirect_taboffset + i * 4, 4);
			if (e >= channels)
				return bad(why, "indirection table entry past the open channels");
		}
	}
	if (want_key) {
		if (p.hashkey_size != NETVSC_HASH_KEYLEN)
			return bad(why, "hashkey_size not 40");
		if (!rss_area_ok(p.hashkey_offset, p.hashkey_size, p.hdr.size, len))
			return bad(why, "hashkey_offset outside the message");
	}
	if (want_tab && want_key &&
	    (u64)p.indirect_taboffset < (u64)p.hashkey_offset + p.hashkey_size &&
	    (u64)p.hashkey_offset < (u64)p.indirect_taboffset + p.indirect_tabsize)
		return bad(why, "hash key overlaps the indirection table");

	/* All checked: nothing is written before. */
	out->flag = p.flag;
	if (!(p.flag & NDIS_RSS_PARAM_FLAG_HASH_INFO_UNCHANGED))
		out->hashinfo = p.hashinfo;
	if (want_tab) {
		out->n_itab = n;
		for (i = 0; i < n; i++) {
			memcpy(&e, in + p.indirect_taboffset + i * 4, 4);
			out->itab[i] = (u16)e;
		}
	}
	if (want_key)
		memcpy(out->key, in + p.hashkey_offset, NETVSC_HASH_KEYLEN);
	return 0;
}
