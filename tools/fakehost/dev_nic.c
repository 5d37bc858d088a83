// SPDX-License-Identifier: GPL-2.0-only
/*
 * dev_nic.c: the synthetic NIC (class "nic", HV_NIC_GUID) on the host side, the part
 * Hyper-V's VMSwitch port (OpenVMM's netvsp) plays for drivers/net/hyperv/netvsc.c.
 * Up to `--nic-channels` channels: the primary and the subchannels the guest asks for
 * with NVSP5 SUBCHANNEL, RSS over them (nic_rss.c); no offloads:
 * OID_TCP_OFFLOAD_HARDWARE_CAPABILITIES answers a complete NDIS_OFFLOAD object that
 * offers nothing, and OID_TCP_OFFLOAD_PARAMETERS accepts a valid object that turns
 * nothing on (as Hyper-V answers both: upstream's rndis_netdev_set_hwcaps() fails
 * the NIC otherwise).
 *
 * NVSP (in-band VMBus packets, include/hvis/netvsc_proto.h): every request must be as
 * long as the negotiated version needs (28 bytes, 40 from NVSP 6.1; Hyper-V answers
 * nothing shorter), else it is dropped with NIC_BAD field=len8; our messages to the
 * guest have the same sizes.  The table nvsp_handlers[] below maps each request to its
 * handler and says when it is taken: INIT (versions 2 .. 6.1) -> INIT_COMPLETE;
 * SEND_NDIS_CONFIG / SEND_NDIS_VER recorded; SEND_RECV_BUF and SEND_SEND_BUF (after
 * INIT) map the guest's GPADLs -> *_COMPLETE; REVOKE_* forget them; SEND_RNDIS_PKT
 * carries RNDIS messages from the guest (nic_rndis.c), in a send-buffer section or in
 * GPA-direct page ranges (or both: header in a section, the rest in pages), several
 * batched per section -> SEND_RNDIS_PKT_COMPLETE.
 *
 * Host -> guest RNDIS messages (control completions, INDICATE_STATUS, PACKETs from the
 * net responder) are written to a free 1728-byte section of the guest's receive buffer
 * and announced with a VM_PKT_DATA_USING_XFER_PAGES packet; the section is free again
 * when the guest completes that packet's trans_id.  Until a section is free, messages
 * wait in a queue (NIC_QUEUE_LEN); when that is full they are dropped and counted.
 *
 * Everything from the guest is checked by lib/netvsc_msg.c first; bad input is a
 * NIC_BAD event (rate limited) naming the field, never a crash.
 *
 * This file: the device's lifecycle (create, open, close, tick, status), draining its
 * channel and the NVSP state machine.  The buffers and the host -> guest queue are in
 * nic_data.c, RNDIS in nic_rndis.c, `ctl nic` and `nic bad` in nic_ctl.c; their shared
 * state is struct nic_dev (nic_dev.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <net/if.h>
#include "hostile.h"
#include "nic_dev.h"

/*
 * `--tap N=IFNAME` names the wire of NIC number N, whichever device holds that place:
 * a NIC offered again after a rescind (`ctl offer nic`) takes the wire of its place.
 */
static char tap_of_place[NIC_MAX_TAPS][IFNAMSIZ];

/* The device's place among the NIC devices (the <dev> of `ctl nic`). */
u32 nic_ordinal(const struct host_device *dev)
{
	const struct host_device *d;
	u32 n = 0;

	for (d = dev->host->devices; d && d != dev; d = d->next)
		n += d->ops == &dev_nic_ops;
	return n;
}

void nic_bad(struct nic_dev *nd, const char *field, const char *fmt, ...)
{
	struct vmbus_host *h = nd->dev->host;
	char text[256];
	va_list ap;

	nd->bad++;
	if (h->now_ms - nd->bad_window_ms >= 1000 || h->now_ms < nd->bad_window_ms) {
		nd->bad_window_ms = h->now_ms;
		nd->bad_in_window = 0;
	}
	if (nd->bad_in_window++ >= NIC_BAD_PER_SEC) {
		nd->bad_suppressed++;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	host_event(h, "NIC_BAD", "nic=%u field=%s %s suppressed=%llu", nic_ordinal(nd->dev), field,
		   text, (unsigned long long)nd->bad_suppressed);
}

const char *nic_fmt_mac(const u8 *m, char *buf)
{
	sprintf(buf, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
	return buf;
}

u32 nic_recv_section_size(const struct nic_dev *nd)
{
	u32 need = (nd->max_frame + NIC_SECTION_OVERHEAD + 63) & ~63u;

	if (nd->recv_section)
		return nd->recv_section;
	return need > NETVSC_RECV_SECTION_SIZE ? need : NETVSC_RECV_SECTION_SIZE;
}

/* ---- NVSP from the guest ---- */

static bool version_ok(u32 v)
{
	return v == NVSP_VERSION_2 || v == NVSP_VERSION_4 || v == NVSP_VERSION_5 ||
	       v == NVSP_VERSION_6 || v == NVSP_VERSION_61;
}

/* The trans_id of the packet at pkt, for its completion. */
static u64 trans_of(const u8 *pkt)
{
	return ((const struct vmpacket_descriptor *)pkt)->trans_id;
}

static void on_init(struct host_channel *ch, const u8 *pkt, const struct nvsp_msg *m)
{
	static const u32 newest_first[] = { NVSP_VERSION_61, NVSP_VERSION_6, NVSP_VERSION_5,
					    NVSP_VERSION_4, NVSP_VERSION_2 };
	struct nic_dev *nd = nic_of(ch);
	struct nvsp_msg r = { .type = NVSP_MSG_INIT_COMPLETE };
	u32 i, v = 0;

	for (i = 0; i < ARRAY_SIZE(newest_first); i++) {
		if (newest_first[i] >= m->init.min_protocol_ver &&
		    newest_first[i] <= m->init.max_protocol_ver && version_ok(newest_first[i])) {
			v = newest_first[i];
			break;
		}
	}
	r.init_complete.negotiated_protocol_ver = v;
	r.init_complete.max_mdl_chain_len = NIC_MAX_MDL_CHAIN;
	r.init_complete.status = v ? NVSP_STAT_SUCCESS : NVSP_STAT_PROTOCOL_UNSUPPORTED;
	if (v)
		nd->nvsp_version = v;
	host_event(ch->host, "NIC_INIT", "nic=%u min=%#x max=%#x version=%#x status=%s",
		   nic_ordinal(ch->dev), m->init.min_protocol_ver, m->init.max_protocol_ver, v,
		   v ? "success" : "unsupported");
	nic_send_comp(ch, trans_of(pkt), &r);
}

static void on_recv_buf(struct host_channel *ch, const u8 *pkt, const struct nvsp_msg *m)
{
	struct nic_dev *nd = nic_of(ch);
	struct nvsp_msg r = { .type = NVSP_MSG1_SEND_RECV_BUF_COMPLETE };
	struct nvsp1_recv_buffer_section *s = &r.recv_buf_complete.section;
	u32 section = nic_recv_section_size(nd);

	r.recv_buf_complete.status = NVSP_STAT_FAIL;
	if (m->send_buf.id != NVSP_RECV_BUFFER_ID) {
		nic_bad(nd, "id", "msg=SEND_RECV_BUF id=%#x (not 0xcafe)", m->send_buf.id);
	} else if (!nic_buf_map(ch, &nd->recv, m->send_buf.gpadl_handle, NIC_RECV_MAX_BYTES,
				section, "recv")) {
		nd->recv_used = calloc(1, (nd->recv.sections + 7) / 8);
		nd->recv_trans = calloc(nd->recv.sections, sizeof(*nd->recv_trans));
		nd->recv_next = calloc(nd->recv.sections, sizeof(*nd->recv_next));
		nd->recv_chan = calloc(nd->recv.sections, sizeof(*nd->recv_chan));
		if (!nd->recv_used || !nd->recv_trans || !nd->recv_next || !nd->recv_chan) {
			nic_recv_forget(nd);
		} else {
			r.recv_buf_complete.status = NVSP_STAT_SUCCESS;
			r.recv_buf_complete.num_sections = 1;
			s->offset = 0;
			s->sub_alloc_size = section;
			s->num_sub_allocs = nd->recv.sections;
			s->end_offset = nd->recv.sections * section;
			host_event(ch->host, "NIC_BUFFER",
				   "nic=%u kind=recv gpadl=%#x bytes=%u sections=%u section_size=%u",
				   nic_ordinal(ch->dev), nd->recv.gpadl, nd->recv.size,
				   nd->recv.sections, section);
		}
	}
	nic_send_comp(ch, trans_of(pkt), &r);
}

static void on_send_buf(struct host_channel *ch, const u8 *pkt, const struct nvsp_msg *m)
{
	struct nic_dev *nd = nic_of(ch);
	struct nvsp_msg r = { .type = NVSP_MSG1_SEND_SEND_BUF_COMPLETE };

	r.send_buf_complete.status = NVSP_STAT_FAIL;
	if (m->send_buf.id != NVSP_SEND_BUFFER_ID) {
		nic_bad(nd, "id", "msg=SEND_SEND_BUF id=%#x (not 0)", m->send_buf.id);
	} else if (!nic_buf_map(ch, &nd->send, m->send_buf.gpadl_handle, NIC_SEND_MAX_BYTES,
				NETVSC_SEND_SECTION_SIZE, "send")) {
		r.send_buf_complete.status = NVSP_STAT_SUCCESS;
		r.send_buf_complete.section_size = NETVSC_SEND_SECTION_SIZE;
		host_event(ch->host, "NIC_BUFFER", "nic=%u kind=send gpadl=%#x bytes=%u sections=%u",
			   nic_ordinal(ch->dev), nd->send.gpadl, nd->send.size, nd->send.sections);
	}
	nic_send_comp(ch, trans_of(pkt), &r);
}

static void on_ndis_ver(struct host_channel *ch, const u8 *pkt, const struct nvsp_msg *m)
{
	nic_of(ch)->ndis_version = m->ndis_ver.ndis_major_ver << 16 | m->ndis_ver.ndis_minor_ver;
}

static void on_ndis_config(struct host_channel *ch, const u8 *pkt, const struct nvsp_msg *m)
{
	struct nic_dev *nd = nic_of(ch);

	nd->guest_mtu = m->ndis_config.mtu;
	nd->guest_caps = m->ndis_config.capability;
}

/* REVOKE_RECV_BUF / REVOKE_SEND_BUF: the guest takes a buffer back. */
static void on_revoke(struct host_channel *ch, const u8 *pkt, const struct nvsp_msg *m)
{
	struct nic_dev *nd = nic_of(ch);
	bool recv = m->type == NVSP_MSG1_REVOKE_RECV_BUF;
	struct nic_buf *b = recv ? &nd->recv : &nd->send;

	if (m->revoke.id != (recv ? NVSP_RECV_BUFFER_ID : NVSP_SEND_BUFFER_ID) || !b->map)
		nic_bad(nd, "id", "msg=%s id=%#x mapped=%d", nvsp_msg_name(m->type), m->revoke.id,
			!!b->map);
	else if (recv)
		nic_recv_forget(nd);
	else
		nic_buf_unmap(b);
	if (recv)
		nic_queue_clear(nd);	/* nowhere to send what waits */
}

/* RNDIS messages in a send section and/or guest pages (GPA-direct). */
static void on_rndis_pkt(struct host_channel *ch, const u8 *pkt, const struct nvsp_msg *m)
{
	const struct vmpacket_descriptor *d = (const void *)pkt;
	struct nvsp_msg r = { .type = NVSP_MSG1_SEND_RNDIS_PKT_COMPLETE };
	struct nic_dev *nd = nic_of(ch);

	r.rndis_complete.status = nic_on_send_rndis(ch, pkt, d->offset8 * 8u, m);
	/* `nic lose-comps`: the frame went on, its completion never comes. */
	if (nd->lose_comps) {
		nd->lose_comps--;
		nd->comps_lost++;
		return;
	}
	nic_send_comp(ch, d->trans_id, &r);
}

static void on_switch_data_path(struct host_channel *ch, const u8 *pkt,
				const struct nvsp_msg *m)
{
	const struct vmpacket_descriptor *d = (const void *)pkt;
	struct nvsp_msg r = {};

	nic_vf_datapath(nic_of(ch), m);		/* migrate: nic_vf.c */
	/* Acknowledged with a data-less completion, as Hyper-V does. */
	if (d->flags & VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED)
		host_chan_send(ch, VM_PKT_COMP, 0, d->trans_id, &r, 0);
}

static void on_subchannel(struct host_channel *ch, const u8 *pkt, const struct nvsp_msg *m)
{
	nic_on_subchannel(ch, trans_of(pkt), m);
}

/*
 * The NVSP requests this host takes, with the states they are taken in.  Their
 * lengths are checked before (nvsp_msg_check: the body each type needs;
 * nvsp_request_len_check: the negotiated version's request size).  @handle gets the
 * whole packet (descriptor first) and the message copied out of it.  @before_init:
 * 0 if taken before INIT has agreed a version, else the completion type that refuses
 * it then (status FAIL, NIC_BAD field=state).  @gpa_direct: may come in a GPA-direct
 * packet; every other request must be in-band.
 */
static const struct nic_nvsp_handler {
	u32 type;
	void (*handle)(struct host_channel *ch, const u8 *pkt, const struct nvsp_msg *m);
	u32 before_init;
	bool gpa_direct;
} nvsp_handlers[] = {
	/* type, handle, before_init, gpa_direct */
	{ NVSP_MSG_INIT, on_init, 0, false },
	{ NVSP_MSG1_SEND_NDIS_VER, on_ndis_ver, 0, false },
	{ NVSP_MSG2_SEND_NDIS_CONFIG, on_ndis_config, 0, false },
	{ NVSP_MSG1_SEND_RECV_BUF, on_recv_buf, NVSP_MSG1_SEND_RECV_BUF_COMPLETE, false },
	{ NVSP_MSG1_SEND_SEND_BUF, on_send_buf, NVSP_MSG1_SEND_SEND_BUF_COMPLETE, false },
	{ NVSP_MSG1_REVOKE_RECV_BUF, on_revoke, 0, false },
	{ NVSP_MSG1_REVOKE_SEND_BUF, on_revoke, 0, false },
	{ NVSP_MSG1_SEND_RNDIS_PKT, on_rndis_pkt, 0, true },
	{ NVSP_MSG4_SWITCH_DATA_PATH, on_switch_data_path, 0, false },
	{ NVSP_MSG5_SUBCHANNEL, on_subchannel, 0, false },
};

static const struct nic_nvsp_handler *nvsp_handler(u32 type)
{
	u32 i;

	for (i = 0; i < ARRAY_SIZE(nvsp_handlers); i++)
		if (nvsp_handlers[i].type == type)
			return &nvsp_handlers[i];
	return NULL;
}

/* The guest completed one of our XFER_PAGES packets: its section is free again. */
static void on_guest_comp(struct host_channel *ch, const struct vmpacket_descriptor *d,
			  const u8 *payload, u32 plen)
{
	struct nic_dev *nd = nic_of(ch);
	const char *why = "?";
	int type = nvsp_msg_check(payload, plen, NETVSC_FROM_GUEST, &why);
	u32 s = (u32)d->trans_id;

	if (type < 0) {
		nic_bad(nd, "completion", "trans_id=%#llx why=\"%s\"",
			(unsigned long long)d->trans_id, why);
		return;
	}
	if (type != NVSP_MSG1_SEND_RNDIS_PKT_COMPLETE) {
		nic_bad(nd, "completion", "type=%s (not SEND_RNDIS_PKT_COMPLETE)", nvsp_msg_name(type));
		return;
	}
	if (nd->inject_trans && d->trans_id == nd->inject_trans) {
		nd->injected_acks++;
		nd->inject_trans = 0;
		return;
	}
	/* Frees the packet's sections: one, or each fragment's of an RSC chain. */
	if (!nic_recv_complete(nd, s, d->trans_id))
		nic_bad(nd, "trans_id", "trans_id=%#llx (no such receive in flight)",
			(unsigned long long)d->trans_id);
}

static void on_nvsp(struct host_channel *ch, const u8 *pkt, u32 len, u32 off8)
{
	struct nic_dev *nd = nic_of(ch);
	const struct vmpacket_descriptor *d = (const void *)pkt;
	const struct nic_nvsp_handler *e;
	struct nvsp_msg m = {};
	const char *why = "?";
	int type = nvsp_msg_check(pkt + off8, len - off8, NETVSC_FROM_GUEST, &why);

	if (type < 0) {
		nic_bad(nd, "nvsp", "why=\"%s\" len=%u", why, len - off8);
		return;
	}
	/* Hyper-V does not answer a request shorter than its version's size. */
	if (nvsp_request_len_check(len - off8, nd->nvsp_version, &why)) {
		nd->short_nvsp++;
		nic_bad(nd, "len8", "msg=%s bytes=%u min=%u version=%#x (%s)", nvsp_msg_name(type),
			len - off8, nvsp_msg_min_len(nd->nvsp_version), nd->nvsp_version, why);
		return;
	}
	memcpy(&m, pkt + off8, min(len - off8, (u32)sizeof(m)));
	e = nvsp_handler(type);
	if (d->type == VM_PKT_DATA_USING_GPA_DIRECT && !(e && e->gpa_direct)) {
		nic_bad(nd, "packet_type", "msg=%s in a GPA-direct packet", nvsp_msg_name(type));
		return;
	}
	if (!e) {
		nic_bad(nd, "type", "msg=%s (%u) not handled by this host", nvsp_msg_name(type), type);
		return;
	}
	if (e->before_init && !nd->nvsp_version) {
		struct nvsp_msg r = { .type = e->before_init };
		u32 status = NVSP_STAT_FAIL;

		nic_bad(nd, "state", "msg=%s (before INIT)", nvsp_msg_name(type));
		/* Every *_COMPLETE body starts with its status. */
		memcpy(r.raw, &status, sizeof(status));
		nic_send_comp(ch, d->trans_id, &r);
		return;
	}
	e->handle(ch, pkt, &m);
}

static void nic_one(struct host_channel *ch, u32 len)
{
	struct nic_dev *nd = nic_of(ch);
	const u8 *pkt = ch->pkt_buf;
	const struct vmpacket_descriptor *d = (const void *)pkt;
	u32 off8;

	if (len < sizeof(*d)) {
		nic_bad(nd, "len8", "len=%u", len);
		return;
	}
	off8 = d->offset8 * 8u;
	if (off8 < sizeof(*d) || off8 > len) {
		nic_bad(nd, "offset8", "offset8=%u len=%u", d->offset8, len);
		return;
	}
	switch (d->type) {
	case VM_PKT_COMP:
		on_guest_comp(ch, d, pkt + off8, len - off8);
		break;
	case VM_PKT_DATA_INBAND:
		on_nvsp(ch, pkt, len, off8);
		break;
	case VM_PKT_DATA_USING_GPA_DIRECT:
		if (off8 < sizeof(struct vmdata_gpa_direct)) {
			nic_bad(nd, "offset8", "offset8=%u (GPA-direct header is 24 bytes)", d->offset8);
			return;
		}
		on_nvsp(ch, pkt, len, off8);
		break;
	default:
		nic_bad(nd, "packet_type", "type=%u", d->type);
		break;
	}
}

static void nic_packets(struct host_channel *ch)
{
	struct nic_dev *nd = ch->priv;
	struct nic_queue *nq;
	bool more;
	int len = 0;

	if (!nd)
		return;
	nq = nic_queue_of(ch);
	host_chan_want_room(ch, 0);
	if (nq->comp_pending) {
		nq->comp_pending = false;
		if (nic_send_comp(ch, nq->comp_trans, &nq->comp_msg) == -EAGAIN)
			return;
	}
	do {
		host_chan_read_begin(ch);
		while (!nq->comp_pending && (len = host_chan_peek(ch)) > 0) {
			nd->cur_queue = ch->sub_index;
			nic_one(ch, (u32)len);
			host_chan_consume(ch, (u32)len);
		}
		more = host_chan_read_end(ch);
	} while (more && !nq->comp_pending && len != -EIO);
	nic_flush(ch);
}

/* ---- open / close / lifetime ---- */

static void reset_conn(struct nic_dev *nd)
{
	u32 i;

	nic_recv_forget(nd);
	nic_buf_unmap(&nd->send);
	nic_queue_clear(nd);
	free(nd->q);
	free(nd->msgbuf);
	nd->q = NULL;
	nd->msgbuf = NULL;
	nd->q_head = nd->q_count = 0;
	nd->ch = NULL;
	nd->nvsp_version = nd->ndis_version = nd->guest_mtu = 0;
	nd->guest_caps = 0;
	nd->offload_set = false;
	memset(&nd->offload, 0, sizeof(nd->offload));
	nd->rndis_inited = false;
	nd->filter = 0;
	nd->datapath_vf = false;	/* a new connection starts on the synthetic path */
	nd->hostile_seen = false;
	nd->expire_ms = 0;
	for (i = 0; i < NIC_MAX_QUEUES; i++) {
		nd->queues[i].comp_pending = false;
		if (nd->queues[i].ch)
			nd->queues[i].ch->priv = NULL;
		nd->queues[i].ch = NULL;
	}
	nic_rss_reset(nd);
	memcpy(nd->cur_mac, nd->mac, 6);
}

static int nic_open(struct host_channel *ch)
{
	struct nic_dev *nd = ch->dev->priv;
	u32 i;

	if (ch->sub_index) {
		/* Only a subchannel the guest asked for on this connection (nic_rss.c). */
		i = ch->sub_index;
		if (!nic_subchannel_ok(nd, ch) || nd->queues[i].ch) {
			nic_bad(nd, "sub_channel_index", "open of subchannel %u (asked for %u)", i,
				nd->subs_asked);
			return -EINVAL;
		}
		nd->queues[i].ch = ch;
		nd->queues[i].comp_pending = false;
		ch->priv = nd;
		ch->hold_ok = true;	/* as the primary's, below */
		ch->hold_idle_max = NIC_HOLD_IDLE_LOOKS;
		if (nd->tap[0])
			nic_tap_open(nd, i);
		nd->nqueues++;
		nic_rss_sub_opened(nd);
		return 0;
	}
	reset_conn(nd);
	nd->q = calloc(NIC_QUEUE_LEN, sizeof(*nd->q));
	nd->msgbuf = malloc(NIC_MAX_MSG);
	if (!nd->q || !nd->msgbuf) {
		reset_conn(nd);
		return -ENOMEM;
	}
	nd->ch = ch;
	nd->queues[0].ch = ch;
	ch->priv = nd;
	/*
	 * Hyper-V offers the NIC's channels with a monitor, so a busy guest's sends cost
	 * it no exit (host_ring.c); here a busy ring stays masked and is read again,
	 * a stream of single frames too (host_hold.c's rule by time).
	 */
	ch->hold_ok = true;
	ch->hold_idle_max = NIC_HOLD_IDLE_LOOKS;
	i = nic_ordinal(ch->dev);
	if (i < NIC_MAX_TAPS)
		snprintf(nd->tap, sizeof(nd->tap), "%.15s", tap_of_place[i]);
	if (nd->tap[0])
		nic_tap_open(nd, 0);	/* an error is a NIC_TAP event; the NIC runs unwired */
	nic_vlan_open(nd);		/* vlan: the access ports of `--tap-vlan` */
	nd->nqueues = 1;
	return 0;
}

static void nic_close(struct host_channel *ch)
{
	struct nic_dev *nd = ch->dev->priv;

	if (nd->ch == ch) {
		nic_tap_close(nd, 0);
		nic_vlan_close(nd);
		nd->nqueues = 0;
		reset_conn(nd);
	} else if (ch->sub_index < NIC_MAX_QUEUES && nd->queues[ch->sub_index].ch == ch) {
		/* A subchannel closed (rescinded while open): its sections come back. */
		nd->queues[ch->sub_index].rx_reclaimed += nic_recv_reclaim(nd, ch->sub_index);
		nic_tap_close(nd, ch->sub_index);
		nd->queues[ch->sub_index].ch = NULL;
		nd->queues[ch->sub_index].comp_pending = false;
		if (nd->nqueues)
			nd->nqueues--;
	}
	ch->priv = NULL;
	ch->hold_ok = false;
	ch->hold_idle_max = 0;
}

/*
 * Hostile mode (hostile.c) mutates and drops the host's own transfer-page packets: the
 * guest then completes a trans_id the host never sent, or nothing, and those sections
 * would stay the guest's for good (under a flood the NIC ran dry within a minute, and
 * the campaign had to replug it).  Once the mode was on during a connection, every
 * NIC_EXPIRE_MS the sections announced before the previous sweep and still not
 * completed come back (rx_expired), but only on channels whose ring the guest has read
 * to the end: a guest that is merely behind keeps its sections, and the flood waits for
 * it as before (taking back unread ones starved a debug-kernel guest of CPU).  The
 * guest's late completion of one is then a NIC_BAD "no such receive in flight".  A host
 * that behaves never takes one back: Hyper-V waits for the guest's completion.
 */
#define NIC_EXPIRE_MS	2000

static u32 nic_drained_channels(struct nic_dev *nd)
{
	u32 i, mask = 0;

	for (i = 0; i < NIC_MAX_QUEUES; i++) {
		struct host_channel *c = nd->queues[i].ch;

		if (c && c->state == CHAN_OPEN && c->ring_base && !host_chan_out_unread(c))
			mask |= 1u << i;
	}
	return mask;
}

static void nic_expire(struct nic_dev *nd, u64 now_ms)
{
	u32 drained;

	if (!nd->hostile_seen && !hostile_on())
		return;
	nd->hostile_seen = true;
	if (nd->expire_ms && now_ms - nd->expire_ms < NIC_EXPIRE_MS)
		return;
	if (nd->expire_ms) {
		/* Tried again at every tick until a channel's ring is empty. */
		drained = nic_drained_channels(nd);
		if (!drained)
			return;
		nd->rx_expired += nic_recv_expire(nd, nd->expire_seq, drained);
	}
	nd->expire_ms = now_ms;
	nd->expire_seq = nd->seq + 1;
}

static void nic_tick(struct host_channel *ch, u64 now_ms)
{
	if (!ch->priv || nic_of(ch)->ch != ch)
		return;
	nic_expire(nic_of(ch), now_ms);
	nic_flush(ch);
}

/* `--nic-channels`: the channel cap of every NIC created after it is set. */
static u32 nic_default_channels = NIC_DEFAULT_CHANNELS;

int dev_nic_set_default_channels(u32 n)
{
	if (n < 1 || n > NIC_MAX_QUEUES)
		return -EINVAL;
	nic_default_channels = n;
	return 0;
}

static int nic_create(struct host_device *dev)
{
	struct nic_dev *nd = calloc(1, sizeof(*nd));
	u32 n = dev->index + 1, i;

	if (!nd)
		return -ENOMEM;
	for (i = 0; i < NIC_MAX_QUEUES; i++)
		nd->queues[i].tap_fd = -1;
	nd->dev = dev;
	nd->mac[0] = 0x00;
	nd->mac[1] = 0x15;
	nd->mac[2] = 0x5d;
	nd->mac[3] = (n >> 16) & 0xff;
	nd->mac[4] = (n >> 8) & 0xff;
	nd->mac[5] = n & 0xff;
	memcpy(nd->cur_mac, nd->mac, 6);
	nd->link_up = true;
	nd->max_frame = NIC_MTU_DEFAULT;
	nd->recv_section = 0;
	nd->link_speed = NIC_LINK_SPEED;
	nd->max_channels = nic_default_channels;
	net_responder_init(&nd->resp);
	dev->priv = nd;
	return 0;
}

static void nic_destroy(struct host_device *dev)
{
	struct nic_dev *nd = dev->priv;
	u32 i;

	for (i = 0; i < NIC_MAX_QUEUES; i++)
		nic_tap_close(nd, i);
	nic_vlan_close(nd);
	reset_conn(dev->priv);
	free(dev->priv);
}

void nic_status_line(struct host_device *dev, char *buf, size_t len)
{
	struct nic_dev *nd = dev->priv;
	char mac[18];

	snprintf(buf, len,
		 "nic=%u mac=%s link=%s nvsp=%#x rndis=%d filter=%#x host_ip=%u.%u.%u.%u rx_frames=%llu tx_frames=%llu drops=%llu too_big=%llu rx_sections_in_use=%u/%u queued=%u bad=%llu injected=%llu injected_acks=%llu channels=%u/%u rss=%s rx_expired=%llu comps_lost=%llu",
		 nic_ordinal(dev), nic_fmt_mac(nd->mac, mac), nd->link_up ? "up" : "down",
		 nd->nvsp_version, nd->rndis_inited, nd->filter, nd->resp.ip[0], nd->resp.ip[1],
		 nd->resp.ip[2], nd->resp.ip[3], (unsigned long long)nd->rx_frames,
		 (unsigned long long)nd->tx_frames, (unsigned long long)nd->drops,
		 (unsigned long long)nd->too_big, nd->recv_in_use, nd->recv.sections, nd->q_count,
		 (unsigned long long)nd->bad, (unsigned long long)nd->injected,
		 (unsigned long long)nd->injected_acks, nd->nqueues, nd->max_channels,
		 nd->rss_on ? "on" : "off", (unsigned long long)nd->rx_expired,
		 (unsigned long long)nd->comps_lost);
}

const struct host_device_ops dev_nic_ops = {
	.name = "nic",
	.class_id = HV_NIC_GUID,
	.create = nic_create,
	.destroy = nic_destroy,
	.open = nic_open,
	.packets = nic_packets,
	.close = nic_close,
	.tick = nic_tick,
	.status = nic_status_line,
	.pump = nic_pump,
	/* Subchannels on NVSP5 SUBCHANNEL; rescinded when the primary closes (Hyper-V). */
	.subchannels_on_request = true,
	.monitored = true,	/* Hyper-V offers network channels monitored */
};

int dev_nic_set_mac(struct host_device *dev, const char *mac)
{
	struct nic_dev *nd = dev->priv;

	if (dev->ops != &dev_nic_ops || !net_parse_mac(mac, nd->mac))
		return -EINVAL;
	return 0;
}

int dev_nic_set_tap(struct vmbus_host *h, u32 n, const char *ifname)
{
	struct host_device *d;
	u32 want = n;

	if (!*ifname || strlen(ifname) >= IFNAMSIZ || n >= NIC_MAX_TAPS)
		return -EINVAL;
	for (d = h->devices; d; d = d->next) {
		if (d->ops != &dev_nic_ops || want--)
			continue;
		snprintf(tap_of_place[n], IFNAMSIZ, "%s", ifname);
		return 0;
	}
	return -ENOENT;
}
