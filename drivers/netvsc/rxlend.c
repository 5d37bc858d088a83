// SPDX-License-Identifier: GPL-2.0-only
/*
 * rxlend.c: receive without the driver's copy.  A frame too big for a linear skb
 * (an RSC chain, a jumbo frame) keeps its first NETVSC_RX_HEAD_BYTES in a private
 * linear head, where the stack parses its headers, and hands the rest to the stack as
 * page fragments of the receive buffer itself.  The transfer-page packet that carried
 * it is then completed only once the stack let go of those pages (their reference
 * counts are back to the buffer's own one), so the host cannot reuse a section under
 * an skb.  Its completion waits in the channel's list of lent packets, which the NAPI
 * poll looks at each time it runs (and the retry work, while something is lent).
 *
 * Lending is bounded: at most half the receive buffer's sections are lent at any time
 * (by all channels together); past that, and when memory for the record runs out,
 * frames are copied (rxskb.c) and their sections go back at once.  A socket that is
 * never read can thus hold at most half the buffer.  A host that rewrites a lent
 * section changes the bytes of a frame already delivered, as it could have sent other
 * bytes in the first place; the headers the driver and the stack parse are in the
 * private head, and the fragments are marked shared (SKBFL_SHARED_FRAG), so that the
 * stack copies a frame before it would change it in place.
 * With the rx_copy module parameter every frame is copied, as upstream's netvsc does.
 *
 * One skb holds MAX_SKB_FRAGS fragments; a frame that needs more (a 64 KiB chain of
 * 1.5 KiB fragments needs about 50) continues in skbs on its frag_list, which GRO
 * passes on without merging (dev_gro_receive flushes an skb with a frag_list).
 */
#include <linux/mm.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include "netvsc.h"

static bool rx_copy;
module_param(rx_copy, bool, 0644);
MODULE_PARM_DESC(rx_copy, "Copy every received frame out of the receive buffer (default: lend the buffer's pages of large frames to the stack)");

/* One transfer-page packet whose completion waits for the stack to free its pages. */
struct netvsc_lent {
	struct list_head node;
	u64 trans_id;
	u32 status;
	u32 nranges;
	struct vmtransfer_page_range ranges[];
};

/* The pages of the receive buffer, for page fragments and their reference counts. */
int netvsc_lend_init(struct netvsc_dev *nv)
{
	u32 i, n = nv->recv_buf_size >> PAGE_SHIFT;

	atomic_set(&nv->lent_sections, 0);
	nv->recv_pages = kvmalloc_array(n, sizeof(*nv->recv_pages), GFP_KERNEL);
	if (!nv->recv_pages)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		nv->recv_pages[i] = vmalloc_to_page((u8 *)nv->recv_buf + ((size_t)i << PAGE_SHIFT));
		/* A lent page is back when its count is the buffer's one again. */
		if (!nv->recv_pages[i] || page_ref_count(nv->recv_pages[i]) != 1) {
			netdev_warn(nv->ndev, "receive buffer page %u not lendable; frames are copied\n",
				    i);
			netvsc_lend_exit(nv);
			return -EINVAL;
		}
	}
	return 0;
}

void netvsc_lend_exit(struct netvsc_dev *nv)
{
	kvfree(nv->recv_pages);
	nv->recv_pages = NULL;
}

/* The record for the packet being received, made on its first lent frame. */
static struct netvsc_lent *lend_record(struct netvsc_chan *c)
{
	const struct vmtransfer_page_packet_header *x = c->xfer;
	struct netvsc_dev *nv = c->nv;
	struct netvsc_lent *e;
	u32 cap = nv->recv_sections / 2;

	if (c->lend)
		return c->lend;
	if (READ_ONCE(rx_copy) || !nv->recv_pages || !x)
		return NULL;
	if (atomic_add_return(c->xfer_ranges, &nv->lent_sections) > cap) {
		atomic_sub(c->xfer_ranges, &nv->lent_sections);
		netvsc_count(nv, NETVSC_C_RX_LEND_FULL);
		return NULL;
	}
	e = kmalloc(struct_size(e, ranges, c->xfer_ranges), GFP_ATOMIC | __GFP_NOWARN);
	if (!e) {
		atomic_sub(c->xfer_ranges, &nv->lent_sections);
		return NULL;
	}
	/* nvsp_xfer_check put each range inside the buffer: kept as checked. */
	memcpy(e->ranges, x->ranges, c->xfer_ranges * sizeof(e->ranges[0]));
	e->nranges = c->xfer_ranges;
	c->lend = e;
	return e;
}

/* Page fragment of len bytes at p (inside the receive buffer) onto *cur, or a new skb. */
static int lend_frag(struct netvsc_chan *c, struct sk_buff *skb, struct sk_buff **cur,
		     const u8 *p, u32 len)
{
	struct netvsc_dev *nv = c->nv;
	size_t at = p - (const u8 *)nv->recv_buf;
	struct page *page = nv->recv_pages[at >> PAGE_SHIFT];
	struct sk_buff *t = *cur;

	if (skb_shinfo(t)->nr_frags == MAX_SKB_FRAGS) {
		t = alloc_skb(0, GFP_ATOMIC | __GFP_NOWARN);
		if (!t)
			return -ENOMEM;
		skb_shinfo(t)->flags |= SKBFL_SHARED_FRAG;
		if (*cur == skb)
			skb_shinfo(skb)->frag_list = t;
		else
			(*cur)->next = t;
		*cur = t;
	}
	get_page(page);
	skb_add_rx_frag(t, skb_shinfo(t)->nr_frags, page, offset_in_page(at), len, len);
	if (t != skb) {
		skb->len += len;
		skb->data_len += len;
		skb->truesize += len;
	}
	return 0;
}

/*
 * Bytes at..total of the frame in the pieces pc, lent to skb (its head already holds
 * bytes 0..at).  0 when lent; -EAGAIN when lending is off or full (nothing was added:
 * copy instead); another error when memory ran out half way (the skb must be freed).
 */
int netvsc_rx_lend(struct netvsc_chan *c, struct sk_buff *skb, const struct netvsc_rx_piece *pc,
		   u32 at, u32 total)
{
	struct sk_buff *cur = skb;
	u32 i, skip, n;
	const u8 *p;
	int rc;

	if (!lend_record(c))
		return -EAGAIN;
	/*
	 * The host can still write these pages: whoever would change a frame in place
	 * (skb_cow_data for IPsec, for one) copies it first, so that nothing the guest
	 * writes lands in memory the host reads.
	 */
	skb_shinfo(skb)->flags |= SKBFL_SHARED_FRAG;
	i = netvsc_rx_piece_at(pc, at, &skip);
	while (at < total) {
		p = pc[i].data + skip;
		n = min3(pc[i].len - skip, total - at,
			 (u32)(PAGE_SIZE - offset_in_page(p - (const u8 *)c->nv->recv_buf)));
		rc = lend_frag(c, skb, &cur, p, n);
		if (rc)
			return rc;
		at += n;
		skip += n;
		if (skip == pc[i].len) {
			i++;
			skip = 0;
		}
	}
	return 0;
}

/*
 * At the end of a transfer-page packet: if a frame of it was lent, its completion
 * (trans_id, status) waits in the channel's list and true is returned.
 */
bool netvsc_lend_finish(struct netvsc_chan *c, u64 trans_id, u32 status)
{
	struct netvsc_lent *e = c->lend;

	c->xfer = NULL;
	if (!e)
		return false;
	c->lend = NULL;
	e->trans_id = trans_id;
	e->status = status;
	list_add_tail(&e->node, &c->lent);
	return true;
}

/* True once nobody but the buffer holds a page of e's ranges. */
static bool lend_returned(const struct netvsc_dev *nv, const struct netvsc_lent *e)
{
	u32 i, pg, last;

	for (i = 0; i < e->nranges; i++) {
		if (!e->ranges[i].byte_count)
			continue;
		pg = e->ranges[i].byte_offset >> PAGE_SHIFT;
		last = (e->ranges[i].byte_offset + e->ranges[i].byte_count - 1) >> PAGE_SHIFT;
		for (; pg <= last; pg++)
			if (page_ref_count(nv->recv_pages[pg]) != 1)
				return false;
	}
	return true;
}

static void lend_forget(struct netvsc_chan *c, struct netvsc_lent *e)
{
	atomic_sub(e->nranges, &c->nv->lent_sections);
	list_del(&e->node);
	kfree(e);
}

/*
 * Queues the completions of the lent packets the stack is done with, while the
 * completion ring has room (NAPI context, as rx.c's other completions).
 */
void netvsc_lend_reap(struct netvsc_chan *c)
{
	struct netvsc_lent *e, *tmp;

	list_for_each_entry_safe(e, tmp, &c->lent, node) {
		if (c->comp_count == c->comp_cap)
			return;
		if (!lend_returned(c->nv, e))
			continue;
		/* The stack's last reads of the pages come before the host's next writes. */
		smp_mb();
		netvsc_rx_queue_comp(c, e->trans_id, e->status);
		lend_forget(c, e);
	}
}

bool netvsc_lend_pending(const struct netvsc_chan *c)
{
	return !list_empty(&c->lent);
}

/* The channel closes: the host takes its sections back with it, nothing to complete. */
void netvsc_lend_drop(struct netvsc_chan *c)
{
	struct netvsc_lent *e, *tmp;

	list_for_each_entry_safe(e, tmp, &c->lent, node)
		lend_forget(c, e);
	if (c->lend) {
		atomic_sub(c->lend->nranges, &c->nv->lent_sections);
		kfree(c->lend);
		c->lend = NULL;
	}
	c->xfer = NULL;
}
