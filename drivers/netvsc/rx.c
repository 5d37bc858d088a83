// SPDX-License-Identifier: GPL-2.0-only
/*
 * rx.c: the receive side of the synthetic NIC, per channel: the channel callback
 * (schedules that channel's NAPI), the NAPI poll that drains its inbound ring,
 * transfer-page packets (each range one RNDIS message out of the receive buffer:
 * frames to the stack on that channel's RX queue, control messages to rndis.c), the
 * receive completions the host needs to reuse its sections (sent back on the same
 * channel, kept queued while its outbound ring is full), and dispatching VM_PKT_COMP
 * packets to tx.c.
 *
 * Protocol facts from torvalds/linux drivers/net/hyperv/netvsc.c (netvsc_poll,
 * netvsc_receive, enq_receive_complete, send_recv_completions) and rndis_filter.c
 * (rndis_filter_receive).
 */
#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/slab.h>
#include "netvsc.h"

/* One whole packet: transfer-page packets of up to ~2000 ranges fit. */
#define NETVSC_RAW_BYTES	(16 * 1024)
#define NETVSC_MIN_COMPS	64u

/* netvsc_chan.comps et al. exist only once the receive buffer is set up. */
static bool rx_ready(struct netvsc_chan *c)
{
	/* Pairs with the release in netvsc_rx_alloc. */
	return !!smp_load_acquire(&c->comps);
}

void netvsc_channel_callback(void *context)
{
	struct netvsc_chan *c = context;

	/* The bus runs us in softirq; all reading happens in netvsc_poll. */
	napi_schedule(&c->napi);
}

void netvsc_comp_retry_work(struct work_struct *work)
{
	struct netvsc_chan *c = container_of(to_delayed_work(work), struct netvsc_chan,
					     comp_retry);

	local_bh_disable();
	napi_schedule(&c->napi);
	local_bh_enable();
}

void netvsc_rx_queue_comp(struct netvsc_chan *c, u64 trans_id, u32 status)
{
	struct netvsc_rx_comp *e = &c->comps[(c->comp_head + c->comp_count) % c->comp_cap];

	e->trans_id = trans_id;
	e->status = status;
	c->comp_count++;
}

/*
 * A receive completion is the type word and the status only, 8 bytes, as upstream
 * sends it (netvsc.c send_recv_completions, struct recv_comp_msg): the 40-byte size
 * is for requests, not completions.
 */
#define NETVSC_RX_COMP_BYTES	(NVSP_HDR_BYTES + sizeof(struct nvsp1_send_rndis_packet_complete))

/*
 * Sends queued receive completions in order until the ring is full.  They go back on
 * the channel the data came in on, as upstream's do.
 */
static void rx_flush_comps(struct netvsc_chan *c)
{
	struct nvsp_msg msg = { .type = NVSP_MSG1_SEND_RNDIS_PKT_COMPLETE };
	struct netvsc_dev *nv = c->nv;
	struct netvsc_rx_comp *e;
	int rc;

	while (c->comp_count) {
		e = &c->comps[c->comp_head];
		msg.rndis_complete.status = e->status;
		rc = hvis_channel_send(c->ch, &msg, NETVSC_RX_COMP_BYTES, e->trans_id,
				       VM_PKT_COMP, 0);
		if (rc == -EAGAIN) {
			netvsc_count(nv, NETVSC_C_RX_COMP_BUSY);
			return;
		}
		if (rc) {
			/* The channel is gone or broken: nobody will take them. */
			net_warn_ratelimited("%s: %u receive completions lost on queue %u: %d\n",
					     netdev_name(nv->ndev), c->comp_count, c->index, rc);
			c->comp_count = 0;
			return;
		}
		c->comp_head = (c->comp_head + 1) % c->comp_cap;
		c->comp_count--;
	}
}

void netvsc_rx_drop(struct netvsc_chan *c)
{
	u64_stats_update_begin(&c->rx_syncp);
	c->rx_dropped++;
	u64_stats_update_end(&c->rx_syncp);
}

/*
 * A PACKET of msg_len bytes at src in the receive buffer, whose first
 * RNDIS_PACKET_HDR_BYTES are in rx_copy: its per-packet info is copied next to them,
 * the copy is checked, and the frame goes on from the receive buffer itself, at the
 * offset and length checked on the copy (rsc.c, rxskb.c copy it once, into the skb).
 */
static int rx_frame(struct netvsc_chan *c, const u8 *src, u32 msg_len)
{
	struct netvsc_dev *nv = c->nv;
	struct net_device *ndev = nv->ndev;
	struct rndis_packet_view v;
	const char *why = NULL;
	u32 ppi_off, ppi_len;
	int rc;

	if (rndis_packet_ppi_area(c->rx_copy, msg_len, &ppi_off, &ppi_len))
		memcpy(c->rx_copy + ppi_off, src + ppi_off, ppi_len);
	rc = rndis_packet_parse(c->rx_copy, msg_len, ndev->max_mtu + VLAN_ETH_HLEN, &v, &why);
	if (rc) {
		net_warn_ratelimited("%s: bad RNDIS PACKET dropped: %s\n", netdev_name(ndev), why);
		netvsc_count(nv, NETVSC_C_RX_BAD);
		netvsc_rx_drop(c);
		return rc;
	}
	/* PPIs, RSC fragments and the skb: rsc.c. */
	return netvsc_rx_deliver(c, c->rx_copy, &v, src + v.data_off);
}

/*
 * One range of a transfer-page packet: one RNDIS message in the receive buffer.
 * nvsp_xfer_check put the range inside the buffer and within one section.  The host
 * can still rewrite it, so what is parsed is a private copy: the message header, for
 * a PACKET its fixed part and per-packet info (rx_frame), for a control message all
 * of it.  A PACKET's frame bytes are not parsed and are copied once, later.
 */
static int rx_range(struct netvsc_chan *c, u32 off, u32 len)
{
	struct netvsc_dev *nv = c->nv;
	const u8 *src = (const u8 *)nv->recv_buf + off;
	const char *why = NULL;
	u32 type, msg_len;
	int rc;

	memcpy(c->rx_copy, src, min_t(u32, len, RNDIS_PACKET_HDR_BYTES));
	rc = rndis_msg_check(c->rx_copy, len, NETVSC_FROM_HOST, &type, &msg_len, &why);
	/* A PACKET that passed has at least its fixed part (msg_len >= HEAD_BYTES). */
	if (!rc && type == RNDIS_MSG_PACKET)
		return rx_frame(c, src, msg_len);
	if (!rc) {
		/* Control messages are parsed whole: copy and check them whole. */
		memcpy(c->rx_copy, src, len);
		rc = rndis_msg_check(c->rx_copy, len, NETVSC_FROM_HOST, &type, &msg_len, &why);
		if (!rc && type == RNDIS_MSG_PACKET) {
			why = "RNDIS message type changed while being read";
			rc = -EINVAL;
		}
	}
	if (rc) {
		net_warn_ratelimited("%s: bad RNDIS message dropped: %s\n",
				     netdev_name(nv->ndev), why);
		netvsc_count(nv, NETVSC_C_RX_BAD);
		return rc;
	}
	netvsc_rsc_break(c, "RSC chain interrupted by a control message");
	netvsc_rndis_receive_ctrl(nv, c->rx_copy, type, msg_len);
	return 0;
}

static void rx_xfer(struct netvsc_chan *c, u32 len)
{
	const struct vmtransfer_page_packet_header *x = (const void *)c->raw;
	struct netvsc_dev *nv = c->nv;
	u32 max_ranges = (c->raw_size - sizeof(*x) - sizeof(struct nvsp_msg)) /
			 sizeof(struct vmtransfer_page_range);
	u32 status = NVSP_STAT_SUCCESS;
	const char *why = NULL;
	int i, n;

	n = nvsp_xfer_check(c->raw, len, nv->recv_buf_size, nv->recv_section_size,
			    max_ranges, &why);
	if (n < 0) {
		net_warn_ratelimited("%s: bad transfer-page packet dropped: %s\n",
				     netdev_name(nv->ndev), why);
		netvsc_count(nv, NETVSC_C_RX_BAD);
		status = NVSP_STAT_INVALID_RNDIS_PKT;
	} else {
		/* Its checked ranges, for a frame lent to the stack (rxlend.c). */
		c->xfer = x;
		c->xfer_ranges = n;
	}
	for (i = 0; i < n; i++) {
		if (rx_range(c, x->ranges[i].byte_offset, x->ranges[i].byte_count)) {
			status = NVSP_STAT_INVALID_RNDIS_PKT;
			netvsc_rsc_break(c, "RSC chain broken by a bad RNDIS message");
		}
	}
	/* An RSC chain ends inside its transfer-page packet. */
	netvsc_rsc_break(c, "RSC chain not finished in its transfer-page packet");
	/* Answered even when bad, so the host gets its sections back: now, or when the
	 * stack has freed the pages of a frame of it that was lent.
	 */
	if (!netvsc_lend_finish(c, x->d.trans_id, status))
		netvsc_rx_queue_comp(c, x->d.trans_id, status);
}

static void rx_inband(struct netvsc_dev *nv, const void *msg, u32 len)
{
	const char *why = NULL;
	int type = nvsp_msg_check(msg, len, NETVSC_FROM_HOST, &why);

	if (type < 0) {
		net_warn_ratelimited("%s: bad NVSP message dropped: %s\n",
				     netdev_name(nv->ndev), why);
		netvsc_count(nv, NETVSC_C_RX_BAD);
		return;
	}
	if (type == NVSP_MSG4_SEND_VF_ASSOCIATION) {
		netvsc_vf_assoc(nv, (const u8 *)msg + NVSP_HDR_BYTES, len - NVSP_HDR_BYTES);
		return;
	}
	if (type == NVSP_MSG5_SEND_INDIRECTION_TABLE) {
		netvsc_send_table(nv, msg, len);
		return;
	}
	netdev_dbg(nv->ndev, "NVSP %s ignored\n", nvsp_msg_name(type));
}

/*
 * Transfer-page data before probe set up the receive path: dropped, but completed
 * at once so the host gets its sections back.
 */
static void rx_too_early(struct netvsc_chan *c, u64 trans_id)
{
	struct netvsc_dev *nv = c->nv;
	struct nvsp_msg msg = { .type = NVSP_MSG1_SEND_RNDIS_PKT_COMPLETE };

	net_warn_ratelimited("%s: data before the receive buffer was set up dropped\n",
			     netdev_name(nv->ndev));
	netvsc_count(nv, NETVSC_C_RX_BAD);
	msg.rndis_complete.status = NVSP_STAT_FAIL;
	if (hvis_channel_send(c->ch, &msg, NETVSC_RX_COMP_BYTES, trans_id, VM_PKT_COMP, 0))
		netvsc_count(nv, NETVSC_C_RX_COMP_BUSY);
}

static void rx_packet(struct netvsc_chan *c, u32 len)
{
	const struct vmpacket_descriptor *d = (const void *)c->raw;
	struct netvsc_dev *nv = c->nv;
	u32 off;

	if (len < sizeof(*d)) {
		net_warn_ratelimited("%s: %u-byte packet has no descriptor\n",
				     netdev_name(nv->ndev), len);
		netvsc_count(nv, NETVSC_C_RX_BAD);
		return;
	}
	off = d->offset8 * 8u;
	if (off < sizeof(*d) || off > len) {
		net_warn_ratelimited("%s: packet offset8 %u outside its %u bytes\n",
				     netdev_name(nv->ndev), d->offset8, len);
		netvsc_count(nv, NETVSC_C_RX_BAD);
		return;
	}
	switch (d->type) {
	case VM_PKT_COMP:
		netvsc_send_completion(c, d->trans_id, c->raw + off, len - off);
		break;
	case VM_PKT_DATA_USING_XFER_PAGES:
		if (!rx_ready(c)) {
			rx_too_early(c, d->trans_id);
			return;
		}
		rx_xfer(c, len);
		break;
	case VM_PKT_DATA_INBAND:
		rx_inband(nv, c->raw + off, len - off);
		break;
	default:
		net_warn_ratelimited("%s: unhandled packet type %u\n", netdev_name(nv->ndev),
				     d->type);
		netvsc_count(nv, NETVSC_C_RX_BAD);
		break;
	}
}

int netvsc_poll(struct napi_struct *napi, int budget)
{
	struct netvsc_chan *c = container_of(napi, struct netvsc_chan, napi);
	struct netvsc_dev *nv = c->nv;
	bool ready = rx_ready(c), stalled = false;
	int done = 0, len;

	if (ready) {
		netvsc_lend_reap(c);
		rx_flush_comps(c);
	}
	while (done < budget) {
		/* Each transfer-page packet needs a completion slot: keep one free. */
		if (ready && c->comp_count == c->comp_cap) {
			stalled = true;
			break;
		}
		len = hvis_channel_recv_raw(c->ch, c->raw, c->raw_size);
		if (len == -ENOBUFS) {
			net_warn_ratelimited("%s: packet larger than %u bytes dropped\n",
					     netdev_name(nv->ndev), c->raw_size);
			netvsc_count(nv, NETVSC_C_RX_BAD);
			done++;
			continue;
		}
		if (len < 0)
			break;
		rx_packet(c, len);
		done++;
	}
	if (ready) {
		netvsc_lend_reap(c);
		rx_flush_comps(c);
	}
	netvsc_tx_maybe_wake(c);

	if (done == budget || !napi_complete_done(napi, done))
		return done;
	/*
	 * Unmask the host's interrupts, unless completions wait for ring space: then
	 * they stay masked and the retry work polls again soon, so that neither this
	 * poll nor the host's interrupts spin on a ring the host has not read yet.
	 */
	if (!stalled && hvis_channel_read_done(c->ch))
		napi_schedule(napi);
	else if ((stalled || (ready && (c->comp_count || netvsc_lend_pending(c)))) &&
		 !READ_ONCE(nv->destroying))
		schedule_delayed_work(&c->comp_retry, 1);
	return done;
}

int netvsc_rx_alloc(struct netvsc_chan *c)
{
	struct netvsc_dev *nv = c->nv;
	struct netvsc_rx_comp *comps;

	/*
	 * Both sizes come from the host, bounded by nvsp_recv_buf_check: a section by
	 * NETVSC_RECV_SECTION_MAX, the count by the receive buffer / the minimum section
	 * (up to ~480000 for 31 MiB), which is why the completion ring is kv-allocated.
	 * Every channel may have every section in flight (one receive buffer for all).
	 */
	c->rx_copy = kmalloc(nv->recv_section_size, GFP_KERNEL);
	if (!c->rx_copy)
		return -ENOMEM;
	/* Where the pieces of an RSC chain lie (rsc.c). */
	c->rsc_pieces = kvcalloc(NVSP_RSC_MAX, sizeof(*c->rsc_pieces), GFP_KERNEL);
	if (!c->rsc_pieces)
		return -ENOMEM;
	memset(&c->rsc, 0, sizeof(c->rsc));
	if (netvsc_rx_pool_create(c))
		return -ENOMEM;
	c->comp_cap = max(nv->recv_sections + 1, NETVSC_MIN_COMPS);
	comps = kvcalloc(c->comp_cap, sizeof(*comps), GFP_KERNEL);
	if (!comps)
		return -ENOMEM;
	/* Publishes rx_copy and comp_cap with it (rx_ready). */
	smp_store_release(&c->comps, comps);
	return 0;
}

int netvsc_raw_alloc(struct netvsc_chan *c)
{
	c->raw_size = NETVSC_RAW_BYTES;
	c->raw = kmalloc(c->raw_size, GFP_KERNEL);
	return c->raw ? 0 : -ENOMEM;
}

/* After the channel's NAPI is disabled. */
void netvsc_rx_free(struct netvsc_chan *c)
{
	netvsc_lend_drop(c);
	kvfree(c->comps);
	c->comps = NULL;
	c->comp_count = 0;
	c->comp_head = 0;
	kfree(c->rx_copy);
	c->rx_copy = NULL;
	kvfree(c->rsc_pieces);
	c->rsc_pieces = NULL;
	if (c->rx_pool)
		netvsc_rx_pool_destroy(c);
	kfree(c->raw);
	c->raw = NULL;
}
