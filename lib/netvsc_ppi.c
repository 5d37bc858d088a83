// SPDX-License-Identifier: GPL-2.0-only
/*
 * netvsc_ppi.c: pure checks and builders of the per-packet info (PPI) of RNDIS PACKET
 * messages (see netvsc_msg.h): checksum, LSOv2, 802.1Q, hash value and the RSC fragment
 * id, checked all together per packet, and the assembly rules of an RSC fragment chain.
 * Facts: torvalds/linux drivers/net/hyperv/hyperv_net.h (ndis_per_pkt_info_type, the PPI
 * structs, rsc_add_data) and rndis_filter.c (rndis_get_ppi, rndis_filter_receive_data).
 */
#include "netvsc_msg_priv.h"

/* ---- offload: per-packet info (checksum, LSOv2, 802.1Q, hash, RSC fragments) ---- */

#define TCP_HDR_MIN	20u
#define UDP_HDR_BYTES	8u
#define IP4_HDR_MIN	20u

struct ppi_rule {
	u32 type;
	u32 bit;
	u8 by;
	const char *wrong_size, *dup, *not_allowed;
};

static const struct ppi_rule ppi_rules[] = {
	{ PPI_TCPIP_CHKSUM, RNDIS_PPIS_CSUM, BY_HOST | BY_GUEST,
	  "checksum PPI of the wrong size", "duplicate checksum PPI", NULL },
	{ PPI_TCP_LARGESEND, RNDIS_PPIS_LSO, BY_GUEST, "LSO PPI of the wrong size",
	  "duplicate LSO PPI", "LSO PPI from the host" },
	{ PPI_IEEE_8021Q, RNDIS_PPIS_VLAN, BY_HOST | BY_GUEST, "VLAN PPI of the wrong size",
	  "duplicate VLAN PPI", NULL },
	{ PPI_NBL_HASH_VALUE, RNDIS_PPIS_HASH, BY_HOST | BY_GUEST,
	  "hash PPI of the wrong size", "duplicate hash PPI", NULL },
	{ RNDIS_PPI_PKTINFO_ID, RNDIS_PPIS_PKTINFO, BY_HOST, "PKTINFO_ID PPI of the wrong size",
	  "duplicate PKTINFO_ID PPI", "PKTINFO_ID PPI from the guest" },
};

static int ppis_check_csum_tx(u32 csum, u32 data_len, const char **why)
{
	bool v4 = csum & NDIS_CSUM_TX_IS_IPV4, v6 = csum & NDIS_CSUM_TX_IS_IPV6;
	bool tcp = csum & NDIS_CSUM_TX_TCP, udp = csum & NDIS_CSUM_TX_UDP;
	u32 tho = (csum & NDIS_CSUM_TX_THO_MASK) >> NDIS_CSUM_TX_THO_SHIFT;

	if (v4 && v6)
		return bad(why, "checksum PPI both IPv4 and IPv6");
	if (tcp && udp)
		return bad(why, "checksum PPI both TCP and UDP");
	if ((tcp || udp || (csum & NDIS_CSUM_TX_IP_HDR)) && !v4 && !v6)
		return bad(why, "checksum PPI neither IPv4 nor IPv6");
	if (csum & NDIS_CSUM_TX_IP_HDR && !v4)
		return bad(why, "checksum PPI IP header checksum without IPv4");
	if ((tcp || udp) && (tho < ETH_HDR_BYTES + IP4_HDR_MIN ||
			     (u64)tho + (tcp ? TCP_HDR_MIN : UDP_HDR_BYTES) > data_len))
		return bad(why, "checksum PPI tcp_header_offset outside the frame");
	return 0;
}

static int ppis_check_lso(u32 lso, u32 data_len, const char **why)
{
	u32 tho = (lso & NDIS_LSO2_THO_MASK) >> NDIS_LSO2_THO_SHIFT;

	if (!(lso & NDIS_LSO2_TYPE_V2))
		return bad(why, "LSO PPI not LSOv2");
	if (!(lso & NDIS_LSO2_MSS_MASK))
		return bad(why, "LSO PPI mss 0");
	if (tho < ETH_HDR_BYTES + IP4_HDR_MIN || (u64)tho + TCP_HDR_MIN > data_len)
		return bad(why, "LSO PPI tcp_header_offset outside the frame");
	return 0;
}

static int ppis_check_pktinfo(const struct rndis_pktinfo_id *id, const char **why)
{
	const u8 known = RNDIS_PKTINFO_SUBALLOC | RNDIS_PKTINFO_1ST_FRAG |
			 RNDIS_PKTINFO_LAST_FRAG;

	if (id->ver != RNDIS_PKTINFO_ID_V1)
		return bad(why, "PKTINFO_ID PPI version not 1");
	if (id->flag & ~known)
		return bad(why, "PKTINFO_ID PPI unknown flag");
	if (!(id->flag & RNDIS_PKTINFO_SUBALLOC) && id->flag)
		return bad(why, "PKTINFO_ID PPI fragment flag without SUBALLOC");
	return 0;
}

int rndis_ppis_parse(const void *buf, const struct rndis_packet_view *v,
		     enum netvsc_dir from, struct rndis_pkt_ppis *out, const char **why)
{
	u8 by = from == NETVSC_FROM_HOST ? BY_HOST : BY_GUEST;
	u32 at = v->ppi_off, left = v->ppi_len, i;
	int rc;

	memset(out, 0, sizeof(*out));
	while (left) {
		const struct ppi_rule *r = NULL;
		struct rndis_ppi e;
		u32 val;

		/* rndis_packet_parse checked the walk; these guards only stop a loop. */
		if (left < sizeof(e))
			return bad(why, "PPI header past the PPI area");
		memcpy(&e, (const u8 *)buf + at, sizeof(e));
		if (e.size < sizeof(e) || e.size > left || e.ppi_offset >= e.size)
			return bad(why, "PPI size past the PPI area");
		for (i = 0; i < ARRAY_SIZE(ppi_rules); i++)
			if (ppi_rules[i].type == e.type)
				r = &ppi_rules[i];
		if (r) {
			if (!(r->by & by))
				return bad(why, r->not_allowed);
			if (e.size - e.ppi_offset != sizeof(u32))
				return bad(why, r->wrong_size);
			if (out->present & r->bit)
				return bad(why, r->dup);
			out->present |= r->bit;
			val = get32(buf, (u64)at + e.ppi_offset);
			switch (r->bit) {
			case RNDIS_PPIS_CSUM:
				out->csum = val;
				break;
			case RNDIS_PPIS_LSO:
				out->lso = val;
				break;
			case RNDIS_PPIS_VLAN:
				out->vlan = val;
				break;
			case RNDIS_PPIS_HASH:
				out->hash = val;
				break;
			default:
				memcpy(&out->id, &val, sizeof(out->id));
				break;
			}
		}
		at += e.size;
		left -= e.size;
	}

	if (out->present & RNDIS_PPIS_VLAN && out->vlan & 0xffff0000u)
		return bad(why, "VLAN PPI reserved bits set");
	if (out->present & RNDIS_PPIS_LSO) {
		rc = ppis_check_lso(out->lso, v->data_len, why);
		if (rc)
			return rc;
	}
	if (out->present & RNDIS_PPIS_CSUM && from == NETVSC_FROM_GUEST) {
		rc = ppis_check_csum_tx(out->csum, v->data_len, why);
		if (rc)
			return rc;
	}
	if (out->present & RNDIS_PPIS_PKTINFO) {
		rc = ppis_check_pktinfo(&out->id, why);
		if (rc)
			return rc;
	}
	/* Only an RSC fragment may be shorter than a frame's Ethernet header. */
	if (v->data_len < ETH_HDR_BYTES &&
	    !(out->present & RNDIS_PPIS_PKTINFO && out->id.flag & RNDIS_PKTINFO_SUBALLOC))
		return bad(why, "data_len shorter than an Ethernet header");
	return 0;
}

u32 rndis_ppis_size(const struct rndis_pkt_ppis *p)
{
	u32 n = 0, i;

	for (i = 0; i < ARRAY_SIZE(ppi_rules); i++)
		if (p->present & ppi_rules[i].bit)
			n++;
	return n * NDIS_PPI_U32_SIZE;
}

u32 rndis_packet_build_ppis(void *buf, u32 cap, u32 frame_len, const struct rndis_pkt_ppis *p)
{
	const u32 ppi_len = rndis_ppis_size(p);
	const u32 hdr_len = RNDIS_PACKET_HDR_BYTES + ppi_len;
	struct rndis_msg_hdr h;
	struct rndis_packet pk;
	u32 at = RNDIS_PACKET_HDR_BYTES, i;

	if ((u64)hdr_len + frame_len > cap || (u64)hdr_len + frame_len > 0xffffffffu)
		return 0;
	h.msg_type = RNDIS_MSG_PACKET;
	h.msg_len = hdr_len + frame_len;
	memset(&pk, 0, sizeof(pk));
	pk.data_offset = sizeof(pk) + ppi_len;
	pk.data_len = frame_len;
	if (ppi_len) {
		pk.per_pkt_info_offset = sizeof(pk);
		pk.per_pkt_info_len = ppi_len;
	}
	memcpy(buf, &h, sizeof(h));
	memcpy((u8 *)buf + sizeof(h), &pk, sizeof(pk));
	for (i = 0; i < ARRAY_SIZE(ppi_rules); i++) {
		struct rndis_ppi_u32 e;

		if (!(p->present & ppi_rules[i].bit))
			continue;
		e.hdr.size = NDIS_PPI_U32_SIZE;
		e.hdr.type = ppi_rules[i].type;
		e.hdr.ppi_offset = sizeof(e.hdr);
		switch (ppi_rules[i].bit) {
		case RNDIS_PPIS_CSUM:
			e.value = p->csum;
			break;
		case RNDIS_PPIS_LSO:
			e.value = p->lso;
			break;
		case RNDIS_PPIS_VLAN:
			e.value = p->vlan;
			break;
		case RNDIS_PPIS_HASH:
			e.value = p->hash;
			break;
		default:
			memcpy(&e.value, &p->id, sizeof(e.value));
			break;
		}
		memcpy((u8 *)buf + at, &e, sizeof(e));
		at += sizeof(e);
	}
	return hdr_len;
}

static int rsc_refuse(struct rsc_chain *c, const char **why, const char *field)
{
	c->open = false;
	c->frags = 0;
	c->bytes = 0;
	return bad(why, field);
}

int rsc_chain_add(struct rsc_chain *c, const struct rndis_pkt_ppis *p, u32 data_len,
		  u32 max_frags, u32 max_bytes, const char **why)
{
	u8 flag = p->present & RNDIS_PPIS_PKTINFO ? p->id.flag : 0;

	if (!(flag & RNDIS_PKTINFO_SUBALLOC)) {
		if (c->open)
			return rsc_refuse(c, why, "RSC chain interrupted by a whole frame");
		c->frags = 0;
		c->bytes = 0;
		return RSC_SINGLE;
	}
	if (flag & RNDIS_PKTINFO_1ST_FRAG) {
		if (c->open)
			return rsc_refuse(c, why, "RSC first fragment inside an open chain");
		c->open = true;
		c->frags = 0;
		c->bytes = 0;
		c->pkt_id = p->id.pkt_id;
	} else if (!c->open) {
		return rsc_refuse(c, why, "RSC fragment without a first fragment");
	} else if (p->id.pkt_id != c->pkt_id) {
		return rsc_refuse(c, why, "RSC fragment of another pkt_id");
	}
	if (c->frags >= max_frags)
		return rsc_refuse(c, why, "RSC chain with too many fragments");
	if ((u64)c->bytes + data_len > max_bytes)
		return rsc_refuse(c, why, "RSC chain longer than the maximum");
	c->frags++;
	c->bytes += data_len;
	if (!(flag & RNDIS_PKTINFO_LAST_FRAG))
		return RSC_MORE;
	c->open = false;
	return RSC_DONE;
}

/* ---- netrx: the host's RSC fragments ---- */

u32 rndis_rsc_build(void *out, u32 cap, u32 *lens, u32 max_frags, const void *frame, u32 len,
		    const struct rndis_pkt_ppis *first, u16 pkt_id, u32 section)
{
	struct rndis_pkt_ppis p = *first;
	u32 off = 0, at = 0, n = 0, hl, room, chunk;

	p.present |= RNDIS_PPIS_PKTINFO;
	p.id.ver = RNDIS_PKTINFO_ID_V1;
	p.id.pkt_id = pkt_id;
	if (!len)
		return 0;
	while (off < len) {
		p.id.flag = RNDIS_PKTINFO_SUBALLOC | (n ? 0 : RNDIS_PKTINFO_1ST_FRAG);
		hl = RNDIS_PACKET_HDR_BYTES + rndis_ppis_size(&p);
		if (n == max_frags || section < hl + 64)
			return 0;
		room = section - hl;
		chunk = len - off < room ? len - off : room;
		if (off + chunk == len)
			p.id.flag |= RNDIS_PKTINFO_LAST_FRAG;
		if (cap - at < hl + chunk ||
		    rndis_packet_build_ppis((u8 *)out + at, hl + chunk, chunk, &p) != hl)
			return 0;
		memcpy((u8 *)out + at + hl, (const u8 *)frame + off, chunk);
		lens[n++] = hl + chunk;
		at += hl + chunk;
		off += chunk;
		/* Only the first fragment carries the frame's own PPIs. */
		p.present = RNDIS_PPIS_PKTINFO;
	}
	return n;
}
