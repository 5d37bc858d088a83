// SPDX-License-Identifier: GPL-2.0-only
/*
 * nic_wire.c: what is behind the synthetic NIC.  With `--tap N=IFNAME` the NIC is wired
 * to a TAP device (nic_tap.c); without, to the built-in responder (net_responder.c).
 * Guest -> wire (nic_wire_tx): each frame of a PACKET, with what its PPIs said; a
 * tagged one goes to its VLAN's access port when the NIC has `--tap-vlan` (nic_vlan.c).
 * Wire -> guest (nic_wire_rx): the guest's packet filter and current MAC decide whether
 * a frame is delivered at all (as a virtual switch port does); nic_rx_channel picks the
 * channel; the frame is queued as an RNDIS PACKET carrying the PPIs its meta asks for,
 * or as RSC fragments when the TAP handed over a coalesced TCP frame.
 */
#include <stddef.h>
#include <stdio.h>
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
	/* vlan: a tagged frame goes to its VLAN's access port (nic_vlan.c) */
	if (nic_vlan_tx(nd, frame, len, meta))
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
	struct nic_pkt_meta m = *meta;
	u32 qidx = 0;
	struct nic_queue *q;
	bool ok;

	if (len < NET_ETH_HDR)
		return false;
	/* A switch port whose link is down, or whose guest filters the frame, holds it back. */
	if (!nd->link_up || !nic_filter_accepts(nd, frame)) {
		nd->filtered++;
		nd->queues[0].rx_filtered++;
		return false;
	}
	if (nic_vmq_drop(nd, frame, len, meta->vlan) || nic_vf_steals(nd))
		return false;
	/* The channel RSS picks, and the hash for the frame's hash value PPI. */
	if (nd->ch)
		qidx = nic_rx_channel(nd, frame, len, &m);
	if (qidx >= NIC_MAX_QUEUES)
		qidx = 0;
	q = &nd->queues[qidx];
	if (m.gso_type != NIC_GSO_NONE)
		ok = nic_queue_rsc(nd, qidx, frame, len, &m);
	else
		ok = nic_queue_frame_meta(nd, qidx, frame, len, &m);
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

u64 nic_queue_sum(const struct nic_dev *nd, size_t off)
{
	u64 sum = 0, v;
	u32 i;

	for (i = 0; i < NIC_MAX_QUEUES; i++) {
		memcpy(&v, (const u8 *)&nd->queues[i] + off, sizeof(v));
		sum += v;
	}
	return sum;
}

/* The counters of struct nic_queue, by name, for `nic status` (sums) and `nic queues`. */
static const struct {
	const char *name;
	size_t off;
} queue_counters[] = {
#define QC(x) { #x, offsetof(struct nic_queue, x) }
	QC(tx_frames), QC(tx_bytes), QC(rx_frames), QC(rx_bytes), QC(tx_errors), QC(rx_drops),
	QC(rx_filtered), QC(rx_csum_ok), QC(rx_csum_bad), QC(rx_coalesced), QC(tx_gso),
	QC(tx_csum), QC(tx_vlan), QC(rx_vlan), QC(rx_rsc), QC(rx_rsc_frags), QC(rx_segmented),
	QC(rx_segments), QC(rx_reclaimed),
#undef QC
};

static unsigned long long qget(const struct nic_queue *q, size_t off)
{
	u64 v;

	memcpy(&v, (const u8 *)q + off, sizeof(v));
	return v;
}

/* The wire's part of a `nic status` line: " tap= ... wire counters summed\n". */
void nic_wire_status(const struct nic_dev *nd, FILE *out)
{
	char mac[18];
	u32 i;

	fprintf(out, " tap=%s queues=%u max_frame=%u cur_mac=%s tap_offloads=%#x", nd->tap[0] ? nd->tap :
		"none", nd->nqueues, nd->max_frame, nic_fmt_mac(nd->cur_mac, mac), nd->tap_offloads);
	for (i = 0; i < ARRAY_SIZE(queue_counters); i++) {
		/* tx_frames/rx_frames are already on the line (the device's own counts). */
		if (!strcmp(queue_counters[i].name, "tx_frames") ||
		    !strcmp(queue_counters[i].name, "rx_frames"))
			continue;
		fprintf(out, " %s=%llu", queue_counters[i].name,
			(unsigned long long)nic_queue_sum(nd, queue_counters[i].off));
	}
	nic_vlan_status(nd, out);
	fputc('\n', out);
}

/* `nic queues DEV`: one line per queue that has a channel or has counted anything. */
void nic_queues_print(const struct nic_dev *nd, FILE *out)
{
	u32 i, j;

	for (i = 0; i < NIC_MAX_QUEUES; i++) {
		const struct nic_queue *q = &nd->queues[i];

		if (i >= nd->nqueues && !q->tx_frames && !q->rx_frames && q->tap_fd < 0)
			continue;
		fprintf(out, "queue=%u tap=%s", i, q->tap_fd >= 0 ? "open" : "none");
		for (j = 0; j < ARRAY_SIZE(queue_counters); j++)
			fprintf(out, " %s=%llu", queue_counters[j].name, qget(q, queue_counters[j].off));
		fputc('\n', out);
	}
}
