// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_fakehost_nic.c: a scripted netvsc guest against the fake host's synthetic NIC
 * (tools/fakehost/dev_nic.c, nic_*.c): NVSP INIT and buffers, RNDIS INIT, queries (batched in
 * one send section), the packet filter, an ARP + ping round trip through the net
 * responder (the ping in GPA-direct pages), receive-section accounting, link
 * indications and bad input, NVSP request sizes (a 28-byte request refused once 6.1 is
 * negotiated), the offload capabilities query and the offload parameters set.
 */
#include "fakehost_test.h"
#include "hostile.h"
#include "pump.h"
#include "eth_frames.h"
#include "dev_nic.h"
#include "nic_dev.h"
#include "netvsc_msg.h"
#include "net_responder.h"

#define RING_PFN	512
#define RECV_PFN	1024
#define RECV_PAGES	64		/* 256 KiB: 151 sections */
#define SEND_PFN	2048
#define SEND_PAGES	16		/* 64 KiB: 10 sections */
#define DATA_PFN	3000
#define RECV_GPADL	0x100
#define SEND_GPADL	0x200

struct guest {
	struct world w;
	struct hvis_ring out, in;
	u8 pkt[4096] __aligned(8);	/* the last packet read */
	int len;
};

static void open_nic(struct guest *g)
{
	world_init(&g->w, 1);
	host_add_device(&g->w.h, &dev_nic_ops, NULL, 0);
	guest_connect(&g->w);
	guest_rings(&g->w, RING_PFN, 8, 4, &g->out, &g->in);
	guest_gpadl_range(&g->w, 1, 0xe1e10, RING_PFN, 8);
	guest_open(&g->w, 1, 0xe1e10, 4, 0);
	guest_gpadl_range(&g->w, 1, RECV_GPADL, RECV_PFN, RECV_PAGES);
	guest_gpadl_range(&g->w, 1, SEND_GPADL, SEND_PFN, SEND_PAGES);
}

static void send_pkt(struct guest *g, u16 type, u16 flags, u64 trans, const void *d, u32 len)
{
	struct hvis_kvec v = { d, len };
	bool sig;

	hvis_ring_write_packet(&g->out, type, flags, trans, &v, 1, &sig, NULL);
	host_handle_signal(&g->w.h, 1);
}

static void nvsp(struct guest *g, u64 trans, const struct nvsp_msg *m)
{
	send_pkt(g, VM_PKT_DATA_INBAND, VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED, trans, m,
		 sizeof(*m));
}

/* Reads the next host packet into g->pkt; its type or -1. */
static int next(struct guest *g)
{
	g->len = guest_read_packet(&g->in, g->pkt, sizeof(g->pkt));
	return g->len > 0 ? packet_desc(g->pkt).type : -1;
}

static u64 trans_of(const struct guest *g)
{
	return packet_desc(g->pkt).trans_id;
}

/* The NVSP message of the last packet (a completion). */
static struct nvsp_msg comp_msg(const struct guest *g)
{
	struct nvsp_msg m;

	packet_payload(g->pkt, g->len, &m, sizeof(m));
	return m;
}

/* The RNDIS message announced by the last XFER_PAGES packet, or NULL. */
static const u8 *xfer_msg(struct guest *g, u32 *len, u32 *chan)
{
	const char *why = "";
	struct vmtransfer_page_range r;
	struct nvsp_msg m;

	if (nvsp_xfer_check(g->pkt, g->len, RECV_PAGES * 4096, NETVSC_RECV_SECTION_SIZE, 1,
			    &why) != 1) {
		printf("# xfer_check: %s\n", why);
		return NULL;
	}
	memcpy(&r, g->pkt + 24, sizeof(r));
	memcpy(&m, g->pkt + 32, sizeof(m));
	*len = r.byte_count;
	*chan = m.rndis.channel_type;
	return g->w.ram + RECV_PFN * 4096ull + r.byte_offset;
}

static void complete_xfer(struct guest *g, u64 trans)
{
	struct nvsp_msg m = { .type = NVSP_MSG1_SEND_RNDIS_PKT_COMPLETE };

	m.rndis_complete.status = NVSP_STAT_SUCCESS;
	send_pkt(g, VM_PKT_COMP, 0, trans, &m, 8);
}

/* Places RNDIS bytes in send section idx and sends SEND_RNDIS_PKT; the completion status. */
static u32 rndis_in_section(struct guest *g, u32 idx, const void *msg, u32 len, u32 chan)
{
	struct nvsp_msg m = { .type = NVSP_MSG1_SEND_RNDIS_PKT };

	memcpy(g->w.ram + SEND_PFN * 4096ull + idx * 6144ull, msg, len);
	m.rndis.channel_type = chan;
	m.rndis.send_buf_section_index = idx;
	m.rndis.send_buf_section_size = len;
	nvsp(g, 0x5000 + idx, &m);
	if (next(g) != VM_PKT_COMP || trans_of(g) != 0x5000 + idx)
		return 0xdead;
	return comp_msg(g).rndis_complete.status;
}

static u32 oid_req(u8 *buf, u32 type, u32 req_id, u32 oid, const void *info, u32 ilen)
{
	struct rndis_msg_hdr h = { type, 28 + ilen };
	struct rndis_oid_request r = { req_id, oid, ilen, ilen ? 20 : 0, 0 };

	memcpy(buf, &h, 8);
	memcpy(buf + 8, &r, sizeof(r));
	if (ilen)
		memcpy(buf + 28, info, ilen);
	return h.msg_len;
}

static char status_line[1024];


static const char *nic_status(struct guest *g)
{
	char *body = NULL, err[128];
	size_t n = 0;
	FILE *f = open_memstream(&body, &n);
	char *argv[] = { "nic", "status" };

	dev_nic_ctl(&g->w.h, 2, argv, f, err, sizeof(err));
	fclose(f);
	snprintf(status_line, sizeof(status_line), "%s", body ? body : "");
	status_line[strcspn(status_line, "\n")] = '\0';
	free(body);
	return status_line;
}


static const char *nic_status(struct guest *g);

static const u8 host_ip[4] = { 192, 0, 2, 1 };

/* Wraps a frame in an RNDIS PACKET at buf; the message length. */
static u32 rndis_frame(u8 *buf, u32 cap, const u8 *frame, u32 len)
{
	u32 hl = rndis_packet_build(buf, cap, len);

	memcpy(buf + hl, frame, len);
	return hl + len;
}

/* The frame of the PACKET announced by the last XFER_PAGES packet, or NULL. */
static const u8 *rx_frame(struct guest *g, u32 *flen)
{
	struct rndis_packet_view v;
	const char *why = "";
	u32 len, chan, type, mlen;
	const u8 *msg = xfer_msg(g, &len, &chan);

	if (!msg || chan != NVSP_RNDIS_CHANNEL_DATA ||
	    rndis_msg_check(msg, len, NETVSC_FROM_HOST, &type, &mlen, &why) ||
	    type != RNDIS_MSG_PACKET || rndis_packet_parse(msg, mlen, 1600, &v, &why)) {
		printf("# rx_frame: %s\n", why);
		return NULL;
	}
	*flen = v.data_len;
	return msg + v.data_off;
}

/* A GPA-direct SEND_RNDIS_PKT of ranges (each: byte_count, byte_offset, pfns). */
static u32 gpa_direct(struct guest *g, u64 trans, const u8 *ranges, u32 rlen, u32 range_cnt)
{
	u8 pkt[256] __aligned(8) = {};
	struct vmdata_gpa_direct *h = (void *)pkt;
	struct nvsp_msg m = { .type = NVSP_MSG1_SEND_RNDIS_PKT };
	struct hvis_kvec v;
	u32 off = (sizeof(*h) + rlen + 7) & ~7u, total = (off + sizeof(m) + 7) & ~7u;
	bool sig;

	h->d.type = VM_PKT_DATA_USING_GPA_DIRECT;
	h->d.offset8 = off / 8;
	h->d.len8 = total / 8;
	h->d.flags = VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED;
	h->d.trans_id = trans;
	h->range_cnt = range_cnt;
	memcpy(pkt + sizeof(*h), ranges, rlen);
	m.rndis.channel_type = NVSP_RNDIS_CHANNEL_DATA;
	m.rndis.send_buf_section_index = NVSP_NO_SEND_SECTION;
	memcpy(pkt + off, &m, sizeof(m));
	v.base = pkt;
	v.len = total;
	hvis_ring_write_raw(&g->out, &v, 1, &sig, NULL);
	host_handle_signal(&g->w.h, 1);
	if (next(g) != VM_PKT_COMP || trans_of(g) != trans)
		return 0xdead;
	return comp_msg(g).rndis_complete.status;
}

static void test_ping(struct guest *g)
{
	u8 f[1600], buf[2048], ranges[32];
	const u8 *r;
	u32 n, flen = 0, rb[2];
	u64 pfns[2] = { DATA_PFN, DATA_PFN + 1 };

	/* ARP in a send section. */
	n = rndis_frame(buf, sizeof(buf), f, arp_request(f, host_ip));
	tap_check(rndis_in_section(g, 2, buf, n, NVSP_RNDIS_CHANNEL_DATA) == NVSP_STAT_SUCCESS &&
		  next(g) == VM_PKT_DATA_USING_XFER_PAGES && (r = rx_frame(g, &flen)) &&
		  flen == 42 && !memcmp(r, guest_mac, 6) && r[12] == 0x08 && r[13] == 0x06 &&
		  r[21] == 2 && !memcmp(r + 22, host_mac, 6), "ping: ARP reply from 00:15:5d:ff:ff:01");
	complete_xfer(g, trans_of(g));

	/* A 1000-byte ping in GPA-direct pages, straddling a page boundary. */
	n = rndis_frame(buf, sizeof(buf), f, icmp_echo(f, host_ip, 1000));
	memcpy(g->w.ram + DATA_PFN * 4096ull + 3500, buf, n);
	rb[0] = n;
	rb[1] = 3500;
	memcpy(ranges, rb, 8);
	memcpy(ranges + 8, pfns, 16);
	tap_check(gpa_direct(g, 0x777, ranges, 24, 1) == NVSP_STAT_SUCCESS,
		  "ping: GPA-direct SEND_RNDIS_PKT completed SUCCESS");
	tap_check(next(g) == VM_PKT_DATA_USING_XFER_PAGES && (r = rx_frame(g, &flen)) &&
		  flen == 1042 && !memcmp(r, guest_mac, 6) && r[23] == 1 && r[34] == 0 &&
		  net_checksum(r + 34, 1008, 0) == 0 && net_checksum(r + 14, 20, 0) == 0 &&
		  !memcmp(r + 42, f + 42, 1000) && !memcmp(r + 30, guest_ip, 4),
		  "ping: echo reply, 1000 bytes echoed, checksums valid");
	complete_xfer(g, trans_of(g));
	tap_check(strstr(nic_status(g), "rx_frames=2 tx_frames=2 drops=0") &&
		  strstr(nic_status(g), "rx_sections_in_use=0/151"), "ping: counters (%s)", nic_status(g));
}

/*
 * `pump on nic` (tools/fakehost/nic_pump.c): broadcast UDP datagrams to port 9 with a
 * valid IP checksum, from varying 169.254.0.0/16 sources; at most 16 wait in the
 * host's queue, more as the guest completes them; nothing once it is off.
 */
static void test_pump(struct guest *g)
{
	char out[256], err[256], *on[] = { "pump", "on", "nic" }, *off[] = { "pump", "off", "nic" };
	FILE *f = fmemopen(out, sizeof(out), "w");
	unsigned int good = 0, bad = 0, i;
	const u8 *r;
	u32 flen = 0;
	u16 src = 0, first = 0;

	tap_check(pump_ctl(&g->w.h, 3, on, f, err, sizeof(err)) == 0, "pump on nic");
	for (i = 0; i < 100 && next(g) == VM_PKT_DATA_USING_XFER_PAGES; i++) {
		r = rx_frame(g, &flen);
		if (r && flen == 58 && !memcmp(r, "\xff\xff\xff\xff\xff\xff", 6) &&
		    r[12] == 0x08 && r[13] == 0 && r[23] == 17 && r[26] == 169 && r[27] == 254 &&
		    !memcmp(r + 30, "\xff\xff\xff\xff", 4) && r[36] == 0 && r[37] == 9 &&
		    net_checksum(r + 14, 20, 0) == 0) {
			good++;
			src = (u16)(r[28] << 8 | r[29]);
			if (good == 1)
				first = src;
		} else {
			bad++;
		}
		complete_xfer(g, trans_of(g));
		pump_run(&g->w.h);
	}
	tap_check(good == 100 && !bad && src != first,
		  "pump nic: 100 broadcasts to port 9, checksums valid, sources varying (%u bad)", bad);
	tap_check(pump_ctl(&g->w.h, 3, off, f, err, sizeof(err)) == 0, "pump off nic");
	fclose(f);
	while (next(g) == VM_PKT_DATA_USING_XFER_PAGES)
		complete_xfer(g, trans_of(g));
	pump_run(&g->w.h);
	tap_check(next(g) < 0 && strstr(nic_status(g), "rx_sections_in_use=0/"),
		  "pump off nic: nothing more, every section back");
}

/* Runs a pump for @ms in 10 ms steps, the guest completing at once; packets received. */
static unsigned int pump_for(struct guest *g, u32 ms)
{
	unsigned int got = 0;
	u32 t;

	for (t = 0; t <= ms; t += 10) {
		while (next(g) == VM_PKT_DATA_USING_XFER_PAGES) {
			complete_xfer(g, trans_of(g));
			got++;
		}
		g->w.h.now_ms += 10;
		pump_run(&g->w.h);
	}
	return got;
}

static int pump_cmd(struct guest *g, int argc, char *a1, char *a2, char *a3, char *out)
{
	char *argv[] = { "pump", a1, a2, a3 }, err[256];
	FILE *f = fmemopen(out, 256, "w");
	int ret = pump_ctl(&g->w.h, argc, argv, f, err, sizeof(err));

	fclose(f);
	return ret;
}

/*
 * `pump on nic 20`: at most 20 broadcasts a second, one at once, however fast the guest
 * reads; a pause of a second saves up at most 100 ms' worth (2).
 */
static void test_pump_rate(struct guest *g)
{
	char out[256] = "";
	unsigned int got;

	g->w.h.now_ms = 1000000;
	tap_check(pump_cmd(g, 4, "on", "nic", "0", out) == -1 &&
		  pump_cmd(g, 4, "off", "nic", "5", out) == -1 &&
		  pump_cmd(g, 4, "on", "nic", "5x", out) == -1 &&
		  pump_cmd(g, 4, "on", "bus", "5", out) == -1,
		  "pump rate: 0, a rate for off, a non-number and a rate for the bus are refused");
	tap_check(pump_cmd(g, 4, "on", "nic", "20", out) == 0, "pump on nic 20");
	got = pump_for(g, 1000);
	tap_check(got == 21, "pump rate: 1 at once and 20 in the next second (got %u)", got);
	tap_check(pump_cmd(g, 2, "status", NULL, NULL, out) == 0 &&
		  strstr(out, "pump nic on sent=") && strstr(out, " rate=20/s"),
		  "pump rate: status shows it (%s)", out);
	g->w.h.now_ms += 1000;
	got = pump_for(g, 0);
	tap_check(got == 0, "pump rate: nothing was waiting (got %u)", got);
	got = pump_for(g, 10);
	tap_check(got == 2, "pump rate: after an idle second, 2 (100 ms' worth) at once (got %u)",
		  got);
	tap_check(pump_cmd(g, 3, "off", "nic", NULL, out) == 0, "pump off nic");
	pump_for(g, 100);
	tap_check(next(g) < 0, "pump rate: nothing once off");
}

static void test_bad_input(struct guest *g)
{
	struct nvsp_msg m = { .type = NVSP_MSG1_SEND_RNDIS_PKT };
	u8 buf[64] = {}, ranges[32];
	struct rndis_msg_hdr h = { RNDIS_MSG_INIT, 1000 };
	u32 rb[2] = { 100, 0 };
	u64 pfn = 0x100000;	/* 4 GiB: no RAM there in a 16 MiB guest */

	m.rndis.channel_type = 1;
	m.rndis.send_buf_section_index = 99;
	m.rndis.send_buf_section_size = 24;
	nvsp(g, 0x900, &m);
	tap_check(next(g) == VM_PKT_COMP && comp_msg(g).rndis_complete.status == NVSP_STAT_FAIL &&
		  rec_has_event(&g->w.r, "NIC_BAD nic=0 field=send_buf_section_index index=99"),
		  "bad: section index 99 -> FAIL, NIC_BAD");
	m.rndis.send_buf_section_index = 0;
	m.rndis.send_buf_section_size = 7000;
	nvsp(g, 0x901, &m);
	tap_check(next(g) == VM_PKT_COMP && comp_msg(g).rndis_complete.status == NVSP_STAT_FAIL &&
		  rec_has_event(&g->w.r, "NIC_BAD nic=0 field=send_buf_section_size size=7000"),
		  "bad: section size 7000 -> FAIL, NIC_BAD");
	memcpy(buf, &h, 8);
	tap_check(rndis_in_section(g, 4, buf, 24, 1) == NVSP_STAT_INVALID_RNDIS_PKT &&
		  rec_has_event(&g->w.r, "NIC_BAD nic=0 field=rndis"),
		  "bad: msg_len past the section -> INVALID_RNDIS_PKT");
	memcpy(ranges, rb, 8);
	memcpy(ranges + 8, &pfn, 8);
	tap_check(gpa_direct(g, 0x902, ranges, 16, 1) == NVSP_STAT_FAIL &&
		  rec_has_event(&g->w.r, "NIC_BAD nic=0 field=pfn"), "bad: GPA range outside RAM -> FAIL");
	tap_check(gpa_direct(g, 0x903, ranges, 16, 5) == NVSP_STAT_FAIL &&
		  rec_has_event(&g->w.r, "NIC_BAD nic=0 field=range_cnt"), "bad: range_cnt 5 -> FAIL");
	rb[1] = 5000;
	memcpy(ranges, rb, 8);
	tap_check(gpa_direct(g, 0x904, ranges, 16, 1) == NVSP_STAT_FAIL &&
		  rec_has_event(&g->w.r, "NIC_BAD nic=0 field=byte_offset"), "bad: byte_offset 5000 -> FAIL");
	send_pkt(g, VM_PKT_DATA_USING_GPADL, 0, 0x905, buf, 28);
	tap_check(next(g) == -1 && rec_has_event(&g->w.r, "NIC_BAD nic=0 field=packet_type"),
		  "bad: packet type 8 ignored with NIC_BAD");
	buf[0] = 0x55;	/* NVSP type 0x55 */
	send_pkt(g, VM_PKT_DATA_INBAND, 1, 0x906, buf, 28);
	tap_check(next(g) == -1 && rec_has_event(&g->w.r, "NIC_BAD nic=0 field=nvsp"),
		  "bad: unknown NVSP type ignored with NIC_BAD");
	tap_check(host_channel_by_relid(&g->w.h, 1)->state == CHAN_OPEN, "bad: channel still open");
}

static int ctl(struct guest *g, const char *a1, const char *a2, const char *a3)
{
	char *argv[] = { "nic", (char *)a1, (char *)a2, (char *)a3 }, err[256], *body = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&body, &n);
	int ret = dev_nic_ctl(&g->w.h, 4, argv, f, err, sizeof(err));

	fclose(f);
	free(body);
	return ret;
}

static u32 indicated(struct guest *g)
{
	u32 len, chan, status = 0;
	const u8 *msg;
	struct rndis_msg_hdr h = {};

	if (next(g) != VM_PKT_DATA_USING_XFER_PAGES || !(msg = xfer_msg(g, &len, &chan)))
		return 0;
	memcpy(&h, msg, 8);
	memcpy(&status, msg + 8, 4);
	complete_xfer(g, trans_of(g));
	return h.msg_type == RNDIS_MSG_INDICATE && chan == 1 ? status : 0;
}

static void test_link(struct guest *g)
{
	u8 buf[64];
	u32 len, chan, v = 9;
	const u8 *msg;

	tap_check(ctl(g, "link", "0", "down") == 0 && indicated(g) == RNDIS_STATUS_MEDIA_DISCONNECT &&
		  rec_has_event(&g->w.r, "NIC_LINK nic=0 state=down indicated=1"),
		  "link: down -> INDICATE MEDIA_DISCONNECT");
	len = oid_req(buf, RNDIS_MSG_QUERY, 20, RNDIS_OID_GEN_MEDIA_CONNECT_STATUS, NULL, 0);
	rndis_in_section(g, 5, buf, len, 1);
	if (next(g) == VM_PKT_DATA_USING_XFER_PAGES && (msg = xfer_msg(g, &len, &chan)))
		memcpy(&v, msg + 24, 4);
	complete_xfer(g, trans_of(g));
	tap_check(v == RNDIS_MEDIA_STATE_DISCONNECTED, "link: media status query says disconnected");
	tap_check(ctl(g, "link", "nic0", "up") == 0 && indicated(g) == RNDIS_STATUS_MEDIA_CONNECT,
		  "link: up -> INDICATE MEDIA_CONNECT");
	tap_check(ctl(g, "link", "0", "bounce") == 0 && indicated(g) == RNDIS_STATUS_NETWORK_CHANGE,
		  "link: bounce -> INDICATE NETWORK_CHANGE");
	tap_check(ctl(g, "link", "1", "up") == -1 && ctl(g, "link", "0", "sideways") == -1 &&
		  ctl(g, "host-ip", "0", "10.0.0") == -1 && ctl(g, "host-ip", "0", "198.51.100.1") == 0,
		  "link: bad ctl arguments refused; host-ip set");
	ctl(g, "host-ip", "0", "192.0.2.1");
}

/* 151 receive sections: the 152nd reply waits until the guest completes one. */
static void test_sections_run_out(struct guest *g)
{
	struct nic_dev *nd;
	u8 f[64], buf[256];
	u32 n = rndis_frame(buf, sizeof(buf), f, arp_request(f, host_ip)), i, sent = 0;
	u64 first = 0;

	for (i = 0; i < 153; i++) {
		if (rndis_in_section(g, i % 10, buf, n, 0) != NVSP_STAT_SUCCESS)
			break;
		if (next(g) == VM_PKT_DATA_USING_XFER_PAGES) {
			if (!sent++)
				first = trans_of(g);
		}
	}
	tap_check(i == 153 && sent == 151 && strstr(nic_status(g), "rx_sections_in_use=151/151 queued=2"),
		  "sections: 151 in flight, 2 queued, none overwritten (%s)", nic_status(g));
	complete_xfer(g, first);
	tap_check(next(g) == VM_PKT_DATA_USING_XFER_PAGES &&
		  (u32)trans_of(g) == (u32)first && strstr(nic_status(g), "queued=1"),
		  "sections: a completion lets the next reply use the freed section");

	/* A channel that closes gives back the sections announced on it, and only those. */
	nd = host_channel_by_relid(&g->w.h, 1)->dev->priv;
	tap_check(nic_recv_reclaim(nd, 3) == 0 &&
		  strstr(nic_status(g), "rx_sections_in_use=151/151"),
		  "sections: none went out on channel 3, none taken back (%s)", nic_status(g));
	tap_check(nic_recv_reclaim(nd, 0) == 151 && strstr(nic_status(g), "rx_sections_in_use=0/151"),
		  "sections: all 151 went out on the primary and come back when it closes (%s)",
		  nic_status(g));
}

/*
 * Hostile mode: sections the guest never completes (the mode garbled or dropped their
 * packet) come back at a sweep 2 s after the previous one, only those announced before
 * it, and only once the guest has read its ring to the end; the guest's late completion
 * is then refused.  Without the mode none do.
 */
static u64 arp_to_guest(struct guest *g, const u8 *buf, u32 n, u32 idx, bool read)
{
	if (rndis_in_section(g, idx, buf, n, 0) != NVSP_STAT_SUCCESS)
		return 0;
	return read && next(g) == VM_PKT_DATA_USING_XFER_PAGES ? trans_of(g) : 1;
}

static void test_sections_expire(struct guest *g)
{
	struct nic_dev *nd = host_channel_by_relid(&g->w.h, 1)->dev->priv;
	u8 f[64], buf[256];
	u32 n = rndis_frame(buf, sizeof(buf), f, arp_request(f, host_ip)), i;
	u64 old = 0, young, unread, bad;

	host_tick(&g->w.h, 90000);
	while (next(g) == VM_PKT_DATA_USING_XFER_PAGES)
		complete_xfer(g, trans_of(g));
	for (i = 0; i < 3; i++)
		old = arp_to_guest(g, buf, n, i, true);
	host_tick(&g->w.h, 100000);
	host_tick(&g->w.h, 103000);
	tap_check(old > 1 && strstr(nic_status(g), "rx_sections_in_use=3/") && !nd->rx_expired,
		  "expire: the mode off, 3 sections stay the guest's however long (%s)",
		  nic_status(g));

	hostile_reset();
	hostile_set_log("/dev/null");
	tap_check(hostile_start(7, 0) == 0, "expire: hostile mode on (rate 0)");
	host_tick(&g->w.h, 110000);
	young = arp_to_guest(g, buf, n, 3, true);
	host_tick(&g->w.h, 111000);
	tap_check(young > 1 && strstr(nic_status(g), "rx_sections_in_use=4/") && !nd->rx_expired,
		  "expire: 1 s after the first sweep nothing is taken back");
	unread = arp_to_guest(g, buf, n, 4, false);
	host_tick(&g->w.h, 112000);
	tap_check(unread && !nd->rx_expired && strstr(nic_status(g), "rx_sections_in_use=5/"),
		  "expire: 2 s on, a packet still unread in the ring holds the sweep back (%s)",
		  nic_status(g));
	unread = next(g) == VM_PKT_DATA_USING_XFER_PAGES ? trans_of(g) : 0;
	host_tick(&g->w.h, 112100);
	tap_check(unread && nd->rx_expired == 3 && strstr(nic_status(g), "rx_sections_in_use=2/") &&
		  strstr(nic_status(g), "rx_expired=3"),
		  "expire: once it is read, the 3 announced before the first sweep come back, the later 2 stay (%s)",
		  nic_status(g));
	hostile_stop(&g->w.h);
	bad = nd->bad;
	complete_xfer(g, old);
	tap_check(nd->bad == bad + 1 && strstr(nic_status(g), "rx_sections_in_use=2/"),
		  "expire: the guest's late completion of one is refused (no such receive in flight)");
	host_tick(&g->w.h, 114200);
	host_tick(&g->w.h, 116300);
	tap_check(nd->rx_expired == 5 && strstr(nic_status(g), "rx_sections_in_use=0/"),
		  "expire: the mode off again, the connection's leftovers still come back");
	complete_xfer(g, young);
	hostile_reset();
}

/* The bytes of the NVSP message in the last packet (ring padding included). */
static u32 comp_len(const struct guest *g)
{
	struct vmpacket_descriptor d;

	memcpy(&d, g->pkt, sizeof(d));
	return (u32)g->len - d.offset8 * 8u;
}

/* The RNDIS completion announced by the last XFER_PAGES packet, completed; NULL if none. */
static const u8 *ctrl_reply(struct guest *g, u32 *len)
{
	u32 chan = 9;
	const u8 *msg = NULL;

	if (next(g) == VM_PKT_DATA_USING_XFER_PAGES)
		msg = xfer_msg(g, len, &chan);
	complete_xfer(g, trans_of(g));
	return chan == NVSP_RNDIS_CHANNEL_CONTROL ? msg : NULL;
}

/* The status of a SET_C just received, or 0xdead. */
static u32 set_status(struct guest *g)
{
	u32 len = 0, status = 0xdead, type = 0;
	const u8 *msg = ctrl_reply(g, &len);

	if (msg && len >= 16) {
		memcpy(&type, msg, 4);
		memcpy(&status, msg + 12, 4);
	}
	return type == RNDIS_MSG_SET_C ? status : 0xdead;
}

/* OID_TCP_OFFLOAD_HARDWARE_CAPABILITIES and OID_TCP_OFFLOAD_PARAMETERS, as upstream sends them. */
static void test_offload(struct guest *g)
{
	struct ndis_offload caps;
	struct ndis_object_header h;
	struct ndis_offload_params p;
	struct rndis_query_complete qc = {};
	u8 buf[512], info[sizeof(struct ndis_offload)] = {};
	const char *why = "";
	const u8 *msg = NULL;
	u32 len = 0, n;

	memset(&caps, 0, sizeof(caps));
	n = ndis_offload_query_hdr(NVSP_VERSION_61, &h);
	memcpy(info, &h, sizeof(h));
	len = oid_req(buf, RNDIS_MSG_QUERY, 30, OID_TCP_OFFLOAD_HARDWARE_CAPABILITIES, info, n);
	if (rndis_in_section(g, 6, buf, len, 1) == NVSP_STAT_SUCCESS)
		msg = ctrl_reply(g, &len);
	tap_check(msg != NULL, "offload: capabilities query answered");
	if (msg)
		memcpy(&qc, msg + 8, sizeof(qc));
	tap_check(msg && qc.req_id == 30 && qc.status == RNDIS_STATUS_SUCCESS &&
		  qc.info_buflen == 156 && qc.info_buf_offset == 16 && len == 24 + 156 &&
		  !ndis_offload_parse(msg + 24, qc.info_buflen, &caps, &why) &&
		  caps.header.revision == 3 && caps.header.size == 156,
		  "offload: a valid revision 3 NDIS_OFFLOAD of 156 bytes (%s)", why);
	tap_check(msg && !caps.csum.ip4_txcsum && !caps.csum.ip4_rxcsum && !caps.csum.ip6_txcsum &&
		  !caps.csum.ip6_rxcsum && !caps.lsov1.encap && !caps.lsov2.ip4_encap &&
		  !caps.lsov2.ip6_encap && !caps.rsc_ip4 && !caps.rsc_ip6 &&
		  caps.csum.ip4_txenc == NDIS_OFFLOAD_ENCAP_8023,
		  "offload: it offers no checksum, LSO or RSC offload");
	tap_check(rec_has_event(&g->w.r, "NIC_OFFLOAD_CAPS nic=0 revision=3 size=156"),
		  "offload: NIC_OFFLOAD_CAPS event");

	n = ndis_offload_params_all_off(NVSP_VERSION_61, &p);
	len = oid_req(buf, RNDIS_MSG_SET, 31, OID_TCP_OFFLOAD_PARAMETERS, &p, n);
	tap_check(rndis_in_section(g, 6, buf, len, 1) == NVSP_STAT_SUCCESS &&
		  set_status(g) == RNDIS_STATUS_SUCCESS &&
		  rec_has_event(&g->w.r, "NIC_OFFLOAD_PARAMS nic=0 revision=3 size=28 ip_v4_csum=1") &&
		  strstr(nic_status(g), "hwcaps_queries=1 offload_sets=1 offload_params=set"),
		  "offload: every offload off is accepted (%s)", nic_status(g));
	p.header.type = NDIS_OBJECT_TYPE_OFFLOAD;
	len = oid_req(buf, RNDIS_MSG_SET, 32, OID_TCP_OFFLOAD_PARAMETERS, &p, n);
	tap_check(rndis_in_section(g, 6, buf, len, 1) == NVSP_STAT_SUCCESS &&
		  set_status(g) == RNDIS_STATUS_INVALID_DATA &&
		  rec_has_event(&g->w.r, "NIC_BAD nic=0 field=offload_params len=28 why=\"header.type"),
		  "offload: parameters with object type 0xa7 -> INVALID_DATA, NIC_BAD");
	p.header.type = NDIS_OBJECT_TYPE_DEFAULT;
	p.lso_v2_ipv6 = NDIS_OFFLOAD_PARAMETERS_LSO_ENABLED;
	len = oid_req(buf, RNDIS_MSG_SET, 33, OID_TCP_OFFLOAD_PARAMETERS, &p, n);
	tap_check(rndis_in_section(g, 6, buf, len, 1) == NVSP_STAT_SUCCESS &&
		  set_status(g) == RNDIS_STATUS_NOT_SUPPORTED &&
		  rec_has_event(&g->w.r, "NIC_BAD nic=0 field=lso_v2_ipv6"),
		  "offload: turning on LSOv2 IPv6, not offered -> NOT_SUPPORTED, NIC_BAD");
	tap_check(strstr(nic_status(g), "offload_sets=1 "), "offload: refused sets are not counted");
}

/*
 * Request sizes: before a version is agreed a request needs 28 bytes; once 6.1 is,
 * 40 (Hyper-V does not answer less; hvis sent 28 before issue 9).  The 12-byte INIT
 * before was the first short request, this is the second.
 */
static void test_short_requests(struct guest *g)
{
	struct nvsp_msg m = { .type = NVSP_MSG1_SEND_RECV_BUF };

	m.send_buf.gpadl_handle = RECV_GPADL;
	m.send_buf.id = NVSP_RECV_BUFFER_ID;
	send_pkt(g, VM_PKT_DATA_INBAND, VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED, 0x28, &m, 28);
	tap_check(next(g) == -1 &&
		  rec_has_event(&g->w.r, "NIC_BAD nic=0 field=len8 msg=SEND_RECV_BUF bytes=32 min=40 version=0x60001") &&
		  strstr(nic_status(g), "short_nvsp=2 ") && strstr(nic_status(g), "rx_sections_in_use=0/0"),
		  "size: a 28-byte SEND_RECV_BUF at NVSP 6.1 is not answered, NIC_BAD field=len8");
}

static void test_nic_conversation(void)
{
	struct guest *g = calloc(1, sizeof(*g));
	struct nvsp_msg m = {}, c;
	struct rndis_init_request ir = { 7, 1, 0, 0x4000 };
	struct rndis_msg_hdr h;
	struct rndis_init_complete ic;
	struct rndis_query_complete qc;
	u32 sec_size = 0, secs = 0, len = 0, chan = 9, status, v;
	u8 buf[2048];
	const u8 *msg = NULL;
	const char *why = "";
	u64 t;

	open_nic(g);
	tap_check(host_channel_by_relid(&g->w.h, 1)->state == CHAN_OPEN, "nic: channel open");

	/* A 12-byte INIT (16 with padding) is below even the pre-6.1 size: no answer. */
	m.type = NVSP_MSG_INIT;
	m.init.min_protocol_ver = m.init.max_protocol_ver = NVSP_VERSION_61;
	send_pkt(g, VM_PKT_DATA_INBAND, VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED, 1, &m, 12);
	tap_check(next(g) == -1 &&
		  rec_has_event(&g->w.r, "NIC_BAD nic=0 field=len8 msg=INIT bytes=16 min=28 version=0"),
		  "nvsp: a 12-byte INIT is not answered, NIC_BAD field=len8");

	/* NVSP INIT: an unknown version refused, 6.1 accepted. */
	m.type = NVSP_MSG_INIT;
	m.init.min_protocol_ver = m.init.max_protocol_ver = 0x70000;
	nvsp(g, 1, &m);
	tap_check(next(g) == VM_PKT_COMP && (c = comp_msg(g)).type == NVSP_MSG_INIT_COMPLETE &&
		  c.init_complete.status == NVSP_STAT_PROTOCOL_UNSUPPORTED && trans_of(g) == 1,
		  "nvsp: version 7.0 refused (PROTOCOL_UNSUPPORTED)");
	tap_check(comp_len(g) == 32, "nvsp: before 6.1 the host's messages are 28 bytes (+4 padding)");
	m.init.min_protocol_ver = m.init.max_protocol_ver = NVSP_VERSION_61;
	nvsp(g, 2, &m);
	tap_check(next(g) == VM_PKT_COMP && (c = comp_msg(g)).type == NVSP_MSG_INIT_COMPLETE &&
		  c.init_complete.status == NVSP_STAT_SUCCESS &&
		  c.init_complete.negotiated_protocol_ver == NVSP_VERSION_61 &&
		  c.init_complete.max_mdl_chain_len == 34 && trans_of(g) == 2 &&
		  rec_has_event(&g->w.r, "NIC_INIT nic=0 min=0x60001 max=0x60001 version=0x60001 status=success"),
		  "nvsp: 6.1 accepted, NIC_INIT event");
	tap_check(comp_len(g) == 40, "nvsp: from 6.1 on the host's messages are 40 bytes");
	test_short_requests(g);

	/* NDIS config and version: no replies. */
	memset(&m, 0, sizeof(m));
	m.type = NVSP_MSG2_SEND_NDIS_CONFIG;
	m.ndis_config.mtu = 1514;
	send_pkt(g, VM_PKT_DATA_INBAND, 0, 3, &m, sizeof(m));
	m.type = NVSP_MSG1_SEND_NDIS_VER;
	m.ndis_ver.ndis_major_ver = 6;
	m.ndis_ver.ndis_minor_ver = 30;
	send_pkt(g, VM_PKT_DATA_INBAND, 0, 4, &m, sizeof(m));
	tap_check(next(g) == -1, "nvsp: NDIS_CONFIG and NDIS_VER not answered");

	/*
	 * The host's MTU: 9000 by default, so sections hold a 9000-byte frame (9152 bytes);
	 * at 1500 the 1728 bytes of upstream's sections, which the rest of this test uses.
	 */
	tap_check(strstr(nic_status(g), "recv_section=9152 ") && strstr(nic_status(g), "max_frame=9000 "),
		  "mtu: default 9000, receive sections of 9152 bytes (%s)", nic_status(g));
	tap_check(ctl(g, "mtu", "0", "65522") != 0 && ctl(g, "mtu", "0", "67") != 0 &&
		  ctl(g, "mtu", "0", "1500") == 0 && strstr(nic_status(g), "recv_section=1728 ") &&
		  strstr(nic_status(g), "max_frame=1500 "),
		  "mtu: 68..65521 taken, 1500 gives 1728-byte sections");

	/* Receive buffer: wrong id refused, then accepted. */
	memset(&m, 0, sizeof(m));
	m.type = NVSP_MSG1_SEND_RECV_BUF;
	m.send_buf.gpadl_handle = RECV_GPADL;
	m.send_buf.id = 0xbeef;
	nvsp(g, 5, &m);
	tap_check(next(g) == VM_PKT_COMP && comp_msg(g).recv_buf_complete.status == NVSP_STAT_FAIL &&
		  rec_has_event(&g->w.r, "NIC_BAD nic=0 field=id"), "recv buf: wrong id -> FAIL");
	m.send_buf.id = NVSP_RECV_BUFFER_ID;
	m.send_buf.gpadl_handle = 0x999;
	nvsp(g, 6, &m);
	tap_check(next(g) == VM_PKT_COMP && comp_msg(g).recv_buf_complete.status == NVSP_STAT_FAIL,
		  "recv buf: unknown gpadl -> FAIL");
	m.send_buf.gpadl_handle = RECV_GPADL;
	nvsp(g, 7, &m);
	tap_check(next(g) == VM_PKT_COMP && (c = comp_msg(g)).type == NVSP_MSG1_SEND_RECV_BUF_COMPLETE &&
		  nvsp_recv_buf_check(&c.recv_buf_complete, RECV_PAGES * 4096, &sec_size, &secs, &why) == 0 &&
		  sec_size == 1728 && secs == RECV_PAGES * 4096 / 1728 &&
		  c.recv_buf_complete.section.end_offset == secs * 1728,
		  "recv buf: SUCCESS, one section of 151 x 1728");

	/* Send buffer. */
	m.type = NVSP_MSG1_SEND_SEND_BUF;
	m.send_buf.gpadl_handle = SEND_GPADL;
	m.send_buf.id = NVSP_SEND_BUFFER_ID;
	nvsp(g, 8, &m);
	tap_check(next(g) == VM_PKT_COMP && (c = comp_msg(g)).type == NVSP_MSG1_SEND_SEND_BUF_COMPLETE &&
		  nvsp_send_buf_check(&c.send_buf_complete, SEND_PAGES * 4096, &secs, &why) == 0 &&
		  c.send_buf_complete.section_size == 6144 && secs == 10,
		  "send buf: SUCCESS, section_size 6144");

	/* RNDIS INIT in send section 0 -> INIT_C through the receive buffer. */
	h.msg_type = RNDIS_MSG_INIT;
	h.msg_len = 24;
	memcpy(buf, &h, 8);
	memcpy(buf + 8, &ir, sizeof(ir));
	status = rndis_in_section(g, 0, buf, 24, NVSP_RNDIS_CHANNEL_CONTROL);
	tap_check(status == NVSP_STAT_SUCCESS, "rndis init: SEND_RNDIS_PKT_COMPLETE SUCCESS");
	tap_check(next(g) == VM_PKT_DATA_USING_XFER_PAGES && (msg = xfer_msg(g, &len, &chan)) &&
		  chan == NVSP_RNDIS_CHANNEL_CONTROL && len == 52, "rndis init: INIT_C in an XFER_PAGES packet");
	memcpy(&h, msg, 8);
	memcpy(&ic, msg + 8, sizeof(ic));
	tap_check(h.msg_type == RNDIS_MSG_INIT_C && h.msg_len == 52 && ic.req_id == 7 &&
		  ic.status == 0 && ic.major_ver == 1 && ic.minor_ver == 0 && ic.medium == 0 &&
		  ic.max_pkt_per_msg == 8 && ic.max_xfer_size == 0x4000 &&
		  ic.pkt_alignment_factor == 3 && rec_has_event(&g->w.r, "NIC_RNDIS_INIT nic=0 req_id=7"),
		  "rndis init: INIT_C fields, NIC_RNDIS_INIT event");
	t = trans_of(g);
	tap_check(strstr(nic_status(g), "rx_sections_in_use=1/"), "rndis init: one section in use");
	complete_xfer(g, t);
	tap_check(strstr(nic_status(g), "rx_sections_in_use=0/"), "rndis init: guest completion frees it");
	complete_xfer(g, t);
	tap_check(rec_has_event(&g->w.r, "NIC_BAD nic=0 field=trans_id"),
		  "rndis init: a second completion of the same trans_id is NIC_BAD");

	/* Two queries batched in one section: MAC, link. */
	len = oid_req(buf, RNDIS_MSG_QUERY, 8, RNDIS_OID_802_3_PERMANENT_ADDRESS, NULL, 0);
	len += oid_req(buf + len, RNDIS_MSG_QUERY, 9, RNDIS_OID_GEN_MEDIA_CONNECT_STATUS, NULL, 0);
	len += oid_req(buf + len, RNDIS_MSG_QUERY, 10, 0x00010203 /* RSS caps */, NULL, 0);
	status = rndis_in_section(g, 3, buf, len, NVSP_RNDIS_CHANNEL_CONTROL);
	tap_check(status == NVSP_STAT_SUCCESS, "query: batch of three completed SUCCESS");
	tap_check(next(g) == VM_PKT_DATA_USING_XFER_PAGES && (msg = xfer_msg(g, &len, &chan)) &&
		  len == 8 + 16 + 6, "query: first QUERY_C");
	memcpy(&qc, msg + 8, sizeof(qc));
	tap_check(qc.req_id == 8 && qc.status == 0 && qc.info_buflen == 6 && qc.info_buf_offset == 16 &&
		  !memcmp(msg + 24, "\x00\x15\x5d\x00\x00\x01", 6), "query: MAC 00:15:5d:00:00:01");
	complete_xfer(g, trans_of(g));
	tap_check(next(g) == VM_PKT_DATA_USING_XFER_PAGES && (msg = xfer_msg(g, &len, &chan)),
		  "query: second QUERY_C");
	memcpy(&qc, msg + 8, sizeof(qc));
	memcpy(&v, msg + 24, 4);
	tap_check(qc.req_id == 9 && qc.status == 0 && qc.info_buflen == 4 && v == 0,
		  "query: media connected");
	complete_xfer(g, trans_of(g));
	tap_check(next(g) == VM_PKT_DATA_USING_XFER_PAGES && (msg = xfer_msg(g, &len, &chan)),
		  "query: third QUERY_C");
	memcpy(&qc, msg + 8, sizeof(qc));
	{
		u32 q = 0, t = 0;
		const char *why = NULL;

		tap_check(qc.req_id == 10 && qc.status == 0 && qc.info_buflen == 18 &&
			  !ndis_rss_cap_parse(msg + 24, qc.info_buflen, &q, &t, &why) && q == 8 &&
			  t == 128, "query: RSS capabilities: 8 queues (the default cap), 128 entries");
	}
	complete_xfer(g, trans_of(g));

	/* Packet filter. */
	v = NDIS_PACKET_TYPE_DIRECTED | NDIS_PACKET_TYPE_BROADCAST | NDIS_PACKET_TYPE_ALL_MULTICAST;
	len = oid_req(buf, RNDIS_MSG_SET, 11, RNDIS_OID_GEN_CURRENT_PACKET_FILTER, &v, 4);
	tap_check(rndis_in_section(g, 1, buf, len, 1) == NVSP_STAT_SUCCESS &&
		  next(g) == VM_PKT_DATA_USING_XFER_PAGES && (msg = xfer_msg(g, &len, &chan)) &&
		  rec_has_event(&g->w.r, "NIC_FILTER nic=0 filter=0xd"), "set filter: NIC_FILTER event");
	memcpy(&h, msg, 8);
	memcpy(&status, msg + 12, 4);
	tap_check(h.msg_type == RNDIS_MSG_SET_C && status == 0, "set filter: SET_C SUCCESS");
	complete_xfer(g, trans_of(g));
	test_offload(g);
	test_ping(g);
	test_pump(g);
	test_pump_rate(g);
	test_bad_input(g);
	test_link(g);
	test_sections_run_out(g);
	test_sections_expire(g);
	world_uninit(&g->w);
	free(g);
}

int main(void)
{
	test_nic_conversation();
	return tap_done();
}
