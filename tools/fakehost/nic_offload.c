// SPDX-License-Identifier: GPL-2.0-only
/*
 * nic_offload.c: the fake host's side of the NIC offloads: what a TAP-wired NIC
 * offers in OID_TCP_OFFLOAD_HARDWARE_CAPABILITIES (TX/RX checksum for TCP and UDP over
 * IPv4 and IPv6, LSOv2 for both, RSC; the responder offers none, it cannot checksum),
 * and turning a guest PACKET's per-packet info (checked as a whole by
 * rndis_ppis_parse) into the struct nic_pkt_meta nic_tap.c writes as the virtio-net
 * header.  Headers the guest prepared the Windows way for LSO (IPv4 total length and
 * IPv6 payload length zero, TCP checksum seeded without the length, as upstream's
 * netvsc_xmit does) are completed here, since the Linux stack behind the TAP checks
 * them; the TCP/UDP checksum field is reseeded with the pseudo-header sum the
 * virtio-net NEEDS_CSUM contract wants.
 *
 * Facts: torvalds/linux drivers/net/hyperv/rndis_filter.c (rndis_netdev_set_hwcaps:
 * which capability bits turn which offload on), netvsc_drv.c (netvsc_xmit),
 * include/uapi/linux/virtio_net.h (csum_start/csum_offset, gso_size, hdr_len).
 */
#include "net_frame.h"
#include "nic_dev.h"

/* The capabilities a TAP-wired NIC offers (rndis_netdev_set_hwcaps reads these bits). */
void nic_offload_fill_caps(const struct nic_dev *nd, struct ndis_offload *caps)
{
	memset(caps, 0, sizeof(*caps));
	caps->csum.ip4_txenc = NDIS_OFFLOAD_ENCAP_8023;
	caps->csum.ip4_rxenc = NDIS_OFFLOAD_ENCAP_8023;
	caps->csum.ip6_txenc = NDIS_OFFLOAD_ENCAP_8023;
	caps->csum.ip6_rxenc = NDIS_OFFLOAD_ENCAP_8023;
	if (!nd->tap[0])
		return;
	caps->csum.ip4_txcsum = NDIS_TXCSUM_CAP_TCP4 | NDIS_TXCSUM_CAP_TCP4OPT |
				NDIS_TXCSUM_CAP_UDP4;
	caps->csum.ip4_rxcsum = caps->csum.ip4_txcsum;
	caps->csum.ip6_txcsum = NDIS_TXCSUM_CAP_TCP6 | NDIS_TXCSUM_CAP_TCP6OPT |
				NDIS_TXCSUM_CAP_IP6EXT | NDIS_TXCSUM_CAP_UDP6;
	caps->csum.ip6_rxcsum = caps->csum.ip6_txcsum;
	caps->lsov2.ip4_encap = NDIS_OFFLOAD_ENCAP_8023;
	caps->lsov2.ip4_maxsz = 65536;
	caps->lsov2.ip4_minsg = 2;
	caps->lsov2.ip6_encap = NDIS_OFFLOAD_ENCAP_8023;
	caps->lsov2.ip6_maxsz = 65536;
	caps->lsov2.ip6_minsg = 2;
	caps->lsov2.ip6_opts = NDIS_LSOV2_CAP_IP6;
	caps->rsc_ip4 = 1;
	caps->rsc_ip6 = 1;
}

static u32 sum16(const u8 *p, u32 len, u32 sum)
{
	u32 i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (u32)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (u32)p[len - 1] << 8;
	return sum;
}

static u16 fold(u32 sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (u16)sum;
}

/*
 * Completes the L3 header of an IPv4/IPv6 frame (Ethernet header at 0, IP at 14) and
 * seeds the L4 checksum at tho + off with the pseudo-header sum.  -1 if the frame is
 * not the IP version the PPI said.
 */
static int fix_headers(u8 *f, u32 len, bool v6, u32 tho, u32 off, u8 proto)
{
	u32 l4len = len - tho, sum;
	u16 et = (u16)(f[12] << 8 | f[13]);

	if (!v6) {
		u32 ihl;

		if (et != 0x0800 || len < 34 || (f[14] >> 4) != 4)
			return -1;
		ihl = (f[14] & 0xf) * 4u;
		if (ihl < 20 || 14 + ihl > tho)
			return -1;
		net_put16(f + 16, (u16)(len - 14));
		net_put16(f + 24, 0);
		net_put16(f + 24, (u16)~fold(sum16(f + 14, ihl, 0)));
		sum = sum16(f + 26, 8, 0);
	} else {
		if (et != 0x86dd || len < 54 || (f[14] >> 4) != 6)
			return -1;
		net_put16(f + 18, (u16)(len - 54));
		sum = sum16(f + 22, 32, 0);
	}
	sum += proto + l4len;
	net_put16(f + tho + off, fold(sum));
	return 0;
}

int nic_offload_meta(struct nic_dev *nd, u8 *frame, const u8 *msg,
		     const struct rndis_packet_view *v, struct nic_pkt_meta *meta)
{
	struct rndis_pkt_ppis p;
	const char *why = "?";
	u32 tho, len = v->data_len;
	bool v6;

	memset(meta, 0, sizeof(*meta));
	if (rndis_ppis_parse(msg, v, NETVSC_FROM_GUEST, &p, &why)) {
		nic_bad(nd, "ppi", "why=\"%s\"", why);
		return -1;
	}
	if (p.present & RNDIS_PPIS_VLAN) {
		meta->vlan = true;
		meta->vlan_tci = (u16)(((p.vlan & NDIS_8021Q_VID_MASK) >> NDIS_8021Q_VID_SHIFT) |
				       (p.vlan & NDIS_8021Q_PRI_MASK) << 13 |
				       (p.vlan & NDIS_8021Q_CFI ? 0x1000 : 0));
	}
	if (p.present & RNDIS_PPIS_LSO) {
		tho = (p.lso & NDIS_LSO2_THO_MASK) >> NDIS_LSO2_THO_SHIFT;
		v6 = p.lso & NDIS_LSO2_IPV6;
		if (fix_headers(frame, len, v6, tho, 16, 6)) {
			nic_bad(nd, "ppi", "why=\"LSO PPI on a frame that is not TCP/IPv%c\"",
				v6 ? '6' : '4');
			return -1;
		}
		meta->gso_type = v6 ? NIC_GSO_TCPV6 : NIC_GSO_TCPV4;
		meta->gso_size = (u16)(p.lso & NDIS_LSO2_MSS_MASK);
		meta->hdr_len = (u16)(tho + (frame[tho + 12] >> 4) * 4u);
		meta->csum_needed = true;
		meta->csum_start = (u16)tho;
		meta->csum_offset = 16;
		return 0;
	}
	if (p.present & RNDIS_PPIS_CSUM && p.csum & (NDIS_CSUM_TX_TCP | NDIS_CSUM_TX_UDP)) {
		bool tcp = p.csum & NDIS_CSUM_TX_TCP;

		tho = (p.csum & NDIS_CSUM_TX_THO_MASK) >> NDIS_CSUM_TX_THO_SHIFT;
		v6 = p.csum & NDIS_CSUM_TX_IS_IPV6;
		if (fix_headers(frame, len, v6, tho, tcp ? 16 : 6, tcp ? 6 : 17)) {
			nic_bad(nd, "ppi", "why=\"checksum PPI on a frame that is not IPv%c\"",
				v6 ? '6' : '4');
			return -1;
		}
		meta->csum_needed = true;
		meta->csum_start = (u16)tho;
		meta->csum_offset = tcp ? 16 : 6;
	}
	return 0;
}
