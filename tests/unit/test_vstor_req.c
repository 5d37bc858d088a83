// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_vstor_req.c: the fake host's checks of storvsc guest requests (lib/vstor_req.c):
 * in-band control operations, GPA-direct EXECUTE_SRB ranges (count, offset, PFN count),
 * lengths per operation, and the SRB against controller limits (SCSI and IDE).
 */
#include "tap.h"
#include "vstor_req.h"

static u8 buf[2048] __aligned(8);

/* An in-band packet with @plen bytes of p; its length. */
static u32 inband(const struct vstor_packet *p, u32 plen, u16 type)
{
	struct vmpacket_descriptor d = { .type = type, .offset8 = 2, .trans_id = 42 };

	d.len8 = (u16)((16 + plen + 7) / 8);
	memset(buf, 0, sizeof(buf));
	memcpy(buf, &d, sizeof(d));
	memcpy(buf + 16, p, plen);
	return 16 + plen;
}

/* A GPA-direct packet: range_cnt, one range, npfns PFNs from 100; its length. */
static u32 gpa(const struct vstor_packet *p, u32 range_cnt, u32 count, u32 offset, u32 npfns)
{
	struct vmdata_gpa_direct h = { .d.type = VM_PKT_DATA_USING_GPA_DIRECT, .d.trans_id = 7,
				       .range_cnt = range_cnt };
	struct vmbus_gpa_range r = { .byte_count = count, .byte_offset = offset };
	u32 off = sizeof(h) + sizeof(r) + npfns * 8, i;

	h.d.offset8 = (u16)(off / 8);
	h.d.len8 = (u16)((off + sizeof(*p)) / 8);
	memset(buf, 0, sizeof(buf));
	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), &r, sizeof(r));
	for (i = 0; i < npfns; i++) {
		u64 pfn = 100 + i;

		memcpy(buf + sizeof(h) + sizeof(r) + i * 8, &pfn, 8);
	}
	memcpy(buf + off, p, sizeof(*p));
	return off + sizeof(*p);
}

static struct vstor_packet read_srb(u32 len)
{
	struct vstor_packet p = { .operation = VSTOR_OP_EXECUTE_SRB };

	p.srb.length = sizeof(p.srb);
	p.srb.cdb_length = 10;
	p.srb.cdb[0] = 0x28;
	p.srb.data_in = VSTOR_DATA_IN;
	p.srb.data_transfer_length = len;
	return p;
}

static const struct vstor_limits scsi = { .max_paths = 8, .max_targets = 2, .max_luns = 255,
					  .max_xfer = 512 * 1024, .ide_target = -1 };

static bool parse_fails(u32 len, const char *want)
{
	struct vstor_req r;
	const char *f = NULL;

	return vstor_req_parse(buf, len, &r, &f) == -1 && f && !strcmp(f, want);
}

static bool srb_fails(const struct vstor_packet *p, u32 len, const struct vstor_limits *lim,
		      const char *want)
{
	struct vstor_req r;
	const char *f = NULL;

	if (vstor_req_parse(buf, len, &r, &f))
		return false;
	(void)p;
	return vstor_srb_check(&r, lim, &f) == -1 && f && !strcmp(f, want);
}

int main(void)
{
	struct vstor_packet p = { .operation = VSTOR_OP_QUERY_PROTOCOL_VERSION };
	struct vstor_req r;
	const char *f = NULL;
	u32 len;

	p.version.major_minor = VMSTOR_VERSION_WIN10;
	len = inband(&p, sizeof(p), VM_PKT_DATA_INBAND);
	tap_check(!vstor_req_parse(buf, len, &r, &f) && r.op == VSTOR_OP_QUERY_PROTOCOL_VERSION &&
		  r.trans_id == 42 && r.pkt.version.major_minor == 0x602 && !r.has_data,
		  "in-band QUERY_PROTOCOL_VERSION parsed");
	len = inband(&p, 48, VM_PKT_DATA_INBAND);
	tap_check(!vstor_req_parse(buf, len, &r, &f) && r.body_len == 36,
		  "a 48-byte request (upstream before the version is agreed) is taken");
	len = inband(&p, 14, VM_PKT_DATA_INBAND);
	tap_check(parse_fails(len, "len"), "QUERY_PROTOCOL_VERSION without its 4 bytes: len");
	len = inband(&p, 8, VM_PKT_DATA_INBAND);
	tap_check(parse_fails(len, "len"), "8 bytes (no whole header): len");
	p.operation = VSTOR_OP_COMPLETE_IO;
	len = inband(&p, sizeof(p), VM_PKT_DATA_INBAND);
	tap_check(parse_fails(len, "operation"), "COMPLETE_IO from the guest: operation");
	p.operation = 14;
	len = inband(&p, sizeof(p), VM_PKT_DATA_INBAND);
	tap_check(parse_fails(len, "operation"), "operation 14: operation");
	p.operation = VSTOR_OP_BEGIN_INITIALIZATION;
	len = inband(&p, sizeof(p), VM_PKT_COMP);
	tap_check(parse_fails(len, "packet_type"), "a completion packet: packet_type");
	len = inband(&p, sizeof(p), VM_PKT_DATA_INBAND);
	buf[2] = 40;	/* offset8 past the packet */
	tap_check(parse_fails(len, "offset8"), "offset8 past the end: offset8");
	p.operation = VSTOR_OP_CREATE_SUB_CHANNELS;
	p.sub_channel_count = 3;
	len = inband(&p, sizeof(p), VM_PKT_DATA_INBAND);
	tap_check(!vstor_req_parse(buf, len, &r, &f) && r.pkt.sub_channel_count == 3,
		  "CREATE_SUB_CHANNELS count read");

	/* GPA-direct */
	p = read_srb(1024);
	len = gpa(&p, 1, 1024, 3584, 2);
	tap_check(!vstor_req_parse(buf, len, &r, &f) && r.has_data && r.npfns == 2 &&
		  r.byte_offset == 3584 && r.byte_count == 1024 && vstor_req_pfn(&r, 1) == 101 &&
		  r.trans_id == 7, "GPA-direct READ over two pages parsed");
	tap_check(!vstor_srb_check(&r, &scsi, &f), "... and its SRB is fine");
	len = gpa(&p, 2, 1024, 0, 1);
	tap_check(parse_fails(len, "range_cnt"), "two ranges: range_cnt");
	len = gpa(&p, 0, 1024, 0, 1);
	tap_check(parse_fails(len, "range_cnt"), "no range: range_cnt");
	len = gpa(&p, 1, 1024, 4096, 2);
	tap_check(parse_fails(len, "byte_offset"), "byte_offset 4096: byte_offset");
	len = gpa(&p, 1, 0, 0, 1);
	tap_check(parse_fails(len, "byte_count"), "byte_count 0: byte_count");
	len = gpa(&p, 1, 1024, 3584, 1);
	tap_check(parse_fails(len, "pfn_count"), "a range past its one PFN: pfn_count");
	len = gpa(&p, 1, 0xfffffff0u, 0, 2);
	tap_check(parse_fails(len, "pfn_count"), "a 4 GiB range with 2 PFNs: pfn_count");
	p.operation = VSTOR_OP_RESET_BUS;
	len = gpa(&p, 1, 512, 0, 1);
	tap_check(parse_fails(len, "packet_type"), "RESET_BUS with pages: packet_type");

	/* SRB checks */
	p = read_srb(2048);
	len = gpa(&p, 1, 1024, 0, 1);
	tap_check(srb_fails(&p, len, &scsi, "data_transfer_length"), "SRB longer than its range");
	p = read_srb(1024);
	p.srb.cdb_length = 17;
	len = gpa(&p, 1, 1024, 0, 1);
	tap_check(srb_fails(&p, len, &scsi, "cdb_length"), "cdb_length 17");
	p = read_srb(1024);
	p.srb.length = 36;
	len = gpa(&p, 1, 1024, 0, 1);
	tap_check(srb_fails(&p, len, &scsi, "length"), "SRB length 36 (pre-Windows 8)");
	p = read_srb(1024);
	p.srb.data_in = VSTOR_DATA_NONE;
	len = gpa(&p, 1, 1024, 0, 1);
	tap_check(srb_fails(&p, len, &scsi, "data_in"), "pages without a data direction");
	p = read_srb(1024);
	p.srb.data_in = 3;
	len = gpa(&p, 1, 1024, 0, 1);
	tap_check(srb_fails(&p, len, &scsi, "data_in"), "data_in 3");
	p = read_srb(512);
	len = inband(&p, sizeof(p), VM_PKT_DATA_INBAND);
	tap_check(srb_fails(&p, len, &scsi, "data_transfer_length"), "in-band SRB claiming data");
	p = read_srb(1024);
	p.srb.target_id = 2;
	len = gpa(&p, 1, 1024, 0, 1);
	tap_check(srb_fails(&p, len, &scsi, "target_id"), "SCSI target 2");
	p.srb.target_id = 1;
	p.srb.lun = 255;
	len = gpa(&p, 1, 1024, 0, 1);
	tap_check(srb_fails(&p, len, &scsi, "lun"), "LUN 255");
	p.srb.lun = 0;
	p.srb.path_id = 8;
	len = gpa(&p, 1, 1024, 0, 1);
	tap_check(srb_fails(&p, len, &scsi, "path_id"), "path 8");
	{
		struct vstor_limits ide = { .max_paths = 1, .max_targets = 1, .max_luns = 64,
					    .max_xfer = 512 * 1024, .ide_target = 1 };

		p.srb.path_id = 5;	/* forced by the host for IDE */
		p.srb.target_id = 1;
		len = gpa(&p, 1, 1024, 0, 1);
		tap_check(!vstor_req_parse(buf, len, &r, &f) && !vstor_srb_check(&r, &ide, &f),
			  "IDE: the GUID's target taken, path ignored");
		p.srb.target_id = 0;
		len = gpa(&p, 1, 1024, 0, 1);
		tap_check(srb_fails(&p, len, &ide, "target_id"), "IDE: another target refused");
	}
	p = read_srb(600 * 1024);
	len = gpa(&p, 1, 600 * 1024, 0, 150);
	tap_check(srb_fails(&p, len, &scsi, "data_transfer_length"), "600 KiB over the 512 KiB maximum");
	tap_check(!strcmp(vstor_op_name(VSTOR_OP_EXECUTE_SRB), "EXECUTE_SRB") &&
		  !strcmp(vstor_op_name(0), "unknown") && !strcmp(vstor_op_name(99), "unknown"),
		  "operation names");
	return tap_done();
}
