// SPDX-License-Identifier: GPL-2.0-only
/*
 * offload.c: hvis_netvsc's offloads: which of the host's capabilities become
 * net_device features and OID_TCP_OFFLOAD_PARAMETERS settings (at every attach and on
 * ethtool -K), the transmit per-packet info built from an skb (checksum, LSOv2,
 * 802.1Q) and the receive per-packet info applied to an skb (checksum verified by the
 * host, 802.1Q tag).
 *
 * Behaviour follows torvalds/linux drivers/net/hyperv/rndis_filter.c
 * (rndis_netdev_set_hwcaps, rndis_filter_set_offload_params) and netvsc_drv.c
 * (netvsc_xmit: the PPIs; netvsc_alloc_recv_skb: the receive side; netvsc_set_features).
 */
#include <linux/if_vlan.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <net/ip6_checksum.h>
#include <net/tcp.h>
#include "netvsc.h"

/* The TCP checksum bits upstream requires before it offloads TCP (hyperv_net.h). */
#define TXCSUM_ALL_TCP4	(NDIS_TXCSUM_CAP_TCP4 | NDIS_TXCSUM_CAP_TCP4OPT)
#define TXCSUM_ALL_TCP6	(NDIS_TXCSUM_CAP_TCP6 | NDIS_TXCSUM_CAP_TCP6OPT | \
			 NDIS_TXCSUM_CAP_IP6EXT)

/* netvsc_drv.c GSO_LEGACY_MAX_SIZE: what a TSO send may be at most. */
#define NETVSC_TSO_MAX	65536u

static u8 csum_param(bool on)
{
	return on ? NDIS_OFFLOAD_PARAMETERS_TX_RX_ENABLED : NDIS_OFFLOAD_PARAMETERS_TX_RX_DISABLED;
}

static u8 lso_param(bool on)
{
	return on ? NDIS_OFFLOAD_PARAMETERS_LSO_ENABLED : NDIS_OFFLOAD_PARAMETERS_LSO_DISABLED;
}

/*
 * What the host offers, as net_device hw_features (rndis_netdev_set_hwcaps), and the
 * transmit checksum kinds it takes.  RXCSUM is offered always (the host's PPI only
 * ever says "verified"), as SG (the page-buffer path) and the VLAN tags.
 */
static netdev_features_t offload_hw_features(const struct ndis_offload *h, u32 *csum_mask)
{
	netdev_features_t f = NETIF_F_RXCSUM | NETIF_F_SG | NETIF_F_HW_VLAN_CTAG_TX |
			      NETIF_F_HW_VLAN_CTAG_RX;

	*csum_mask = 0;
	if ((h->csum.ip4_txcsum & TXCSUM_ALL_TCP4) == TXCSUM_ALL_TCP4) {
		f |= NETIF_F_IP_CSUM;
		*csum_mask |= NETVSC_CSUM_TCP4;
		if (h->lsov2.ip4_encap & NDIS_OFFLOAD_ENCAP_8023)
			f |= NETIF_F_TSO;
		if (h->csum.ip4_txcsum & NDIS_TXCSUM_CAP_UDP4)
			*csum_mask |= NETVSC_CSUM_UDP4;
	}
	if ((h->csum.ip6_txcsum & TXCSUM_ALL_TCP6) == TXCSUM_ALL_TCP6) {
		f |= NETIF_F_IPV6_CSUM;
		*csum_mask |= NETVSC_CSUM_TCP6;
		if (h->lsov2.ip6_encap & NDIS_OFFLOAD_ENCAP_8023 &&
		    (h->lsov2.ip6_opts & NDIS_LSOV2_CAP_IP6) == NDIS_LSOV2_CAP_IP6)
			f |= NETIF_F_TSO6;
		if (h->csum.ip6_txcsum & NDIS_TXCSUM_CAP_UDP6)
			*csum_mask |= NETVSC_CSUM_UDP6;
	}
	if (h->rsc_ip4 && h->rsc_ip6)
		f |= NETIF_F_LRO;
	return f;
}

/*
 * The OID_TCP_OFFLOAD_PARAMETERS object for @features (what is on now) against what
 * the host offers; returns the bytes to send for the NVSP version (22 up to NVSP 4,
 * where the UDP checksum and RSC fields are not sent).
 */
static u32 offload_params_for(struct netvsc_dev *nv, netdev_features_t features,
			      struct ndis_offload_params *p)
{
	const struct ndis_offload *h = &nv->hwcaps;
	bool v4 = features & NETIF_F_IP_CSUM, v6 = features & NETIF_F_IPV6_CSUM;
	u32 len = ndis_offload_params_all_off(nv->nvsp_ver, p);
	bool lro = features & NETIF_F_LRO;

	/* Linux computes the IPv4 header checksum itself (rndis_filter.c). */
	p->tcp_ip_v4_csum = csum_param(v4);
	p->tcp_ip_v6_csum = csum_param(v6);
	p->lso_v2_ipv4 = lso_param(v4 && (features & NETIF_F_TSO));
	p->lso_v2_ipv6 = lso_param(v6 && (features & NETIF_F_TSO6));
	if (len > NDIS_OFFLOAD_PARAMS_SIZE_V4) {
		p->udp_ip_v4_csum = csum_param(v4 && (h->csum.ip4_txcsum & NDIS_TXCSUM_CAP_UDP4));
		p->udp_ip_v6_csum = csum_param(v6 && (h->csum.ip6_txcsum & NDIS_TXCSUM_CAP_UDP6));
		p->rsc_ip_v4 = lro && h->rsc_ip4 ? NDIS_OFFLOAD_PARAMETERS_RSC_ENABLED :
						   NDIS_OFFLOAD_PARAMETERS_RSC_DISABLED;
		p->rsc_ip_v6 = lro && h->rsc_ip6 ? NDIS_OFFLOAD_PARAMETERS_RSC_ENABLED :
						   NDIS_OFFLOAD_PARAMETERS_RSC_DISABLED;
	}
	return len;
}

static int offload_send(struct netvsc_dev *nv, netdev_features_t features)
{
	struct ndis_offload_params p;
	u32 len = offload_params_for(nv, features, &p);
	int rc = netvsc_rndis_set(nv, OID_TCP_OFFLOAD_PARAMETERS, &p, len);

	if (rc)
		netdev_err(nv->ndev, "setting the offload parameters failed: %d\n", rc);
	return rc;
}

/* The largest TSO send: 64 KiB, or less if the host's LSOv2 maximum is (non-zero). */
static u32 offload_tso_max(const struct ndis_offload *h)
{
	u32 max = NETVSC_TSO_MAX;

	if (h->lsov2.ip4_maxsz && h->lsov2.ip4_maxsz < max)
		max = h->lsov2.ip4_maxsz;
	if (h->lsov2.ip6_maxsz && h->lsov2.ip6_maxsz < max)
		max = h->lsov2.ip6_maxsz;
	return max;
}

/*
 * At every attach, after the host's capabilities were read into nv->hwcaps: the
 * features the host offers become hw_features (those it no longer offers go from
 * features), and the parameters for what is on are sent.
 */
int netvsc_offload_attach(struct netvsc_dev *nv)
{
	struct net_device *ndev = nv->ndev;
	netdev_features_t hw;
	u32 mask;

	hw = offload_hw_features(&nv->hwcaps, &mask);
	WRITE_ONCE(nv->tx_csum_mask, mask);
	if (ndev->reg_state == NETREG_UNINITIALIZED) {
		/* Probe: everything the host offers is on, LRO too (netvsc_drv.c). */
		ndev->hw_features = hw;
		ndev->features = hw;
		ndev->vlan_features = hw & ~(NETIF_F_HW_VLAN_CTAG_TX | NETIF_F_HW_VLAN_CTAG_RX |
					     NETIF_F_LRO);
	} else {
		ndev->hw_features = hw;
		ndev->features &= hw;
	}
	netif_set_tso_max_size(ndev, offload_tso_max(&nv->hwcaps));
	return offload_send(nv, ndev->features);
}

/* ndo_set_features (RTNL): ethtool -K, mapped onto OID_TCP_OFFLOAD_PARAMETERS. */
int netvsc_set_features(struct net_device *ndev, netdev_features_t features)
{
	struct netvsc_dev *nv = netdev_priv(ndev);
	netdev_features_t change = ndev->features ^ features;
	int rc;

	if (!(change & (NETIF_F_IP_CSUM | NETIF_F_IPV6_CSUM | NETIF_F_TSO | NETIF_F_TSO6 |
			NETIF_F_LRO)))
		return 0;
	if (!nv->attached)
		return -ENODEV;
	mutex_lock(&nv->ctl_lock);
	rc = offload_send(nv, features);
	mutex_unlock(&nv->ctl_lock);
	return rc;
}

/* TSO needs the checksum of its protocol (as the stack requires of any NIC). */
netdev_features_t netvsc_fix_features(struct net_device *ndev, netdev_features_t features)
{
	if (!(features & NETIF_F_IP_CSUM))
		features &= ~NETIF_F_TSO;
	if (!(features & NETIF_F_IPV6_CSUM))
		features &= ~NETIF_F_TSO6;
	return features;
}

/* The checksum info PPI for a CHECKSUM_PARTIAL skb, or 0 to checksum it here. */
static u32 tx_csum_info(struct netvsc_dev *nv, struct sk_buff *skb)
{
	u32 mask = READ_ONCE(nv->tx_csum_mask), v = 0, tho = skb_transport_offset(skb);
	u8 l4;

	if (skb->protocol == htons(ETH_P_IP)) {
		l4 = ip_hdr(skb)->protocol;
		v = NDIS_CSUM_TX_IS_IPV4;
		if (!(mask & (l4 == IPPROTO_TCP ? NETVSC_CSUM_TCP4 : NETVSC_CSUM_UDP4)))
			return 0;
	} else if (skb->protocol == htons(ETH_P_IPV6)) {
		l4 = ipv6_hdr(skb)->nexthdr;
		v = NDIS_CSUM_TX_IS_IPV6;
		if (!(mask & (l4 == IPPROTO_TCP ? NETVSC_CSUM_TCP6 : NETVSC_CSUM_UDP6)))
			return 0;
	} else {
		return 0;
	}
	if (l4 == IPPROTO_TCP)
		v |= NDIS_CSUM_TX_TCP;
	else if (l4 == IPPROTO_UDP)
		v |= NDIS_CSUM_TX_UDP;
	else
		return 0;
	/* The offset field has 10 bits. */
	if (tho > (NDIS_CSUM_TX_THO_MASK >> NDIS_CSUM_TX_THO_SHIFT))
		return 0;
	return v | tho << NDIS_CSUM_TX_THO_SHIFT;
}

/*
 * Fills *p with the transmit PPIs @skb needs: 802.1Q for a tag (one sent in-band, as
 * AF_PACKET and a VLAN device without CTAG_TX do, is moved to the PPI), LSOv2 for a
 * GSO skb (with the headers Windows expects: IPv4 total length and checksums zero, the
 * TCP checksum seeded with the pseudo-header without length), checksum info for
 * CHECKSUM_PARTIAL.  What the host cannot do is done here.  0, or a negative errno
 * (the skb is to be dropped).
 */
int netvsc_tx_ppis(struct netvsc_dev *nv, struct sk_buff *skb, struct rndis_pkt_ppis *p)
{
	u32 tho;
	u16 tci;

	memset(p, 0, sizeof(*p));
	if (skb->protocol == htons(ETH_P_8021Q) && !skb_vlan_tag_present(skb)) {
		skb_reset_mac_header(skb);
		if (eth_type_vlan(eth_hdr(skb)->h_proto)) {
			if (__skb_vlan_pop(skb, &tci))
				return -EINVAL;
			__vlan_hwaccel_put_tag(skb, htons(ETH_P_8021Q), tci);
		}
	}
	if (skb_vlan_tag_present(skb)) {
		p->present |= RNDIS_PPIS_VLAN;
		p->vlan = (u32)skb_vlan_tag_get_id(skb) << NDIS_8021Q_VID_SHIFT |
			  (skb_vlan_tag_get_cfi(skb) ? NDIS_8021Q_CFI : 0) |
			  skb_vlan_tag_get_prio(skb);
	}

	if (skb_is_gso(skb)) {
		tho = skb_transport_offset(skb);
		if (tho > (NDIS_LSO2_THO_MASK >> NDIS_LSO2_THO_SHIFT) ||
		    skb_shinfo(skb)->gso_size > NDIS_LSO2_MSS_MASK)
			return -EINVAL;
		p->present |= RNDIS_PPIS_LSO;
		p->lso = NDIS_LSO2_TYPE_V2 | tho << NDIS_LSO2_THO_SHIFT |
			 skb_shinfo(skb)->gso_size;
		if (skb->protocol == htons(ETH_P_IP)) {
			ip_hdr(skb)->tot_len = 0;
			ip_hdr(skb)->check = 0;
			tcp_hdr(skb)->check = ~csum_tcpudp_magic(ip_hdr(skb)->saddr,
								 ip_hdr(skb)->daddr, 0,
								 IPPROTO_TCP, 0);
		} else {
			p->lso |= NDIS_LSO2_IPV6;
			tcp_v6_gso_csum_prep(skb);
		}
		return 0;
	}
	if (skb->ip_summed == CHECKSUM_PARTIAL) {
		u32 v = tx_csum_info(nv, skb);

		if (v) {
			p->present |= RNDIS_PPIS_CSUM;
			p->csum = v;
		} else if (skb_checksum_help(skb)) {
			return -EINVAL;
		}
	}
	return 0;
}

/*
 * Applies a received frame's PPIs (checked by rndis_ppis_parse) to its skb: the
 * checksum is CHECKSUM_UNNECESSARY only when the host says it verified TCP or UDP and
 * RXCSUM is on (a failed or absent check leaves it to the stack, which drops and
 * counts a bad one); an 802.1Q PPI becomes the skb's tag.
 */
void netvsc_rx_ppis(struct netvsc_dev *nv, struct sk_buff *skb,
		    const struct rndis_pkt_ppis *p)
{
	u32 fail = NDIS_CSUM_RX_TCP_FAILED | NDIS_CSUM_RX_UDP_FAILED | NDIS_CSUM_RX_IP_FAILED;
	u16 tci;

	if (p->present & RNDIS_PPIS_CSUM && nv->ndev->features & NETIF_F_RXCSUM &&
	    !(p->csum & fail) && p->csum & (NDIS_CSUM_RX_TCP_OK | NDIS_CSUM_RX_UDP_OK))
		skb->ip_summed = CHECKSUM_UNNECESSARY;
	if (p->present & RNDIS_PPIS_VLAN) {
		tci = (p->vlan & NDIS_8021Q_VID_MASK) >> NDIS_8021Q_VID_SHIFT;
		tci |= (p->vlan & NDIS_8021Q_PRI_MASK) << VLAN_PRIO_SHIFT;
		if (p->vlan & NDIS_8021Q_CFI)
			tci |= VLAN_CFI_MASK;
		__vlan_hwaccel_put_tag(skb, htons(ETH_P_8021Q), tci);
	}
	/* The host's RSS hash (rss): upstream's netvsc_alloc_recv_skb sets it as L4. */
	if (p->present & RNDIS_PPIS_HASH)
		skb_set_hash(skb, p->hash, PKT_HASH_TYPE_L4);
}
