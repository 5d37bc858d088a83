// SPDX-License-Identifier: GPL-2.0-only
/*
 * rxskb.c: turns one received frame into an skb with at most one copy.  The frame
 * lies in the receive buffer as one piece, or as the pieces of an RSC chain; each
 * piece's place and length were checked on a private copy of its RNDIS header (rx.c),
 * so only the frame's own bytes are read from shared memory here.
 *
 * A frame of up to NETVSC_RX_LINEAR_MAX bytes is copied into a linear skb.  A larger
 * one (an RSC chain, a jumbo frame) gets its headers copied into a small linear part;
 * the rest is lent to the stack as the receive buffer's own pages (rxlend.c) or, when
 * lending is off or full, copied into whole pages, so that its truesize stays close to
 * its length (a 64 KiB linear skb would come from a 128 KiB kmalloc and halve the TCP
 * window the socket may offer).  Those pages come from the channel's page pool and go
 * back to it when the skb is freed: a fresh page costs a clearing pass over it
 * (Debian's kernels clear every page they allocate, init_on_alloc), a recycled one
 * does not.  A coalesced TCP frame (longer than the MTU: the host's RSC) is marked as
 * the GSO packet it is (gso_size from the MTU), so TCP sizes its MSS estimate and GRO
 * counts its segments as for a NIC's LRO.
 */
#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/skbuff.h>
#include <linux/tcp.h>
#include <net/ip.h>
#include "compat_page_pool.h"
#include "netvsc.h"

/* Frames up to this size are copied into a linear skb. */
#define NETVSC_RX_LINEAR_MAX	2048u
/* Of a larger frame, the linear part: room for Ethernet, IP and TCP with options. */
#define NETVSC_RX_HEAD_BYTES	256u

/* Copies len bytes at position *at of the frame (its pieces) to dst; advances *at. */
static void rx_pieces_copy(const struct netvsc_rx_piece *pc, u32 *at, u8 *dst, u32 len)
{
	u32 skip, n, i = netvsc_rx_piece_at(pc, *at, &skip);

	*at += len;
	while (len) {
		n = min(len, pc[i].len - skip);
		memcpy(dst, pc[i].data + skip, n);
		dst += n;
		len -= n;
		skip = 0;
		i++;
	}
}

/* The rest of a large frame, after its linear head, into whole pages of the pool. */
static int rx_fill_pages(struct netvsc_chan *c, struct sk_buff *skb,
			 const struct netvsc_rx_piece *pc, u32 at, u32 total)
{
	struct page *page;
	u32 n;
	int i;

	/* From here on, freeing the skb gives its pages back to the pool. */
	skb_mark_for_recycle(skb);
	for (i = 0; at < total; i++) {
		if (i == MAX_SKB_FRAGS)
			return -E2BIG;
		page = page_pool_dev_alloc_pages(c->rx_pool);
		if (!page)
			return -ENOMEM;
		n = min_t(u32, total - at, PAGE_SIZE);
		rx_pieces_copy(pc, &at, page_address(page), n);
		skb_add_rx_frag(skb, i, page, 0, n, PAGE_SIZE);
	}
	return 0;
}

/*
 * A TCP frame the host coalesced: gso_size is the payload one MTU-sized
 * segment carries, as the sender's segments did (the host coalesced them).  Left
 * alone when the headers do not parse or the payload fits in one segment.
 */
static void rx_mark_gso(struct sk_buff *skb, u32 mtu)
{
	u32 l3, hl, payload, mss;
	struct tcphdr th_buf;
	const struct tcphdr *th;
	unsigned int gso_type;

	if (skb->protocol == htons(ETH_P_IP)) {
		struct iphdr ih_buf;
		const struct iphdr *ih = skb_header_pointer(skb, 0, sizeof(ih_buf), &ih_buf);

		if (!ih || ih->ihl < 5 || ih->protocol != IPPROTO_TCP || ip_is_fragment(ih))
			return;
		l3 = ih->ihl * 4;
		gso_type = SKB_GSO_TCPV4;
	} else if (skb->protocol == htons(ETH_P_IPV6)) {
		struct ipv6hdr ih_buf;
		const struct ipv6hdr *ih = skb_header_pointer(skb, 0, sizeof(ih_buf), &ih_buf);

		if (!ih || ih->nexthdr != IPPROTO_TCP)
			return;
		l3 = sizeof(*ih);
		gso_type = SKB_GSO_TCPV6;
	} else {
		return;
	}
	th = skb_header_pointer(skb, l3, sizeof(th_buf), &th_buf);
	if (!th || th->doff < 5)
		return;
	hl = l3 + th->doff * 4;
	if (skb->len <= hl || mtu <= hl)
		return;
	payload = skb->len - hl;
	mss = mtu - hl;
	if (payload <= mss)
		return;
	skb_shinfo(skb)->gso_size = mss;
	skb_shinfo(skb)->gso_type = gso_type;
	skb_shinfo(skb)->gso_segs = DIV_ROUND_UP(payload, mss);
}

/* Pages in the pool's cache of returned pages, per channel (4 MiB with 4 KiB pages). */
#define NETVSC_RX_POOL_PAGES	1024u

int netvsc_rx_pool_create(struct netvsc_chan *c)
{
	struct page_pool_params pp = {
		.order = 0,
		.pool_size = NETVSC_RX_POOL_PAGES,
		.nid = NUMA_NO_NODE,
	};
	struct page_pool *pool = page_pool_create(&pp);

	if (IS_ERR(pool))
		return PTR_ERR(pool);
	c->rx_pool = pool;
	return 0;
}

/* After the channel's NAPI stopped; pages still in skbs keep the pool until freed. */
void netvsc_rx_pool_destroy(struct netvsc_chan *c)
{
	page_pool_destroy(c->rx_pool);
	c->rx_pool = NULL;
}

/*
 * The skb for a frame of total bytes in the pieces at pc (total >= ETH_HLEN, the first
 * pieces' lengths sum to it), eth_type_trans done; NULL if memory ran out.
 */
struct sk_buff *netvsc_rx_skb(struct netvsc_chan *c, const struct netvsc_rx_piece *pc,
			      u32 total)
{
	struct net_device *ndev = c->nv->ndev;
	u32 head = total <= NETVSC_RX_LINEAR_MAX ? total : NETVSC_RX_HEAD_BYTES;
	struct sk_buff *skb;
	u32 at = 0;

	skb = napi_alloc_skb(&c->napi, head);
	if (!skb)
		return NULL;
	rx_pieces_copy(pc, &at, skb_put(skb, head), head);
	if (at < total) {
		int rc = netvsc_rx_lend(c, skb, pc, at, total);

		if (rc == -EAGAIN)
			rc = rx_fill_pages(c, skb, pc, at, total);
		else if (!rc)
			netvsc_count(c->nv, NETVSC_C_RX_LENT);
		if (rc) {
			kfree_skb(skb);
			return NULL;
		}
	}
	skb->protocol = eth_type_trans(skb, ndev);
	/* Only coalesced frames are longer than the MTU: an RSC chain or a single piece. */
	if (skb->len > ndev->mtu)
		rx_mark_gso(skb, ndev->mtu);
	return skb;
}
