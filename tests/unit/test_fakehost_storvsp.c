// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_fakehost_storvsp.c: a scripted storvsc guest against the fake host's storage
 * backend (tools/fakehost/dev_storvsp.c, storvsp_*.c): the VSTOR init sequence with a
 * refused version, the properties, CREATE_SUB_CHANNELS (exactly the count asked, bounded
 * by the maximum), requests out of order, READ and WRITE round trips through GPA-direct
 * pages, absent LUNs, REPORT LUNS, every malformed request, a reset that waits for the
 * I/O before it, hot-remove with I/O in flight, the ring's interrupt mask while I/O is
 * in flight, and `disk bad` cases.
 */
#include <fcntl.h>
#include <poll.h>
#include "fakehost_test.h"
#include "storvsp.h"
#include "disk_io.h"
#include "vstor_req.h"
#include "pump.h"

#define RING_PFN	512
#define DATA_PFN	3000
#define IMG_BYTES	(1u << 20)

struct guest {
	struct world w;
	struct hvis_ring out, in;
	u8 pkt[4096] __aligned(8);
	int len;
	char img[64];
	bool quiet;		/* write requests without signalling the host */
};

static u8 pattern(u64 off)
{
	return (u8)(off * 7 + (off >> 9));
}

static void make_image(struct guest *g)
{
	u8 *buf = malloc(IMG_BYTES);
	int fd;
	u32 i;

	snprintf(g->img, sizeof(g->img), "/tmp/test_storvsp.XXXXXX");
	fd = mkstemp(g->img);
	for (i = 0; i < IMG_BYTES; i++)
		buf[i] = pattern(i);
	if (fd < 0 || write(fd, buf, IMG_BYTES) != IMG_BYTES)
		exit(2);
	close(fd);
	free(buf);
}

/* Runs the disk completions that are ready (waits for the engine when it has an fd). */
static void settle(void)
{
	int n = 0;

	while (disk_io_inflight() && n++ < 500) {
		struct pollfd p = { .fd = disk_io_fd(), .events = POLLIN };

		if (p.fd >= 0)
			poll(&p, 1, 10);
		disk_io_reap();
	}
}

static void open_guest(struct guest *g, const struct host_device_ops *ops, u32 cpus)
{
	char err[256];

	world_init(&g->w, cpus);
	make_image(g);
	host_add_device(&g->w.h, ops, NULL, 0);
	disk_io_init();
	if (ops != &dev_ide_ops)
		tap_check(storvsp_add_disks(&g->w.h, g->img, err, sizeof(err)) == -1,
			  "--disks without C:T:L is refused");
	{
		char list[128];

		snprintf(list, sizeof(list), "0:0:0=%s", g->img);
		tap_check(!storvsp_add_disks(&g->w.h, list, err, sizeof(err)), "--disks 0:0:0 added");
	}
	guest_connect(&g->w);
	guest_rings(&g->w, RING_PFN, 16, 8, &g->out, &g->in);
	guest_gpadl_range(&g->w, 1, 0xe1e10, RING_PFN, 16);
	guest_open(&g->w, 1, 0xe1e10, 8, 0);
}

static void close_guest(struct guest *g)
{
	world_uninit(&g->w);
	unlink(g->img);
}

static void send_raw(struct guest *g, const void *pkt, u32 len)
{
	struct hvis_kvec v = { pkt, len };
	bool sig;

	hvis_ring_write_raw(&g->out, &v, 1, &sig, NULL);
	if (!g->quiet)
		host_handle_signal(&g->w.h, 1);
}

static void vstor(struct guest *g, u64 trans, const struct vstor_packet *p, u32 len)
{
	struct hvis_kvec v = { p, len };
	bool sig;

	hvis_ring_write_packet(&g->out, VM_PKT_DATA_INBAND,
			       VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED, trans, &v, 1, &sig, NULL);
	if (!g->quiet)
		host_handle_signal(&g->w.h, 1);
}

static void op(struct guest *g, u64 trans, u32 operation)
{
	struct vstor_packet p = { .operation = operation,
				  .flags = VSTOR_FLAG_REQUEST_COMPLETION };

	vstor(g, trans, &p, sizeof(p));
}

/* The next host packet: its type, or -1. */
static int next(struct guest *g)
{
	g->len = guest_read_packet(&g->in, g->pkt, sizeof(g->pkt));
	return g->len > 0 ? packet_desc(g->pkt).type : -1;
}

static u64 trans_of(const struct guest *g)
{
	return packet_desc(g->pkt).trans_id;
}

static struct vstor_packet body(const struct guest *g)
{
	struct vstor_packet p;

	packet_payload(g->pkt, g->len, &p, sizeof(p));
	return p;
}

/* The completion of trans: its vstor_packet; operation 0 if none came. */
static struct vstor_packet comp(struct guest *g, u64 trans)
{
	struct vstor_packet none = {};

	if (next(g) != VM_PKT_COMP || trans_of(g) != trans)
		return none;
	return body(g);
}

static struct vmscsi_request srb(u8 target, u8 lun, u8 dir, u32 len, const u8 *cdb, u8 cdb_len)
{
	struct vmscsi_request s = { .length = sizeof(s), .target_id = target, .lun = lun,
				    .cdb_length = cdb_len, .data_in = dir,
				    .data_transfer_length = len,
				    .sense_info_length = VSTOR_SENSE_MAX };

	memcpy(s.cdb, cdb, cdb_len);
	return s;
}

/* EXECUTE_SRB with a GPA-direct range over npfns PFNs from pfns (nranges written). */
static void srb_gpa(struct guest *g, u64 trans, const struct vmscsi_request *s,
		    u32 byte_offset, u32 byte_count, const u64 *pfns, u32 npfns, u32 nranges)
{
	u8 pkt[2048] __aligned(8) = {};
	struct vmdata_gpa_direct *h = (void *)pkt;
	struct vmbus_gpa_range r = { .byte_count = byte_count, .byte_offset = byte_offset };
	struct vstor_packet p = { .operation = VSTOR_OP_EXECUTE_SRB,
				  .flags = VSTOR_FLAG_REQUEST_COMPLETION, .srb = *s };
	u32 off = sizeof(*h) + sizeof(r) + npfns * 8, total = off + sizeof(p);

	h->d.type = VM_PKT_DATA_USING_GPA_DIRECT;
	h->d.offset8 = off / 8;
	h->d.len8 = total / 8;
	h->d.flags = VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED;
	h->d.trans_id = trans;
	h->range_cnt = nranges;
	memcpy(pkt + sizeof(*h), &r, sizeof(r));
	memcpy(pkt + sizeof(*h) + sizeof(r), pfns, npfns * 8);
	memcpy(pkt + off, &p, sizeof(p));
	send_raw(g, pkt, total);
}

static void srb_inband(struct guest *g, u64 trans, const struct vmscsi_request *s)
{
	struct vstor_packet p = { .operation = VSTOR_OP_EXECUTE_SRB,
				  .flags = VSTOR_FLAG_REQUEST_COMPLETION, .srb = *s };

	vstor(g, trans, &p, sizeof(p));
}

static const u64 data_pfns[] = { DATA_PFN, DATA_PFN + 1, DATA_PFN + 2 };

/* READ(10) of count sectors at lba into the data pages at byte_offset; trans id. */
static void read10(struct guest *g, u64 trans, u8 target, u8 lun, u32 lba, u16 count,
		   u32 byte_offset)
{
	u8 cdb[10] = { 0x28, 0, lba >> 24, lba >> 16, lba >> 8, lba, 0, count >> 8, count };
	struct vmscsi_request s = srb(target, lun, VSTOR_DATA_IN, count * 512u, cdb, 10);
	u32 pages = (byte_offset + count * 512u + 4095) / 4096;

	srb_gpa(g, trans, &s, byte_offset, count * 512u, data_pfns, pages, 1);
}

static void test_init(struct guest *g)
{
	struct vstor_packet p = { .operation = VSTOR_OP_QUERY_PROTOCOL_VERSION,
				  .flags = VSTOR_FLAG_REQUEST_COMPLETION };
	struct vstor_packet r;
	struct vmscsi_request s = srb(0, 0, VSTOR_DATA_NONE, 0, (const u8[6]){ 0 }, 6);

	/* I/O before the protocol is up: refused, the channel goes on. */
	srb_inband(g, 0x10, &s);
	r = comp(g, 0x10);
	tap_check(r.operation == VSTOR_OP_COMPLETE_IO && r.status == 0xc0000184,
		  "init: EXECUTE_SRB before BEGIN_INITIALIZATION -> INVALID_DEVICE_STATE");
	tap_check(rec_has_event(&g->w.r, "STOR_BAD c=0 field=operation"),
		  "init: ... with STOR_BAD field=operation");
	op(g, 1, VSTOR_OP_BEGIN_INITIALIZATION);
	r = comp(g, 1);
	tap_check(r.operation == VSTOR_OP_COMPLETE_IO && r.status == 0, "init: BEGIN answered");
	p.version.major_minor = VMSTOR_VERSION(4, 2);
	vstor(g, 2, &p, sizeof(p));
	r = comp(g, 2);
	tap_check(r.operation == VSTOR_OP_COMPLETE_IO && r.status != 0,
		  "init: version 4.2 (Windows 7) refused");
	p.version.major_minor = VMSTOR_VERSION_WIN10;
	/* upstream's first packets are 48 bytes until the version is agreed */
	vstor(g, 3, &p, sizeof(p) - 16);
	r = comp(g, 3);
	tap_check(r.status == 0 && r.version.major_minor == VMSTOR_VERSION_WIN10,
		  "init: version 6.2 accepted (48-byte request)");
	op(g, 4, VSTOR_OP_QUERY_PROPERTIES);
	r = comp(g, 4);
	tap_check(r.status == 0 && r.props.max_channel_cnt == 4 &&
		  r.props.flags == VSTOR_PROP_MULTI_CHANNEL &&
		  r.props.max_transfer_bytes == 512 * 1024,
		  "init: properties: 4 channels (--cpus), multi-channel, 512 KiB");
	op(g, 5, VSTOR_OP_QUERY_PROPERTIES);
	r = comp(g, 5);
	tap_check(r.status == 0xc0000184, "init: a second QUERY_PROPERTIES is out of order");
	op(g, 6, VSTOR_OP_END_INITIALIZATION);
	r = comp(g, 6);
	tap_check(r.status == 0, "init: END answered");
	tap_check(rec_has_event(&g->w.r, "STOR_INIT c=0 version=0x602 channels=4 max_xfer=524288"),
		  "init: STOR_INIT event");
}

static u32 offers_since(struct guest *g, u32 from, u16 *last_sub)
{
	u32 i, n = 0;

	for (i = from; i < g->w.r.nmsgs; i++) {
		const struct vmbus_channel_offer_channel *o = (const void *)g->w.r.msgs[i].data;

		if (msg_type(&g->w.r.msgs[i]) != CHANNELMSG_OFFERCHANNEL)
			continue;
		n++;
		*last_sub = o->offer.sub_channel_index;
	}
	return n;
}

static void test_subchannels(struct guest *g)
{
	struct vstor_packet p = { .operation = VSTOR_OP_CREATE_SUB_CHANNELS,
				  .flags = VSTOR_FLAG_REQUEST_COMPLETION };
	u32 m = g->w.r.nmsgs;
	u16 last = 0;

	p.sub_channel_count = 9;
	vstor(g, 20, &p, sizeof(p));
	tap_check(comp(g, 20).status == 0xc000000d && offers_since(g, m, &last) == 0,
		  "subchannels: 9 over the maximum 4 refused, nothing offered");
	tap_check(rec_has_event(&g->w.r, "STOR_BAD c=0 field=sub_channel_count"),
		  "subchannels: ... STOR_BAD field=sub_channel_count");
	p.sub_channel_count = 2;
	vstor(g, 21, &p, sizeof(p));
	tap_check(comp(g, 21).status == 0, "subchannels: 2 asked, success");
	tap_check(offers_since(g, m, &last) == 2 && last == 2, "subchannels: exactly 2 offered (1, 2)");
	tap_check(rec_has_event(&g->w.r, "STOR_SUBCHANNELS c=0 asked=2 offered=2"),
		  "subchannels: STOR_SUBCHANNELS event");
}

static void test_io(struct guest *g)
{
	u8 *data = g->w.ram + (u64)DATA_PFN * 4096;
	u8 wcdb[10] = { 0x2a, 0, 0, 0, 0, 8, 0, 0, 1 };
	struct vmscsi_request s = srb(0, 0, VSTOR_DATA_OUT, 512, wcdb, 10);
	struct vstor_packet r;
	u8 file[512];
	u32 i;
	bool same = true;
	int fd;

	memset(data, 0xee, 3 * 4096);
	/* 1 KiB at byte offset 3584: the range crosses a page boundary */
	read10(g, 30, 0, 0, 1, 2, 3584);
	settle();
	r = comp(g, 30);
	tap_check(r.operation == VSTOR_OP_COMPLETE_IO && r.srb.srb_status == SRB_STATUS_SUCCESS &&
		  r.srb.scsi_status == 0 && r.srb.data_transfer_length == 1024 && r.status == 0,
		  "io: READ(10) completes SUCCESS with 1024 bytes");
	for (i = 0; i < 1024; i++)
		same &= data[3584 + i] == pattern(512 + i);
	tap_check(same && data[3583] == 0xee && data[3584 + 1024] == 0xee,
		  "io: the guest pages hold sectors 1-2 and nothing else changed");
	for (i = 0; i < 512; i++)
		data[100 + i] = (u8)(i ^ 0x5a);
	srb_gpa(g, 31, &s, 100, 512, data_pfns, 1, 1);
	settle();
	r = comp(g, 31);
	tap_check(r.srb.srb_status == SRB_STATUS_SUCCESS && r.srb.data_transfer_length == 512,
		  "io: WRITE(10) completes SUCCESS");
	fd = open(g->img, O_RDONLY);
	tap_check(fd >= 0 && pread(fd, file, 512, 8 * 512) == 512 && !memcmp(file, data + 100, 512),
		  "io: the image holds the written sector");
	close(fd);
}

static void test_luns(struct guest *g)
{
	u8 *data = g->w.ram + (u64)DATA_PFN * 4096;
	u8 inq[6] = { 0x12, 0, 0, 0, 36, 0 };
	u8 rl[12] = { 0xa0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0, 0, 0 };
	struct vmscsi_request s = srb(0, 3, VSTOR_DATA_IN, 36, inq, 6);
	struct vstor_packet r;

	srb_gpa(g, 40, &s, 0, 36, data_pfns, 1, 1);
	r = comp(g, 40);
	tap_check(r.srb.srb_status == SRB_STATUS_INVALID_LUN, "luns: INQUIRY to absent LUN 3 -> INVALID_LUN");
	memset(data, 0, 64);
	s = srb(1, 0, VSTOR_DATA_IN, 36, inq, 6);
	srb_gpa(g, 41, &s, 0, 36, data_pfns, 1, 1);
	r = comp(g, 41);
	tap_check(r.srb.srb_status == SRB_STATUS_SUCCESS && r.srb.data_transfer_length == 36 &&
		  data[0] == 0x7f, "luns: INQUIRY to absent LUN 0 of target 1 -> qualifier 3, no device");
	memset(data, 0xff, 64);
	s = srb(0, 0, VSTOR_DATA_IN, 256, rl, 12);
	srb_gpa(g, 42, &s, 0, 256, data_pfns, 1, 1);
	r = comp(g, 42);
	tap_check(r.srb.srb_status == SRB_STATUS_SUCCESS && r.srb.data_transfer_length == 16 &&
		  data[3] == 8 && data[8] == 0 && data[9] == 0,
		  "luns: REPORT LUNS lists LUN 0 only");
}

/* Sends a bad EXECUTE_SRB; true if its completion fails and STOR_BAD names field. */
static bool refused(struct guest *g, u64 trans, const char *field)
{
	struct vstor_packet r = comp(g, trans);
	char ev[64];

	snprintf(ev, sizeof(ev), "STOR_BAD c=0 field=%s ", field);
	return r.operation == VSTOR_OP_COMPLETE_IO &&
	       (r.status != 0 || SRB_STATUS_CODE(r.srb.srb_status) == SRB_STATUS_INVALID_REQUEST) &&
	       rec_has_event(&g->w.r, ev);
}

static void test_bad(struct guest *g)
{
	u8 cdb[10] = { 0x28, 0, 0, 0, 0, 0, 0, 0, 1 };
	struct vmscsi_request s = srb(0, 0, VSTOR_DATA_IN, 512, cdb, 10);
	u64 far[2] = { 0x7ffff000, DATA_PFN };

	rec_clear(&g->w.r);
	srb_gpa(g, 50, &s, 0, 512, data_pfns, 1, 2);
	tap_check(refused(g, 50, "range_cnt"), "bad: range_cnt 2 refused");
	srb_gpa(g, 51, &s, 4096, 512, data_pfns, 2, 1);
	tap_check(refused(g, 51, "byte_offset"), "bad: byte_offset 4096 refused");
	srb_gpa(g, 52, &s, 3840, 512, data_pfns, 1, 1);
	tap_check(refused(g, 52, "pfn_count"), "bad: range past its one PFN refused");
	srb_gpa(g, 53, &s, 0, 512, far, 1, 1);
	tap_check(refused(g, 53, "pfn"), "bad: a PFN that is not guest RAM refused");
	s.data_transfer_length = 1024;
	srb_gpa(g, 54, &s, 0, 512, data_pfns, 1, 1);
	tap_check(refused(g, 54, "data_transfer_length"), "bad: data_transfer_length over byte_count refused");
	s.data_transfer_length = 512;
	s.cdb_length = 17;
	srb_gpa(g, 55, &s, 0, 512, data_pfns, 1, 1);
	tap_check(refused(g, 55, "cdb_length"), "bad: cdb_length 17 refused");
	s.cdb_length = 10;
	s.target_id = 5;
	srb_gpa(g, 56, &s, 0, 512, data_pfns, 1, 1);
	tap_check(refused(g, 56, "target_id"), "bad: target 5 refused");
	s.target_id = 0;
	s.length = 36;
	srb_gpa(g, 57, &s, 0, 512, data_pfns, 1, 1);
	tap_check(refused(g, 57, "length"), "bad: SRB length 36 refused");
	s.length = sizeof(s);
	op(g, 58, 99);
	tap_check(refused(g, 58, "operation"), "bad: unknown operation 99 refused");
	{
		struct vstor_packet p = { .operation = VSTOR_OP_EXECUTE_SRB };

		vstor(g, 59, &p, 20);
		tap_check(refused(g, 59, "len"), "bad: a 20-byte EXECUTE_SRB refused");
	}
	read10(g, 60, 0, 0, 0, 1, 0);
	settle();
	tap_check(comp(g, 60).srb.srb_status == SRB_STATUS_SUCCESS, "bad: the channel still works");
	tap_check(host_channel_by_relid(&g->w.h, 1)->state == CHAN_OPEN, "bad: channel open");
}

static u32 in_mask(struct guest *g)
{
	return g->out.hdr->interrupt_mask;
}

static void test_reset_and_mask(struct guest *g)
{
	u64 before = host_channel_by_relid(&g->w.h, 1)->stats.signals_in;

	rec_clear(&g->w.r);
	read10(g, 70, 0, 0, 2, 1, 0);
	tap_check(in_mask(g) == 1, "mask: guest->host ring masked while a READ is in flight");
	op(g, 71, VSTOR_OP_RESET_BUS);
	tap_check(next(g) < 0, "reset: RESET_BUS not answered while the READ is in flight");
	settle();
	tap_check(comp(g, 70).srb.srb_status == SRB_STATUS_SUCCESS && comp(g, 71).status == 0,
		  "reset: READ completes, then RESET_BUS");
	tap_check(rec_has_event(&g->w.r, "STOR_RESET c=0 op=bus waited=1"), "reset: STOR_RESET event");
	tap_check(in_mask(g) == 0, "mask: unmasked once nothing is in flight");
	tap_check(host_channel_by_relid(&g->w.h, 1)->stats.signals_in > before,
		  "mask: signals counted per channel");
}

/* Writes n READs (ids from trans) without a signal; then signals if @signal. */
static void quiet_reads(struct guest *g, u64 trans, u32 n, bool signal)
{
	u32 i;

	g->quiet = true;
	for (i = 0; i < n; i++)
		read10(g, trans + i, 0, 0, i, 1, 0);
	g->quiet = false;
	if (signal)
		host_handle_signal(&g->w.h, 1);
	settle();
}

static bool reads_done(struct guest *g, u64 trans, u32 n)
{
	bool ok = true;
	u32 i;

	for (i = 0; i < n; i++)
		ok &= comp(g, trans + i).srb.srb_status == SRB_STATUS_SUCCESS;
	return ok;
}

static void wait_hold_due(struct guest *g)
{
	int n = 0;

	while (host_hold_next_ns(&g->w.h) > 0 && n++ < 100)
		usleep(1000);
	host_hold_service(&g->w.h);
	settle();
}

/*
 * --hold-us: a drain that found two requests or more leaves the ring masked, and the
 * host reads it again when the hold is due, with no signal from the guest; it holds
 * again while the looks keep finding about two, and unmasks after one that finds
 * nothing.  One request at a time is never held, even when each is written while the
 * one before is still in flight (the ring stays masked then, and the looks add up).
 */
static void test_hold(struct guest *g)
{
	struct host_channel *ch = host_channel_by_relid(&g->w.h, 1);
	u64 sig0 = ch->stats.signals_in, holds0 = ch->stats.holds;

	g->w.h.hold_us = 2000;
	quiet_reads(g, 80, 4, true);
	tap_check(reads_done(g, 80, 4), "hold: four READs complete");
	tap_check(in_mask(g) == 1 && ch->stats.holds == holds0 + 1 && ch->hold_until_ns,
		  "hold: after a drain of four the ring stays masked (holds +1)");
	tap_check(host_hold_next_ns(&g->w.h) > 0, "hold: due in the future");
	quiet_reads(g, 84, 4, false);
	host_hold_service(&g->w.h);
	tap_check(next(g) < 0, "hold: not read again before it is due");
	wait_hold_due(g);
	tap_check(reads_done(g, 84, 4) && in_mask(g) == 1 && ch->stats.holds == holds0 + 2,
		  "hold: four READs written while held complete without a signal; held again");
	quiet_reads(g, 88, 1, false);
	wait_hold_due(g);
	tap_check(reads_done(g, 88, 1) && in_mask(g) == 1 && ch->stats.holds == holds0 + 3,
		  "hold: a look that found one READ after busy drains holds again");
	tap_check(ch->stats.signals_in == sig0 + 1, "hold: the guest signalled once for nine READs");
	wait_hold_due(g);
	tap_check(in_mask(g) == 0 && !ch->hold_until_ns && host_hold_next_ns(&g->w.h) == -1 &&
		  ch->stats.holds == holds0 + 3, "hold: a look that found nothing unmasks");
	read10(g, 89, 0, 0, 3, 1, 0);
	settle();
	tap_check(comp(g, 89).srb.srb_status == SRB_STATUS_SUCCESS && in_mask(g) == 0 &&
		  ch->stats.holds == holds0 + 3, "hold: one READ alone is not held");
	/* One at a time, each written while the one before is in flight: one per look. */
	read10(g, 90, 0, 0, 0, 1, 0);
	quiet_reads(g, 91, 1, false);
	tap_check(reads_done(g, 90, 2) && in_mask(g) == 0 && ch->stats.holds == holds0 + 3,
		  "hold: READs one per look, the next written while one is in flight, are not held");
	g->w.h.hold_us = 0;
}

static int ctl(struct guest *g, char *out, size_t outlen, const char *a1, const char *a2,
	       const char *a3)
{
	char *argv[] = { "disk", (char *)a1, (char *)a2, (char *)a3 }, err[256];
	FILE *f = fmemopen(out, outlen, "w");
	int argc = a3 ? 4 : a2 ? 3 : 2;
	int ret = dev_storvsp_ctl(&g->w.h, argc, argv, f, err, sizeof(err));

	fclose(f);
	return ret;
}

static void test_bad_cases(struct guest *g)
{
	char out[512];
	struct vstor_packet r;

	rec_clear(&g->w.r);
	tap_check(ctl(g, out, sizeof(out), "bad", "0", "dup-completion") == 0, "disk bad: armed");
	read10(g, 80, 0, 0, 0, 1, 0);
	settle();
	tap_check(comp(g, 80).srb.srb_status == SRB_STATUS_SUCCESS &&
		  comp(g, 80).srb.srb_status == SRB_STATUS_SUCCESS,
		  "disk bad dup-completion: the next request completed twice");
	tap_check(rec_has_event(&g->w.r, "DISK_BAD c=0 case=dup-completion"), "disk bad: DISK_BAD event");
	ctl(g, out, sizeof(out), "bad", "0", "unknown-tid");
	read10(g, 81, 0, 0, 0, 1, 0);
	settle();
	tap_check(next(g) == VM_PKT_COMP && (trans_of(g) >> 60) == 0xb &&
		  comp(g, 81).srb.srb_status == SRB_STATUS_SUCCESS,
		  "disk bad unknown-tid: a completion for an id never sent, then the real one");
	ctl(g, out, sizeof(out), "bad", "0", "wild-queue-tid");
	read10(g, 85, 0, 0, 0, 1, 0);
	settle();
	tap_check(next(g) == VM_PKT_COMP && (trans_of(g) >> 60) == 0xb &&
		  (trans_of(g) & 0xffff0000u) == 0xfff00000u &&
		  comp(g, 85).srb.srb_status == SRB_STATUS_SUCCESS,
		  "disk bad wild-queue-tid: an id naming hardware queue 0xfff0, then the real one");
	ctl(g, out, sizeof(out), "bad", "0", "overlong-data");
	read10(g, 82, 0, 0, 0, 1, 0);
	settle();
	r = comp(g, 82);
	tap_check(r.srb.data_transfer_length == 512 + 4096, "disk bad overlong-data: length past the request");
	ctl(g, out, sizeof(out), "bad", "0", "long-sense");
	read10(g, 83, 0, 0, 0, 1, 0);
	settle();
	r = comp(g, 83);
	tap_check(r.srb.sense_info_length == 255 &&
		  (r.srb.srb_status & SRB_STATUS_AUTOSENSE_VALID), "disk bad long-sense: 255 with autosense");
	ctl(g, out, sizeof(out), "bad", "0", "bad-srb-status");
	read10(g, 84, 0, 0, 0, 1, 0);
	settle();
	tap_check(comp(g, 84).srb.srb_status == 0x3f, "disk bad bad-srb-status: 0x3f");
	tap_check(ctl(g, out, sizeof(out), "bad", "0", "nonsense") == -1, "disk bad: unknown case refused");
	ctl(g, out, sizeof(out), "stats", "0", NULL);
	tap_check(strstr(out, "relid=1 sub=0 requests=") != NULL, "disk stats: a line per channel");
}

/*
 * `pump on scsi` (tools/fakehost/pump.c): completions of I/O never sent (send count all
 * ones) and, on the primary, now and then an ENUMERATE_BUS; nothing once it is off.
 */
static void test_pump(struct guest *g)
{
	char out[256], err[256], *on[] = { "pump", "on", "scsi" }, *off[] = { "pump", "off", "scsi" };
	unsigned int comps = 0, scans = 0, other = 0, i;
	FILE *f = fmemopen(out, sizeof(out), "w");
	int type;

	while (next(g) >= 0)
		;
	tap_check(pump_ctl(&g->w.h, 3, on, f, err, sizeof(err)) == 0, "pump on scsi");
	for (i = 0; i < 4000 && (type = next(g)) >= 0; i++) {
		if (type == VM_PKT_COMP && trans_of(g) >> 32 == 0x7fffffff &&
		    body(g).operation == VSTOR_OP_COMPLETE_IO)
			comps++;
		else if (type == VM_PKT_DATA_INBAND && !trans_of(g) &&
			 body(g).operation == VSTOR_OP_ENUMERATE_BUS)
			scans++;
		else
			other++;
		pump_run(&g->w.h);
	}
	tap_check(comps >= 1000 && scans >= 1 && !other,
		  "pump scsi: completions of I/O never sent and ENUMERATE_BUS, nothing else");
	tap_check(pump_ctl(&g->w.h, 3, off, f, err, sizeof(err)) == 0, "pump off scsi");
	fclose(f);
	while (next(g) >= 0)
		;
	pump_run(&g->w.h);
	tap_check(next(g) < 0, "pump off: nothing more");
}

static void test_remove_inflight(struct guest *g)
{
	char out[1024];
	struct vstor_packet r;

	rec_clear(&g->w.r);
	ctl(g, out, sizeof(out), "list", NULL, NULL);
	tap_check(!strncmp(out, "0:0:0 ", 6), "disk list: 0:0:0 listed");
	read10(g, 90, 0, 0, 0, 1, 0);
	tap_check(ctl(g, out, sizeof(out), "remove", "0:0:0", NULL) == 0, "remove: done");
	r = comp(g, 90);
	/* scsi_disk_close() ends it with CHECK CONDITION, or its real result if it was done */
	tap_check(r.operation == VSTOR_OP_COMPLETE_IO &&
		  (SRB_STATUS_CODE(r.srb.srb_status) == SRB_STATUS_ERROR ||
		   SRB_STATUS_CODE(r.srb.srb_status) == SRB_STATUS_SUCCESS),
		  "remove: the READ in flight is completed before the disk goes");
	tap_check(rec_has_event(&g->w.r, "DISK_REMOVED c=0 t=0 l=0 inflight=1"), "remove: DISK_REMOVED");
	tap_check(next(g) == VM_PKT_DATA_INBAND && trans_of(g) == 0 &&
		  body(g).operation == VSTOR_OP_ENUMERATE_BUS, "remove: ENUMERATE_BUS sent");
	read10(g, 91, 0, 0, 0, 1, 0);
	tap_check(comp(g, 91).srb.srb_status == SRB_STATUS_INVALID_LUN, "remove: later I/O -> INVALID_LUN");
	tap_check(ctl(g, out, sizeof(out), "add", "0:0:0", g->img) == 0 &&
		  rec_has_event(&g->w.r, "DISK_ADDED c=0 t=0 l=0 bytes=1048576 ro=0"),
		  "add: hot-added again with DISK_ADDED");
	tap_check(next(g) == VM_PKT_DATA_INBAND && body(g).operation == VSTOR_OP_ENUMERATE_BUS,
		  "add: ENUMERATE_BUS sent");
}

static void test_ide(void)
{
	struct guest *g = calloc(1, sizeof(*g));
	const struct vmbus_channel_offer_channel *o;
	struct vstor_packet p = { .operation = VSTOR_OP_QUERY_PROTOCOL_VERSION };

	open_guest(g, &dev_ide_ops, 2);
	o = (const void *)rec_last(&g->w.r, CHANNELMSG_OFFERCHANNEL)->data;
	tap_check(o->offer.if_instance.b[4] == 0 && o->offer.if_instance.b[5] == 0 &&
		  o->offer.if_instance.b[6] == 0x99 && o->offer.if_instance.b[7] == 0x88 &&
		  o->offer.u.user_def[8] == VSTOR_CHANNEL_EMULATED_IDE,
		  "ide: instance target 0 (bytes 4-5), 8899, user data flags IDE");
	op(g, 1, VSTOR_OP_BEGIN_INITIALIZATION);
	comp(g, 1);
	p.version.major_minor = VMSTOR_VERSION_WIN8;
	vstor(g, 2, &p, sizeof(p));
	tap_check(comp(g, 2).status == 0, "ide: version 5.1 accepted");
	op(g, 3, VSTOR_OP_QUERY_PROPERTIES);
	p = comp(g, 3);
	tap_check(p.props.max_channel_cnt == 0 && p.props.flags == 0, "ide: no subchannels, no multi-channel");
	close_guest(g);
	free(g);
}

int main(void)
{
	struct guest *g = calloc(1, sizeof(*g));

	open_guest(g, &dev_scsi_ops, 4);
	test_init(g);
	test_subchannels(g);
	test_io(g);
	test_luns(g);
	test_bad(g);
	test_reset_and_mask(g);
	test_hold(g);
	test_bad_cases(g);
	test_pump(g);
	test_remove_inflight(g);
	close_guest(g);
	free(g);
	test_ide();
	disk_io_uninit();
	return tap_done();
}
