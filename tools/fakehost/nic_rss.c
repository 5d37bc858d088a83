// SPDX-License-Identifier: GPL-2.0-only
/*
 * nic_rss.c: vRSS on the synthetic NIC's host side, the part Hyper-V's VMSwitch port
 * (OpenVMM's netvsp) plays for upstream's rndis_filter.c / netvsc.c: the NVSP5
 * SUBCHANNEL request (checked, granted up to the NIC's channel cap, the subchannels
 * then offered through the bus), the RSS capabilities the guest queries
 * (OID_GEN_RECEIVE_SCALE_CAPABILITIES), the RSS parameters it sets
 * (OID_GEN_RECEIVE_SCALE_PARAMETERS, checked by lib/netvsc_msg.c, kept), and the
 * channel each frame from the wire goes to: the Toeplitz hash (lib/toeplitz.c) over
 * the fields the guest's hash types name, through its indirection table
 * (nic_rx_channel), and the hash for the PPI; `nic rss` shows it all.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "nic_dev.h"
#include "toeplitz.h"

/* The subchannels a request may get: the cap less the primary. */
static u32 subs_cap(const struct nic_dev *nd)
{
	return nd->max_channels > 1 ? nd->max_channels - 1 : 0;
}

void nic_on_subchannel(struct host_channel *ch, u64 trans, const struct nvsp_msg *m)
{
	struct nic_dev *nd = nic_of(ch);
	struct nvsp_msg r = { .type = NVSP_MSG5_SUBCHANNEL };
	struct nvsp5_subchannel_request req;
	struct nvsp5_subchannel_complete c = { .status = NVSP_STAT_FAIL };

	memcpy(&req, m->raw, sizeof(req));
	if (ch->sub_index) {
		nic_bad(nd, "channel", "msg=SUBCHANNEL on subchannel %u (the primary's)",
			ch->sub_index);
	} else if (nd->nvsp_version < NVSP_VERSION_5) {
		nic_bad(nd, "state", "msg=SUBCHANNEL version=%#x (needs NVSP 5)", nd->nvsp_version);
	} else if (req.op != NVSP_SUBCHANNEL_ALLOCATE) {
		nic_bad(nd, "op", "msg=SUBCHANNEL op=%u (not ALLOCATE)", req.op);
	} else if (!req.num_subchannels) {
		nic_bad(nd, "num_subchannels", "msg=SUBCHANNEL num_subchannels=0");
	} else if (!subs_cap(nd)) {
		/* One channel only: refused, the guest goes on with the primary. */
		c.num_subchannels = 0;
	} else {
		c.status = NVSP_STAT_SUCCESS;
		c.num_subchannels = req.num_subchannels < subs_cap(nd) ? req.num_subchannels :
									 subs_cap(nd);
	}
	nd->subch_requests++;
	host_event(ch->host, "NIC_SUBCHANNEL", "nic=%u asked=%u granted=%u status=%s",
		   nic_ordinal(ch->dev), req.num_subchannels, c.num_subchannels,
		   c.status == NVSP_STAT_SUCCESS ? "success" : "fail");
	memcpy(r.raw, &c, sizeof(c));
	nic_send_comp(ch, trans, &r);
	if (c.status != NVSP_STAT_SUCCESS)
		return;
	nd->subs_asked = c.num_subchannels;
	host_offer_subchannels_n(ch->host, ch, c.num_subchannels);
}

bool nic_subchannel_ok(struct nic_dev *nd, const struct host_channel *ch)
{
	return nd->ch && nd->ch->state == CHAN_OPEN && ch->sub_index <= nd->subs_asked &&
	       ch->sub_index < NIC_MAX_QUEUES;
}

u32 nic_rss_get_caps(struct nic_dev *nd, u8 *val)
{
	struct ndis_recv_scale_cap c = {};

	c.hdr.type = NDIS_OBJECT_TYPE_RSS_CAPABILITIES;
	c.hdr.revision = NDIS_RECEIVE_SCALE_CAPABILITIES_REVISION_2;
	c.hdr.size = sizeof(c);
	c.cap_flag = NDIS_RSS_CAPS_HASH_TYPE_TCP_IPV4 | NDIS_RSS_CAPS_HASH_TYPE_TCP_IPV6;
	c.num_int_msg = nd->max_channels;
	c.num_recv_que = nd->max_channels;
	c.num_indirect_tabent = NETVSC_ITAB_DEFAULT;
	memcpy(val, &c, sizeof(c));
	nd->rss_caps_queries++;
	host_event(nd->dev->host, "NIC_RSS_CAPS", "nic=%u queues=%u table=%u",
		   nic_ordinal(nd->dev), c.num_recv_que, c.num_indirect_tabent);
	return sizeof(c);
}

/* Channels open now: the primary and the subchannels 1..N in a row. */
static u32 open_channels(const struct nic_dev *nd)
{
	u32 n = 0;

	while (n < NIC_MAX_QUEUES && nd->queues[n].ch)
		n++;
	return n;
}

u32 nic_rss_set_params(struct nic_dev *nd, const u8 *msg, u32 msg_len, u32 ioff, u32 ilen)
{
	struct netvsc_rss_conf c = nd->rss;
	const char *why = "?";
	char key[2 * NETVSC_HASH_KEYLEN + 1];
	u32 i, n = open_channels(nd);

	if (ioff > msg_len || ilen > msg_len - ioff) {
		nic_bad(nd, "info_buflen", "oid=RECEIVE_SCALE_PARAMETERS len=%u", ilen);
		return RNDIS_STATUS_INVALID_DATA;
	}
	if (ndis_rss_params_parse(msg + ioff, ilen, n, &c, &why)) {
		nic_bad(nd, "rss_params", "len=%u channels=%u why=\"%s\"", ilen, n, why);
		return RNDIS_STATUS_INVALID_DATA;
	}
	nd->rss = c;
	nd->rss_on = !(c.flag & NDIS_RSS_PARAM_FLAG_DISABLE_RSS) && c.n_itab;
	nd->rss_sets++;
	for (i = 0; i < NETVSC_HASH_KEYLEN; i++)
		sprintf(key + 2 * i, "%02x", c.key[i]);
	host_event(nd->dev->host, "NIC_RSS_PARAMS",
		   "nic=%u flag=%#x hashinfo=%#x table=%u channels=%u key=%s", nic_ordinal(nd->dev),
		   c.flag, c.hashinfo, c.n_itab, n, key);
	return RNDIS_STATUS_SUCCESS;
}

u32 nic_rx_channel(struct nic_dev *nd, const u8 *frame, u32 len, struct nic_pkt_meta *meta)
{
	u8 in[TOEPLITZ_INPUT_MAX];
	u32 in_len, q, hash;

	if (!nd->rss_on || !toeplitz_frame_input(frame, len, nd->rss.hashinfo, in, &in_len))
		return 0;
	hash = toeplitz_hash(nd->rss.key, NETVSC_HASH_KEYLEN, in, in_len);
	meta->hash = hash;
	q = nd->rss.itab[hash % nd->rss.n_itab];
	/* A channel the table names but that closed since: the primary takes it. */
	return q < NIC_MAX_QUEUES && nd->queues[q].ch ? q : 0;
}

void nic_rss_reset(struct nic_dev *nd)
{
	nd->subs_asked = 0;
	nd->rss_on = false;
	memset(&nd->rss, 0, sizeof(nd->rss));
}

void nic_rss_show(const struct nic_dev *nd, FILE *out)
{
	u32 i;

	fprintf(out, "rss=%s channels_max=%u subchannels=%u subch_requests=%llu caps_queries=%llu sets=%llu hashinfo=%#x table=%u key=",
		nd->rss_on ? "on" : "off", nd->max_channels, nd->subs_asked,
		(unsigned long long)nd->subch_requests, (unsigned long long)nd->rss_caps_queries,
		(unsigned long long)nd->rss_sets, nd->rss.hashinfo, nd->rss.n_itab);
	for (i = 0; i < NETVSC_HASH_KEYLEN; i++)
		fprintf(out, "%02x", nd->rss.key[i]);
	fprintf(out, " itab=");
	for (i = 0; i < nd->rss.n_itab; i++)
		fprintf(out, "%s%u", i ? "," : "", nd->rss.itab[i]);
	fprintf(out, " send_tables=%llu send_table=", (unsigned long long)nd->send_tables);
	for (i = 0; i < VRSS_SEND_TAB_SIZE; i++)
		fprintf(out, "%s%u", i ? "," : "", nd->send_table[i]);
	fprintf(out, "\n");
	for (i = 0; i < NIC_MAX_QUEUES; i++) {
		const struct nic_queue *q = &nd->queues[i];

		if (!q->ch && !q->rx_frames && !q->tx_frames)
			continue;
		fprintf(out, "queue=%u open=%d relid=%u rx_frames=%llu tx_frames=%llu rx_drops=%llu\n",
			i, !!q->ch, q->ch ? q->ch->relid : 0, (unsigned long long)q->rx_frames,
			(unsigned long long)q->tx_frames, (unsigned long long)q->rx_drops);
	}
}

/* ---- queues: the send indirection table, a subchannel rescinded while open ---- */

/*
 * SEND_INDIRECTION_TABLE on the primary (netvsc.c netvsc_send_table): @count entries
 * at @offset (the table is always written at NVSP5_SEND_TABLE_OFFSET, where a guest
 * up to NVSP 6 reads it whatever offset says).
 */
static int send_table_msg(struct nic_dev *nd, const u32 *tab, u32 count, u32 offset)
{
	u8 msg[NVSP5_SEND_TABLE_MSG_BYTES] = { 0 };
	struct nvsp5_send_indirect_table t = { .count = count, .offset = offset };
	u32 type = NVSP_MSG5_SEND_INDIRECTION_TABLE, i;
	char list[VRSS_SEND_TAB_SIZE * 4 + 1];
	int ret;

	if (!nd->ch || nd->ch->state != CHAN_OPEN || nd->nvsp_version < NVSP_VERSION_5)
		return -ENOTCONN;
	memcpy(msg, &type, 4);
	memcpy(msg + NVSP_HDR_BYTES, &t, sizeof(t));
	memcpy(msg + NVSP5_SEND_TABLE_OFFSET, tab, 4 * VRSS_SEND_TAB_SIZE);
	ret = host_chan_send(nd->ch, VM_PKT_DATA_INBAND, 0, 0, msg, sizeof(msg));
	if (ret)
		return ret;
	memcpy(nd->send_table, tab, sizeof(nd->send_table));
	nd->send_tables++;
	for (i = 0, list[0] = 0; i < VRSS_SEND_TAB_SIZE; i++)
		sprintf(list + strlen(list), "%s%u", i ? "," : "", tab[i] % 1000);
	host_event(nd->dev->host, "NIC_SEND_TABLE", "nic=%u count=%u offset=%u table=%s",
		   nic_ordinal(nd->dev), count, offset, list);
	return 0;
}

/* Entry i is channel i % the channels open now (as the guest's own default). */
static void spread_table(const struct nic_dev *nd, u32 *tab)
{
	u32 i, n = open_channels(nd);

	for (i = 0; i < VRSS_SEND_TAB_SIZE; i++)
		tab[i] = i % (n ? n : 1);
}

void nic_rss_sub_opened(struct nic_dev *nd)
{
	u32 tab[VRSS_SEND_TAB_SIZE];

	if (open_channels(nd) != nd->subs_asked + 1)
		return;
	spread_table(nd, tab);
	send_table_msg(nd, tab, VRSS_SEND_TAB_SIZE, NVSP5_SEND_TABLE_OFFSET);
}

/* "2,2,1,..." (1 to 16 entries, repeated to fill the table). */
static bool parse_table(const char *s, u32 *tab)
{
	u32 n = 0, i;
	char *end;

	while (*s && n < VRSS_SEND_TAB_SIZE) {
		unsigned long v = strtoul(s, &end, 10);

		if (end == s || v > 0xffff || (*end && *end != ','))
			return false;
		tab[n++] = (u32)v;
		s = *end ? end + 1 : end;
	}
	if (!n || *s)
		return false;
	for (i = n; i < VRSS_SEND_TAB_SIZE; i++)
		tab[i] = tab[i % n];
	return true;
}

static int rescind_sub(struct nic_dev *nd, int argc, char **argv, FILE *out, char *err,
		       size_t errlen)
{
	u32 i = NIC_MAX_QUEUES, relid;
	char *end;

	if (argc == 3) {
		i = (u32)strtoul(argv[2], &end, 10);
		if (end == argv[2] || *end || !i || i >= NIC_MAX_QUEUES || !nd->queues[i].ch) {
			snprintf(err, errlen, "INDEX: an open subchannel (1 .. %d)", NIC_MAX_QUEUES - 1);
			return -1;
		}
	} else {
		/* The highest open subchannel. */
		while (--i && !nd->queues[i].ch)
			;
		if (!i) {
			snprintf(err, errlen, "the nic has no open subchannel");
			return -1;
		}
	}
	relid = nd->queues[i].ch->relid;
	if (host_rescind(nd->dev->host, relid)) {
		snprintf(err, errlen, "relid %u not rescinded", relid);
		return -1;
	}
	fprintf(out, "rescinded=%u relid=%u\n", i, relid);
	return 0;
}

int nic_rss_ctl(struct nic_dev *nd, int argc, char **argv, FILE *out, char *err,
		size_t errlen)
{
	u32 tab[VRSS_SEND_TAB_SIZE], count = VRSS_SEND_TAB_SIZE, off = NVSP5_SEND_TABLE_OFFSET;
	const char *how = argc == 3 ? argv[2] : "";

	if (!strcmp(argv[0], "rescind-sub"))
		return rescind_sub(nd, argc, argv, out, err, errlen);
	spread_table(nd, tab);
	if (!strcmp(how, "bad-count")) {
		count = VRSS_SEND_TAB_SIZE / 2;
	} else if (!strcmp(how, "bad-offset")) {
		off += 8;		/* the last two entries past the message */
	} else if (!strcmp(how, "bad-entry")) {
		tab[VRSS_SEND_TAB_SIZE - 1] = nd->subs_asked + 1;	/* one past the channels */
	} else if (strcmp(how, "spread") && !parse_table(how, tab)) {
		snprintf(err, errlen,
			 "usage: nic send-table DEV spread|E,E,...|bad-count|bad-offset|bad-entry");
		return -1;
	}
	if (send_table_msg(nd, tab, count, off)) {
		snprintf(err, errlen, "not sent (no open primary at NVSP 5, or no ring room)");
		return -1;
	}
	fprintf(out, "send_table=%s count=%u offset=%u\n", how, count, off);
	return 0;
}
