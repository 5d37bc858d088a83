// SPDX-License-Identifier: GPL-2.0-only
/*
 * rsc.c: hvis_netvsc's receive delivery: one checked RNDIS PACKET's per-packet info
 * (refused as a whole when bad), and receive segment coalescing (LRO): the host sends
 * one coalesced TCP segment as a chain of fragments in consecutive ranges of one
 * transfer-page packet, each with a PKTINFO_ID PPI; they are assembled into one frame
 * with every length checked (rsc_chain_add), and an inconsistent chain is dropped
 * whole.  Frames go to the stack with the first fragment's checksum and VLAN PPIs.
 *
 * Behaviour follows torvalds/linux drivers/net/hyperv/rndis_filter.c
 * (rndis_filter_receive_data, rsc_add_data) and netvsc_drv.c (netvsc_recv_callback,
 * netvsc_alloc_recv_skb).
 */
#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/skbuff.h>
#include "netvsc.h"

static void rsc_refused(struct netvsc_chan *c, const char *why)
{
	net_warn_ratelimited("%s: RSC fragment dropped: %s\n", netdev_name(c->nv->ndev), why);
	netvsc_count(c->nv, NETVSC_C_RX_RSC_BAD);
	netvsc_rx_drop(c);
}

/* One whole frame, in pieces at pc of total bytes, with PPIs *p, to the stack. */
static void rx_to_stack(struct netvsc_chan *c, const struct netvsc_rx_piece *pc, u32 total,
			const struct rndis_pkt_ppis *p)
{
	struct netvsc_dev *nv = c->nv;
	struct sk_buff *skb;

	if (!netif_running(nv->ndev)) {
		netvsc_rx_drop(c);
		return;
	}
	skb = netvsc_rx_skb(c, pc, total);
	if (!skb) {
		netvsc_count(nv, NETVSC_C_RX_NO_MEMORY);
		netvsc_rx_drop(c);
		return;
	}
	skb_record_rx_queue(skb, c->index);
	netvsc_rx_ppis(nv, skb, p);
	if (skb->ip_summed == CHECKSUM_UNNECESSARY)
		netvsc_count(nv, NETVSC_C_RX_CSUM_OK);
	if (p->present & RNDIS_PPIS_VLAN)
		netvsc_count(nv, NETVSC_C_RX_VLAN);

	u64_stats_update_begin(&c->rx_syncp);
	c->rx_packets++;
	c->rx_bytes += total;
	u64_stats_update_end(&c->rx_syncp);
	napi_gro_receive(&c->napi, skb);
}

/*
 * A checked PACKET (rndis_packet_parse) whose header and PPIs are in msg (a private
 * copy) and whose v->data_len frame bytes are at frame (the receive buffer): its PPIs,
 * then a frame of its own or one fragment of an RSC chain.  0, or -EINVAL when
 * refused (counted and logged).
 */
int netvsc_rx_deliver(struct netvsc_chan *c, const u8 *msg, const struct rndis_packet_view *v,
		      const u8 *frame)
{
	struct netvsc_rx_piece one = { .data = frame, .len = v->data_len };
	struct netvsc_dev *nv = c->nv;
	struct rndis_pkt_ppis p;
	const char *why = NULL;
	int step;

	if (rndis_ppis_parse(msg, v, NETVSC_FROM_HOST, &p, &why)) {
		net_warn_ratelimited("%s: RNDIS PACKET dropped for its per-packet info: %s\n",
				     netdev_name(nv->ndev), why);
		netvsc_count(nv, NETVSC_C_RX_PPI_BAD);
		/* A chain with a bad fragment is no chain (one drop for both). */
		if (c->rsc.open)
			netvsc_rsc_break(c, "a fragment with bad per-packet info");
		else
			netvsc_rx_drop(c);
		return -EINVAL;
	}
	step = rsc_chain_add(&c->rsc, &p, v->data_len, NVSP_RSC_MAX, NETVSC_RSC_MAX_BYTES, &why);
	if (step < 0) {
		rsc_refused(c, why);
		return -EINVAL;
	}
	if (step == RSC_SINGLE) {
		rx_to_stack(c, &one, v->data_len, &p);
		return 0;
	}
	/*
	 * rsc_chain_add kept the chain within NVSP_RSC_MAX fragments and
	 * NETVSC_RSC_MAX_BYTES; its pieces stay in the receive buffer until this
	 * transfer-page packet is completed, after the chain has been delivered.
	 */
	c->rsc_pieces[c->rsc.frags - 1] = one;
	if (c->rsc.frags == 1)
		c->rsc_ppis = p;
	if (step == RSC_DONE) {
		if (c->rsc.bytes < ETH_HLEN) {
			rsc_refused(c, "RSC chain shorter than an Ethernet header");
			return -EINVAL;
		}
		netvsc_count(nv, NETVSC_C_RX_RSC);
		rx_to_stack(c, c->rsc_pieces, c->rsc.bytes, &c->rsc_ppis);
	}
	return 0;
}

/*
 * A chain still open is dropped: at the end of its transfer-page packet, or when a
 * range inside it is no RNDIS PACKET that could continue it (a malformed message, a
 * control message), so that the fragments after the gap are never joined to those
 * before it (rndis_filter.c resets rsc.cnt on any error too).
 */
void netvsc_rsc_break(struct netvsc_chan *c, const char *why)
{
	if (!c->rsc.open)
		return;
	memset(&c->rsc, 0, sizeof(c->rsc));
	rsc_refused(c, why);
}
