// SPDX-License-Identifier: GPL-2.0-only
/*
 * nic_wire.c: what is behind the synthetic NIC.  With `--tap N=IFNAME` the NIC is wired
 * to a TAP device (nic_tap.c); without, to the built-in responder (net_responder.c).
 * Guest -> wire (nic_wire_tx): each frame of a PACKET, with what its PPIs said.
 * Wire -> guest (nic_wire_rx): the guest's packet filter and current MAC decide whether
 * a frame is delivered at all (as a virtual switch port does); nic_rx_channel picks the
 * channel; the frame is queued as an RNDIS PACKET carrying the PPIs its meta asks for,
 * or as RSC fragments when the TAP handed over a coalesced TCP frame.
 */
#include "net_frame.h"
#include "nic_dev.h"

static const u8 bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

bool nic_filter_accepts(const struct nic_dev *nd, const u8 *dst)
{
	u32 f = nd->filter;

	if (f & NDIS_PACKET_TYPE_PROMISCUOUS)
		return true;
	if (!memcmp(dst, bcast, 6))
		return f & NDIS_PACKET_TYPE_BROADCAST;
	/* No multicast list OID in netvsc: MULTICAST takes every group, as ALL_MULTICAST. */
	if (dst[0] & 1)
		return f & (NDIS_PACKET_TYPE_MULTICAST | NDIS_PACKET_TYPE_ALL_MULTICAST);
	return (f & NDIS_PACKET_TYPE_DIRECTED) && !memcmp(dst, nd->cur_mac, 6);
}

void nic_wire_tx(struct nic_dev *nd, u32 qidx, const u8 *frame, u32 len,
		 const struct nic_pkt_meta *meta)
{
	struct nic_queue *q = &nd->queues[qidx < NIC_MAX_QUEUES ? qidx : 0];
	u8 out[NETVSC_RECV_SECTION_SIZE];
	u32 n;

	nd->tx_frames++;
	q->tx_frames++;
	q->tx_bytes += len;
	if (meta->gso_type != NIC_GSO_NONE)
		q->tx_gso++;
	if (meta->csum_needed)
		q->tx_csum++;
	if (meta->vlan)
		q->tx_vlan++;
	/* migrate: a migrated VM's VLAN frames lost to the VMQ mismatch (nic_migrate.c) */
	if (nic_vmq_drop(nd, frame, len, meta->vlan))
		return;
	if (nd->tap[0]) {
		if (nic_tap_write(nd, qidx, frame, len, meta))
			q->tx_errors++;
		return;
	}
	n = net_responder_handle(&nd->resp, frame, len, out, sizeof(out));
	if (n)
		nic_wire_rx(nd, out, n, &(struct nic_pkt_meta){});
}

bool nic_wire_rx(struct nic_dev *nd, const u8 *frame, u32 len, const struct nic_pkt_meta *meta)
{
	u32 qidx = 0;
	struct nic_queue *q;
	bool ok;

	if (len < NET_ETH_HDR)
		return false;
	if (!nic_filter_accepts(nd, frame)) {
		nd->filtered++;
		nd->queues[0].rx_filtered++;
		return false;
	}
	if (nic_vmq_drop(nd, frame, len, meta->vlan) || nic_vf_steals(nd))
		return false;
	if (nd->ch)
		qidx = nic_rx_channel(nd, frame, len, meta);
	if (qidx >= NIC_MAX_QUEUES)
		qidx = 0;
	q = &nd->queues[qidx];
	if (meta->gso_type != NIC_GSO_NONE)
		ok = nic_queue_rsc(nd, frame, len, meta);
	else
		ok = nic_queue_frame_meta(nd, frame, len, meta);
	if (!ok) {
		q->rx_drops++;
		return false;
	}
	q->rx_frames++;
	q->rx_bytes += len;
	if (meta->csum_ok)
		q->rx_csum_ok++;
	if (meta->gso_type != NIC_GSO_NONE)
		q->rx_coalesced++;
	return true;
}
