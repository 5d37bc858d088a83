// SPDX-License-Identifier: GPL-2.0-only
/*
 * nic_ctl.c: `ctl nic` (docs/fakehost-ctl.md): status, link up/down/bounce as RNDIS
 * indications, the responder's address, MAC, receive section size, frames sent to the
 * guest, and `nic bad`: one hostile host -> guest message of a chosen kind (a range
 * past the receive buffer, an unknown page set, RNDIS lengths and offsets that lie, a
 * bad PPI, a completion nobody asked for) that the guest must refuse and count.
 */
#include <errno.h>
#include <stdlib.h>
#include "hex.h"
#include "nic_dev.h"

static int fail(char *err, size_t errlen, const char *msg)
{
	snprintf(err, errlen, "%s", msg);
	return -1;
}

/* "0", "nic0": the n-th NIC device. */
static struct host_device *find_nic(struct vmbus_host *h, const char *name)
{
	struct host_device *d;
	unsigned long want;
	char *end;

	if (!strncmp(name, "nic", 3))
		name += 3;
	want = strtoul(name, &end, 10);
	if (end == name || *end)
		return NULL;
	for (d = h->devices; d; d = d->next)
		if (d->ops == &dev_nic_ops && !want--)
			return d;
	return NULL;
}

static bool nic_live(const struct nic_dev *nd)
{
	return nd->ch && nd->ch->state == CHAN_OPEN;
}

#define NIC_BAD_KINDS "range-past-end|bad-pageset|rndis-len|data-offset|ppi|bad-comp|big-packet|hash-ppi|extra-subchannel"

/* big-packet: an in-band packet larger than the 16 KiB a netvsc guest declares it takes. */
#define NIC_BIG_PACKET_BYTES	(20 * 1024)

/* A 60-byte frame as an RNDIS PACKET at buf with one PPI of @ppi_size bytes (0: none). */
static u32 inject_packet(u8 *buf, u32 ppi_size)
{
	struct rndis_msg_hdr hdr = { .msg_type = RNDIS_MSG_PACKET };
	struct rndis_packet p = {};
	struct rndis_ppi ppi = { .size = ppi_size, .type = PPI_IEEE_8021Q,
				 .ppi_offset = sizeof(ppi) };
	u32 ppi_len = ppi_size ? sizeof(ppi) + 4 : 0;

	p.per_pkt_info_offset = ppi_len ? sizeof(p) : 0;
	p.per_pkt_info_len = ppi_len;
	p.data_offset = sizeof(p) + ppi_len;
	p.data_len = 60;
	hdr.msg_len = sizeof(hdr) + p.data_offset + p.data_len;
	memcpy(buf, &hdr, sizeof(hdr));
	memcpy(buf + sizeof(hdr), &p, sizeof(p));
	if (ppi_len)
		memcpy(buf + sizeof(hdr) + sizeof(p), &ppi, sizeof(ppi));
	memset(buf + sizeof(hdr) + p.data_offset, 0xff, 6);	/* broadcast */
	return hdr.msg_len;
}

/*
 * `nic bad DEV KIND`: one malformed message the guest must refuse, count and answer.
 * Kinds that put a message in a receive section take it the normal way (the guest's
 * completion frees it); the others are acknowledged through inject_trans.
 */
static int nic_inject(struct nic_dev *nd, const char *kind)
{
	struct host_channel *ch = nd->ch;
	u8 buf[NETVSC_RECV_SECTION_SIZE] __aligned(8) = {};
	struct rndis_msg_hdr *hdr = (void *)buf;
	struct rndis_packet *p = (void *)(buf + sizeof(*hdr));
	u64 trans;
	u32 len;
	int s, ret;

	if (!strcmp(kind, "bad-comp")) {
		struct nvsp_msg m = { .type = NVSP_MSG1_SEND_RNDIS_PKT_COMPLETE };

		m.rndis_complete.status = NVSP_STAT_SUCCESS;
		return nic_send_comp(ch, 0xbad0bad0bad0ull, &m);
	}
	if (!strcmp(kind, "big-packet")) {
		struct nvsp_msg m = { .type = NVSP_MSG1_SEND_RNDIS_PKT_COMPLETE };
		u8 *big = calloc(1, NIC_BIG_PACKET_BYTES);

		if (!big)
			return -ENOMEM;
		m.rndis_complete.status = NVSP_STAT_SUCCESS;
		memcpy(big, &m, sizeof(m));
		ret = host_chan_send(ch, VM_PKT_DATA_INBAND, 0, 0xb16b16b16ull, big,
				     NIC_BIG_PACKET_BYTES);
		free(big);
		return ret;
	}
	if (!strcmp(kind, "range-past-end") || !strcmp(kind, "bad-pageset")) {
		bool past = kind[0] == 'r';

		trans = (u64)++nd->seq << 32 | 0xfffffffeu;
		ret = nic_xfer_send(ch, NVSP_RNDIS_CHANNEL_DATA, trans,
				    past ? NVSP_RECV_BUFFER_ID : 0x1234,
				    past ? nd->recv.size - 32 : 0, 64);	/* 32 bytes past the end */
		if (!ret)
			nd->inject_trans = trans;
		return ret;
	}
	if (!strcmp(kind, "rndis-len")) {
		len = inject_packet(buf, 0);
		hdr->msg_len = len + 64;		/* past the range */
	} else if (!strcmp(kind, "data-offset")) {
		len = inject_packet(buf, 0);
		p->data_offset = len;			/* past the message */
	} else if (!strcmp(kind, "ppi")) {
		len = inject_packet(buf, 1);		/* a PPI smaller than its own header */
	} else if (!strcmp(kind, "hash-ppi")) {
		/* A hash value PPI of 8 bytes, not 4 (rss): a well-formed PPI otherwise. */
		struct rndis_ppi *e = (void *)(buf + sizeof(*hdr) + sizeof(*p));

		inject_packet(buf, sizeof(struct rndis_ppi) + 8);
		e->type = PPI_NBL_HASH_VALUE;
		p->per_pkt_info_len = e->size;
		p->data_offset = sizeof(*p) + e->size;
		hdr->msg_len = sizeof(*hdr) + p->data_offset + p->data_len;
		memset(buf + sizeof(*hdr) + p->data_offset, 0xff, 6);
		len = hdr->msg_len;
	} else if (!strcmp(kind, "extra-subchannel")) {
		/* One subchannel more than the guest asked for (rss). */
		return host_offer_subchannels_n(ch->host, ch, nd->subs_asked + 1) ? 0 : -EBUSY;
	} else {
		return -EINVAL;
	}
	s = nic_free_section(nd);
	if (s < 0)
		return -ENOSPC;
	return nic_recv_post(ch, (u32)s, NVSP_RNDIS_CHANNEL_DATA, buf, len);
}

int dev_nic_ctl(struct vmbus_host *h, int argc, char **argv, FILE *out, char *err,
		size_t errlen)
{
	static const char usage[] = "usage: nic status | nic queues DEV | nic rss DEV | nic channels DEV N | nic send-table DEV spread|E,E,...|bad-count|bad-offset|bad-entry | nic rescind-sub DEV [INDEX] | nic link DEV up|down|bounce | nic host-ip DEV A.B.C.D | nic mac DEV MAC | nic mtu DEV BYTES | nic recv-section DEV BYTES|default | nic send DEV HEXFRAME | nic lose-comps DEV N | nic vmq-switch DEV [on|off] | nic vf DEV [add port=ID [bridge=BR] | revoke] | nic vlan DEV | nic bad DEV " NIC_BAD_KINDS;
	struct host_device *dev;
	struct nic_dev *nd;
	char line[400];

	if (argc == 2 && !strcmp(argv[1], "status")) {
		for (dev = h->devices; dev; dev = dev->next) {
			if (dev->ops != &dev_nic_ops)
				continue;
			nic_status_line(dev, line, sizeof(line));
			nd = dev->priv;
			fprintf(out, "nic %s state=%s filtered=%llu ctrl_msgs=%llu arp_replies=%llu icmp_replies=%llu udp_replies=%llu ignored=%llu truncated=%llu short_nvsp=%llu hwcaps_queries=%llu offload_sets=%llu offload_params=%s recv_section=%u",
				line, nic_live(nd) ? "open" : "closed",
				(unsigned long long)nd->filtered, (unsigned long long)nd->ctrl_msgs,
				(unsigned long long)nd->resp.arp_replies,
				(unsigned long long)nd->resp.icmp_replies,
				(unsigned long long)nd->resp.udp_replies,
				(unsigned long long)nd->resp.ignored,
				(unsigned long long)nd->resp.truncated,
				(unsigned long long)nd->short_nvsp,
				(unsigned long long)nd->hwcaps_queries,
				(unsigned long long)nd->offload_sets, nd->offload_set ? "set" : "none",
				nic_recv_section_size(nd));
			nic_wire_status(nd, out);
		}
		return 0;
	}
	/* migrate: the VMQ mismatch of a migrated VM's switch (nic_migrate.c) */
	if ((argc == 3 || argc == 4) && !strcmp(argv[1], "vmq-switch")) {
		dev = find_nic(h, argv[2]);
		if (!dev)
			return fail(err, errlen, "no such nic (DEV is 0, 1, ... or nic0, ...)");
		return nic_vmq_ctl(dev->priv, argc == 4 ? argv[3] : NULL, out, err, errlen);
	}
	if (argc >= 3 && !strcmp(argv[1], "vf")) {
		dev = find_nic(h, argv[2]);
		if (!dev)
			return fail(err, errlen, "no such nic (DEV is 0, 1, ... or nic0, ...)");
		return nic_vf_ctl(dev->priv, argc - 3, argv + 3, out, err, errlen);
	}
	/* vlan: the trunk's access ports (nic_vlan.c) */
	if (argc == 3 && !strcmp(argv[1], "vlan")) {
		dev = find_nic(h, argv[2]);
		if (!dev)
			return fail(err, errlen, "no such nic");
		nic_vlan_print(dev->priv, out);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "queues")) {
		dev = find_nic(h, argv[2]);
		if (!dev)
			return fail(err, errlen, "no such nic (DEV is 0, 1, ... or nic0, ...)");
		nic_queues_print(dev->priv, out);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "rss")) {
		dev = find_nic(h, argv[2]);
		if (!dev)
			return fail(err, errlen, "no such nic (DEV is 0, 1, ... or nic0, ...)");
		nic_rss_show(dev->priv, out);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "rescind-sub")) {
		dev = find_nic(h, argv[2]);
		if (!dev)
			return fail(err, errlen, "no such nic (DEV is 0, 1, ... or nic0, ...)");
		return nic_rss_ctl(dev->priv, argc - 1, argv + 1, out, err, errlen);
	}
	if (argc != 4)
		return fail(err, errlen, usage);
	dev = find_nic(h, argv[2]);
	if (!dev)
		return fail(err, errlen, "no such nic (DEV is 0, 1, ... or nic0, ...; --devices ...,nic)");
	nd = dev->priv;
	if (!strcmp(argv[1], "send-table") || !strcmp(argv[1], "rescind-sub"))
		return nic_rss_ctl(nd, argc - 1, argv + 1, out, err, errlen);
	if (!strcmp(argv[1], "link")) {
		bool sent = nic_live(nd) && nd->rndis_inited;

		if (!strcmp(argv[3], "up") || !strcmp(argv[3], "down")) {
			nd->link_up = argv[3][0] == 'u';
			nic_tap_carrier(nd);
			if (sent)
				nic_queue_indicate(nd, nd->link_up ? RNDIS_STATUS_MEDIA_CONNECT :
								 RNDIS_STATUS_MEDIA_DISCONNECT);
		} else if (!strcmp(argv[3], "bounce")) {
			if (sent)
				nic_queue_indicate(nd, RNDIS_STATUS_NETWORK_CHANGE);
		} else {
			return fail(err, errlen, usage);
		}
		if (sent)
			nic_flush(nd->ch);
		host_event(h, "NIC_LINK", "nic=%u state=%s indicated=%d", nic_ordinal(dev), argv[3],
			   sent);
		fprintf(out, "link=%s indicated=%d\n", nd->link_up ? "up" : "down", sent);
		return 0;
	}
	if (!strcmp(argv[1], "channels")) {
		unsigned long v = strtoul(argv[3], NULL, 0);

		/* The cap the next SUBCHANNEL request and capabilities query see. */
		if (v < 1 || v > NIC_MAX_QUEUES)
			return fail(err, errlen, "N: 1 .. 8 channels");
		nd->max_channels = (u32)v;
		fprintf(out, "channels_max=%u\n", nd->max_channels);
		return 0;
	}
	if (!strcmp(argv[1], "host-ip")) {
		if (!net_parse_ipv4(argv[3], nd->resp.ip))
			return fail(err, errlen, "bad address (A.B.C.D)");
		fprintf(out, "host_ip=%s\n", argv[3]);
		return 0;
	}
	if (!strcmp(argv[1], "mtu")) {
		unsigned long v;
		char *end = NULL;

		v = strtoul(argv[3], &end, 0);
		if (end == argv[3] || *end || v < NETVSC_MTU_MIN || v > NIC_MTU_MAX)
			return fail(err, errlen, "BYTES: 68 .. 65521");
		nd->max_frame = (u32)v;
		host_event(h, "NIC_MTU", "nic=%u max_frame=%lu recv_section=%u", nic_ordinal(dev), v,
			   nic_recv_section_size(nd));
		fprintf(out, "max_frame=%lu recv_section=%u (the guest reads them when it attaches next)\n",
			v, nic_recv_section_size(nd));
		return 0;
	}
	if (!strcmp(argv[1], "recv-section")) {
		unsigned long v = 0;
		char *end = NULL;

		if (strcmp(argv[3], "default")) {
			v = strtoul(argv[3], &end, 0);
			if (end == argv[3] || *end || v < NETVSC_RECV_SECTION_SIZE ||
			    v > NIC_RECV_MAX_BYTES)
				return fail(err, errlen, "BYTES: 1728 .. 33554432, or default");
		}
		nd->recv_section = (u32)v;
		fprintf(out, "recv_section=%u (offered at the guest's next SEND_RECV_BUF)\n",
			nic_recv_section_size(nd));
		return 0;
	}
	if (!strcmp(argv[1], "mac")) {
		if (!net_parse_mac(argv[3], nd->mac))
			return fail(err, errlen, "bad MAC (00:15:5d:00:00:10)");
		fprintf(out, "mac=%s (the guest reads it at its next RNDIS query)\n", argv[3]);
		return 0;
	}
	if (!strcmp(argv[1], "bad")) {
		int ret;

		if (!nic_live(nd) || !nd->recv.map || !nd->rndis_inited)
			return fail(err, errlen, "the nic has no open channel with a receive buffer");
		ret = nic_inject(nd, argv[3]);
		if (ret == -EINVAL)
			return fail(err, errlen, "KIND: " NIC_BAD_KINDS);
		if (ret)
			return fail(err, errlen, "not sent (no free section or no room in the ring)");
		nd->injected++;
		host_event(h, "NIC_INJECT", "nic=%u kind=%s", nic_ordinal(dev), argv[3]);
		fprintf(out, "injected=%s\n", argv[3]);
		return 0;
	}
	/* A host that loses completions: the next N sends are never completed. */
	if (!strcmp(argv[1], "lose-comps")) {
		unsigned long long v;
		char *end = NULL;

		errno = 0;
		v = strtoull(argv[3], &end, 0);
		if (end == argv[3] || *end || errno || v > 1000000)
			return fail(err, errlen, "N: 0 .. 1000000 sends");
		nd->lose_comps = v;
		host_event(h, "NIC_LOSE_COMPS", "nic=%u n=%llu lost_so_far=%llu", nic_ordinal(dev), v,
			   (unsigned long long)nd->comps_lost);
		fprintf(out, "lose_comps=%llu comps_lost=%llu\n", v,
			(unsigned long long)nd->comps_lost);
		return 0;
	}
	if (!strcmp(argv[1], "send")) {
		u8 frame[NETVSC_RECV_SECTION_SIZE];
		size_t n = strlen(argv[3]), i;

		if (n % 2 || n / 2 > sizeof(frame) - RNDIS_PACKET_HDR_BYTES || n / 2 < NET_ETH_HDR)
			return fail(err, errlen, "HEXFRAME: 14 .. 1684 bytes as hex digits");
		for (i = 0; i < n / 2; i++) {
			int hi = hvis_hexval(argv[3][2 * i]), lo = hvis_hexval(argv[3][2 * i + 1]);

			if (hi < 0 || lo < 0)
				return fail(err, errlen, "HEXFRAME: hex digits only");
			frame[i] = (u8)(hi << 4 | lo);
		}
		if (!nic_live(nd) || !nd->recv.map)
			return fail(err, errlen, "the nic has no open channel with a receive buffer");
		if (!nic_queue_frame(nd, frame, (u32)(n / 2)))
			return fail(err, errlen, "frame not queued (packet filter 0 or queue full)");
		nic_flush(nd->ch);
		fprintf(out, "queued=%zu\n", n / 2);
		return 0;
	}
	return fail(err, errlen, usage);
}
