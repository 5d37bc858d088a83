// SPDX-License-Identifier: GPL-2.0-only
/*
 * tx.c: the transmit side of the synthetic NIC: the send-buffer section allocator
 * (a bitmap shared by every queue), ndo_start_xmit (RNDIS PACKET header + frame
 * copied into one section, announced with an in-band SEND_RNDIS_PKT on the channel
 * of the skb's queue), the host's VM_PKT_COMP completions (which free sections; ids
 * are checked, never trusted) and stopping and waking each queue.
 *
 * Signals: every send defers its signal (the ring's rule, lib/ring.c: only a write
 * that makes the ring non-empty while the host listens needs one); netvsc_xmit gives
 * it once the stack has no more frames for the queue (netdev_xmit_more()) or the
 * queue stopped.  No BQL: tried with the fake host's held rings (docs/netvsc.md,
 * Benchmark), it stopped the queue until completions came back, and TCP transmit took
 * two to five times the signals per packet.
 *
 * Protocol facts from torvalds/linux drivers/net/hyperv/netvsc.c (netvsc_send,
 * netvsc_copy_to_send_buf, netvsc_send_pkt, netvsc_send_completion).
 */
#include <linux/bitops.h>
#include <linux/etherdevice.h>
#include <linux/skbuff.h>
#include "netvsc.h"

static int tx_get_section(struct netvsc_dev *nv)
{
	unsigned int i;

	do {
		i = find_first_zero_bit(nv->send_map, nv->send_sections);
		if (i >= nv->send_sections)
			return -ENOSPC;
	} while (test_and_set_bit(i, nv->send_map));
	return i;
}

static bool tx_have_section(struct netvsc_dev *nv)
{
	/* Pairs with the release in nvsp.c once the send buffer is accepted. */
	unsigned long *map = smp_load_acquire(&nv->send_map);

	return map && find_first_zero_bit(map, nv->send_sections) < nv->send_sections;
}

static struct netdev_queue *tx_queue(struct netvsc_chan *c)
{
	return netdev_get_tx_queue(c->nv->ndev, c->index);
}

void netvsc_tx_maybe_wake(struct netvsc_chan *c)
{
	struct netvsc_dev *nv = c->nv;
	struct net_device *ndev = nv->ndev;

	if (netif_tx_queue_stopped(tx_queue(c)) && netif_running(ndev) &&
	    !READ_ONCE(nv->destroying) && tx_have_section(nv) &&
	    test_and_clear_bit(0, &c->tx_stopped)) {
		netif_tx_wake_queue(tx_queue(c));
		netvsc_count(nv, NETVSC_C_WAKE_QUEUE);
	}
}

/*
 * Send sections are shared by all queues: a section freed by a completion on one
 * channel may be what another queue waits for, stopped with nothing of its own in
 * flight (so no completion of its own would ever wake it).  Every stopped queue is
 * offered the wake, not only the completing channel's.
 */
void netvsc_tx_wake_stopped(struct netvsc_dev *nv)
{
	u32 q, n = READ_ONCE(nv->num_chan);

	for (q = 0; q < n && q < NETVSC_MAX_CHANNELS; q++)
		if (READ_ONCE(nv->chan[q].ch) && test_bit(0, &nv->chan[q].tx_stopped))
			netvsc_tx_maybe_wake(&nv->chan[q]);
}

/*
 * The queue is stopped before the bit is set, and woken only by whoever clears the
 * bit: so a completion racing with xmit wakes it once, and every counted stop pairs
 * with one counted wake.
 */
static void tx_stop(struct netvsc_chan *c)
{
	netif_tx_stop_queue(tx_queue(c));
	if (!test_and_set_bit(0, &c->tx_stopped)) {
		netvsc_count(c->nv, NETVSC_C_STOP_QUEUE);
		netvsc_txwatch_arm(c);
	}
}

static netdev_tx_t tx_drop(struct netvsc_chan *c, struct sk_buff *skb)
{
	u64_stats_update_begin(&c->tx_syncp);
	c->tx_dropped++;
	u64_stats_update_end(&c->tx_syncp);
	dev_kfree_skb_any(skb);
	return NETDEV_TX_OK;
}

/* One frame on queue @c, its signal deferred. */
static netdev_tx_t tx_one(struct netvsc_chan *c, struct sk_buff *skb)
{
	struct nvsp_msg msg = { .type = NVSP_MSG1_SEND_RNDIS_PKT };
	struct netvsc_dev *nv = c->nv;
	struct rndis_pkt_ppis ppis;
	u32 len, hdr_len;
	u8 *dst;
	int sec, rc;

	/* rss.c: the host took this queue's channel away (select_queue avoids it now). */
	if (unlikely(READ_ONCE(c->gone)))
		return tx_drop(c, skb);

	sec = tx_get_section(nv);
	if (sec < 0) {
		netvsc_count(nv, NETVSC_C_TX_NO_SPACE);
		tx_stop(c);
		/* A completion may have freed one before the queue stopped. */
		smp_mb__after_atomic();
		sec = tx_get_section(nv);
		if (sec < 0)
			return NETDEV_TX_BUSY;
		if (test_and_clear_bit(0, &c->tx_stopped)) {
			netif_tx_start_queue(tx_queue(c));
			netvsc_count(nv, NETVSC_C_WAKE_QUEUE);
		}
	}

	/* rss.c reclaims the sections of a channel the host rescinds. */
	nv->sec_queue[sec] = c - nv->chan;

	/* Checksum, LSO and VLAN per-packet info (offload.c); may move the VLAN tag. */
	if (netvsc_tx_ppis(nv, skb, &ppis)) {
		clear_bit(sec, nv->send_map);
		netvsc_count(nv, NETVSC_C_TX_ERROR);
		return tx_drop(c, skb);
	}
	len = skb->len;
	if (ppis.present & RNDIS_PPIS_LSO)
		netvsc_count(nv, NETVSC_C_TX_LSO);
	if (ppis.present & RNDIS_PPIS_CSUM)
		netvsc_count(nv, NETVSC_C_TX_CSUM);

	/* Too big for a section: the frame goes by pages (txpage.c). */
	if ((u64)RNDIS_PACKET_HDR_BYTES + rndis_ppis_size(&ppis) + len > nv->send_section_size) {
		rc = netvsc_xmit_pages(c, skb, sec, &ppis);
		if (!rc)
			goto sent;
		goto failed;
	}

	dst = (u8 *)nv->send_buf + (size_t)sec * nv->send_section_size;
	hdr_len = rndis_packet_build_ppis(dst, nv->send_section_size, len, &ppis);
	if (!hdr_len || skb_copy_bits(skb, 0, dst + hdr_len, len)) {
		clear_bit(sec, nv->send_map);
		netvsc_count(nv, NETVSC_C_TX_ERROR);
		return tx_drop(c, skb);
	}

	msg.rndis.channel_type = NVSP_RNDIS_CHANNEL_DATA;
	msg.rndis.send_buf_section_index = sec;
	msg.rndis.send_buf_section_size = hdr_len + len;
	rc = hvis_channel_send_nosignal(c->ch, &msg, sizeof(msg), NETVSC_TID_TX_BASE + sec,
					VM_PKT_DATA_INBAND,
					VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED);
	if (!rc) {
		/* The frame is in the section now; the section is freed on completion. */
		dev_consume_skb_any(skb);
		goto sent;
	}
failed:
	if (rc == -EAGAIN) {
		clear_bit(sec, nv->send_map);
		netvsc_count(nv, NETVSC_C_TX_BUSY);
		tx_stop(c);
		/* Woken by a send completion, or by the poll this schedules. */
		schedule_delayed_work(&c->comp_retry, 1);
		return NETDEV_TX_BUSY;
	}
	clear_bit(sec, nv->send_map);
	netvsc_count(nv, NETVSC_C_TX_ERROR);
	return tx_drop(c, skb);

sent:
	/* The skb is not ours any more (consumed, or held until its completion). */
	u64_stats_update_begin(&c->tx_syncp);
	c->tx_packets++;
	c->tx_bytes += len;
	u64_stats_update_end(&c->tx_syncp);
	return NETDEV_TX_OK;
}

netdev_tx_t netvsc_xmit(struct sk_buff *skb, struct net_device *ndev)
{
	struct netvsc_dev *nv = netdev_priv(ndev);
	u16 q = skb_get_queue_mapping(skb);
	struct netvsc_chan *c;
	netdev_tx_t rc;

	/* vf.c: while the data path is the VF, frames leave through it. */
	if (netvsc_vf_xmit(nv, skb))
		return NETDEV_TX_OK;
	/* The stack keeps q below real_num_tx_queues = num_chan; be safe anyway. */
	if (unlikely(q >= READ_ONCE(nv->num_chan)))
		q = 0;
	c = &nv->chan[q];
	rc = tx_one(c, skb);
	/* The batch's last frame, or a stopped queue, gives the signal the batch owes. */
	if (!netdev_xmit_more() || netif_xmit_stopped(tx_queue(c)))
		hvis_channel_kick(c->ch);
	return rc;
}

static void tx_bad_comp(struct netvsc_dev *nv, u64 trans_id, const char *why)
{
	net_warn_ratelimited("%s: send completion %#llx ignored: %s\n",
			     netdev_name(nv->ndev), trans_id, why);
	netvsc_count(nv, NETVSC_C_TX_COMP_BAD);
}

/* A VM_PKT_COMP from the host on channel @c (softirq, from its poll). */
void netvsc_send_completion(struct netvsc_chan *c, u64 trans_id, const void *msg, u32 len)
{
	struct netvsc_dev *nv = c->nv;
	const char *why = NULL;
	unsigned long *map;
	u32 sec, status;
	int type;

	if (trans_id == NETVSC_TID_NVSP) {
		netvsc_nvsp_complete(nv, msg, len);
		return;
	}
	/* Hyper-V completes SWITCH_DATA_PATH with no data (vf.c). */
	if (trans_id == NETVSC_TID_DATAPATH) {
		netvsc_vf_datapath_done(nv);
		return;
	}
	type = nvsp_msg_check(msg, len, NETVSC_FROM_HOST, &why);
	if (type < 0) {
		tx_bad_comp(nv, trans_id, why);
		return;
	}
	if (type != NVSP_MSG1_SEND_RNDIS_PKT_COMPLETE) {
		tx_bad_comp(nv, trans_id, nvsp_msg_name(type));
		return;
	}
	memcpy(&status, (const u8 *)msg + NVSP_HDR_BYTES, sizeof(status));
	if (status != NVSP_STAT_SUCCESS) {
		netvsc_count(nv, NETVSC_C_TX_ERROR);
		net_dbg_ratelimited("%s: host completed a send with status %u\n",
				    netdev_name(nv->ndev), status);
	}
	if (trans_id == NETVSC_TID_CTRL)
		return;

	/* Pairs with the release in nvsp.c once the send buffer is accepted. */
	map = smp_load_acquire(&nv->send_map);
	if (!map || trans_id < NETVSC_TID_TX_BASE ||
	    trans_id - NETVSC_TID_TX_BASE >= nv->send_sections) {
		tx_bad_comp(nv, trans_id, "unknown transaction id");
		return;
	}
	sec = trans_id - NETVSC_TID_TX_BASE;
	if (!test_bit(sec, map)) {
		tx_bad_comp(nv, trans_id, "section not in flight");
		return;
	}
	WRITE_ONCE(nv->tx_last_comp, jiffies);
	/* A page-buffer send's skb goes before the section can be taken again. */
	netvsc_txpage_done(nv, sec);
	clear_bit_unlock(sec, map);
	netvsc_tx_wake_stopped(nv);
}
