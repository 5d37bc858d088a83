// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_storvsc_msg.c: unit tests of lib/storvsc_msg.c: sorting of host packets by
 * transaction id and operation, control answers, the properties (transfer size and
 * channel count, including zero and absurd values), the subchannel count and queue
 * depth, every check of an I/O completion (operation, SRB length, SRB status, data
 * length, sense length), sense parsing and the SCSI-level action of a completion.
 */
#include "tap.h"
#include "storvsc_msg.h"

/* SCSI opcodes (include/scsi/scsi_proto.h) */
#define READ_10		0x28
#define INQUIRY		0x12
#define TUR		0x00
#define ATA_16		0x85

static void refused_by(int rc, int want, const char *why, const char *reason, const char *what)
{
	tap_check(rc == want && why && strstr(why, reason), "%s (%s)", what, why ? why : "-");
}

#define refused(call, want, reason, what) \
	do { const char *why = NULL; int rc_ = (call); \
	     refused_by(rc_, want, why, reason, what); } while (0)

/* A COMPLETE_IO answer as a host sends it for a request of the 52-byte SRB. */
static struct vstor_packet completion(u8 srb_status, u8 scsi_status, u32 data_len)
{
	struct vstor_packet p;

	memset(&p, 0, sizeof(p));
	p.operation = VSTOR_OP_COMPLETE_IO;
	p.srb.length = sizeof(struct vmscsi_request);
	p.srb.srb_status = srb_status;
	p.srb.scsi_status = scsi_status;
	p.srb.data_transfer_length = data_len;
	return p;
}

/* Fixed-format sense key/asc/ascq as a CHECK CONDITION with autosense. */
static struct vstor_packet check_condition(u8 srb_code, u8 key, u8 asc, u8 ascq)
{
	struct vstor_packet p = completion(srb_code | SRB_STATUS_AUTOSENSE_VALID, 0x02, 0);

	p.srb.sense_info_length = 18;
	p.srb.sense_data[0] = 0x70;
	p.srb.sense_data[2] = key;
	p.srb.sense_data[7] = 10;
	p.srb.sense_data[12] = asc;
	p.srb.sense_data[13] = ascq;
	return p;
}

static enum vstor_action action_of(struct vstor_packet p, u8 cdb0, u32 req_len)
{
	struct vstor_io_result r;
	const char *why = NULL;

	if (vstor_io_check(&p, req_len, &r, &why))
		return (enum vstor_action)-1;
	return vstor_io_action(&r, cdb0, p.srb.sense_data, false);
}

static void test_classify(void)
{
	struct vstor_packet p;
	const char *why = NULL;

	memset(&p, 0, sizeof(p));
	p.operation = VSTOR_OP_COMPLETE_IO;
	tap_check(vstor_rx_classify(&p, 64, 5, &why) == VSTOR_RX_COMPLETION,
		  "a 64-byte answer with trans id 5 is a completion");
	refused(vstor_rx_classify(&p, 63, 5, &why), -EINVAL, "shorter than a vstor_packet",
		"an answer of 63 bytes is refused");
	refused(vstor_rx_classify(&p, 64, 0, &why), -EPROTO, "operation",
		"COMPLETE_IO with trans id 0 is refused");
	p.operation = VSTOR_OP_ENUMERATE_BUS;
	tap_check(vstor_rx_classify(&p, 4, 0, &why) == VSTOR_RX_ENUMERATE,
		  "a 4-byte unsolicited ENUMERATE_BUS is taken");
	refused(vstor_rx_classify(&p, 3, 0, &why), -EINVAL, "shorter than the operation",
		"an unsolicited packet of 3 bytes is refused");
	p.operation = VSTOR_OP_REMOVE_DEVICE;
	tap_check(vstor_rx_classify(&p, 64, 0, &why) == VSTOR_RX_REMOVE,
		  "unsolicited REMOVE_DEVICE is taken");
	p.operation = VSTOR_OP_FCHBA_DATA;
	tap_check(vstor_rx_classify(&p, 64, 0, &why) == VSTOR_RX_FCHBA,
		  "a whole unsolicited FCHBA_DATA is taken");
	refused(vstor_rx_classify(&p, 40, 0, &why), -EINVAL, "FCHBA_DATA",
		"a short FCHBA_DATA is refused");
	p.operation = VSTOR_OP_EXECUTE_SRB;
	refused(vstor_rx_classify(&p, 64, 0, &why), -EPROTO, "operation",
		"EXECUTE_SRB from the host is refused");
	p.operation = 0xffffffff;
	refused(vstor_rx_classify(&p, 64, 0, &why), -EPROTO, "operation",
		"an unknown operation is refused");
}

static void test_ctl(void)
{
	struct vstor_packet p;

	memset(&p, 0, sizeof(p));
	p.operation = VSTOR_OP_COMPLETE_IO;
	tap_check(vstor_ctl_check(&p, &(const char *){ NULL }) == 0,
		  "COMPLETE_IO status 0 answers a control request");
	p.status = VSTOR_STATUS_UNSUCCESSFUL;
	refused(vstor_ctl_check(&p, &why), -EIO, "status", "a failed status is refused");
	p.status = 0;
	p.operation = VSTOR_OP_ENUMERATE_BUS;
	refused(vstor_ctl_check(&p, &why), -EPROTO, "COMPLETE_IO",
		"an answer with another operation is refused");
}

static void test_props(void)
{
	struct vmstorage_channel_properties pr;
	u32 bytes = 0, sub = 99;
	const char *why = NULL;

	memset(&pr, 0, sizeof(pr));
	pr.max_transfer_bytes = 0x200000 + 123;
	tap_check(vstor_props_xfer(&pr, VSTOR_XFER_CAP, &bytes, &why) == 0 && bytes == 0x200000,
		  "max_transfer_bytes is rounded down to 4 KiB (%u)", bytes);
	pr.max_transfer_bytes = 0;
	refused(vstor_props_xfer(&pr, VSTOR_XFER_CAP, &bytes, &why), -EINVAL,
		"max_transfer_bytes", "a zero transfer size is refused");
	pr.max_transfer_bytes = 4095;
	refused(vstor_props_xfer(&pr, VSTOR_XFER_CAP, &bytes, &why), -EINVAL,
		"max_transfer_bytes", "a transfer size under one page is refused");
	pr.max_transfer_bytes = 0xffffffff;
	bytes = 0;
	tap_check(vstor_props_xfer(&pr, VSTOR_XFER_CAP, &bytes, &why) == 1 &&
		  bytes == VSTOR_XFER_CAP && strstr(why, "max_transfer_bytes"),
		  "an absurd transfer size is refused and capped at %u (%u)", VSTOR_XFER_CAP, bytes);
	pr.max_transfer_bytes = 0x200000;
	tap_check(vstor_props_xfer(&pr, VSTOR_FC_MAX_XFER_BYTES, &bytes, &why) == 1 &&
		  bytes == VSTOR_FC_MAX_XFER_BYTES, "FC caps the transfer at 512 KiB (%u)", bytes);

	pr.flags = 0;
	pr.max_channel_cnt = 8;
	tap_check(vstor_props_channels(&pr, &sub, &why) == 0 && sub == 0,
		  "without the multi-channel flag no subchannels");
	pr.flags = VSTOR_PROP_MULTI_CHANNEL;
	tap_check(vstor_props_channels(&pr, &sub, &why) == 0 && sub == 8,
		  "multi-channel with 8 allows 8 subchannels");
	pr.max_channel_cnt = 0;
	sub = 7;
	refused(vstor_props_channels(&pr, &sub, &why), -EINVAL, "max_channel_cnt",
		"multi-channel with a count of 0 is refused");
	tap_check(sub == 0, "... and leaves the primary alone");
	pr.max_channel_cnt = 0xffff;
	sub = 7;
	refused(vstor_props_channels(&pr, &sub, &why), -EINVAL, "max_channel_cnt",
		"a count of 0xffff is refused");
	tap_check(sub == 0, "... and leaves the primary alone");

	tap_check(vstor_subchannels_wanted(4, 8, 0) == 3, "4 CPUs: 3 subchannels");
	tap_check(vstor_subchannels_wanted(4, 2, 0) == 2, "bounded by the host's count");
	tap_check(vstor_subchannels_wanted(4, 8, 2) == 1, "bounded by storvsc_max_hw_queues");
	tap_check(vstor_subchannels_wanted(1, 8, 0) == 0, "one CPU: none");
	tap_check(vstor_subchannels_wanted(4, 8, 1) == 0, "storvsc_max_hw_queues=1: none");

	/* (128 KiB - 4 KiB) / 360 = 352, 90 % of that: 316 */
	tap_check(vstor_queue_depth(128 * 1024, 10) == 316, "128 KiB ring: depth 316 (%u)",
		  vstor_queue_depth(128 * 1024, 10));
	tap_check(vstor_queue_depth(4096, 10) == 1 && vstor_queue_depth(1 << 20, 100) == 1,
		  "degenerate rings still give depth 1");
}

static void test_io(void)
{
	struct vstor_io_result r;
	struct vstor_packet p;
	const char *why = NULL;

	p = completion(SRB_STATUS_SUCCESS, 0, 4096);
	tap_check(vstor_io_check(&p, 4096, &r, &why) == 0 && r.data_len == 4096 && !r.sense_len,
		  "a good completion of 4096 bytes");
	p.srb.data_transfer_length = 4097;
	refused(vstor_io_check(&p, 4096, &r, &why), -EINVAL, "data_transfer_length",
		"data beyond the request is refused");
	p = completion(SRB_STATUS_SUCCESS, 0, 512);
	tap_check(vstor_io_check(&p, 4096, &r, &why) == 0 && r.data_len == 512,
		  "a short transfer is taken (resid 3584)");
	p.operation = VSTOR_OP_EXECUTE_SRB;
	refused(vstor_io_check(&p, 4096, &r, &why), -EPROTO, "operation",
		"an answer with another operation is refused");
	p = completion(SRB_STATUS_SUCCESS, 0, 0);
	p.srb.length = 36;
	refused(vstor_io_check(&p, 4096, &r, &why), -EINVAL, "srb.length",
		"an SRB length other than 52 is refused");
	p = completion(0x3f, 0, 0);
	refused(vstor_io_check(&p, 4096, &r, &why), -EINVAL, "srb_status",
		"SRB status 0x3f is refused");
	p = completion(SRB_STATUS_PENDING, 0, 0);
	refused(vstor_io_check(&p, 4096, &r, &why), -EINVAL, "srb_status",
		"SRB status PENDING in a completion is refused");
	p = completion(SRB_STATUS_ERROR | SRB_STATUS_QUEUE_FROZEN, 0, 100);
	tap_check(vstor_io_check(&p, 4096, &r, &why) == 0 && r.data_len == 0,
		  "a failed request transfers nothing");
	p = completion(SRB_STATUS_DATA_OVERRUN, 0, 100);
	tap_check(vstor_io_check(&p, 4096, &r, &why) == 0 && r.data_len == 100,
		  "DATA_OVERRUN keeps its length");

	p = check_condition(SRB_STATUS_ERROR, 3, 0x11, 0);
	p.srb.sense_info_length = 255;
	why = NULL;
	tap_check(vstor_io_check(&p, 4096, &r, &why) == 0 && r.sense_clamped &&
		  r.sense_len == VSTOR_SENSE_MAX && why && strstr(why, "sense_info_length"),
		  "sense_info_length 255 is clamped to 20 and named");
	p = completion(SRB_STATUS_ERROR | SRB_STATUS_AUTOSENSE_VALID, 0x02, 0);
	p.srb.sense_info_length = 255;
	refused(vstor_io_check(&p, 4096, &r, &why), -EINVAL, "no valid sense",
		"CHECK CONDITION with sense_info_length 255 and zero sense is refused");
	p = completion(SRB_STATUS_SUCCESS, 0, 4096);
	p.srb.sense_info_length = 255;
	why = NULL;
	tap_check(vstor_io_check(&p, 4096, &r, &why) == 0 && r.sense_clamped && !r.sense_len &&
		  r.data_len == 4096, "a long sense length on a success is named, data kept");
	p = check_condition(SRB_STATUS_ERROR, 3, 0x11, 0);
	tap_check(vstor_io_check(&p, 4096, &r, &why) == 0 && r.sense_len == 18 && !r.sense_clamped,
		  "18 bytes of sense are taken");
}

static void test_actions(void)
{
	u8 s[20] = { 0x72, 6, 0x2a, 0x09 };
	u8 asc = 0, ascq = 0;

	tap_check(action_of(completion(SRB_STATUS_SUCCESS, 0, 0), READ_10, 0) == VSTOR_ACT_STATUS,
		  "success: status");
	tap_check(action_of(check_condition(SRB_STATUS_ERROR, 6, 0x2a, 0x09), READ_10, 4096) ==
		  VSTOR_ACT_REQUEUE_RESCAN, "capacity data changed: requeue and rescan");
	tap_check(action_of(check_condition(SRB_STATUS_ERROR, 6, 0x3f, 0x01), READ_10, 4096) ==
		  VSTOR_ACT_REQUEUE_RESCAN, "operating parameters changed: requeue and rescan");
	tap_check(action_of(check_condition(SRB_STATUS_ERROR, 6, 0x3f, 0x0e), READ_10, 4096) ==
		  VSTOR_ACT_STATUS_SCAN_HOST, "reported LUNs changed: status up, scan the host");
	tap_check(action_of(check_condition(SRB_STATUS_ERROR, 6, 0x3f, 0x03), READ_10, 4096) ==
		  VSTOR_ACT_STATUS, "inquiry data changed: up to the midlayer");
	tap_check(action_of(check_condition(SRB_STATUS_ERROR, 3, 0x11, 0), READ_10, 4096) ==
		  VSTOR_ACT_STATUS, "medium error with sense: up to the midlayer");
	tap_check(action_of(completion(SRB_STATUS_ERROR, 0, 0), READ_10, 4096) == VSTOR_ACT_ERROR,
		  "error without sense: DID_ERROR");
	tap_check(action_of(completion(SRB_STATUS_ERROR, 0, 0), ATA_16, 512) ==
		  VSTOR_ACT_PASSTHROUGH, "ATA pass-through error: DID_PASSTHROUGH");
	tap_check(action_of(completion(SRB_STATUS_ERROR, 0, 0), TUR, 0) == VSTOR_ACT_STATUS,
		  "TEST UNIT READY error: up to the midlayer");
	tap_check(action_of(completion(SRB_STATUS_ERROR, 0, 0), INQUIRY, 96) ==
		  VSTOR_ACT_FAKE_SUCCESS, "INQUIRY failing without sense: Hyper-V quirk");
	tap_check(action_of(completion(SRB_STATUS_INVALID_LUN, 0, 0), READ_10, 4096) ==
		  VSTOR_ACT_NO_CONNECT_REMOVE, "INVALID_LUN: no connect, remove the LUN");
	tap_check(action_of(completion(SRB_STATUS_TIMEOUT, 0, 0), READ_10, 4096) ==
		  VSTOR_ACT_ERROR, "timeout without a SCSI status: DID_ERROR");
	tap_check(action_of(completion(SRB_STATUS_SUCCESS, 0x08, 0), READ_10, 4096) ==
		  VSTOR_ACT_STATUS, "BUSY status: up to the midlayer");

	tap_check(vstor_sense_asc(s, 4, &asc, &ascq) && asc == 0x2a && ascq == 0x09,
		  "descriptor sense asc/ascq");
	tap_check(!vstor_sense_asc(s, 3, &asc, &ascq), "descriptor sense of 3 bytes: none");
	s[0] = 0x70;
	tap_check(!vstor_sense_asc(s, 13, &asc, &ascq), "fixed sense of 13 bytes: none");
	s[0] = 0x00;
	tap_check(!vstor_sense_asc(s, 20, &asc, &ascq), "response code 0: none");
	tap_check(!strcmp(vstor_op_name(VSTOR_OP_CREATE_SUB_CHANNELS), "CREATE_SUB_CHANNELS") &&
		  !strcmp(vstor_op_name(99), "unknown"), "operation names");
}

int main(void)
{
	tap_check(sizeof(struct vstor_packet) == 64 && sizeof(struct vmscsi_request) == 52,
		  "wire sizes are upstream's");
	test_classify();
	test_ctl();
	test_props();
	test_io();
	test_actions();
	return tap_done();
}
