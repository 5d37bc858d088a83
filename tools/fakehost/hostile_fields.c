// SPDX-License-Identifier: GPL-2.0-only
/*
 * hostile_fields.c: the hostile mode's map of what it may aim at (hostile.h).  For each
 * host->guest channel message (by msgtype) and each ring packet (the descriptor, the
 * transfer-page header, then the first header fields of the device class's payload)
 * it names fields by offset and size, so a structure-aware mutation can set one of
 * them to a boundary value.  Offsets are the wire structs' in include/hvis/ (each
 * header there cites its upstream source); static_asserts tie the ones that can drift.
 */
#include <string.h>
#include "hostile.h"
#include "hvis/vmbus_proto.h"
#include "hvis/ring_proto.h"
#include "hvis/storvsc_proto.h"
#include "hvis/ic_proto.h"
#include "hvis/dm_proto.h"
#include "hvis/kvp_abi.h"
#include "hvis/vss_abi.h"
#include "hvis/fcopy_abi.h"

#define F(n, o, s) { n, o, s }

/* ---- channel messages, offsets from the message start (header included) ---- */

static const struct hostile_field msg_hdr[] = { F("msg.msgtype", 0, 4) };
static const struct hostile_field msg_offer[] = {
	F("offer.if_type", 8, 4),
	F("offer.chn_flags", 56, 2),
	F("offer.mmio_mb", 58, 2),
	F("offer.pipe_mode", 60, 4),
	F("offer.sub_index", 180, 2),
	F("offer.child_relid", 184, 4),
	F("offer.monitorid", 188, 1),
	F("offer.monitor_allocated", 189, 1),
	F("offer.connection_id", 192, 4),
};
static_assert(__builtin_offsetof(struct vmbus_channel_offer_channel, child_relid) == 184,
	      "offer child_relid");
static_assert(__builtin_offsetof(struct vmbus_channel_offer_channel, offer.sub_channel_index) == 180,
	      "offer sub_index");
static const struct hostile_field msg_rescind[] = { F("rescind.child_relid", 8, 4) };
static const struct hostile_field msg_open_result[] = {
	F("open_result.child_relid", 8, 4),
	F("open_result.openid", 12, 4),
	F("open_result.status", 16, 4),
};
static const struct hostile_field msg_gpadl_created[] = {
	F("gpadl_created.child_relid", 8, 4),
	F("gpadl_created.gpadl", 12, 4),
	F("gpadl_created.status", 16, 4),
};
static const struct hostile_field msg_torndown[] = { F("gpadl_torndown.gpadl", 8, 4) };
static const struct hostile_field msg_version[] = {
	F("version.supported", 8, 1),
	F("version.connection_state", 9, 1),
	F("version.msg_conn_id", 12, 4),
};
static const struct hostile_field msg_tl_result[] = { F("tl_result.status", 40, 4) };
static_assert(__builtin_offsetof(struct vmbus_channel_tl_connect_result, status) == 40,
	      "tl status");
static const struct hostile_field msg_modify[] = {
	F("modify_response.child_relid", 8, 4),
	F("modify_response.status", 12, 4),
};

#define T(key, arr) { key, arr, sizeof(arr) / sizeof(arr[0]) }
static const struct hostile_table msg_tables[] = {
	T(CHANNELMSG_OFFERCHANNEL, msg_offer),
	T(CHANNELMSG_RESCIND_CHANNELOFFER, msg_rescind),
	T(CHANNELMSG_OPENCHANNEL_RESULT, msg_open_result),
	T(CHANNELMSG_GPADL_CREATED, msg_gpadl_created),
	T(CHANNELMSG_GPADL_TORNDOWN, msg_torndown),
	T(CHANNELMSG_VERSION_RESPONSE, msg_version),
	T(CHANNELMSG_TL_CONNECT_RESULT, msg_tl_result),
	T(CHANNELMSG_MODIFYCHANNEL_RESPONSE, msg_modify),
};

/* ---- ring packets: the descriptor and the transfer-page header ---- */

/* desc.len8 is left out: the ring's framing stays valid (hostile.c treats offset8). */
static const struct hostile_field pkt_desc[] = {
	F("desc.type", 0, 2),
	F("desc.offset8", 2, 2),
	F("desc.flags", 6, 2),
	F("desc.trans_id", 8, 8),
};
static const struct hostile_field pkt_xfer[] = {
	F("xfer.pageset_id", 16, 2),
	F("xfer.range_cnt", 20, 4),
	F("xfer.range0.byte_count", 24, 4),
	F("xfer.range0.byte_offset", 28, 4),
};
static_assert(sizeof(struct vmtransfer_page_packet_header) == 24, "xfer header");

/* ---- class payloads, offsets from the payload (descriptor offset8 * 8) ---- */

static const struct hostile_field cls_nvsp[] = {
	F("nvsp.msg_type", 0, 4),
	F("nvsp.word1", 4, 4),	/* status, channel_type, gpadl handle, ... by type */
	F("nvsp.word2", 8, 4),	/* section index, num_sections, ... */
	F("nvsp.word3", 12, 4),
	F("nvsp.word4", 16, 4),
};
static const struct hostile_field cls_vstor[] = {
	F("vstor.operation", 0, 4),
	F("vstor.flags", 4, 4),
	F("vstor.status", 8, 4),
	F("vstor.srb.length", 12, 2),	/* sub_channel_count for that operation */
	F("vstor.srb.srb_status", 14, 1),
	F("vstor.srb.scsi_status", 15, 1),
	F("vstor.srb.target_id", 18, 1),
	F("vstor.srb.lun", 19, 1),
	F("vstor.srb.sense_info_length", 21, 1),
	F("vstor.srb.data_in", 22, 1),
	F("vstor.srb.data_transfer_length", 24, 4),
};
static_assert(__builtin_offsetof(struct vstor_packet, srb.data_transfer_length) == 24,
	      "vstor xfer len");
/* The ICs' pipe and message headers, and a NEGOTIATE's counts after them. */
#define IC_FIELDS \
	F("pipe.flags", 0, 4), F("pipe.msgsize", 4, 4), \
	F("ic.verframe.major", 8, 2), F("ic.verframe.minor", 10, 2), \
	F("ic.msgtype", 12, 2), F("ic.vermsg.major", 14, 2), F("ic.vermsg.minor", 16, 2), \
	F("ic.msgsize", 18, 2), F("ic.status", 20, 4), \
	F("ic.transaction_id", 24, 1), F("ic.flags", 25, 1), \
	F("ic.negotiate.framecnt", 28, 2), F("ic.negotiate.msgcnt", 30, 2)
static_assert(sizeof(struct vmbuspipe_hdr) + sizeof(struct icmsg_hdr) == 28, "ic headers");
/* Each IC's own message after the headers (ICMSG_HDR), for its operations. */
#define ICF(n, type, member, size) F(n, ICMSG_HDR + __builtin_offsetof(type, member), size)
static const struct hostile_field cls_heartbeat[] = {
	IC_FIELDS,
	ICF("heartbeat.seq_num", struct heartbeat_msg_data, seq_num, 8),
};
static const struct hostile_field cls_shutdown[] = {
	IC_FIELDS,
	ICF("shutdown.reason_code", struct shutdown_msg_data, reason_code, 4),
	ICF("shutdown.timeout", struct shutdown_msg_data, timeout_seconds, 4),
	ICF("shutdown.flags", struct shutdown_msg_data, flags, 4),
};
static const struct hostile_field cls_timesync[] = {
	IC_FIELDS,
	ICF("timesync.parenttime", struct ictimesync_ref_data, parenttime, 8),
	ICF("timesync.flags", struct ictimesync_ref_data, flags, 1),
};
/* An enumeration's index lies where a get's or set's value_type does. */
static const struct hostile_field cls_kvp[] = {
	IC_FIELDS,
	ICF("kvp.operation", struct hv_kvp_msg, kvp_hdr.operation, 1),
	ICF("kvp.pool", struct hv_kvp_msg, kvp_hdr.pool, 1),
	ICF("kvp.value_type", struct hv_kvp_msg, body.kvp_set.data.value_type, 4),
	ICF("kvp.key_size", struct hv_kvp_msg, body.kvp_set.data.key_size, 4),
	ICF("kvp.value_size", struct hv_kvp_msg, body.kvp_set.data.value_size, 4),
};
static const struct hostile_field cls_vss[] = {
	IC_FIELDS,
	ICF("vss.operation", struct hv_vss_msg, vss_hdr.operation, 1),
	ICF("vss.flags", struct hv_vss_msg, flags, 4),
};
static const struct hostile_field cls_fcopy[] = {
	IC_FIELDS,
	ICF("fcopy.operation", struct hv_fcopy_hdr, operation, 4),
	ICF("fcopy.start.copy_flags", struct hv_start_fcopy, copy_flags, 4),
	ICF("fcopy.start.file_size", struct hv_start_fcopy, file_size, 8),
	ICF("fcopy.data.offset", struct hv_do_fcopy, offset, 8),
	ICF("fcopy.data.size", struct hv_do_fcopy, size, 4),
};
static const struct hostile_field cls_dm[] = {
	F("dm.type", 0, 2),
	F("dm.size", 2, 2),
	F("dm.trans_id", 4, 4),
	F("dm.word0", 8, 4),	/* num_pages, version, ranges ... by type */
	F("dm.word1", 12, 4),
	F("dm.word2", 16, 4),
};
static_assert(sizeof(struct dm_header) == 8, "dm header");
static const struct hostile_field cls_hvsock[] = {
	F("hvsock.pkt_type", 0, 4),
	F("hvsock.data_size", 4, 4),
};
/* Video and HID share the pipe header, then their own type, size and first words. */
#define PIPE_CLASS_FIELDS(cls) \
	F("pipe.type", 0, 4), F("pipe.size", 4, 4), F(cls ".type", 8, 4), \
	F(cls ".size", 12, 4), F(cls ".word0", 16, 4), F(cls ".word1", 20, 4)
static const struct hostile_field cls_video[] = { PIPE_CLASS_FIELDS("synthvid") };
static const struct hostile_field cls_hid[] = { PIPE_CLASS_FIELDS("synthhid") };
static const struct hostile_field cls_kbd[] = {
	F("kbd.type", 0, 4),
	F("kbd.word0", 4, 4),
	F("kbd.word1", 8, 4),
};
static const struct hostile_field cls_echo[] = { F("echo.word0", 0, 4) };

static const struct {
	const char *cls;
	const struct hostile_field *f;
	unsigned int n;
} cls_tables[] = {
	{ "nic", cls_nvsp, ARRAY_SIZE(cls_nvsp) },
	{ "scsi", cls_vstor, ARRAY_SIZE(cls_vstor) },
	{ "ide", cls_vstor, ARRAY_SIZE(cls_vstor) },
	{ "fc", cls_vstor, ARRAY_SIZE(cls_vstor) },
	{ "heartbeat", cls_heartbeat, ARRAY_SIZE(cls_heartbeat) },
	{ "shutdown", cls_shutdown, ARRAY_SIZE(cls_shutdown) },
	{ "timesync", cls_timesync, ARRAY_SIZE(cls_timesync) },
	{ "kvp", cls_kvp, ARRAY_SIZE(cls_kvp) },
	{ "vss", cls_vss, ARRAY_SIZE(cls_vss) },
	{ "fcopy", cls_fcopy, ARRAY_SIZE(cls_fcopy) },
	{ "dm", cls_dm, ARRAY_SIZE(cls_dm) },
	{ "hvsock", cls_hvsock, ARRAY_SIZE(cls_hvsock) },
	{ "video", cls_video, ARRAY_SIZE(cls_video) },
	{ "mouse", cls_hid, ARRAY_SIZE(cls_hid) },
	{ "kbd", cls_kbd, ARRAY_SIZE(cls_kbd) },
	{ "echo", cls_echo, ARRAY_SIZE(cls_echo) },
};

/* Appends the fields that fit in len bytes (shifted by base) to out; returns the count. */
unsigned int hostile_add_fields(struct hostile_field *out, unsigned int have, unsigned int max,
				const struct hostile_field *f, unsigned int n, u32 base, u32 len)
{
	unsigned int i;

	for (i = 0; i < n && have < max; i++) {
		if ((u64)base + f[i].off + f[i].size > len || base + f[i].off > 0xffff)
			continue;
		out[have] = f[i];
		out[have].off = (u16)(base + f[i].off);
		have++;
	}
	return have;
}

unsigned int hostile_msg_fields(const void *msg, u32 len, struct hostile_field *out,
				unsigned int max)
{
	u32 type;
	unsigned int i, n;

	if (len < 4)
		return 0;
	memcpy(&type, msg, sizeof(type));
	n = hostile_add_fields(out, 0, max, msg_hdr, ARRAY_SIZE(msg_hdr), 0, len);
	for (i = 0; i < ARRAY_SIZE(msg_tables); i++)
		if (msg_tables[i].key == type)
			n = hostile_add_fields(out, n, max, msg_tables[i].f, msg_tables[i].n, 0, len);
	return n;
}

unsigned int hostile_pkt_fields(const char *cls, const void *pkt, u32 len,
				struct hostile_field *out, unsigned int max)
{
	struct vmpacket_descriptor d;
	unsigned int i, n;

	if (len < sizeof(d))
		return 0;
	memcpy(&d, pkt, sizeof(d));
	n = hostile_add_fields(out, 0, max, pkt_desc, ARRAY_SIZE(pkt_desc), 0, len);
	if (d.type == VM_PKT_DATA_USING_XFER_PAGES)
		n = hostile_add_fields(out, n, max, pkt_xfer, ARRAY_SIZE(pkt_xfer), 0, len);
	/* A completion's payload is the class's answer too: same headers. */
	for (i = 0; cls && i < ARRAY_SIZE(cls_tables); i++)
		if (!strcmp(cls_tables[i].cls, cls))
			n = hostile_add_fields(out, n, max, cls_tables[i].f, cls_tables[i].n,
				       (u32)d.offset8 * 8, len);
	return n;
}
