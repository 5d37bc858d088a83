// SPDX-License-Identifier: GPL-2.0-only
/*
 * txpage.c: hvis_netvsc's page-buffer transmit path, for frames too big for a send
 * section (TSO sends, jumbo frames): the RNDIS header with its per-packet info goes
 * into a send section, the frame itself is not copied but described to the host as
 * GPA-direct page ranges (the skb's linear part and each fragment), and the skb is
 * kept, by its header's section, until the host completes the send.
 *
 * Protocol facts from torvalds/linux drivers/net/hyperv/netvsc_drv.c (init_page_array,
 * fill_pg_buf, netvsc_get_slots) and netvsc.c (netvsc_send, netvsc_send_pkt: the
 * section index with page buffers; the completion frees the skb).
 */
#include <linux/mm.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include "netvsc.h"

int netvsc_txpage_alloc(struct netvsc_dev *nv)
{
	u32 i;

	nv->sec_skb = kvcalloc(nv->send_sections, sizeof(*nv->sec_skb), GFP_KERNEL);
	nv->sec_queue = kvcalloc(nv->send_sections, sizeof(*nv->sec_queue), GFP_KERNEL);
	if (!nv->sec_skb || !nv->sec_queue)
		return -ENOMEM;
	for (i = 0; i < NETVSC_MAX_CHANNELS; i++) {
		nv->chan[i].tx_ranges = kmalloc(NETVSC_TX_RANGE_BYTES, GFP_KERNEL);
		if (!nv->chan[i].tx_ranges)
			return -ENOMEM;
	}
	return 0;
}

/* After the channels closed: nothing completes any more; skbs still held go. */
void netvsc_txpage_free(struct netvsc_dev *nv)
{
	u32 i;

	for (i = 0; nv->sec_skb && i < nv->send_sections; i++)
		if (nv->sec_skb[i])
			dev_kfree_skb_any(nv->sec_skb[i]);
	kvfree(nv->sec_skb);
	nv->sec_skb = NULL;
	kvfree(nv->sec_queue);
	nv->sec_queue = NULL;
	for (i = 0; i < NETVSC_MAX_CHANNELS; i++) {
		kfree(nv->chan[i].tx_ranges);
		nv->chan[i].tx_ranges = NULL;
	}
}

/* The send of section @sec completed: its skb, if any, is done. */
void netvsc_txpage_done(struct netvsc_dev *nv, u32 sec)
{
	struct sk_buff *skb;

	if (!nv->sec_skb)
		return;
	skb = xchg(&nv->sec_skb[sec], NULL);
	if (skb)
		dev_consume_skb_any(skb);
}

/*
 * Appends the range for len bytes of physically contiguous memory at pa to the
 * ranges at *at; false if they would pass NETVSC_TX_RANGE_BYTES.
 */
static bool tx_add_range(u8 *ranges, u32 *at, phys_addr_t pa, u32 len)
{
	struct vmbus_gpa_range r;
	u64 pfn, last;

	if (!len)
		return true;
	pfn = pa / HV_HYP_PAGE_SIZE;
	last = (pa + len - 1) / HV_HYP_PAGE_SIZE;
	if (*at + sizeof(r) + (last - pfn + 1) * sizeof(u64) > NETVSC_TX_RANGE_BYTES)
		return false;
	r.byte_count = len;
	r.byte_offset = pa & (HV_HYP_PAGE_SIZE - 1);
	memcpy(ranges + *at, &r, sizeof(r));
	*at += sizeof(r);
	for (; pfn <= last; pfn++, *at += sizeof(u64))
		memcpy(ranges + *at, &pfn, sizeof(u64));
	return true;
}

/* The ranges of the skb's bytes: its linear part, then each fragment.  The count. */
static int skb_ranges(struct sk_buff *skb, u8 *ranges, u32 *bytes)
{
	u32 at = 0, i, n = 0;

	if (skb_headlen(skb)) {
		if (!tx_add_range(ranges, &at, virt_to_phys(skb->data), skb_headlen(skb)))
			return -E2BIG;
		n++;
	}
	for (i = 0; i < skb_shinfo(skb)->nr_frags; i++) {
		const skb_frag_t *f = &skb_shinfo(skb)->frags[i];

		if (!skb_frag_size(f))
			continue;
		if (!tx_add_range(ranges, &at,
				  page_to_phys(skb_frag_page(f)) + skb_frag_off(f),
				  skb_frag_size(f)))
			return -E2BIG;
		n++;
	}
	*bytes = at;
	return n;
}

/*
 * Sends @skb by pages: the RNDIS header (PPIs *p) into section @sec (taken by the
 * caller), the frame as page ranges.  On 0 the skb belongs to the section until its
 * completion; on an error (-EAGAIN: the ring is full) the caller still owns both.
 */
int netvsc_xmit_pages(struct netvsc_chan *c, struct sk_buff *skb, int sec,
		      const struct rndis_pkt_ppis *p)
{
	struct nvsp_msg msg = { .type = NVSP_MSG1_SEND_RNDIS_PKT };
	struct netvsc_dev *nv = c->nv;
	u32 len = skb->len, hdr_len, bytes = 0;
	u8 *dst;
	int n, rc;

	n = skb_ranges(skb, c->tx_ranges, &bytes);
	if (n < 0) {
		/* Too scattered: one linear copy is as good as it gets. */
		if (skb_linearize(skb))
			return -ENOMEM;
		n = skb_ranges(skb, c->tx_ranges, &bytes);
		if (n <= 0) {
			netvsc_count(nv, NETVSC_C_TX_TOO_BIG);
			return -E2BIG;
		}
	}
	dst = (u8 *)nv->send_buf + (size_t)sec * nv->send_section_size;
	hdr_len = rndis_packet_build_ppis(dst, nv->send_section_size, 0, p);
	if (!hdr_len)
		return -EINVAL;
	/* msg_len counts the frame that follows in the pages. */
	((struct rndis_msg_hdr *)dst)->msg_len = hdr_len + len;
	memcpy(dst + sizeof(struct rndis_msg_hdr) + offsetof(struct rndis_packet, data_len),
	       &len, sizeof(len));

	msg.rndis.channel_type = NVSP_RNDIS_CHANNEL_DATA;
	msg.rndis.send_buf_section_index = sec;
	msg.rndis.send_buf_section_size = hdr_len;
	/* Before the send: the completion may run at once on another CPU. */
	WRITE_ONCE(nv->sec_skb[sec], skb);
	/* The signal, if the ring's rule asks for one, is netvsc_xmit's to give. */
	rc = hvis_channel_send_gpa_ranges_nosignal(c->ch,
						   (const struct vmbus_gpa_range *)c->tx_ranges,
						   n, bytes, &msg, sizeof(msg),
						   NETVSC_TID_TX_BASE + sec);
	if (rc) {
		WRITE_ONCE(nv->sec_skb[sec], NULL);
		return rc;
	}
	netvsc_count(nv, NETVSC_C_TX_PAGEBUF);
	return 0;
}
