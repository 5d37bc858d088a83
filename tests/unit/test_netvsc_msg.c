// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_netvsc_msg.c: unit tests of lib/netvsc_msg.c: NVSP and RNDIS message checks in
 * both directions, buffer completions, transfer-page packets, hostile offsets and
 * counts (including u32 values that wrap), PPI walking, the PACKET builder, wire sizes
 * and OIDs against upstream's, NVSP request sizes per version, the receive section
 * cap, and the NDIS offload objects (capabilities and parameters).
 */
#include "tap.h"
#include "netvsc_msg.h"

static u8 buf[8192] __attribute__((aligned(8)));

#define RECV_BUF	(16u * 1024 * 1024)
#define SECTION		NETVSC_RECV_SECTION_SIZE

/*
 * A refusal for the intended reason: @rc is @want and the check's explanation (*why,
 * read after the call) names @reason.
 */
static void refused_by(int rc, int want, const char *why, const char *reason, const char *what)
{
	tap_check(rc == want && why && strstr(why, reason), "%s (%s)", what, why ? why : "-");
}

#define refused(call, want, reason, what) \
	do { int rc_ = (call); refused_by(rc_, want, why, reason, what); } while (0)

static void put32(u32 off, u32 v)
{
	memcpy(buf + off, &v, 4);
}

static void put16(u32 off, u16 v)
{
	memcpy(buf + off, &v, 2);
}

/* An NVSP message of type with a zero body; returns 4 + body bytes. */
static u32 nvsp(u32 type, u32 body)
{
	memset(buf, 0, sizeof(buf));
	put32(0, type);
	return NVSP_HDR_BYTES + body;
}

/* An RNDIS message of type and msg_len, zero filled. */
static u32 rndis(u32 type, u32 msg_len)
{
	memset(buf, 0, sizeof(buf));
	put32(0, type);
	put32(4, msg_len);
	return msg_len;
}

/*
 * A transfer-page packet: n ranges of len bytes each, section i at i * SECTION, then an
 * NVSP SEND_RNDIS_PKT at offset8 * 8.  Returns the packet length.
 */
static u32 xfer(u32 n, u32 len)
{
	u32 hdr = 24 + n * 8, off8 = (hdr + 7) / 8, i;

	memset(buf, 0, sizeof(buf));
	put16(0, VM_PKT_DATA_USING_XFER_PAGES);
	put16(2, off8);
	put16(4, (off8 * 8 + 28) / 8);
	put16(16, NVSP_RECV_BUFFER_ID);
	put32(20, n);
	for (i = 0; i < n; i++) {
		put32(24 + i * 8, len);
		put32(24 + i * 8 + 4, i * SECTION);
	}
	put32(off8 * 8, NVSP_MSG1_SEND_RNDIS_PKT);
	return off8 * 8 + 28;
}

/* A PACKET with a 60-byte frame after the PPI area [ppi_off, ppi_off + ppi_len). */
static u32 packet(u32 ppi_len)
{
	u32 ppi_off = 36, data_off = ppi_off + ppi_len, len = 8 + data_off + 60;

	rndis(RNDIS_MSG_PACKET, len);
	put32(8, data_off);
	put32(12, 60);
	if (ppi_len) {
		put32(8 + 20, ppi_off);
		put32(8 + 24, ppi_len);
	}
	return len;
}

/* Writes a PPI element at byte at (from buf): size, type, ppi_offset 12, value. */
static void ppi(u32 at, u32 size, u32 type, u32 value)
{
	put32(at, size);
	put32(at + 4, type);
	put32(at + 8, 12);
	if (size >= 16)
		put32(at + 12, value);
}

/* Wire sizes and numbers as upstream's hyperv_net.h and include/linux/rndis.h have them. */
static void test_sizes_and_oids(void)
{
	tap_check(sizeof(struct nvsp_msg) == 40 && NVSP_MSG_BYTES_V61 == 40 &&
		  NVSP_MSG_BYTES_V1 == 28, "struct nvsp_msg is 40 bytes like nvsp_message");
	tap_check(RNDIS_OID_GEN_FRIENDLY_NAME == 0x00020216,
		  "RNDIS_OID_GEN_FRIENDLY_NAME is 0x00020216");
	tap_check(OID_TCP_OFFLOAD_PARAMETERS == 0xfc01020c &&
		  OID_TCP_OFFLOAD_HARDWARE_CAPABILITIES == 0xfc01020d, "offload OIDs");
	tap_check(sizeof(struct ndis_offload) == 156 && NDIS_OFFLOAD_SIZE_6_0 == 112 &&
		  NDIS_OFFLOAD_SIZE_6_1 == 144 && sizeof(struct ndis_offload_params) == 28 &&
		  NDIS_OFFLOAD_PARAMS_SIZE_V4 == 22 && NDIS_OBJECT_TYPE_OFFLOAD == 0xa7,
		  "ndis_offload 156 (6.0: 112, 6.1: 144), ndis_offload_params 28 (NVSP 4: 22)");
}

static void test_request_len(void)
{
	const char *why = "";

	tap_check(nvsp_msg_min_len(0) == 28 && nvsp_msg_min_len(NVSP_VERSION_6) == 28 &&
		  nvsp_msg_min_len(NVSP_VERSION_61) == 40, "request sizes: 28 before 6.1, 40 from 6.1");
	tap_check(!nvsp_request_len_check(28, NVSP_VERSION_5, &why) &&
		  !nvsp_request_len_check(40, NVSP_VERSION_61, &why),
		  "a 28-byte request at NVSP 5 and a 40-byte one at 6.1 pass");
	refused(nvsp_request_len_check(32, NVSP_VERSION_61, &why), -EINVAL,
		"shorter than the negotiated version's size",
		"a 28-byte request (32 with ring padding) at NVSP 6.1 is refused");
	refused(nvsp_request_len_check(16, 0, &why), -EINVAL,
		"shorter than the negotiated version's size",
		"a 12-byte INIT (16 padded) before any version is refused");
}

static void test_section_cap(void)
{
	struct nvsp1_recv_buffer_complete rc = { .status = NVSP_STAT_SUCCESS, .num_sections = 1 };
	const u32 big = 31u * 1024 * 1024;
	const char *why = "";
	u32 a = 0, b = 0;

	rc.section.sub_alloc_size = NETVSC_RECV_SECTION_MAX;
	rc.section.num_sub_allocs = 2;
	tap_check(!nvsp_recv_buf_check(&rc, big, &a, &b, &why) && a == NETVSC_RECV_SECTION_MAX &&
		  b == 2, "a section of exactly NETVSC_RECV_SECTION_MAX (128 KiB) is taken");
	rc.section.sub_alloc_size = NETVSC_RECV_SECTION_MAX + 1;
	refused(nvsp_recv_buf_check(&rc, big, &a, &b, &why), -EINVAL,
		"sub_alloc_size above the maximum", "a section one byte above the maximum is refused");
	rc.section.sub_alloc_size = 8u * 1024 * 1024;
	refused(nvsp_recv_buf_check(&rc, 16u * 1024 * 1024, &a, &b, &why), -EINVAL,
		"sub_alloc_size above the maximum",
		"two 8 MiB sections in a 16 MiB buffer (a >4 MiB kmalloc) are refused");
	rc.section.sub_alloc_size = big;
	rc.section.num_sub_allocs = 1;
	refused(nvsp_recv_buf_check(&rc, big, &a, &b, &why), -EINVAL,
		"sub_alloc_size above the maximum", "one section filling a 31 MiB buffer is refused");
}

/* The capabilities object a host puts in QUERY_C, as the guest checks it. */
static void test_offload_caps(void)
{
	struct ndis_offload caps = {}, out;
	struct ndis_object_header h;
	const char *why = "";
	u8 obj[sizeof(struct ndis_offload) + 8];
	u32 n;

	tap_check(ndis_offload_query_hdr(NVSP_VERSION_61, &h) == 156 && h.type == 0xa7 &&
		  h.revision == 3 && h.size == 156 &&
		  ndis_offload_query_hdr(NVSP_VERSION_4, &h) == 144 && h.revision == 2 &&
		  ndis_offload_query_hdr(NVSP_VERSION_2, &h) == 112 && h.revision == 1,
		  "query header: rev 3/156 from NVSP 5, rev 2/144 at NVSP 4, rev 1/112 before");
	caps.csum.ip4_txenc = NDIS_OFFLOAD_ENCAP_8023;
	caps.rsc_ip4 = 1;
	memset(obj, 0x55, sizeof(obj));
	n = ndis_offload_build(obj, sizeof(obj), NVSP_VERSION_61, &caps);
	tap_check(n == 156 && obj[0] == 0xa7 && obj[1] == 3 && obj[2] == 156 && obj[3] == 0 &&
		  obj[156] == 0x55 && !ndis_offload_parse(obj, n, &out, &why) &&
		  out.csum.ip4_txenc == NDIS_OFFLOAD_ENCAP_8023 && out.rsc_ip4 == 1,
		  "a revision 3 object builds and parses back");
	n = ndis_offload_build(obj, sizeof(obj), NVSP_VERSION_4, &caps);
	tap_check(n == 144 && !ndis_offload_parse(obj, n, &out, &why) && out.rsc_ip4 == 0,
		  "a revision 2 object of 144 bytes: RSC past its size reads 0");
	tap_check(ndis_offload_build(obj, 155, NVSP_VERSION_61, &caps) == 0,
		  "build refuses a buffer one byte short");

	n = ndis_offload_build(obj, sizeof(obj), NVSP_VERSION_61, &caps);
	refused(ndis_offload_parse(obj, 3, &out, &why), -EINVAL, "shorter than its header",
		"a 3-byte object is refused");
	refused(ndis_offload_parse(obj, 157, &out, &why), -EINVAL, "longer than an ndis_offload",
		"an object longer than struct ndis_offload is refused");
	obj[0] = 0x80;
	refused(ndis_offload_parse(obj, n, &out, &why), -EINVAL, "header.type",
		"object type 0x80 (not 0xa7) is refused");
	obj[0] = 0xa7;
	obj[1] = 0;
	refused(ndis_offload_parse(obj, n, &out, &why), -EINVAL, "header.revision",
		"revision 0 is refused");
	obj[1] = 3;
	refused(ndis_offload_parse(obj, n - 1, &out, &why), -EINVAL,
		"header.size past the bytes received", "header.size one past the bytes is refused");
	obj[2] = 111;
	refused(ndis_offload_parse(obj, n, &out, &why), -EINVAL, "below the NDIS 6.0 size",
		"header.size 111 (below the 6.0 size) is refused");
	obj[2] = 112;
	tap_check(!ndis_offload_parse(obj, 112, &out, &why) && out.ipsecv2.encap == 0,
		  "a 112-byte NDIS 6.0 object is accepted");
}

/* The parameters a guest sets, as the host checks them. */
static void test_offload_params(void)
{
	struct ndis_offload_params p, out;
	struct ndis_offload caps = {};
	const char *why = "";
	u8 obj[40] = {};
	u32 n;

	n = ndis_offload_params_all_off(NVSP_VERSION_61, &p);
	tap_check(n == 28 && p.header.type == NDIS_OBJECT_TYPE_DEFAULT && p.header.revision == 3 &&
		  p.header.size == 28 && p.ip_v4_csum == 1 && p.tcp_ip_v4_csum == 1 &&
		  p.udp_ip_v4_csum == 1 && p.tcp_ip_v6_csum == 1 && p.udp_ip_v6_csum == 1 &&
		  p.lso_v2_ipv4 == 1 && p.lso_v2_ipv6 == 1 && p.rsc_ip_v4 == 1 && p.rsc_ip_v6 == 1,
		  "all off at NVSP 6.1: 28 bytes, every offload disabled");
	memcpy(obj, &p, n);
	tap_check(!ndis_offload_params_parse(obj, n, &out, &why) &&
		  !ndis_offload_params_unsupported(&out, &caps),
		  "the host accepts all-off against a NIC with no offloads");
	n = ndis_offload_params_all_off(NVSP_VERSION_4, &p);
	tap_check(n == 22 && p.header.size == 22 && p.udp_ip_v4_csum == 0 && p.udp_ip_v6_csum == 0,
		  "all off at NVSP 4: 22 bytes, UDP checksum fields left NO_CHANGE");
	memset(obj, 0, sizeof(obj));
	memcpy(obj, &p, n);
	obj[22] = 9;	/* past the 22 bytes: never read */
	tap_check(!ndis_offload_params_parse(obj, n, &out, &why) && out.rsc_ip_v4 == 0,
		  "a 22-byte object is accepted; bytes past header.size are not read");

	n = ndis_offload_params_all_off(NVSP_VERSION_61, &p);
	memcpy(obj, &p, n);
	refused(ndis_offload_params_parse(obj, 3, &out, &why), -EINVAL, "shorter than their header",
		"3 bytes are refused");
	obj[0] = 0xa7;
	refused(ndis_offload_params_parse(obj, n, &out, &why), -EINVAL, "header.type",
		"object type 0xa7 (not 0x80) is refused");
	obj[0] = 0x80;
	obj[1] = 0;
	refused(ndis_offload_params_parse(obj, n, &out, &why), -EINVAL, "header.revision",
		"revision 0 is refused");
	obj[1] = 3;
	refused(ndis_offload_params_parse(obj, 27, &out, &why), -EINVAL,
		"header.size past the bytes received", "header.size 28 in 27 bytes is refused");
	obj[2] = 21;
	refused(ndis_offload_params_parse(obj, n, &out, &why), -EINVAL, "below the NVSP 4 size",
		"header.size 21 is refused");
	obj[2] = 28;
	obj[offsetof(struct ndis_offload_params, tcp_ip_v4_csum)] = 5;
	refused(ndis_offload_params_parse(obj, n, &out, &why), -EINVAL, "tcp_ip_v4_csum out of range",
		"a checksum setting of 5 is refused, the field named");
	obj[offsetof(struct ndis_offload_params, tcp_ip_v4_csum)] = 1;
	obj[offsetof(struct ndis_offload_params, rsc_ip_v6)] = 3;
	refused(ndis_offload_params_parse(obj, n, &out, &why), -EINVAL, "rsc_ip_v6 out of range",
		"an RSC setting of 3 is refused, the field named");
	obj[offsetof(struct ndis_offload_params, rsc_ip_v6)] = 1;
	obj[offsetof(struct ndis_offload_params, lso_v2_ipv4)] = 2;
	tap_check(!ndis_offload_params_parse(obj, n, &out, &why) &&
		  ndis_offload_params_unsupported(&out, &caps) &&
		  !strcmp(ndis_offload_params_unsupported(&out, &caps), "lso_v2_ipv4"),
		  "turning LSOv2 IPv4 on where the caps lack it is named");
	caps.lsov2.ip4_encap = NDIS_OFFLOAD_ENCAP_8023;
	tap_check(!ndis_offload_params_unsupported(&out, &caps),
		  "... and allowed where the caps offer it");
	obj[offsetof(struct ndis_offload_params, lso_v2_ipv4)] = 1;
	obj[offsetof(struct ndis_offload_params, udp_ip_v6_csum)] = 3;	/* rx on */
	caps.csum.ip6_txcsum = NDIS_TXCSUM_CAP_UDP6;
	tap_check(!ndis_offload_params_parse(obj, n, &out, &why) &&
		  ndis_offload_params_unsupported(&out, &caps) &&
		  !strcmp(ndis_offload_params_unsupported(&out, &caps), "udp_ip_v6_csum"),
		  "UDPv6 receive checksum on with only the transmit cap is named");
}

/* ---- rss ---- */

static void test_rss_cap(void)
{
	struct ndis_recv_scale_cap c = {
		.hdr = { NDIS_OBJECT_TYPE_RSS_CAPABILITIES, 2, sizeof(c) },
		.num_recv_que = 8, .num_indirect_tabent = 128,
	};
	const char *why = NULL;
	u32 q = 0, t = 0;

	tap_check(!ndis_rss_cap_parse(&c, sizeof(c), &q, &t, &why) && q == 8 && t == 128,
		  "RSS capabilities: 8 queues, 128 entries");
	c.num_indirect_tabent = 0;
	tap_check(!ndis_rss_cap_parse(&c, sizeof(c), &q, &t, &why) && t == NETVSC_ITAB_DEFAULT,
		  "RSS capabilities without a table size: 128");
	c.num_indirect_tabent = 257;
	refused(ndis_rss_cap_parse(&c, sizeof(c), &q, &t, &why), -EINVAL, "num_indirect_tabent",
		"a table of 257 entries is refused");
	c.num_indirect_tabent = 64;
	c.num_recv_que = 0;
	refused(ndis_rss_cap_parse(&c, sizeof(c), &q, &t, &why), -EINVAL, "num_recv_que",
		"0 queues is refused");
	c.num_recv_que = 4;
	refused(ndis_rss_cap_parse(&c, sizeof(c) - 1, &q, &t, &why), -EINVAL, "shorter",
		"a 17-byte answer is refused");
	c.hdr.size = sizeof(c) + 1;
	refused(ndis_rss_cap_parse(&c, sizeof(c), &q, &t, &why), -EINVAL, "header size",
		"a header size past the answer is refused");
	c.hdr.size = sizeof(c);
	c.hdr.type = NDIS_OBJECT_TYPE_RSS_PARAMETERS;
	refused(ndis_rss_cap_parse(&c, sizeof(c), &q, &t, &why), -EINVAL, "header type",
		"a wrong header type is refused");
}

static void test_rss_params(void)
{
	static struct netvsc_rss_conf c, got;
	static u8 m[1200];
	struct ndis_recv_scale_param p;
	const char *why = NULL;
	u32 len, i;

	c.hashinfo = NDIS_HASH_FUNC_TOEPLITZ | NETVSC_RSS_HASH_TYPES;
	c.n_itab = 128;
	for (i = 0; i < c.n_itab; i++)
		c.itab[i] = i % 4;
	for (i = 0; i < NETVSC_HASH_KEYLEN; i++)
		c.key[i] = (u8)(i * 7 + 1);
	len = ndis_rss_params_build(m, sizeof(m), &c);
	tap_check(len == 40 + 512 + 40, "RSS parameters: 40 + 128 x 4 + 40 bytes");
	tap_check(!ndis_rss_params_parse(m, len, 4, &got, &why) && got.n_itab == 128 &&
		  got.itab[5] == 1 && got.hashinfo == c.hashinfo &&
		  !memcmp(got.key, c.key, NETVSC_HASH_KEYLEN),
		  "RSS parameters round trip (table, key, hash info)");
	refused(ndis_rss_params_parse(m, len, 3, &got, &why), -EINVAL, "past the open channels",
		"a table entry naming channel 3 of 3 is refused");
	refused(ndis_rss_params_parse(m, len - 1, 4, &got, &why), -EINVAL, "hashkey_offset",
		"a key one byte past the message is refused");
	tap_check(!ndis_rss_params_build(m, len - 1, &c), "build refuses a short buffer");

	memcpy(&p, m, sizeof(p));
	p.hashinfo = NDIS_HASH_FUNC_TOEPLITZ | NDIS_HASH_IPV6_EX;
	memcpy(m, &p, sizeof(p));
	refused(ndis_rss_params_parse(m, len, 4, &got, &why), -EINVAL, "does not offer",
		"an _EX hash type is refused");
	p.hashinfo = 2 | NDIS_HASH_IPV4;
	memcpy(m, &p, sizeof(p));
	refused(ndis_rss_params_parse(m, len, 4, &got, &why), -EINVAL, "not Toeplitz",
		"a hash function other than Toeplitz is refused");
	p.hashinfo = c.hashinfo;
	p.indirect_tabsize = 100 * 4;
	memcpy(m, &p, sizeof(p));
	refused(ndis_rss_params_parse(m, len, 4, &got, &why), -EINVAL, "power of two",
		"a table of 100 entries is refused");
	p.indirect_tabsize = 512;
	p.hashkey_offset = 40 + 500;
	memcpy(m, &p, sizeof(p));
	refused(ndis_rss_params_parse(m, len, 4, &got, &why), -EINVAL, "overlaps",
		"a key overlapping the table is refused");
	p.hashkey_offset = 40 + 512;
	p.hashkey_size = 16;
	memcpy(m, &p, sizeof(p));
	refused(ndis_rss_params_parse(m, len, 4, &got, &why), -EINVAL, "hashkey_size",
		"a 16-byte key is refused");
	p.hashkey_size = 40;
	p.indirect_taboffset = 20;
	memcpy(m, &p, sizeof(p));
	refused(ndis_rss_params_parse(m, len, 4, &got, &why), -EINVAL, "indirect_taboffset",
		"a table inside the object's fixed part is refused");
	p.indirect_taboffset = 40;
	p.indirect_tabsize = 0xfffc;
	memcpy(m, &p, sizeof(p));
	refused(ndis_rss_params_parse(m, len, 4, &got, &why), -EINVAL, "indirect_tabsize",
		"a 16383-entry table is refused");

	/* Only the key changes: the table stays. */
	memset(&got, 0, sizeof(got));
	got.n_itab = 7;
	p.indirect_tabsize = 512;
	p.flag = NDIS_RSS_PARAM_FLAG_ITABLE_UNCHANGED;
	memcpy(m, &p, sizeof(p));
	tap_check(!ndis_rss_params_parse(m, len, 4, &got, &why) && got.n_itab == 7 &&
		  got.key[1] == 8, "ITABLE_UNCHANGED: the key is taken, the table kept");
	p.flag = NDIS_RSS_PARAM_FLAG_DISABLE_RSS;
	p.hashinfo = 0;
	memcpy(m, &p, sizeof(p));
	tap_check(!ndis_rss_params_parse(m, 40, 1, &got, &why) &&
		  got.flag == NDIS_RSS_PARAM_FLAG_DISABLE_RSS, "DISABLE_RSS needs no table");
}

/* migrate: SEND_VF_ASSOCIATION and SWITCH_DATA_PATH bodies. */
static void test_vf_msgs(void)
{
	const char *why = "";
	bool alloc = false, to_vf = true;
	u32 serial = 0, len;

	len = nvsp(NVSP_MSG4_SEND_VF_ASSOCIATION, 8);
	put32(4, 1);
	put32(8, 7);
	tap_check(nvsp_msg_check(buf, len, NETVSC_FROM_HOST, &why) ==
		  NVSP_MSG4_SEND_VF_ASSOCIATION &&
		  !nvsp_vf_assoc_parse(buf + 4, len - 4, &alloc, &serial, &why) && alloc &&
		  serial == 7, "VF association: allocated, serial 7");
	put32(4, 0);
	tap_check(!nvsp_vf_assoc_parse(buf + 4, len - 4, &alloc, &serial, &why) && !alloc,
		  "VF association: revoked");
	put32(4, 2);
	refused(nvsp_vf_assoc_parse(buf + 4, len - 4, &alloc, &serial, &why), -EINVAL,
		"allocated", "VF association with allocated 2 is refused");
	refused(nvsp_vf_assoc_parse(buf + 4, 7, &alloc, &serial, &why), -EINVAL,
		"vf_association_len", "VF association of 7 bytes is refused");
	refused(nvsp_msg_check(buf, len, NETVSC_FROM_GUEST, &why), -EPROTO,
		"NVSP type the guest may not send", "a guest does not send VF associations");

	len = nvsp(NVSP_MSG4_SWITCH_DATA_PATH, 4);
	put32(4, NVSP_DATAPATH_VF);
	tap_check(nvsp_msg_check(buf, len, NETVSC_FROM_GUEST, &why) == NVSP_MSG4_SWITCH_DATA_PATH &&
		  !nvsp_datapath_parse(buf + 4, len - 4, &to_vf, &why) && to_vf,
		  "switch data path to the VF");
	put32(4, NVSP_DATAPATH_SYNTHETIC);
	tap_check(!nvsp_datapath_parse(buf + 4, len - 4, &to_vf, &why) && !to_vf,
		  "switch data path to synthetic");
	put32(4, 2);
	refused(nvsp_datapath_parse(buf + 4, len - 4, &to_vf, &why), -EINVAL, "active_datapath",
		"data path 2 is refused");
	refused(nvsp_datapath_parse(buf + 4, 3, &to_vf, &why), -EINVAL, "datapath_len",
		"a 3-byte data path body is refused");
}

/* A SEND_INDIRECTION_TABLE: count, offset, entries e0 + i % mod at off. */
static u32 send_table(u32 count, u32 off, u32 len, u32 mod)
{
	u32 i;

	nvsp(NVSP_MSG5_SEND_INDIRECTION_TABLE, len - NVSP_HDR_BYTES);
	put32(4, count);
	put32(8, off);
	for (i = 0; i < VRSS_SEND_TAB_SIZE && (u64)off + 4 * i + 4 <= len; i++)
		put32(off + 4 * i, i % mod);
	return len;
}

static void test_send_table(void)
{
	const u32 full = NVSP5_SEND_TABLE_MSG_BYTES;
	u32 tab[VRSS_SEND_TAB_SIZE], len, i;
	const char *why = "";
	bool ok;

	len = send_table(VRSS_SEND_TAB_SIZE, NVSP5_SEND_TABLE_OFFSET, full, 4);
	tap_check(nvsp_msg_check(buf, len, NETVSC_FROM_HOST, &why) ==
		  NVSP_MSG5_SEND_INDIRECTION_TABLE, "send table: the NVSP check passes it");
	memset(tab, 0xff, sizeof(tab));
	ok = !nvsp_send_table_parse(buf, len, NVSP_VERSION_61, 4, tab, &why);
	for (i = 0; ok && i < VRSS_SEND_TAB_SIZE; i++)
		ok = tab[i] == i % 4;
	tap_check(ok, "send table of 16 entries over 4 channels, read at its offset");
	/* The entries right after the fields: fine from 6.1 on. */
	len = send_table(VRSS_SEND_TAB_SIZE, 12, 12 + 64, 2);
	tap_check(!nvsp_send_table_parse(buf, len, NVSP_VERSION_61, 2, tab, &why) &&
		  tab[1] == 1 && tab[2] == 0, "send table right after its fields (NVSP 6.1)");
	/* Up to NVSP 6 the entries are after a whole message, whatever offset says. */
	len = send_table(VRSS_SEND_TAB_SIZE, NVSP5_SEND_TABLE_OFFSET, full, 3);
	put32(8, 0);
	tap_check(!nvsp_send_table_parse(buf, len, NVSP_VERSION_5, 3, tab, &why) && tab[4] == 1,
		  "send table with offset 0 at NVSP 5: read after the whole message");
	refused(nvsp_send_table_parse(buf, len, NVSP_VERSION_61, 3, tab, &why), -EINVAL,
		"send table offset", "send table with offset 0 at NVSP 6.1 is refused");

	memset(tab, 0xaa, sizeof(tab));
	len = send_table(8, NVSP5_SEND_TABLE_OFFSET, full, 4);
	refused(nvsp_send_table_parse(buf, len, NVSP_VERSION_61, 4, tab, &why), -EINVAL,
		"send table count", "send table of 8 entries is refused");
	len = send_table(VRSS_SEND_TAB_SIZE, NVSP5_SEND_TABLE_OFFSET + 4, full, 4);
	refused(nvsp_send_table_parse(buf, len, NVSP_VERSION_61, 4, tab, &why), -EINVAL,
		"send table offset", "send table whose last entry is past the message is refused");
	len = send_table(VRSS_SEND_TAB_SIZE, 0xfffffffc, full, 4);
	refused(nvsp_send_table_parse(buf, len, NVSP_VERSION_61, 4, tab, &why), -EINVAL,
		"send table offset", "send table offset 0xfffffffc is refused (no wrap)");
	len = send_table(VRSS_SEND_TAB_SIZE, 8, 8 + 64, 4);
	refused(nvsp_send_table_parse(buf, len, NVSP_VERSION_61, 4, tab, &why), -EINVAL,
		"send table offset", "send table over its own offset field is refused");
	len = send_table(VRSS_SEND_TAB_SIZE, NVSP5_SEND_TABLE_OFFSET, full, 4);
	refused(nvsp_send_table_parse(buf, len, NVSP_VERSION_61, 3, tab, &why), -EINVAL,
		"send table entry", "send table naming channel 3 of 3 is refused");
	refused(nvsp_send_table_parse(buf, 11, NVSP_VERSION_61, 4, tab, &why), -EINVAL,
		"send table message length", "an 11-byte send table message is refused");
	tap_check(tab[0] == 0xaaaaaaaa && tab[15] == 0xaaaaaaaa,
		  "a refused send table leaves the caller's table untouched");
}

int main(void)
{
	struct nvsp1_recv_buffer_complete rc;
	struct nvsp1_send_buffer_complete sc;
	struct rndis_packet_view v;
	const char *why = "";
	u32 len, type, mlen, a, b, c, d;
	const void *p;

	/* ---- NVSP messages ---- */
	tap_check(nvsp_msg_check(buf, 3, NETVSC_FROM_HOST, &why) == -EINVAL,
		  "an NVSP message shorter than the type word is refused");
	len = nvsp(NVSP_MSG_INIT_COMPLETE, 12);
	tap_check(nvsp_msg_check(buf, len, NETVSC_FROM_HOST, &why) == NVSP_MSG_INIT_COMPLETE,
		  "INIT_COMPLETE from the host");
	refused(nvsp_msg_check(buf, len - 1, NETVSC_FROM_HOST, &why),
		-EINVAL, "NVSP message shorter than its body",
		"INIT_COMPLETE one byte short is refused");
	refused(nvsp_msg_check(buf, len, NETVSC_FROM_GUEST, &why),
		-EPROTO, "NVSP type the guest may not send",
		"INIT_COMPLETE from the guest is the wrong direction");
	len = nvsp(NVSP_MSG_INIT, 8);
	tap_check(nvsp_msg_check(buf, len, NETVSC_FROM_GUEST, &why) == NVSP_MSG_INIT &&
		  nvsp_msg_check(buf, len, NETVSC_FROM_HOST, &why) == -EPROTO,
		  "INIT only from the guest");
	len = nvsp(NVSP_MSG1_SEND_RNDIS_PKT, 24);
	tap_check(nvsp_msg_check(buf, len, NETVSC_FROM_GUEST, &why) == NVSP_MSG1_SEND_RNDIS_PKT &&
		  nvsp_msg_check(buf, len, NETVSC_FROM_HOST, &why) == NVSP_MSG1_SEND_RNDIS_PKT,
		  "a 28-byte SEND_RNDIS_PKT from either side");
	tap_check(nvsp_msg_check(buf, 15, NETVSC_FROM_HOST, &why) == -EINVAL,
		  "SEND_RNDIS_PKT of 15 bytes is refused");
	len = nvsp(NVSP_MSG1_SEND_RECV_BUF, 6);
	tap_check(nvsp_msg_check(buf, len, NETVSC_FROM_GUEST, &why) == NVSP_MSG1_SEND_RECV_BUF,
		  "a 10-byte SEND_RECV_BUF from the guest");
	len = nvsp(NVSP_MSG1_REVOKE_SEND_BUF, 2);
	tap_check(nvsp_msg_check(buf, len, NETVSC_FROM_GUEST, &why) == NVSP_MSG1_REVOKE_SEND_BUF &&
		  nvsp_msg_check(buf, len, NETVSC_FROM_HOST, &why) == -EPROTO,
		  "REVOKE_SEND_BUF only from the guest");
	len = nvsp(NVSP_MSG2_SEND_NDIS_CONFIG, 16);
	tap_check(nvsp_msg_check(buf, len, NETVSC_FROM_GUEST, &why) == NVSP_MSG2_SEND_NDIS_CONFIG &&
		  nvsp_msg_check(buf, len - 1, NETVSC_FROM_GUEST, &why) == -EINVAL,
		  "SEND_NDIS_CONFIG needs its 16-byte body");
	len = nvsp(NVSP_MSG5_SUBCHANNEL, 8);
	tap_check(nvsp_msg_check(buf, len, NETVSC_FROM_HOST, &why) == NVSP_MSG5_SUBCHANNEL &&
		  nvsp_msg_check(buf, len, NETVSC_FROM_GUEST, &why) == NVSP_MSG5_SUBCHANNEL,
		  "SUBCHANNEL request and completion");
	len = nvsp(NVSP_MSG5_SEND_INDIRECTION_TABLE, 8);
	tap_check(nvsp_msg_check(buf, len, NETVSC_FROM_HOST, &why) ==
		  NVSP_MSG5_SEND_INDIRECTION_TABLE &&
		  nvsp_msg_check(buf, len, NETVSC_FROM_GUEST, &why) == -EPROTO,
		  "SEND_INDIRECTION_TABLE only from the host");
	len = nvsp(NVSP_MSG4_SWITCH_DATA_PATH, 4);
	tap_check(nvsp_msg_check(buf, len, NETVSC_FROM_GUEST, &why) == NVSP_MSG4_SWITCH_DATA_PATH &&
		  nvsp_msg_check(buf, len, NETVSC_FROM_HOST, &why) == -EPROTO,
		  "SWITCH_DATA_PATH only from the guest");
	len = nvsp(NVSP_MSG5_OID_QUERY_EX, 24);
	tap_check(nvsp_msg_check(buf, len, NETVSC_FROM_HOST, &why) == -EPROTO &&
		  nvsp_msg_check(buf, len, NETVSC_FROM_GUEST, &why) == -EPROTO,
		  "OID_QUERY_EX from neither side");
	len = nvsp(0xdeadbeef, 24);
	refused(nvsp_msg_check(buf, len, NETVSC_FROM_HOST, &why), -EPROTO, "unknown NVSP type",
		"an unknown NVSP type is refused");
	tap_check(!strcmp(nvsp_msg_name(NVSP_MSG1_SEND_RNDIS_PKT), "SEND_RNDIS_PKT") &&
		  !strcmp(nvsp_msg_name(999), "UNKNOWN"), "NVSP names");

	/* SEND_RECV_BUF_COMPLETE: 24-byte body, one section when SUCCESS. */
	len = nvsp(NVSP_MSG1_SEND_RECV_BUF_COMPLETE, 24);
	put32(4, NVSP_STAT_SUCCESS);
	put32(8, 1);
	tap_check(nvsp_msg_check(buf, len, NETVSC_FROM_HOST, &why) ==
		  NVSP_MSG1_SEND_RECV_BUF_COMPLETE, "RECV_BUF_COMPLETE with one section");
	tap_check(nvsp_msg_check(buf, len - 1, NETVSC_FROM_HOST, &why) == -EINVAL,
		  "RECV_BUF_COMPLETE one byte short is refused");
	put32(8, 0);
	refused(nvsp_msg_check(buf, len, NETVSC_FROM_HOST, &why), -EINVAL, "num_sections not 1",
		"RECV_BUF_COMPLETE with 0 sections is refused");
	put32(8, 2);
	tap_check(nvsp_msg_check(buf, len, NETVSC_FROM_HOST, &why) == -EINVAL,
		  "RECV_BUF_COMPLETE with 2 sections is refused");
	put32(4, NVSP_STAT_FAIL);
	tap_check(nvsp_msg_check(buf, len, NETVSC_FROM_HOST, &why) ==
		  NVSP_MSG1_SEND_RECV_BUF_COMPLETE,
		  "a failed RECV_BUF_COMPLETE skips the section check");

	/* ---- buffer completions ---- */
	memset(&rc, 0, sizeof(rc));
	rc.status = NVSP_STAT_SUCCESS;
	rc.num_sections = 1;
	rc.section.sub_alloc_size = SECTION;
	rc.section.num_sub_allocs = RECV_BUF / SECTION;
	a = 0;
	b = 0;
	tap_check(!nvsp_recv_buf_check(&rc, RECV_BUF, &a, &b, &why) && a == SECTION &&
		  b == RECV_BUF / SECTION, "the default receive buffer completion");
	rc.num_sections = 0;
	tap_check(nvsp_recv_buf_check(&rc, RECV_BUF, &a, &b, &why) == -EINVAL,
		  "recv completion with 0 sections is refused");
	rc.num_sections = 2;
	tap_check(nvsp_recv_buf_check(&rc, RECV_BUF, &a, &b, &why) == -EINVAL,
		  "recv completion with 2 sections is refused");
	rc.num_sections = 1;
	rc.section.offset = 8;
	tap_check(nvsp_recv_buf_check(&rc, RECV_BUF, &a, &b, &why) == -EINVAL,
		  "a section not at offset 0 is refused");
	rc.section.offset = 0;
	rc.section.sub_alloc_size = NETVSC_MIN_SECTION_SIZE - 1;
	refused(nvsp_recv_buf_check(&rc, RECV_BUF, &a, &b, &why),
		-EINVAL, "sub_alloc_size below the minimum", "sub_alloc_size 67 is refused");
	rc.section.sub_alloc_size = NETVSC_MIN_SECTION_SIZE;
	rc.section.num_sub_allocs = 0;
	tap_check(nvsp_recv_buf_check(&rc, RECV_BUF, &a, &b, &why) == -EINVAL,
		  "num_sub_allocs 0 is refused");
	rc.section.sub_alloc_size = 0x10000;
	rc.section.num_sub_allocs = 0x10000;
	tap_check(nvsp_recv_buf_check(&rc, RECV_BUF, &a, &b, &why) == -EINVAL,
		  "size * count wrapping u32 to 0 is refused");
	rc.section.sub_alloc_size = SECTION;
	rc.section.num_sub_allocs = RECV_BUF / SECTION + 1;
	tap_check(nvsp_recv_buf_check(&rc, RECV_BUF, &a, &b, &why) == -EINVAL,
		  "one section more than the buffer holds is refused");
	rc.section.num_sub_allocs = RECV_BUF / SECTION;
	rc.status = NVSP_STAT_FAIL;
	tap_check(nvsp_recv_buf_check(&rc, RECV_BUF, &a, &b, &why) == -EINVAL,
		  "a failed recv completion is refused");

	sc.status = NVSP_STAT_SUCCESS;
	sc.section_size = NETVSC_SEND_SECTION_SIZE;
	tap_check(!nvsp_send_buf_check(&sc, 1024 * 1024, &a, &why) && a == 170,
		  "the default send buffer: 170 sections");
	sc.section_size = NETVSC_MIN_SECTION_SIZE - 1;
	tap_check(nvsp_send_buf_check(&sc, 1024 * 1024, &a, &why) == -EINVAL,
		  "send section_size too small is refused");
	sc.section_size = 1024 * 1024 + 1;
	tap_check(nvsp_send_buf_check(&sc, 1024 * 1024, &a, &why) == -EINVAL,
		  "send section_size beyond the buffer is refused");
	sc.section_size = 1024 * 1024;
	tap_check(!nvsp_send_buf_check(&sc, 1024 * 1024, &a, &why) && a == 1,
		  "one section the size of the buffer");

	/* ---- transfer-page packets ---- */
	len = xfer(2, 100);
	tap_check(nvsp_xfer_check(buf, len, RECV_BUF, SECTION, 562, &why) == 2,
		  "a 2-range transfer-page packet");
	len = xfer(1, SECTION);
	tap_check(nvsp_xfer_check(buf, len, RECV_BUF, SECTION, 562, &why) == 1,
		  "a range exactly one section long");
	put32(24, SECTION + 1);
	refused(nvsp_xfer_check(buf, len, RECV_BUF, SECTION, 562, &why),
		-EINVAL, "range longer than a section", "a range longer than a section is refused");
	put32(24, 100);
	put32(28, RECV_BUF - 100);
	tap_check(nvsp_xfer_check(buf, len, RECV_BUF, SECTION, 562, &why) == 1,
		  "a range ending exactly at the buffer end");
	put32(28, RECV_BUF - 99);
	refused(nvsp_xfer_check(buf, len, RECV_BUF, SECTION, 562, &why),
		-EINVAL, "range past the receive buffer",
		"a range one byte past the buffer end is refused");
	put32(28, 0xfffffff8);
	tap_check(nvsp_xfer_check(buf, len, RECV_BUF, SECTION, 0xffffffff, &why) == -EINVAL,
		  "a range offset 0xfffffff8 that wraps is refused");
	put32(28, 0);
	put32(20, 0);
	tap_check(nvsp_xfer_check(buf, len, RECV_BUF, SECTION, 562, &why) == -EINVAL,
		  "range_cnt 0 is refused");
	put32(20, 0x20000000);
	refused(nvsp_xfer_check(buf, len, RECV_BUF, SECTION, 0xffffffff, &why),
		-EINVAL, "range_cnt past offset8", "a huge range_cnt is refused without overflow");
	put32(20, 2);
	refused(nvsp_xfer_check(buf, len, RECV_BUF, SECTION, 562, &why),
		-EINVAL, "range_cnt past offset8", "range_cnt past offset8 is refused");
	len = xfer(3, 100);
	tap_check(nvsp_xfer_check(buf, len, RECV_BUF, SECTION, 2, &why) == -EINVAL,
		  "range_cnt above max_ranges is refused");
	len = xfer(1, 100);
	put16(2, len / 8 + 1);
	refused(nvsp_xfer_check(buf, len, RECV_BUF, SECTION, 562, &why),
		-EINVAL, "offset8 past the packet", "offset8 past the packet is refused");
	put16(2, 2);
	tap_check(nvsp_xfer_check(buf, len, RECV_BUF, SECTION, 562, &why) == -EINVAL,
		  "offset8 inside the transfer-page header is refused");
	len = xfer(1, 100);
	tap_check(nvsp_xfer_check(buf, 32 + 3, RECV_BUF, SECTION, 562, &why) == -EINVAL,
		  "an NVSP message shorter than its type word is refused");
	tap_check(nvsp_xfer_check(buf, 23, RECV_BUF, SECTION, 562, &why) == -EINVAL,
		  "a packet shorter than the header is refused");
	put16(16, 0);
	tap_check(nvsp_xfer_check(buf, len, RECV_BUF, SECTION, 562, &why) == -EINVAL,
		  "the send buffer's pageset id is refused");
	len = xfer(1, 100);
	put32(32, NVSP_MSG1_SEND_RNDIS_PKT_COMPLETE);
	tap_check(nvsp_xfer_check(buf, len, RECV_BUF, SECTION, 562, &why) == -EINVAL,
		  "a transfer-page packet not carrying SEND_RNDIS_PKT is refused");

	/* ---- RNDIS messages ---- */
	tap_check(rndis_msg_check(buf, 7, NETVSC_FROM_HOST, &type, &mlen, &why) == -EINVAL,
		  "an RNDIS message shorter than its header is refused");
	len = rndis(RNDIS_MSG_QUERY_C, 24);
	tap_check(!rndis_msg_check(buf, len + 4, NETVSC_FROM_HOST, &type, &mlen, &why) &&
		  type == RNDIS_MSG_QUERY_C && mlen == 24, "QUERY_C from the host, msg_len < len");
	refused(rndis_msg_check(buf, len - 1, NETVSC_FROM_HOST, &type, &mlen, &why),
		-EINVAL, "msg_len past the bytes received",
		"msg_len one past the bytes received is refused");
	tap_check(rndis_msg_check(buf, len, NETVSC_FROM_GUEST, &type, &mlen, &why) == -EPROTO,
		  "QUERY_C from the guest is the wrong direction");
	len = rndis(RNDIS_MSG_QUERY_C, 23);
	refused(rndis_msg_check(buf, len, NETVSC_FROM_HOST, &type, &mlen, &why),
		-EINVAL, "msg_len shorter than the type's fixed part",
		"a QUERY_C shorter than its fixed part is refused");
	len = rndis(RNDIS_MSG_QUERY_C, 4);
	tap_check(rndis_msg_check(buf, 24, NETVSC_FROM_HOST, &type, &mlen, &why) == -EINVAL,
		  "msg_len below 8 is refused");
	len = rndis(RNDIS_MSG_INIT, 24);
	tap_check(!rndis_msg_check(buf, len, NETVSC_FROM_GUEST, &type, &mlen, &why) &&
		  rndis_msg_check(buf, len, NETVSC_FROM_HOST, &type, &mlen, &why) == -EPROTO,
		  "INIT only from the guest");
	len = rndis(RNDIS_MSG_INIT_C, 52);
	tap_check(!rndis_msg_check(buf, len, NETVSC_FROM_HOST, &type, &mlen, &why) &&
		  rndis_msg_check(buf, 51, NETVSC_FROM_HOST, &type, &mlen, &why) == -EINVAL,
		  "INIT_C needs 52 bytes");
	len = rndis(RNDIS_MSG_HALT, 12);
	tap_check(!rndis_msg_check(buf, len, NETVSC_FROM_GUEST, &type, &mlen, &why) &&
		  rndis_msg_check(buf, len, NETVSC_FROM_HOST, &type, &mlen, &why) == -EPROTO,
		  "HALT only from the guest");
	len = rndis(RNDIS_MSG_KEEPALIVE, 12);
	tap_check(!rndis_msg_check(buf, len, NETVSC_FROM_GUEST, &type, &mlen, &why) &&
		  !rndis_msg_check(buf, len, NETVSC_FROM_HOST, &type, &mlen, &why),
		  "KEEPALIVE from either side");
	len = rndis(RNDIS_MSG_KEEPALIVE_C, 16);
	tap_check(!rndis_msg_check(buf, len, NETVSC_FROM_GUEST, &type, &mlen, &why) &&
		  !rndis_msg_check(buf, len, NETVSC_FROM_HOST, &type, &mlen, &why),
		  "KEEPALIVE_C from either side");
	len = rndis(RNDIS_MSG_INDICATE, 20);
	tap_check(!rndis_msg_check(buf, len, NETVSC_FROM_HOST, &type, &mlen, &why) &&
		  rndis_msg_check(buf, len, NETVSC_FROM_GUEST, &type, &mlen, &why) == -EPROTO,
		  "INDICATE only from the host");
	len = rndis(RNDIS_MSG_SET, 28);
	tap_check(!rndis_msg_check(buf, len, NETVSC_FROM_GUEST, &type, &mlen, &why) &&
		  rndis_msg_check(buf, len, NETVSC_FROM_HOST, &type, &mlen, &why) == -EPROTO,
		  "SET only from the guest");
	len = rndis(RNDIS_MSG_RESET_C, 16);
	tap_check(!rndis_msg_check(buf, len, NETVSC_FROM_HOST, &type, &mlen, &why) &&
		  rndis_msg_check(buf, len, NETVSC_FROM_GUEST, &type, &mlen, &why) == -EPROTO,
		  "RESET_C only from the host");
	len = rndis(0x42, 64);
	tap_check(rndis_msg_check(buf, len, NETVSC_FROM_HOST, &type, &mlen, &why) == -EPROTO,
		  "an unknown RNDIS type is refused");
	tap_check(!strcmp(rndis_msg_name(RNDIS_MSG_QUERY_C), "QUERY_C") &&
		  !strcmp(rndis_msg_name(0x42), "UNKNOWN"), "RNDIS names");

	/* ---- PACKET ---- */
	len = packet(0);
	tap_check(!rndis_msg_check(buf, len, NETVSC_FROM_HOST, &type, &mlen, &why) &&
		  !rndis_packet_parse(buf, mlen, 1514, &v, &why) && v.data_off == 44 &&
		  v.data_len == 60 && v.ppi_len == 0, "a PACKET without PPI");
	tap_check(rndis_packet_parse(buf, 43, 1514, &v, &why) == -EINVAL,
		  "a PACKET shorter than its fixed part is refused");
	refused(rndis_packet_parse(buf, len - 1, 1514, &v, &why),
		-EINVAL, "data_len past the message",
		"a frame one byte past the message is refused");
	tap_check(rndis_packet_parse(buf, len, 59, &v, &why) == -EINVAL,
		  "a frame above max_frame is refused");
	put32(12, 0);
	refused(rndis_packet_parse(buf, len, 1514, &v, &why),
		-EINVAL, "data_len zero", "a PACKET with no data is refused");
	put32(12, 13);
	tap_check(!rndis_packet_parse(buf, len, 1514, &v, &why) && v.data_len == 13,
		  "13 bytes pass the PACKET check (an RSC fragment may be that short)");
	put32(12, 60);
	put32(8, len - 8);
	tap_check(rndis_packet_parse(buf, len, 1514, &v, &why) == -EINVAL,
		  "data_offset exactly at the end with data is refused");
	put32(8, len - 8 + 1);
	refused(rndis_packet_parse(buf, len, 1514, &v, &why),
		-EINVAL, "data_offset past the message", "data_offset one past the end is refused");
	put32(8, 0xfffffff8);
	tap_check(rndis_packet_parse(buf, len, 1514, &v, &why) == -EINVAL,
		  "data_offset 0xfffffff8 (wraps with the header) is refused");
	put32(8, 36);
	put32(12, 0xffffffe0);
	tap_check(rndis_packet_parse(buf, len, 0xffffffff, &v, &why) == -EINVAL,
		  "data_len that wraps the offset is refused");
	put32(12, 60);
	put32(8, 8);
	refused(rndis_packet_parse(buf, len, 1514, &v, &why),
		-EINVAL, "data_offset inside the fixed part",
		"data inside the fixed part is refused");

	/* PPI: a VLAN and a hash value, 16 bytes each. */
	len = packet(32);
	ppi(44, 16, PPI_IEEE_8021Q, 0x123);
	ppi(60, 16, PPI_NBL_HASH_VALUE, 0xabcdef);
	tap_check(!rndis_packet_parse(buf, len, 1514, &v, &why) && v.ppi_off == 44 &&
		  v.ppi_len == 32 && v.data_off == 76, "a PACKET with two PPIs");
	{
		u32 po = 0, pl = 0;

		tap_check(rndis_packet_ppi_area(buf, len, &po, &pl) && po == 44 && pl == 32,
			  "rndis_packet_ppi_area: the PPI area the parser reads, from the header");
		tap_check(!rndis_packet_ppi_area(buf, RNDIS_PACKET_HDR_BYTES - 1, &po, &pl),
			  "rndis_packet_ppi_area: nothing for a message shorter than a PACKET");
		tap_check(!rndis_packet_ppi_area(buf, 75, &po, &pl),
			  "rndis_packet_ppi_area: nothing when the area runs past msg_len");
		put32(28, 8);
		tap_check(!rndis_packet_ppi_area(buf, len, &po, &pl),
			  "rndis_packet_ppi_area: nothing when the area overlaps the fixed part");
		put32(28, 0xfffffff0);
		tap_check(!rndis_packet_ppi_area(buf, len, &po, &pl),
			  "rndis_packet_ppi_area: nothing when offset + length wraps");
		put32(28, 36);
		put32(32, 0);
		tap_check(!rndis_packet_ppi_area(buf, len, &po, &pl),
			  "rndis_packet_ppi_area: nothing when there is no PPI");
		put32(32, 32);
	}
	p = rndis_ppi_find(buf, &v, PPI_NBL_HASH_VALUE, 4);
	tap_check(p == buf + 72, "rndis_ppi_find finds the second PPI's value");
	memcpy(&a, p ? p : buf, 4);
	tap_check(p && a == 0xabcdef, "and its value reads back");
	tap_check(!rndis_ppi_find(buf, &v, PPI_TCPIP_CHKSUM, 4),
		  "rndis_ppi_find: a type not present");
	tap_check(!rndis_ppi_find(buf, &v, PPI_IEEE_8021Q | RNDIS_PPI_INTERNAL, 4),
		  "rndis_ppi_find: the internal bit is part of the type");
	tap_check(!rndis_ppi_find(buf, &v, PPI_IEEE_8021Q, 5),
		  "rndis_ppi_find: a value smaller than wanted");
	ppi(60, 0, PPI_NBL_HASH_VALUE, 0);
	refused(rndis_packet_parse(buf, len, 1514, &v, &why),
		-EINVAL, "PPI size smaller than its header", "a PPI of size 0 is refused");
	ppi(60, 20, PPI_NBL_HASH_VALUE, 0);
	refused(rndis_packet_parse(buf, len, 1514, &v, &why), -EINVAL, "PPI size past the PPI area",
		"a PPI larger than the area left is refused");
	ppi(60, 16, PPI_NBL_HASH_VALUE, 0);
	put32(68, 16);
	refused(rndis_packet_parse(buf, len, 1514, &v, &why), -EINVAL, "ppi_offset past the PPI",
		"ppi_offset at the element's end is refused");
	put32(68, 0xfffffff8);
	tap_check(rndis_packet_parse(buf, len, 1514, &v, &why) == -EINVAL,
		  "ppi_offset 0xfffffff8 is refused");
	put32(68, 4);
	tap_check(rndis_packet_parse(buf, len, 1514, &v, &why) == -EINVAL,
		  "ppi_offset inside the PPI header is refused");
	put32(68, 12);
	put32(8 + 24, 28);
	refused(rndis_packet_parse(buf, len, 1514, &v, &why), -EINVAL, "PPI size past the PPI area",
		"a PPI area ending mid-element is refused");
	put32(8 + 24, 32);
	put32(8 + 20, 20);
	refused(rndis_packet_parse(buf, len, 1514, &v, &why),
		-EINVAL, "per_pkt_info_offset inside the fixed part",
		"per_pkt_info_offset inside the fixed part is refused");
	put32(8 + 20, len - 8 + 1);
	tap_check(rndis_packet_parse(buf, len, 1514, &v, &why) == -EINVAL,
		  "per_pkt_info_offset past the message is refused");
	put32(8 + 20, 0xfffffff8);
	tap_check(rndis_packet_parse(buf, len, 1514, &v, &why) == -EINVAL,
		  "per_pkt_info_offset 0xfffffff8 is refused");
	put32(8 + 20, 36);
	put32(8 + 24, 0xfffffff0);
	tap_check(rndis_packet_parse(buf, len, 1514, &v, &why) == -EINVAL,
		  "a per_pkt_info_len that wraps is refused");

	/* rndis_packet_build round trip. */
	memset(buf, 0xaa, sizeof(buf));
	tap_check(rndis_packet_build(buf, 44 + 59, 60) == 0 && buf[0] == 0xaa,
		  "rndis_packet_build refuses a buffer one byte too small");
	tap_check(rndis_packet_build(buf, 44, 0xffffffff) == 0,
		  "rndis_packet_build: 44 + frame_len overflowing u32 is refused");
	a = rndis_packet_build(buf, 44 + 60, 60);
	memset(buf + a, 0x11, 60);
	tap_check(a == RNDIS_PACKET_HDR_BYTES && a == 44 &&
		  !rndis_msg_check(buf, 44 + 60, NETVSC_FROM_GUEST, &type, &mlen, &why) &&
		  type == RNDIS_MSG_PACKET && mlen == 104 &&
		  !rndis_packet_parse(buf, mlen, 1514, &v, &why) && v.data_off == 44 &&
		  v.data_len == 60 && v.ppi_len == 0 && buf[v.data_off] == 0x11,
		  "rndis_packet_build round-trips through rndis_packet_parse");

	/* ---- QUERY_C ---- */
	len = rndis(RNDIS_MSG_QUERY_C, 24 + 6);
	put32(8, 77);
	put32(12, RNDIS_STATUS_SUCCESS);
	put32(16, 6);
	put32(20, 16);
	tap_check(!rndis_query_c_parse(buf, len, &a, &b, &c, &d, &why) && a == 77 && b == 0 &&
		  c == 24 && d == 6, "a QUERY_C with a MAC address");
	refused(rndis_query_c_parse(buf, len - 1, &a, &b, &c, &d, &why),
		-EINVAL, "info_buflen past the message",
		"a QUERY_C info buffer one byte past the message is refused");
	put32(20, 0xfffffff8);
	tap_check(rndis_query_c_parse(buf, len, &a, &b, &c, &d, &why) == -EINVAL,
		  "info_buf_offset 0xfffffff8 is refused");
	put32(20, 8);
	tap_check(rndis_query_c_parse(buf, len, &a, &b, &c, &d, &why) == -EINVAL,
		  "an info buffer inside the fixed part is refused");
	put32(16, 0);
	tap_check(!rndis_query_c_parse(buf, len, &a, &b, &c, &d, &why) && c == 0 && d == 0,
		  "a QUERY_C without info ignores the offset");
	tap_check(rndis_query_c_parse(buf, 23, &a, &b, &c, &d, &why) == -EINVAL,
		  "a QUERY_C shorter than its fixed part is refused");

	/* ---- INDICATE ---- */
	len = rndis(RNDIS_MSG_INDICATE, 20 + 4);
	put32(8, RNDIS_STATUS_LINK_SPEED_CHANGE);
	put32(12, 4);
	put32(16, 12);
	tap_check(!rndis_indicate_parse(buf, len, &a, &c, &d, &why) &&
		  a == RNDIS_STATUS_LINK_SPEED_CHANGE && c == 20 && d == 4,
		  "an INDICATE with a status buffer");
	tap_check(!rndis_indicate_parse(buf, len - 4, &a, &c, &d, &why) && c == 0 && d == 0,
		  "an INDICATE whose buffer lies outside msg_len reports none");
	tap_check(rndis_indicate_parse(buf, 19, &a, &c, &d, &why) == -EINVAL,
		  "an INDICATE shorter than its fixed part is refused");

	/* ---- QUERY / SET requests ---- */
	len = rndis(RNDIS_MSG_SET, 28 + 4);
	put32(8, 5);
	put32(12, RNDIS_OID_GEN_CURRENT_PACKET_FILTER);
	put32(16, 4);
	put32(20, 20);
	tap_check(!rndis_oid_request_parse(buf, len, &a, &b, &c, &d, &why) && a == 5 &&
		  b == RNDIS_OID_GEN_CURRENT_PACKET_FILTER && c == 28 && d == 4,
		  "a SET of the packet filter");
	tap_check(rndis_oid_request_parse(buf, len - 1, &a, &b, &c, &d, &why) == -EINVAL,
		  "a SET info buffer one byte past the message is refused");
	put32(16, 0xfffffff0);
	refused(rndis_oid_request_parse(buf, len, &a, &b, &c, &d, &why),
		-EINVAL, "info_buflen past the message", "an info_buflen that wraps is refused");
	put32(16, 0);
	tap_check(!rndis_oid_request_parse(buf, len, &a, &b, &c, &d, &why) && c == 0 && d == 0,
		  "a QUERY without an info buffer");
	tap_check(rndis_oid_request_parse(buf, 27, &a, &b, &c, &d, &why) == -EINVAL,
		  "a QUERY shorter than its fixed part is refused");

	test_sizes_and_oids();
	test_request_len();
	test_section_cap();
	test_offload_caps();
	test_offload_params();
	test_rss_cap();
	test_rss_params();
	test_vf_msgs();
	test_send_table();
	return tap_done();
}
