// SPDX-License-Identifier: GPL-2.0-only
/*
 * nic_data.c: the synthetic NIC's data path over the guest's buffers.  It maps the
 * receive and send buffers the guest hands over in SEND_RECV_BUF / SEND_SEND_BUF;
 * writes host -> guest RNDIS messages into free receive sections, announced with
 * VM_PKT_DATA_USING_XFER_PAGES packets (and queued while no section or no ring room
 * is free); and assembles each SEND_RNDIS_PKT's RNDIS bytes from its send-buffer
 * section and/or GPA-direct page ranges for nic_rndis.c.
 */
#include <stdlib.h>
#include <unistd.h>
#include "hostile.h"
#include "net_frame.h"
#include "nic_dev.h"

/* ---- buffers ---- */

void nic_buf_unmap(struct nic_buf *b)
{
	guest_mem_unmap(b->map, b->pages);
	memset(b, 0, sizeof(*b));
}

void nic_recv_forget(struct nic_dev *nd)
{
	nic_buf_unmap(&nd->recv);
	free(nd->recv_used);
	free(nd->recv_trans);
	free(nd->recv_next);
	free(nd->recv_chan);
	nd->recv_used = NULL;
	nd->recv_trans = NULL;
	nd->recv_next = NULL;
	nd->recv_chan = NULL;
	nd->recv_in_use = nd->recv_hint = 0;
}

static struct host_gpadl *find_gpadl(struct host_channel *ch, u32 id)
{
	struct host_gpadl *g;

	for (g = ch->host->gpadls; g; g = g->next)
		if (g->id == id && g->state == GPADL_CREATED && g->relid == ch->relid)
			return g;
	return NULL;
}

/* Maps the GPADL into b; 0, or -1 after a NIC_BAD naming the field. */
int nic_buf_map(struct host_channel *ch, struct nic_buf *b, u32 id, u32 max_bytes,
		u32 section_size, const char *what)
{
	struct nic_dev *nd = nic_of(ch);
	struct host_gpadl *g = find_gpadl(ch, id);

	if (b->map) {
		nic_bad(nd, "gpadl_handle", "buf=%s gpadl=%#x (a buffer is already mapped)", what, id);
		return -1;
	}
	if (!g) {
		nic_bad(nd, "gpadl_handle", "buf=%s gpadl=%#x (no such GPADL on this channel)", what, id);
		return -1;
	}
	if (!g->npages || g->npages > max_bytes / GUEST_PAGE_SIZE ||
	    g->npages * GUEST_PAGE_SIZE < section_size) {
		nic_bad(nd, "gpadl_handle", "buf=%s gpadl=%#x pages=%u (size out of range)", what, id,
			g->npages);
		return -1;
	}
	b->map = guest_mem_map(ch->host->mem, g->pfns, g->npages);
	if (!b->map) {
		nic_bad(nd, "gpadl_handle", "buf=%s gpadl=%#x (cannot map)", what, id);
		return -1;
	}
	b->gpadl = id;
	b->pages = g->npages;
	b->size = g->npages * GUEST_PAGE_SIZE;
	b->section_size = section_size;
	b->sections = b->size / section_size;
	return 0;
}

/* ---- host -> guest ---- */

/* NVSP messages to the guest are as long as the negotiated version's (OpenVMM's netvsp). */
int nic_send_comp(struct host_channel *ch, u64 trans, const struct nvsp_msg *m)
{
	struct nic_dev *nd = nic_of(ch);
	struct nic_queue *nq = nic_queue_of(ch);
	u32 len = nvsp_msg_min_len(nd->nvsp_version);
	int ret = host_chan_send(ch, VM_PKT_COMP, 0, trans, m, len);

	if (ret == -EAGAIN) {
		/*
		 * The guest may have made room before it could see pending_send_sz: once
		 * that is set, try again, or nobody signals (a held ring stays masked).
		 */
		host_chan_want_room(ch, hvis_ring_packet_bytes(len));
		ret = host_chan_send(ch, VM_PKT_COMP, 0, trans, m, len);
		if (ret != -EAGAIN) {
			host_chan_want_room(ch, 0);
			return ret;
		}
		/* Kept until the guest makes room; no more packets are read meanwhile. */
		nq->comp_pending = true;
		nq->comp_trans = trans;
		nq->comp_msg = *m;
		host_chan_want_room(ch, hvis_ring_packet_bytes(len));
	}
	return ret;
}

/* Queues a message for channel @qidx (control messages: 0, the primary). */
static bool q_push(struct nic_dev *nd, u32 qidx, u32 chan, const void *msg, u32 len)
{
	struct nic_out *e;

	u8 *data;

	if (!nd->q || nd->q_count == NIC_QUEUE_LEN || !len ||
	    len > (nd->recv.section_size ? nd->recv.section_size : nic_recv_section_size(nd))) {
		nd->drops++;
		return false;
	}
	data = malloc(len);
	if (!data) {
		nd->drops++;
		return false;
	}
	memcpy(data, msg, len);
	e = &nd->q[(nd->q_head + nd->q_count) % NIC_QUEUE_LEN];
	e->len = len;
	e->chan = chan;
	e->qidx = qidx < NIC_MAX_QUEUES ? qidx : 0;
	e->data = data;
	e->nmsg = 1;
	e->lens = NULL;
	nd->q_count++;
	return true;
}

bool nic_queue_msgs(struct nic_dev *nd, u32 qidx, const u8 *msgs, const u32 *lens, u32 nmsg)
{
	u32 i, total = 0, cap = nd->recv.section_size;
	struct nic_out *e;
	u32 *l;
	u8 *data;

	if (nmsg == 1)
		return q_push(nd, qidx, NVSP_RNDIS_CHANNEL_DATA, msgs, lens[0]);
	/* A packet that needs more sections than half the buffer could starve forever. */
	if (!nd->q || nd->q_count == NIC_QUEUE_LEN || !cap || !nmsg ||
	    nmsg > NIC_RSC_FRAGS_MAX || nmsg > nd->recv.sections / 2) {
		nd->drops++;
		return false;
	}
	for (i = 0; i < nmsg; i++) {
		if (!lens[i] || lens[i] > cap) {
			nd->drops++;
			return false;
		}
		total += lens[i];
	}
	data = malloc(total);
	l = malloc(nmsg * sizeof(*l));
	if (!data || !l) {
		free(data);
		free(l);
		nd->drops++;
		return false;
	}
	memcpy(data, msgs, total);
	memcpy(l, lens, nmsg * sizeof(*l));
	e = &nd->q[(nd->q_head + nd->q_count) % NIC_QUEUE_LEN];
	e->len = total;
	e->chan = NVSP_RNDIS_CHANNEL_DATA;
	e->qidx = qidx < NIC_MAX_QUEUES ? qidx : 0;
	e->data = data;
	e->nmsg = nmsg;
	e->lens = l;
	nd->q_count++;
	return true;
}

bool nic_section_used(const struct nic_dev *nd, u32 s)
{
	return nd->recv_used[s / 8] & (1u << (s % 8));
}

void nic_section_mark(struct nic_dev *nd, u32 s, bool used)
{
	if (used)
		nd->recv_used[s / 8] |= 1u << (s % 8);
	else
		nd->recv_used[s / 8] &= ~(1u << (s % 8));
}

int nic_free_section(struct nic_dev *nd)
{
	u32 i, s;

	if (nd->recv_in_use >= nd->recv.sections)
		return -1;
	for (i = 0; i < nd->recv.sections; i++) {
		s = (nd->recv_hint + i) % nd->recv.sections;
		if (!nic_section_used(nd, s))
			return (int)s;
	}
	return -1;
}

/*
 * Sends one VM_PKT_DATA_USING_XFER_PAGES packet announcing @n ranges of the guest's
 * receive buffer, each an RNDIS message of channel @chan (n > 1: an RSC chain).
 * Returns 0, -EAGAIN (no room in the ring) or another error.
 */
static int xfer_send_ranges(struct host_channel *ch, u32 chan, u64 trans, u16 pageset,
			    const struct vmtransfer_page_range *r, u32 n)
{
	static u8 pkt[XFER_RSC_PKT_MAX] __aligned(8);
	struct vmtransfer_page_packet_header *x = (void *)pkt;
	u32 hdr = sizeof(*x) + n * sizeof(*r);
	u32 len = (hdr + nvsp_msg_min_len(nic_of(ch)->nvsp_version) + 7) & ~7u;
	struct nvsp_msg m = {};
	int ret;

	static_assert(sizeof(*x) + sizeof(*r) == XFER_HDR_RANGE_BYTES, "xfer header");
	if (!n || n > NIC_RSC_FRAGS_MAX)
		return -EINVAL;
	memset(pkt, 0, len);
	x->d.type = VM_PKT_DATA_USING_XFER_PAGES;
	x->d.offset8 = hdr / 8;
	x->d.len8 = len / 8;
	x->d.flags = VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED;
	x->d.trans_id = trans;
	x->xfer_pageset_id = pageset;
	x->sender_owns_set = 0;
	x->range_cnt = n;
	memcpy(pkt + sizeof(*x), r, n * sizeof(*r));
	m.type = NVSP_MSG1_SEND_RNDIS_PKT;
	m.rndis.channel_type = chan;
	m.rndis.send_buf_section_index = NVSP_NO_SEND_SECTION;
	m.rndis.send_buf_section_size = 0;
	memcpy(pkt + hdr, &m, len - hdr);
	ret = host_chan_send_raw(ch, pkt, len);
	if (ret == -EAGAIN) {
		host_chan_want_room(ch, hvis_ring_packet_bytes(len - 16));
		ret = host_chan_send_raw(ch, pkt, len);
	}
	return ret;
}

/* One range: @count bytes at @offset (also `nic bad`'s injections). */
int nic_xfer_send(struct host_channel *ch, u32 chan, u64 trans, u16 pageset, u32 offset,
		  u32 count)
{
	struct vmtransfer_page_range r = { .byte_count = count, .byte_offset = offset };

	return xfer_send_ranges(ch, chan, trans, pageset, &r, 1);
}

int nic_recv_post(struct host_channel *ch, u32 s, u32 chan, const void *msg, u32 len)
{
	struct nic_dev *nd = nic_of(ch);
	u64 trans;
	int ret;

	memcpy(nd->recv.map + (size_t)s * nd->recv.section_size, msg, len);
	hostile_rndis(nd->recv.map + (size_t)s * nd->recv.section_size, len, nd->recv.section_size);
	trans = (u64)++nd->seq << 32 | s;
	ret = nic_xfer_send(ch, chan, trans, NVSP_RECV_BUFFER_ID, s * nd->recv.section_size,
			    len);
	if (!ret) {
		nic_section_mark(nd, s, true);
		nd->recv_trans[s] = trans;
		nd->recv_next[s] = NIC_NO_SECTION;
		nd->recv_chan[s] = (u16)ch->sub_index;
		nd->recv_in_use++;
	}
	return ret;
}

/*
 * An RSC chain: e's messages into free sections (the caller checked there are e->nmsg),
 * one transfer-page packet with a range each; its trans_id names the first section and
 * recv_next links the others.  0 or the send's error (nothing then marked).
 */
static int recv_post_chain(struct host_channel *ch, const struct nic_out *e)
{
	struct nic_dev *nd = nic_of(ch);
	struct vmtransfer_page_range r[NIC_RSC_FRAGS_MAX];
	u32 sec[NIC_RSC_FRAGS_MAX], i, s, at = 0;
	u64 trans;
	int ret;

	if (!e->nmsg || e->nmsg > NIC_RSC_FRAGS_MAX)
		return -EINVAL;
	for (i = 0, s = nd->recv_hint; i < e->nmsg; s++) {
		s %= nd->recv.sections;
		if (nic_section_used(nd, s))
			continue;
		sec[i] = s;
		r[i].byte_offset = s * nd->recv.section_size;
		r[i].byte_count = e->lens[i];
		memcpy(nd->recv.map + r[i].byte_offset, e->data + at, e->lens[i]);
		at += e->lens[i];
		i++;
	}
	trans = (u64)++nd->seq << 32 | sec[0];
	hostile_rndis(nd->recv.map + r[0].byte_offset, r[0].byte_count, nd->recv.section_size);
	ret = xfer_send_ranges(ch, e->chan, trans, NVSP_RECV_BUFFER_ID, r, e->nmsg);
	if (ret)
		return ret;
	for (i = 0; i < e->nmsg; i++) {
		nic_section_mark(nd, sec[i], true);
		nd->recv_trans[sec[i]] = trans;
		nd->recv_next[sec[i]] = i + 1 < e->nmsg ? sec[i + 1] : NIC_NO_SECTION;
		nd->recv_chan[sec[i]] = (u16)ch->sub_index;
	}
	nd->recv_in_use += e->nmsg;
	nd->recv_hint = sec[e->nmsg - 1] + 1;
	return 0;
}

/* Section s, in use, is the host's again. */
static void section_release(struct nic_dev *nd, u32 s)
{
	nic_section_mark(nd, s, false);
	nd->recv_trans[s] = 0;
	nd->recv_in_use--;
}

bool nic_recv_complete(struct nic_dev *nd, u32 s, u64 trans)
{
	u32 n = 0, next;

	if (!nd->recv.map || s >= nd->recv.sections || !nic_section_used(nd, s) ||
	    nd->recv_trans[s] != trans)
		return false;
	/* Each section of the chain was marked by this packet: nothing else can match. */
	while (s != NIC_NO_SECTION && n++ < NIC_RSC_FRAGS_MAX) {
		next = nd->recv_next[s];
		section_release(nd, s);
		s = next < nd->recv.sections ? next : NIC_NO_SECTION;
	}
	return true;
}

/* Every section of the channel: each in use was announced at or before nd->seq. */
u32 nic_recv_reclaim(struct nic_dev *nd, u32 sub_index)
{
	if (sub_index >= NIC_MAX_QUEUES)
		return 0;
	return nic_recv_expire(nd, nd->seq + 1, 1u << sub_index);
}

u32 nic_recv_expire(struct nic_dev *nd, u32 before_seq, u32 drained)
{
	u32 s, n = 0;

	if (!nd->recv.map)
		return 0;
	static_assert(NIC_MAX_QUEUES <= 32, "a channel mask bit per queue");
	/* A chain's sections all carry its packet's trans_id: they go together. */
	for (s = 0; s < nd->recv.sections; s++) {
		if (!nic_section_used(nd, s) || !(drained & (1u << nd->recv_chan[s])) ||
		    (int32_t)((u32)(nd->recv_trans[s] >> 32) - before_seq) >= 0)
			continue;
		section_release(nd, s);
		n++;
	}
	return n;
}

/*
 * Sends queued messages in order while there are free sections and room in the ring
 * of the channel each goes to (its queue's, or the primary's if that one closed).
 * The receive sections are one pool for all channels, so one queue serves them all.
 */
void nic_flush(struct host_channel *ch)
{
	struct nic_dev *nd = nic_of(ch);

	while (nd->q_count && nd->recv.map && nd->ch) {
		struct nic_out *e = &nd->q[nd->q_head];
		struct host_channel *to = nd->queues[e->qidx].ch ? nd->queues[e->qidx].ch : nd->ch;
		int s = nic_free_section(nd), ret;

		if (s < 0 || nic_queue_of(to)->comp_pending)
			return;
		if (e->nmsg > 1) {
			if (nd->recv.sections - nd->recv_in_use < e->nmsg)
				return;		/* completions bring us back */
			ret = recv_post_chain(to, e);
		} else {
			ret = nic_recv_post(to, (u32)s, e->chan, e->data, e->len);
			if (!ret)
				nd->recv_hint = (u32)s + 1;
		}
		if (ret == -EAGAIN)
			return;		/* the guest's signal brings us back */
		if (ret)
			nd->drops++;
		else if (e->chan == NVSP_RNDIS_CHANNEL_DATA)
			nd->rx_frames++;
		free(e->data);
		free(e->lens);
		e->data = NULL;
		e->lens = NULL;
		nd->q_head = (nd->q_head + 1) % NIC_QUEUE_LEN;
		nd->q_count--;
	}
	nic_tap_resume(nd);
}

/* Frees what waits in the queue (no receive buffer to send it to). */
void nic_queue_clear(struct nic_dev *nd)
{
	while (nd->q && nd->q_count) {
		free(nd->q[nd->q_head].data);
		free(nd->q[nd->q_head].lens);
		nd->q[nd->q_head].data = NULL;
		nd->q[nd->q_head].lens = NULL;
		nd->q_head = (nd->q_head + 1) % NIC_QUEUE_LEN;
		nd->q_count--;
	}
	nd->q_head = 0;
}

/* Queues a control message (hdr + body of blen bytes). */
void nic_queue_ctrl(struct nic_dev *nd, u32 type, const void *body, u32 blen)
{
	u8 buf[NETVSC_RECV_SECTION_SIZE] __aligned(8);
	struct rndis_msg_hdr hdr = { .msg_type = type, .msg_len = sizeof(hdr) + blen };

	if (blen > sizeof(buf) - sizeof(hdr)) {
		nd->drops++;
		return;
	}
	memcpy(buf, &hdr, sizeof(hdr));
	memcpy(buf + sizeof(hdr), body, blen);
	q_push(nd, 0, NVSP_RNDIS_CHANNEL_CONTROL, buf, hdr.msg_len);
}

/* The PPIs of a frame to the guest: checksum verified, 802.1Q tag, RSS hash. */
void nic_rx_ppis(const u8 *frame, u32 len, const struct nic_pkt_meta *m, struct rndis_pkt_ppis *p)
{
	struct net_l4 l4;

	memset(p, 0, sizeof(*p));
	if (m->csum_ok && !net_frame_l4(frame, len, &l4)) {
		p->present |= RNDIS_PPIS_CSUM;
		p->csum = l4.proto == NET_PROTO_TCP ? NDIS_CSUM_RX_TCP_OK : NDIS_CSUM_RX_UDP_OK;
		if (!l4.ipv6)
			p->csum |= NDIS_CSUM_RX_IP_OK;
	}
	if (m->vlan) {
		/* 802.1Q TCI: priority 15..13, CFI 12, VLAN id 11..0. */
		p->present |= RNDIS_PPIS_VLAN;
		p->vlan = (m->vlan_tci >> 13 & NDIS_8021Q_PRI_MASK) |
			  (m->vlan_tci & 0x1000 ? NDIS_8021Q_CFI : 0) |
			  ((u32)m->vlan_tci << NDIS_8021Q_VID_SHIFT & NDIS_8021Q_VID_MASK);
	}
	if (m->hash) {
		p->present |= RNDIS_PPIS_HASH;
		p->hash = m->hash;
	}
}

/* Queues a wire frame for the guest as an RNDIS PACKET with the PPIs @meta asks for. */
bool nic_queue_frame_meta(struct nic_dev *nd, u32 qidx, const u8 *frame, u32 len,
			  const struct nic_pkt_meta *meta)
{
	struct rndis_pkt_ppis p;
	u32 hl, cap = nd->recv.section_size;
	u8 *buf;
	bool ok;

	if (!nd->filter) {
		nd->filtered++;
		return false;
	}
	if (!cap)
		cap = NETVSC_RECV_SECTION_SIZE;
	buf = malloc(cap);
	if (!buf) {
		nd->drops++;
		return false;
	}
	nic_rx_ppis(frame, len, meta, &p);
	hl = rndis_packet_build_ppis(buf, cap, len, &p);
	if (!hl) {
		nd->too_big++;
		free(buf);
		return false;
	}
	memcpy(buf + hl, frame, len);
	ok = q_push(nd, qidx, NVSP_RNDIS_CHANNEL_DATA, buf, hl + len);
	free(buf);
	return ok;
}

/* Queues an Ethernet frame for the guest on the channel RSS picks (`nic send`). */
bool nic_queue_frame(struct nic_dev *nd, const u8 *frame, u32 len)
{
	struct nic_pkt_meta m = {};
	u32 qidx = nic_rx_channel(nd, frame, len, &m);

	return nic_queue_frame_meta(nd, qidx, frame, len, &m);
}

void nic_queue_indicate(struct nic_dev *nd, u32 status)
{
	struct rndis_indicate_status s = { .status = status };

	nic_queue_ctrl(nd, RNDIS_MSG_INDICATE, &s, sizeof(s));
}

/* ---- guest -> host ---- */

/* Appends the guest pages of a GPA-direct packet's ranges to msgbuf. */
static bool gather_ranges(struct nic_dev *nd, const u8 *pkt, u32 off8, u32 *total)
{
	const struct guest_mem *mem = nd->dev->host->mem;
	const struct vmdata_gpa_direct *g = (const void *)pkt;
	u32 left = off8 - sizeof(*g), pos = sizeof(*g), i, cnt = g->range_cnt;

	if (!cnt || cnt > left / (sizeof(struct vmbus_gpa_range) + 8)) {
		nic_bad(nd, "range_cnt", "range_cnt=%u (header holds %u bytes)", cnt, left);
		return false;
	}
	for (i = 0; i < cnt; i++) {
		struct vmbus_gpa_range r;
		u32 pages, p, in_page, need;

		if (off8 - pos < sizeof(r)) {
			nic_bad(nd, "range_cnt", "range=%u (past offset8)", i);
			return false;
		}
		memcpy(&r, pkt + pos, sizeof(r));
		pos += sizeof(r);
		if (r.byte_offset >= GUEST_PAGE_SIZE || !r.byte_count) {
			nic_bad(nd, r.byte_count ? "byte_offset" : "byte_count",
				"range=%u byte_offset=%u byte_count=%u", i, r.byte_offset, r.byte_count);
			return false;
		}
		if (r.byte_count > NIC_MAX_MSG - *total) {
			nic_bad(nd, "byte_count", "range=%u byte_count=%u (message over %u bytes)", i,
				r.byte_count, NIC_MAX_MSG);
			return false;
		}
		pages = (u32)(((u64)r.byte_offset + r.byte_count + GUEST_PAGE_SIZE - 1) /
			      GUEST_PAGE_SIZE);
		if ((off8 - pos) / 8 < pages) {
			nic_bad(nd, "range_cnt", "range=%u pages=%u (past offset8)", i, pages);
			return false;
		}
		in_page = r.byte_offset;
		need = r.byte_count;
		for (p = 0; p < pages; p++, pos += 8) {
			u64 pfn, foff;
			u32 chunk = min(GUEST_PAGE_SIZE - in_page, need);

			memcpy(&pfn, pkt + pos, 8);
			if (!mem || !guest_mem_pfn_offset(mem, pfn, &foff)) {
				nic_bad(nd, "pfn", "range=%u pfn=%#llx (not guest RAM)", i,
					(unsigned long long)pfn);
				return false;
			}
			if (pread(mem->fd, nd->msgbuf + *total, chunk, (off_t)(foff + in_page)) !=
			    (ssize_t)chunk) {
				nic_bad(nd, "pfn", "range=%u pfn=%#llx (read failed)", i,
					(unsigned long long)pfn);
				return false;
			}
			*total += chunk;
			need -= chunk;
			in_page = 0;
		}
	}
	return true;
}

u32 nic_on_send_rndis(struct host_channel *ch, const u8 *pkt, u32 off8,
		      const struct nvsp_msg *m)
{
	struct nic_dev *nd = nic_of(ch);
	const struct vmpacket_descriptor *d = (const void *)pkt;
	u32 idx = m->rndis.send_buf_section_index, sz = m->rndis.send_buf_section_size;
	u32 total = 0;

	if (m->rndis.channel_type > NVSP_RNDIS_CHANNEL_CONTROL) {
		nic_bad(nd, "channel_type", "channel_type=%u", m->rndis.channel_type);
		return NVSP_STAT_INVALID_RNDIS_PKT;
	}
	if (idx != NVSP_NO_SEND_SECTION) {
		if (!nd->send.map) {
			nic_bad(nd, "send_buf_section_index", "index=%u (no send buffer)", idx);
			return NVSP_STAT_FAIL;
		}
		if (idx >= nd->send.sections) {
			nic_bad(nd, "send_buf_section_index", "index=%u sections=%u", idx,
				nd->send.sections);
			return NVSP_STAT_FAIL;
		}
		if (!sz || sz > nd->send.section_size) {
			nic_bad(nd, "send_buf_section_size", "size=%u section_size=%u", sz,
				nd->send.section_size);
			return NVSP_STAT_FAIL;
		}
		/* A snapshot: the guest cannot change what was checked. */
		memcpy(nd->msgbuf, nd->send.map + (size_t)idx * nd->send.section_size, sz);
		total = sz;
	}
	if (d->type == VM_PKT_DATA_USING_GPA_DIRECT) {
		if (!gather_ranges(nd, pkt, off8, &total))
			return NVSP_STAT_FAIL;
	} else if (idx == NVSP_NO_SEND_SECTION) {
		nic_bad(nd, "send_buf_section_index", "index=none in an in-band packet (no data)");
		return NVSP_STAT_FAIL;
	}
	return nic_on_rndis_bytes(nd, nd->msgbuf, total);
}
