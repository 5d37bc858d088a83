// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuzz_seeds.c: writes the seed corpus of the fuzz targets, one directory per target
 * under argv[1], built at `make` time from the same headers the parsers use.  Each
 * target gets at least one well-formed input of every message type it parses (the
 * targets count them, fuzz_types.h), at the sizes the host really sends: the KVP IP
 * messages are 7428 bytes, a START_FILE_COPY 1088.  fuzz_dm_msg and fuzz_netvsc_msg
 * take their seeds from tests/fuzz/seeds/<target>/ (committed files), not from here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include "ic_msg.h"
#include "kvp_msg.h"
#include "ring.h"
#include "utf16.h"
#include "vmbus_msg.h"
#include "hvis/fcopy_abi.h"
#include "hvis/storvsc_proto.h"
#include "hvis/kbd_proto.h"
#include "hvis/hid_proto.h"
#include "synthvid_msg.h"
#include "hvsock_msg.h"

static const char *top;

static void put(const char *target, const char *name, const void *buf, size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", top, target);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%s/%s", top, target, name);
	f = fopen(path, "wb");
	if (!f || fwrite(buf, 1, len, f) != len || fclose(f)) {
		perror(path);
		exit(1);
	}
}

static void u16s(const char *s, void *field, u32 units)
{
	hvis_utf8_to_utf16(s, (u32)strlen(s) + 1, field, units);
}

/* ---- KVP: the bytes after the IC header ---- */
static void kvp_seeds(void)
{
	static struct hv_kvp_msg m;
	static struct hv_kvp_ip_msg ip;
	struct hv_kvp_exchg_msg_value *d = &m.body.kvp_set.data;
	struct hv_kvp_ipaddr_value *v = &ip.kvp_ip_val;
	static const char *const names[] = { "get", "set_sz", "delete", "enumerate" };
	unsigned int op;

	for (op = KVP_OP_GET; op <= KVP_OP_ENUMERATE; op++) {
		memset(&m, 0, sizeof(m));
		m.kvp_hdr.operation = (u8)op;
		m.kvp_hdr.pool = op == KVP_OP_ENUMERATE ? 2 : 0;
		if (op == KVP_OP_DELETE) {
			u16s("HostName", m.body.kvp_delete.key, HV_KVP_EXCHANGE_MAX_KEY_SIZE / 2);
			m.body.kvp_delete.key_size = 18;
		} else if (op != KVP_OP_ENUMERATE) {
			u16s("HostName", d->key, HV_KVP_EXCHANGE_MAX_KEY_SIZE / 2);
			d->key_size = 18;
			d->value_type = REG_SZ;
			u16s("host.example", d->value, HV_KVP_EXCHANGE_MAX_VALUE_SIZE / 2);
			d->value_size = 26;
		}
		put("fuzz_kvp_msg", names[op], &m, sizeof(m));
	}
	memset(&m, 0, sizeof(m));
	m.kvp_hdr.operation = KVP_OP_SET;
	u16s("Counter", d->key, HV_KVP_EXCHANGE_MAX_KEY_SIZE / 2);
	d->key_size = 16;
	d->value_type = REG_U32;
	d->value_u32 = 4000000000u;
	put("fuzz_kvp_msg", "set_u32", &m, sizeof(m));
	d->value_type = REG_U64;
	d->value_u64 = 18000000000000000000ull;
	put("fuzz_kvp_msg", "set_u64", &m, sizeof(m));

	ip.operation = KVP_OP_GET_IP_INFO;
	u16s("00:15:5D:12:34:56", v->adapter_id, MAX_ADAPTER_ID_SIZE);
	put("fuzz_kvp_msg", "get_ip_info", &ip, sizeof(ip));
	ip.operation = KVP_OP_SET_IP_INFO;
	u16s("{00000004-6876-6973-8004-000000000004}", v->adapter_id, MAX_ADAPTER_ID_SIZE);
	v->addr_family = ADDR_FAMILY_IPV4 | ADDR_FAMILY_IPV6;
	u16s("192.0.2.77;2001:db8::77", v->ip_addr, MAX_IP_ADDR_SIZE);
	u16s("255.255.255.0;64", v->sub_net, MAX_IP_ADDR_SIZE);
	u16s("192.0.2.1;fe80::1", v->gate_way, MAX_GATEWAY_SIZE);
	u16s("192.0.2.53; 2001:db8::53", v->dns_addr, MAX_IP_ADDR_SIZE);
	put("fuzz_kvp_msg", "set_ip_info", &ip, sizeof(ip));
	u16s("192.0.2.77\nDEVICE=lo", v->ip_addr, MAX_IP_ADDR_SIZE);
	put("fuzz_kvp_msg", "set_ip_info_newline", &ip, sizeof(ip));
	v->dhcp_enabled = 1;
	memset(v->ip_addr, 0, sizeof(v->ip_addr));
	put("fuzz_kvp_msg", "set_ip_info_dhcp", &ip, sizeof(ip));
}

/* ---- addresses: one string per input ---- */
static void kvp_ip_seeds(void)
{
	static const char *const s[] = {
		"192.0.2.1", "255.255.255.0", "::", "2001:db8::1", "::ffff:192.0.2.1",
		"1:2:3:4:5:6:7:8", "fe80::1;192.0.2.1", "24", "192.0.2.1\nDEVICE=lo",
	};
	char name[16];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(s); i++) {
		snprintf(name, sizeof(name), "addr%u", i);
		put("fuzz_kvp_ip", name, s[i], strlen(s[i]));
	}
}

/* ---- IC packets (pipe header, IC header, message) ---- */
struct ic_pkt {
	struct vmbuspipe_hdr pipe;
	struct icmsg_hdr ic;
	u8 data[256];
} __packed;

static size_t negotiate(struct ic_pkt *p, const struct ic_version *fw, u16 nfw,
			const struct ic_version *msg, u16 nmsg)
{
	struct icmsg_negotiate *n = (void *)p->data;

	memset(p, 0, sizeof(*p));
	p->pipe.flags = 1;
	p->ic.icmsgtype = ICMSGTYPE_NEGOTIATE;
	p->ic.icflags = ICMSGHDRFLAG_TRANSACTION | ICMSGHDRFLAG_REQUEST;
	n->icframe_vercnt = nfw;
	n->icmsg_vercnt = nmsg;
	memcpy(n->icversion_data, fw, nfw * sizeof(*fw));
	memcpy(n->icversion_data + nfw, msg, nmsg * sizeof(*msg));
	p->ic.icmsgsize = (u16)(sizeof(*n) + (nfw + nmsg) * sizeof(*fw));
	return ICMSG_HDR + p->ic.icmsgsize;
}

static void ic_seeds(void)
{
	static const struct ic_version fw[] = { { 3, 0 }, { 1, 0 } }, msg[] = { { 3, 2 }, { 3, 0 } };
	static const struct ic_version old[] = { { 9, 9 } };
	struct ic_pkt p;

	put("fuzz_ic_msg", "negotiate", &p, negotiate(&p, fw, 2, msg, 2));
	put("fuzz_ic_msg", "negotiate_fw1", &p, negotiate(&p, fw + 1, 1, msg + 1, 1));
	put("fuzz_ic_msg", "negotiate_none", &p, negotiate(&p, old, 1, old, 1));
	memset(&p, 0, sizeof(p));
	p.ic.icmsgtype = ICMSGTYPE_HEARTBEAT;
	p.ic.icmsgsize = 40;
	put("fuzz_ic_msg", "heartbeat", &p, ICMSG_HDR + 40);
}

/* ---- time samples: a version byte (bit 0: 3.0, else 4.0), then the packet ---- */
static void ts_seeds(void)
{
	struct {
		u8 ver;
		struct ic_pkt p;
	} __packed s;
	struct ictimesync_ref_data r = { .parenttime = WLTIMEDELTA + 17000000000000000ull,
					 .vmreferencetime = 123456789, .flags = ICTIMESYNCFLAG_SAMPLE };
	struct ictimesync_data d = { .parenttime = WLTIMEDELTA + 17000000000000000ull,
				     .flags = ICTIMESYNCFLAG_SYNC };

	memset(&s, 0, sizeof(s));
	s.p.ic.icmsgtype = ICMSGTYPE_TIMESYNC;
	s.ver = 0;
	memcpy(s.p.data, &r, sizeof(r));
	put("fuzz_ts_msg", "v4_sample", &s, 1 + ICMSG_HDR + sizeof(r));
	r.flags = ICTIMESYNCFLAG_SYNC;
	memcpy(s.p.data, &r, sizeof(r));
	put("fuzz_ts_msg", "v4_sync", &s, 1 + ICMSG_HDR + sizeof(r));
	s.ver = 1;
	memcpy(s.p.data, &d, sizeof(d));
	put("fuzz_ts_msg", "v3_sync", &s, 1 + ICMSG_HDR + sizeof(d));
	d.flags = ICTIMESYNCFLAG_SAMPLE;
	memcpy(s.p.data, &d, sizeof(d));
	put("fuzz_ts_msg", "v3_sample", &s, 1 + ICMSG_HDR + sizeof(d));
}

/* ---- channel messages: every host-to-guest type at its size ---- */
static void msg_seeds(void)
{
	u8 buf[HV_MESSAGE_PAYLOAD_BYTES];
	u32 t, one = 1;

	for (t = 0; t < 64; t++) {
		const struct vmbus_msg_info *i = vmbus_msg_info(t);

		if (!i || i->dir != VMBUS_MSG_H2G)
			continue;
		memset(buf, 0, sizeof(buf));
		memcpy(buf, &t, 4);
		if (t == CHANNELMSG_OFFERCHANNEL)
			memcpy(buf + offsetof(struct vmbus_channel_offer_channel, child_relid), &one, 4);
		else
			memcpy(buf + 8, &one, 4);	/* child_relid where a type has one */
		put("fuzz_msg_validate", i->name, buf, i->min_len);
	}
}

/* ---- rings: the fuzz target's header bytes, then 512 bytes of data ---- */
static void ring_seeds(void)
{
	struct {
		u32 write_index, read_index, pending;
		u8 feature, mask, small, pad;
		u8 data[512];
	} __packed r;
	struct vmpacket_descriptor d = { .type = VM_PKT_DATA_INBAND, .offset8 = 2, .len8 = 4,
					 .trans_id = 7 };
	u32 at = 496, i;

	memset(&r, 0, sizeof(r));
	memcpy(r.data, &d, sizeof(d));
	r.write_index = 32 + 8;
	put("fuzz_ring", "one_packet", &r, sizeof(r));
	memset(&r, 0, sizeof(r));
	for (i = 0; i < sizeof(d); i++)		/* the packet wraps around the end */
		r.data[(at + i) % 512] = ((u8 *)&d)[i];
	r.read_index = at;
	r.write_index = (at + 32 + 8) % 512;
	put("fuzz_ring", "wrapped_packet", &r, sizeof(r));
	memset(&r, 0, sizeof(r));
	r.feature = 1;
	put("fuzz_ring", "empty_writable", &r, 16 + 64);
}

/* ---- file copy names: the two UTF-16 fields of START_FILE_COPY ---- */
static void fcopy_name_seeds(void)
{
	static u16 f[2 * W_MAX_PATH];	/* file_name, then path_name */
	u16 *fn = f, *pn = f + W_MAX_PATH;
	unsigned int i;

	u16s("report.txt", fn, W_MAX_PATH);
	u16s("/tmp/in", pn, W_MAX_PATH);
	put("fuzz_fcopy_name", "ascii", f, sizeof(f));
	u16s("d\xc3\xa9j\xc3\xa0 vu \xe2\x82\xac", fn, W_MAX_PATH);
	put("fuzz_fcopy_name", "non_ascii", f, sizeof(f));
	u16s("smile \xf0\x9f\x98\x80", fn, W_MAX_PATH);			/* a surrogate pair */
	put("fuzz_fcopy_name", "surrogate_pair", f, sizeof(f));
	fn[0] = 0xd800;						/* unpaired surrogate */
	put("fuzz_fcopy_name", "unpaired", f, sizeof(f));
	for (i = 0; i < W_MAX_PATH; i++)			/* no NUL */
		fn[i] = 'a';
	put("fuzz_fcopy_name", "unterminated", f, sizeof(f));
	for (i = 0; i < W_MAX_PATH - 1; i++)			/* 3 bytes each in UTF-8 */
		fn[i] = 0x20ac;
	fn[W_MAX_PATH - 1] = 0;
	put("fuzz_fcopy_name", "too_long_utf8", f, sizeof(f));
}

/* ---- storvsc guest requests: whole VMBus packets, descriptor first ---- */
static void vstor_put(const char *name, u16 type, const void *hdr, u32 hlen,
		      const struct vstor_packet *p)
{
	u8 buf[512] = {};
	struct vmpacket_descriptor d = { .type = type, .offset8 = (u16)((16 + hlen) / 8),
					 .len8 = (u16)((16 + hlen + sizeof(*p)) / 8),
					 .flags = VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED,
					 .trans_id = 0x1234 };

	memcpy(buf, &d, sizeof(d));
	if (hdr)
		memcpy(buf + sizeof(d), hdr, hlen);
	memcpy(buf + sizeof(d) + hlen, p, sizeof(*p));
	put("fuzz_vstor_req", name, buf, sizeof(d) + hlen + sizeof(*p));
}

static void vstor_seeds(void)
{
	static const struct { u32 op; const char *name; } ops[] = {
		{ VSTOR_OP_BEGIN_INITIALIZATION, "begin" },
		{ VSTOR_OP_QUERY_PROTOCOL_VERSION, "version" },
		{ VSTOR_OP_QUERY_PROPERTIES, "properties" },
		{ VSTOR_OP_FCHBA_DATA, "fchba" },
		{ VSTOR_OP_END_INITIALIZATION, "end" },
		{ VSTOR_OP_CREATE_SUB_CHANNELS, "subchannels" },
		{ VSTOR_OP_RESET_LUN, "reset_lun" },
		{ VSTOR_OP_RESET_BUS, "reset_bus" },
		{ VSTOR_OP_RESET_ADAPTER, "reset_adapter" },
	};
	struct vstor_packet p;
	struct {
		u32 reserved, range_cnt;
		u32 byte_count, byte_offset;
		u64 pfn[2];
	} __packed g = { 0, 1, 1024, 3584, { 0x1000, 0x1001 } };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ops); i++) {
		memset(&p, 0, sizeof(p));
		p.operation = ops[i].op;
		p.flags = VSTOR_FLAG_REQUEST_COMPLETION;
		p.version.major_minor = VMSTOR_VERSION_WIN10;
		if (ops[i].op == VSTOR_OP_CREATE_SUB_CHANNELS)
			p.sub_channel_count = 2;
		vstor_put(ops[i].name, VM_PKT_DATA_INBAND, NULL, 0, &p);
	}
	memset(&p, 0, sizeof(p));
	p.operation = VSTOR_OP_EXECUTE_SRB;
	p.flags = VSTOR_FLAG_REQUEST_COMPLETION;
	p.srb.length = sizeof(p.srb);
	p.srb.cdb_length = 6;
	p.srb.data_in = VSTOR_DATA_NONE;	/* TEST UNIT READY */
	vstor_put("srb_inband", VM_PKT_DATA_INBAND, NULL, 0, &p);
	p.srb.cdb_length = 10;
	p.srb.cdb[0] = 0x28;			/* READ(10) of 2 sectors */
	p.srb.cdb[8] = 2;
	p.srb.data_in = VSTOR_DATA_IN;
	p.srb.data_transfer_length = 1024;
	vstor_put("srb_gpa_direct", VM_PKT_DATA_USING_GPA_DIRECT, &g, sizeof(g), &p);
}

/* Keyboard: a direction byte (0 host message, 1 guest message; 2: session accepted). */
static void kbd_put(const char *name, u8 dir, const void *msg, size_t len)
{
	u8 buf[64];

	buf[0] = dir;
	memcpy(buf + 1, msg, len);
	put("fuzz_kbd_msg", name, buf, 1 + len);
}

static void kbd_seeds(void)
{
	struct hvis_kbd_protocol_request req = { { HVIS_KBD_PROTOCOL_REQUEST }, HVIS_KBD_VERSION };
	struct hvis_kbd_protocol_response resp = { { HVIS_KBD_PROTOCOL_RESPONSE },
						   HVIS_KBD_PROTOCOL_ACCEPTED };
	struct hvis_kbd_keystroke ks = { { HVIS_KBD_EVENT }, 0x48, 0,
					 HVIS_KBD_INFO_E0 | HVIS_KBD_INFO_BREAK };
	struct hvis_kbd_led_indicators led = { { HVIS_KBD_LED_INDICATORS }, HVIS_KBD_LED_NUM, 0 };

	kbd_put("request", 1, &req, sizeof(req));
	kbd_put("response", 0, &resp, sizeof(resp));
	kbd_put("event", 2, &ks, sizeof(ks));
	ks.info = HVIS_KBD_INFO_E1;
	ks.make_code = 0x1d;
	kbd_put("event_e1", 2, &ks, sizeof(ks));
	kbd_put("led", 1, &led, sizeof(led));
}

/* HID: a direction byte (0/2/4 host message at session stage 0/1/2, 1 guest message), then a pipe packet. */
static void hid_put(const char *name, u8 dir, const void *msg, u32 len)
{
	static u8 buf[1 + HVIS_SYNTHHID_MAX_PACKET];
	struct hvis_pipe_hdr p = { HVIS_PIPE_MESSAGE_DATA, len };

	buf[0] = dir;
	memcpy(buf + 1, &p, sizeof(p));
	memcpy(buf + 1 + sizeof(p), msg, len);
	put("fuzz_hid_msg", name, buf, 1 + sizeof(p) + len);
}

static void hid_seeds(void)
{
	static const u8 rdesc[] = { 0x05, 0x01, 0x09, 0x02, 0xa1, 0x01, 0x09, 0x01, 0xa1, 0x00,
				    0x05, 0x09, 0x19, 0x01, 0x29, 0x03, 0x15, 0x00, 0x25, 0x01,
				    0x95, 0x03, 0x75, 0x01, 0x81, 0x02, 0xc0, 0xc0 };
	struct hvis_synthhid_protocol_request req = { { HVIS_SYNTHHID_PROTOCOL_REQUEST, 4 },
						      HVIS_SYNTHHID_VERSION };
	struct hvis_synthhid_protocol_response resp = { { HVIS_SYNTHHID_PROTOCOL_RESPONSE, 5 },
							HVIS_SYNTHHID_VERSION, 1 };
	struct hvis_synthhid_device_info_ack ack = { { HVIS_SYNTHHID_INITIAL_DEVICE_INFO_ACK, 1 }, 0 };
	struct hvis_synthhid_device_info di = {
		.hdr = { HVIS_SYNTHHID_INITIAL_DEVICE_INFO, 32 + 9 + sizeof(rdesc) },
		.info = { 32, 0x045e, 0x0621, 1, { 0 } },
		.desc = { 9, HVIS_HID_DT_HID, 0x0101, 0, 1, HVIS_HID_DT_REPORT, sizeof(rdesc) },
	};
	u8 msg[sizeof(di) + sizeof(rdesc)];
	struct { struct hvis_synthhid_hdr h; u8 r[5]; } __attribute__((packed)) rep = {
		{ HVIS_SYNTHHID_INPUT_REPORT, 5 }, { 1, 0x34, 0x12, 0xff, 0x7f } };

	hid_put("request", 1, &req, sizeof(req));
	hid_put("ack", 1, &ack, sizeof(ack));
	hid_put("response", 0, &resp, sizeof(resp));
	memcpy(msg, &di, sizeof(di));
	memcpy(msg + sizeof(di), rdesc, sizeof(rdesc));
	hid_put("device_info", 2, msg, sizeof(msg));
	hid_put("report", 4, &rep, sizeof(rep));
}

/* ---- synthetic video: a direction byte (0 host, 1 guest), then the packet ---- */
static void synthvid_put(const char *name, u8 dir, u32 type, const void *payload, u32 plen)
{
	static u8 buf[1 + sizeof(struct synthvid_msg)];
	u32 len;

	buf[0] = dir;
	memcpy(buf + 1 + SYNTHVID_HDRS, payload, plen);
	len = synthvid_put_headers(buf + 1, type, plen);
	put("fuzz_synthvid_msg", name, buf, 1 + len);
}

static void synthvid_seeds(void)
{
	struct synthvid_version_resp vr = { SYNTHVID_VERSION_WIN10, 1, 1 };
	struct synthvid_vram_location_ack va = { 0xf8000000 };
	struct synthvid_feature_change fc = { 1, 0, 0, 1 };
	struct synthvid_resolution_resp rr = { .resolution_count = 3,
					       .default_resolution_index = 1 };
	struct synthvid_version_req vq = { SYNTHVID_VERSION_WIN10 };
	struct synthvid_vram_location vl = { 0xf8000000, 1, 0xf8000000 };
	struct synthvid_situation_update su = { 0, 1, { 1, 0, 32, 1024, 768, 4096 } };
	struct synthvid_pointer_position pp = { 1, 0, 0, 0 };
	struct synthvid_pointer_shape ps = { SYNTHVID_CURSOR_COMPLETE, 1, 1, 1, 0, 0,
					     { 0, 1, 1, 1 } };
	struct synthvid_dirt d = { 0, 1, { 0, 0, 1024, 768 } };
	struct synthvid_resolution_req rq = { SYNTHVID_MAX_RESOLUTIONS };

	rr.supported_resolution[0] = (struct synthvid_resolution){ 640, 480 };
	rr.supported_resolution[1] = (struct synthvid_resolution){ 1024, 768 };
	rr.supported_resolution[2] = (struct synthvid_resolution){ 1280, 1024 };
	synthvid_put("version_response", 0, SYNTHVID_VERSION_RESPONSE, &vr, sizeof(vr));
	synthvid_put("vram_ack", 0, SYNTHVID_VRAM_LOCATION_ACK, &va, sizeof(va));
	synthvid_put("situation_ack", 0, SYNTHVID_SITUATION_UPDATE_ACK, &va, sizeof(va));
	synthvid_put("feature_change", 0, SYNTHVID_FEATURE_CHANGE, &fc, sizeof(fc));
	synthvid_put("resolution_response", 0, SYNTHVID_RESOLUTION_RESPONSE, &rr,
		     SYNTHVID_RESOLUTION_RESP_HDR + 3 * 4);
	synthvid_put("version_request", 1, SYNTHVID_VERSION_REQUEST, &vq, sizeof(vq));
	synthvid_put("vram_location", 1, SYNTHVID_VRAM_LOCATION, &vl, sizeof(vl));
	synthvid_put("situation_update", 1, SYNTHVID_SITUATION_UPDATE, &su, sizeof(su));
	synthvid_put("pointer_position", 1, SYNTHVID_POINTER_POSITION, &pp, sizeof(pp));
	synthvid_put("pointer_shape", 1, SYNTHVID_POINTER_SHAPE, &ps, sizeof(ps));
	synthvid_put("dirt", 1, SYNTHVID_DIRT, &d, sizeof(d));
	synthvid_put("resolution_request", 1, SYNTHVID_RESOLUTION_REQUEST, &rq, sizeof(rq));
}

/*
 * fuzz_mmio_ranges: a query (min, max, size, align exponent, reservation) and _CRS
 * windows as a Hyper-V Generation 2 VM reports them (high MMIO first, low MMIO
 * reaching past the vTPM base), a legacy window below 1 MiB, one adjacent to the low
 * window and, in the second seed, one overlapping it.
 */
static void mmio_seeds(void)
{
	u64 q[6] = { 0, ~0ULL, 8ULL << 20, 20, 0xf8000000ULL, 64ULL << 20 };
	u64 w[5][2] = {
		{ 0xfe0000000ULL, 0xfffffffffULL },
		{ 0xf8000000ULL, 0xfeffffffULL },
		{ 0xa0000ULL, 0xbffffULL },
		{ 0xf0000000ULL, 0xf7ffffffULL },
		{ 0xf4000000ULL, 0xf4ffffffULL },
	};
	u8 buf[sizeof(q) + sizeof(w)];

	memcpy(buf, q, sizeof(q));
	memcpy(buf + sizeof(q), w, sizeof(w));
	put("fuzz_mmio_ranges", "gen2", buf, sizeof(q) + 4 * sizeof(w[0]));
	put("fuzz_mmio_ranges", "gen2_overlap", buf, sizeof(buf));
}

/* ---- hvsock: a mode byte, then a packet, an offer or a stream (fuzz_hvsock_msg.c) ---- */
static void hvsock_put_pkt(u8 *buf, u32 *at, u32 data_size)
{
	struct hvs_pipe_hdr h;
	u32 len = (u32)sizeof(h) + ((data_size + 7u) & ~7u);

	buf[(*at)++] = (u8)len;
	buf[(*at)++] = (u8)(len >> 8);
	hvis_hvsock_pipe_hdr(&h, data_size);
	memcpy(buf + *at, &h, sizeof(h));
	memset(buf + *at + sizeof(h), 'x', len - sizeof(h));
	*at += len;
}

static void hvsock_seeds(void)
{
	static u8 buf[1 + 2 * (8 + HVS_MTU_SIZE + 8)];
	struct vmbus_channel_offer o = {};
	struct hvs_pipe_hdr h;
	u32 at;

	buf[0] = 0;
	hvis_hvsock_pipe_hdr(&h, 100);
	memcpy(buf + 1, &h, sizeof(h));
	memset(buf + 1 + sizeof(h), 'd', 104);
	put("fuzz_hvsock_msg", "data", buf, 1 + sizeof(h) + 104);
	hvis_hvsock_pipe_hdr(&h, HVS_MTU_SIZE);
	memcpy(buf + 1, &h, sizeof(h));
	memset(buf + 1 + sizeof(h), 'm', HVS_MTU_SIZE);
	put("fuzz_hvsock_msg", "data_mtu", buf, 1 + sizeof(h) + HVS_MTU_SIZE);
	hvis_hvsock_pipe_hdr(&h, 0);
	memcpy(buf + 1, &h, sizeof(h));
	put("fuzz_hvsock_msg", "fin", buf, 1 + sizeof(h));
	buf[0] = 4;
	put("fuzz_hvsock_msg", "after_fin", buf, 1 + sizeof(h));
	buf[0] = 0;
	h.pkt_type = 2;
	memcpy(buf + 1, &h, sizeof(h));
	put("fuzz_hvsock_msg", "bad_type", buf, 1 + sizeof(h));

	buf[0] = 1;
	o.chn_flags = VMBUS_CHANNEL_TLNPI_PROVIDER_OFFER;
	hvis_hvsock_srv_id(5000, &o.if_type);
	hvis_hvsock_srv_id(0x80000001u, &o.if_instance);
	o.u.pipe.user_def[HVS_USER_DEF_CONN_FROM_HOST] = 1;
	memcpy(buf + 1, &o, sizeof(o));
	put("fuzz_hvsock_msg", "offer_from_host", buf, 1 + sizeof(o));
	o.u.pipe.user_def[HVS_USER_DEF_CONN_FROM_HOST] = 0;
	memcpy(buf + 1, &o, sizeof(o));
	put("fuzz_hvsock_msg", "offer_from_guest", buf, 1 + sizeof(o));
	o.if_type.b[15] ^= 1;
	memcpy(buf + 1, &o, sizeof(o));
	put("fuzz_hvsock_msg", "offer_bad_type", buf, 1 + sizeof(o));

	buf[0] = 2;
	at = 1;
	hvsock_put_pkt(buf, &at, 4088);
	hvsock_put_pkt(buf, &at, 13);
	hvsock_put_pkt(buf, &at, 0);
	put("fuzz_hvsock_msg", "stream_fin", buf, at);
	hvsock_put_pkt(buf, &at, 1);
	put("fuzz_hvsock_msg", "stream_data_after_fin", buf, at);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: fuzz_seeds OUTDIR\n");
		return 2;
	}
	top = argv[1];
	mkdir(top, 0755);
	kvp_seeds();
	kvp_ip_seeds();
	ic_seeds();
	ts_seeds();
	msg_seeds();
	ring_seeds();
	fcopy_name_seeds();
	vstor_seeds();
	kbd_seeds();
	hid_seeds();
	synthvid_seeds();
	mmio_seeds();
	hvsock_seeds();
	return 0;
}
