// SPDX-License-Identifier: GPL-2.0-only
/*
 * nic_rsc.c: what the host does with a coalesced TCP frame from the wire (a TAP's
 * virtio-net GSO frame, up to 64 KiB).  While the guest has RSC on for its IP version
 * (NVSP 6.1 with the RSC capability in its NDIS config, and OID_TCP_OFFLOAD_PARAMETERS
 * rsc_ip_v4/v6 ENABLED), it goes as Hyper-V sends receive segment coalescing: one
 * transfer-page packet whose ranges are RNDIS PACKETs, one per receive section, each
 * with a PKTINFO_ID PPI (SUBALLOC; 1ST_FRAG on the first, LAST_FRAG on the last; one
 * pkt_id), the first also with the checksum, 802.1Q and hash PPIs
 * (torvalds/linux drivers/net/hyperv/rndis_filter.c rndis_filter_receive_data and
 * rsc_add_data read them so).  Otherwise it is cut into frames no larger than the
 * guest's MTU (net_gso.c), so a guest with RSC off never sees a frame above its MTU.
 */
#include <stdlib.h>
#include "net_frame.h"
#include "net_gso.h"
#include "nic_dev.h"

bool nic_rsc_on(const struct nic_dev *nd, bool ipv6)
{
	u8 v = ipv6 ? nd->offload.rsc_ip_v6 : nd->offload.rsc_ip_v4;

	return nd->nvsp_version >= NVSP_VERSION_61 && (nd->guest_caps & NVSP_CAP_RSC) &&
	       nd->offload_set && v == NDIS_OFFLOAD_PARAMS_RSC_ENABLED;
}

void nic_rsc_changed(struct nic_dev *nd)
{
	host_event(nd->dev->host, "NIC_RSC", "nic=%u ip_v4=%d ip_v6=%d", nic_ordinal(nd->dev),
		   nic_rsc_on(nd, false), nic_rsc_on(nd, true));
}

/* The RNDIS PACKETs of one RSC chain, back to back, and their lengths. */
static u8 rsc_buf[NIC_RSC_FRAGS_MAX * 256 + 65600];
static u32 rsc_lens[NIC_RSC_FRAGS_MAX];

struct seg_ctx {
	struct nic_dev *nd;
	u32 qidx;
	const struct nic_pkt_meta *meta;
	u32 queued;
};

static bool seg_out(void *ctx, const u8 *frame, u32 len)
{
	struct seg_ctx *c = ctx;

	if (!nic_queue_frame_meta(c->nd, c->qidx, frame, len, c->meta))
		return false;
	c->queued++;
	return true;
}

/*
 * The largest TCP payload per frame: the sender's MSS, within the guest's MTU (its NDIS
 * config's mtu is the MTU + the Ethernet header: netvsc.c negotiate_nvsp_ver).
 */
static u32 seg_mss(const struct nic_dev *nd, const u8 *frame, u32 len, u32 gso_size)
{
	u32 mtu = nd->guest_mtu > NET_ETH_HDR ? nd->guest_mtu - NET_ETH_HDR : 1500, l3_hl;
	struct net_l4 o;

	if (net_frame_l4(frame, len, &o))
		return 0;
	l3_hl = o.l4 - o.l3 + (frame[o.l4 + 12] >> 4) * 4u;
	if (mtu <= l3_hl)
		return 0;
	return gso_size && gso_size < mtu - l3_hl ? gso_size : mtu - l3_hl;
}

bool nic_queue_rsc(struct nic_dev *nd, u32 qidx, const u8 *frame, u32 len,
		   const struct nic_pkt_meta *meta)
{
	static u8 scratch[NIC_MAX_FRAME];
	struct nic_queue *q = &nd->queues[qidx < NIC_MAX_QUEUES ? qidx : 0];
	struct nic_pkt_meta m = *meta;
	struct seg_ctx c = { nd, qidx, &m, 0 };
	bool ipv6 = meta->gso_type == NIC_GSO_TCPV6;
	struct rndis_pkt_ppis p;
	u32 mss, n = 0, max_frags;
	int rc;

	if (!nd->filter) {
		nd->filtered++;
		return false;
	}
	/* A chain may take half the receive sections at most; a longer one is cut instead. */
	max_frags = min(NIC_RSC_FRAGS_MAX, nd->recv.sections / 2);
	if (nic_rsc_on(nd, ipv6) && nd->recv.section_size && max_frags) {
		nic_rx_ppis(frame, len, meta, &p);
		n = rndis_rsc_build(rsc_buf, sizeof(rsc_buf), rsc_lens, max_frags, frame, len, &p,
				    ++nd->rsc_pkt_id, nd->recv.section_size);
	}
	if (n) {
		if (!nic_queue_msgs(nd, qidx, rsc_buf, rsc_lens, n))
			return false;
		q->rx_rsc++;
		q->rx_rsc_frags += n;
		return true;
	}
	/* Each segment's checksums are computed by the cut: verified. */
	m.csum_ok = true;
	m.gso_type = NIC_GSO_NONE;
	mss = seg_mss(nd, frame, len, meta->gso_size);
	rc = mss ? net_tcp_segment(frame, len, mss, scratch, sizeof(scratch), seg_out, &c) : -1;
	if (rc < 0) {
		nic_bad(nd, "gso", "gso_type=%u gso_size=%u len=%u (not a TCP frame to cut)",
			meta->gso_type, meta->gso_size, len);
		return false;
	}
	q->rx_segmented++;
	q->rx_segments += c.queued;
	return c.queued == (u32)rc;
}
