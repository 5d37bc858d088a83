// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuzz_netvsc_msg.c: libFuzzer target for the synthetic NIC's NVSP and RNDIS checks
 * (lib/netvsc_msg.c).  The first byte picks the function (and direction); some take
 * their numeric limits from the next bytes; the rest is the message, copied into a
 * buffer of exactly its size so ASan sees any read past it.  Whatever passes must
 * describe areas inside the message, or the target aborts.  QUERY_C and SET messages
 * of the offload OIDs go on to the NDIS offload object checks, as the guest and the
 * host do.  The seed corpus (seeds/fuzz_netvsc_msg, from seeds/netvsc_seeds.py)
 * has every NVSP and RNDIS message type, the offload OIDs and objects in it.
 */
#include <stdlib.h>
#include "netvsc_msg.h"
#include "fuzz_types.h"

/*
 * Every NVSP type either side may send (as lib/netvsc_msg.c names them), every RNDIS
 * type, and the two NDIS offload objects: each must be reached by an input that passes
 * its checks.
 */
FUZZ_TYPES("INIT", "INIT_COMPLETE", "SEND_NDIS_VER", "SEND_RECV_BUF", "SEND_RECV_BUF_COMPLETE",
	   "REVOKE_RECV_BUF", "SEND_SEND_BUF", "SEND_SEND_BUF_COMPLETE", "REVOKE_SEND_BUF",
	   "SEND_RNDIS_PKT", "SEND_RNDIS_PKT_COMPLETE", "SEND_NDIS_CONFIG", "SEND_VF_ASSOCIATION",
	   "SWITCH_DATA_PATH", "SUBCHANNEL", "SEND_INDIRECTION_TABLE",
	   "rndis PACKET", "rndis INIT", "rndis HALT", "rndis QUERY", "rndis SET", "rndis RESET",
	   "rndis INDICATE", "rndis KEEPALIVE", "rndis INIT_C", "rndis QUERY_C", "rndis SET_C",
	   "rndis RESET_C", "rndis KEEPALIVE_C", "NDIS_OFFLOAD", "NDIS_OFFLOAD_PARAMETERS",
	   "NDIS_RSS_CAPABILITIES", "NDIS_RSS_PARAMETERS", "SEND_TABLE")

/* Counts NAME (with PREFIX) as reached. */
static void hit_name(const char *prefix, const char *name)
{
	size_t i, n = sizeof(fuzz_type_names) / sizeof(fuzz_type_names[0]), pl = strlen(prefix);

	for (i = 0; i < n; i++)
		if (!strncmp(fuzz_type_names[i], prefix, pl) &&
		    !strcmp(fuzz_type_names[i] + pl, name)) {
			fuzz_hit((unsigned int)i);
			return;
		}
}

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size);

/* Takes a u32 limit from the front of the input, if there is one. */
static u32 take32(const u8 **in, size_t *size, u32 dflt)
{
	u32 v;

	if (*size < 4)
		return dflt;
	memcpy(&v, *in, 4);
	*in += 4;
	*size -= 4;
	return v;
}

static void check_area(u32 off, u32 len, u32 msg_len)
{
	if ((u64)off + len > msg_len)
		abort();
}

static void packet(const u8 *msg, u32 msg_len, u32 max_frame)
{
	struct rndis_packet_view v;
	const char *why = NULL;
	const u8 *p;
	u32 t;

	if (rndis_packet_parse(msg, msg_len, max_frame, &v, &why)) {
		if (!why)
			abort();
		return;
	}
	check_area(v.data_off, v.data_len, msg_len);
	check_area(v.ppi_off, v.ppi_len, msg_len);
	{
		/* The receive path copies just this area before parsing: it must be it. */
		u32 po = 0, pl = 0;
		bool area = rndis_packet_ppi_area(msg, msg_len, &po, &pl);

		if (area != !!v.ppi_len || (area && (po != v.ppi_off || pl != v.ppi_len)))
			abort();
	}
	if (!v.data_len || v.data_len > max_frame || v.data_off < RNDIS_PACKET_HDR_BYTES)
		abort();
	if (v.ppi_len && v.ppi_off < RNDIS_PACKET_HDR_BYTES)
		abort();
	for (t = 0; t < 12; t++) {
		u32 type = t < 10 ? t : (t - 10) | RNDIS_PPI_INTERNAL;

		p = rndis_ppi_find(msg, &v, type, t);
		if (p && (p < msg + v.ppi_off || p + t > msg + v.ppi_off + v.ppi_len))
			abort();
	}
}

/* ---- rss ---- */

/* The host's OID_GEN_RECEIVE_SCALE_CAPABILITIES answer, as the guest checks it. */
static void rss_cap(const u8 *obj, u32 len)
{
	const char *why = NULL;
	u32 q = 0, t = 0;

	if (ndis_rss_cap_parse(obj, len, &q, &t, &why)) {
		if (!why)
			abort();
		return;
	}
	if (!q || !t || t > NETVSC_ITAB_MAX)
		abort();
	hit_name("", "NDIS_RSS_CAPABILITIES");
}

/* The guest's OID_GEN_RECEIVE_SCALE_PARAMETERS, as the host checks them (4 channels). */
static void rss_params(const u8 *obj, u32 len)
{
	static struct netvsc_rss_conf c;
	const char *why = NULL;
	u32 i;

	memset(&c, 0, sizeof(c));
	if (ndis_rss_params_parse(obj, len, 4, &c, &why)) {
		if (!why)
			abort();
		return;
	}
	if (c.n_itab > NETVSC_ITAB_MAX)
		abort();
	for (i = 0; i < c.n_itab; i++)
		if (c.itab[i] >= 4)
			abort();
	hit_name("", "NDIS_RSS_PARAMETERS");
}

/* The host's OID_TCP_OFFLOAD_HARDWARE_CAPABILITIES answer, as the guest checks it. */
static void offload_caps(const u8 *obj, u32 len)
{
	struct ndis_offload o;
	const char *why = NULL;

	if (ndis_offload_parse(obj, len, &o, &why)) {
		if (!why)
			abort();
		return;
	}
	if (o.header.type != NDIS_OBJECT_TYPE_OFFLOAD || o.header.size > len ||
	    o.header.size < NDIS_OFFLOAD_SIZE_6_0 || len > sizeof(o))
		abort();
	hit_name("", "NDIS_OFFLOAD");
}

/* The guest's OID_TCP_OFFLOAD_PARAMETERS, as the host checks them. */
static void offload_params(const u8 *obj, u32 len)
{
	struct ndis_offload_params p;
	struct ndis_offload caps;
	const char *why = NULL, *off;

	if (ndis_offload_params_parse(obj, len, &p, &why)) {
		if (!why)
			abort();
		return;
	}
	if (p.header.type != NDIS_OBJECT_TYPE_DEFAULT || p.header.size > len ||
	    p.header.size < NDIS_OFFLOAD_PARAMS_SIZE_V4 || p.tcp_ip_v4_csum > 4 ||
	    p.lso_v2_ipv6 > 2 || p.rsc_ip_v4 > 2)
		abort();
	hit_name("", "NDIS_OFFLOAD_PARAMETERS");
	/* No caps: anything turned on is named; all caps: nothing is. */
	memset(&caps, 0, sizeof(caps));
	off = ndis_offload_params_unsupported(&p, &caps);
	if (off && (p.ip_v4_csum < 2 && p.tcp_ip_v4_csum < 2 && p.udp_ip_v4_csum < 2 &&
		    p.tcp_ip_v6_csum < 2 && p.udp_ip_v6_csum < 2 && p.lso_v1 < 2 &&
		    p.lso_v2_ipv4 < 2 && p.lso_v2_ipv6 < 2 && p.rsc_ip_v4 < 2 && p.rsc_ip_v6 < 2))
		abort();
	memset(&caps, 0xff, sizeof(caps));
	if (ndis_offload_params_unsupported(&p, &caps))
		abort();
}

static void rndis(const u8 *msg, u32 len, enum netvsc_dir from)
{
	u32 type = 0, msg_len = 0, a, b, c, d;
	const char *why = NULL;
	int rc;

	rc = rndis_msg_check(msg, len, from, &type, &msg_len, &why);
	if (rc) {
		if ((rc != -EINVAL && rc != -EPROTO) || !why)
			abort();
		return;
	}
	if (msg_len < 8 || msg_len > len || !strcmp(rndis_msg_name(type), "UNKNOWN"))
		abort();
	hit_name("rndis ", rndis_msg_name(type));
	switch (type) {
	case RNDIS_MSG_PACKET:
		packet(msg, msg_len, 65535);
		break;
	case RNDIS_MSG_QUERY_C:
		if (!rndis_query_c_parse(msg, msg_len, &a, &b, &c, &d, &why)) {
			check_area(c, d, msg_len);
			/* The guest reads the answer into a struct ndis_offload. */
			if (d && d <= sizeof(struct ndis_offload))
				offload_caps(msg + c, d);
			if (d)
				rss_cap(msg + c, d);
		}
		break;
	case RNDIS_MSG_INDICATE:
		if (!rndis_indicate_parse(msg, msg_len, &a, &c, &d, &why))
			check_area(c, d, msg_len);
		break;
	case RNDIS_MSG_QUERY:
	case RNDIS_MSG_SET:
		if (!rndis_oid_request_parse(msg, msg_len, &a, &b, &c, &d, &why)) {
			check_area(c, d, msg_len);
			if (type == RNDIS_MSG_SET && b == OID_TCP_OFFLOAD_PARAMETERS)
				offload_params(msg + c, d);
			if (type == RNDIS_MSG_SET && b == OID_GEN_RECEIVE_SCALE_PARAMETERS)
				rss_params(msg + c, d);
		}
		break;
	}
}

/* ---- queues: the host's send indirection table, as the guest checks it (4 channels) ---- */

static void send_table(const u8 *msg, u32 len)
{
	u32 tab[VRSS_SEND_TAB_SIZE], i, v;
	const char *why = NULL;

	for (v = 0; v < 2; v++) {
		memset(tab, 0xff, sizeof(tab));
		if (nvsp_send_table_parse(msg, len, v ? NVSP_VERSION_5 : NVSP_VERSION_61, 4, tab,
					  &why)) {
			if (!why || tab[0] != 0xffffffffu)
				abort();
			continue;
		}
		for (i = 0; i < VRSS_SEND_TAB_SIZE; i++)
			if (tab[i] >= 4)
				abort();
		hit_name("", "SEND_TABLE");
	}
}

/*
 * Selectors 12-15 fix the fields a random input rarely gets right (packet type,
 * pageset id, NVSP type, RNDIS type and msg_len), so the fuzzer reaches the range,
 * offset and PPI checks behind them at once.
 */
static void assist(u8 *msg, u32 len, u8 sel)
{
	static const u32 types[] = { RNDIS_MSG_PACKET, RNDIS_MSG_QUERY_C, RNDIS_MSG_INDICATE };
	u16 v16, off8;
	u32 v32;

	if (sel == 12) {
		if (len < 24)
			return;
		v16 = VM_PKT_DATA_USING_XFER_PAGES;
		memcpy(msg, &v16, 2);
		v16 = NVSP_RECV_BUFFER_ID;
		memcpy(msg + 16, &v16, 2);
		memcpy(&off8, msg + 2, 2);
		v32 = NVSP_MSG1_SEND_RNDIS_PKT;
		if ((u32)off8 * 8 + 4 <= len)
			memcpy(msg + off8 * 8, &v32, 4);
		return;
	}
	if (len < 8)
		return;
	memcpy(msg, &types[sel - 13], 4);
	memcpy(msg + 4, &len, 4);
}

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size)
{
	struct nvsp1_recv_buffer_complete rc;
	struct nvsp1_send_buffer_complete sc;
	u32 a, b, c, d, len, buf_size;
	const char *why = NULL;
	u8 sel, *msg;
	int r;

	if (!size || size > 0x100000)
		return 0;
	sel = in[0] % 19;
	in++;
	size--;
	/* Limits first, so the message copy below is the exact rest. */
	buf_size = (sel >= 3 && sel <= 5) || sel == 12 ? take32(&in, &size, 16u << 20) : 0;
	c = sel == 5 || sel == 12 ? take32(&in, &size, NETVSC_RECV_SECTION_SIZE) : 0;
	d = sel == 5 || sel == 12 ? take32(&in, &size, 562) : 0;
	len = (u32)size;
	msg = malloc(len ? len : 1);
	if (!msg)
		return 0;
	memcpy(msg, in, len);
	if (sel >= 12 && sel <= 15)
		assist(msg, len, sel);

	switch (sel) {
	case 0:
	case 1:
		r = nvsp_msg_check(msg, len, sel ? NETVSC_FROM_GUEST : NETVSC_FROM_HOST, &why);
		if (r < 0 ? (r != -EINVAL && r != -EPROTO) || !why :
		    !strcmp(nvsp_msg_name(r), "UNKNOWN") || len < 4)
			abort();
		if (r >= 0)
			hit_name("", nvsp_msg_name(r));
		/* migrate: the VF association and data path bodies parse or are refused. */
		if (r == NVSP_MSG4_SEND_VF_ASSOCIATION) {
			bool al;

			if (nvsp_vf_assoc_parse(msg + 4, len - 4, &al, &a, &why) && !why)
				abort();
		} else if (r == NVSP_MSG4_SWITCH_DATA_PATH) {
			bool vf;

			if (nvsp_datapath_parse(msg + 4, len - 4, &vf, &why) && !why)
				abort();
		} else if (r == NVSP_MSG5_SEND_INDIRECTION_TABLE) {
			send_table(msg, len);
		}
		/* A request the host takes is as long as NVSP 6.1 (or earlier) needs. */
		if (sel && r >= 0 && !nvsp_request_len_check(len, NVSP_VERSION_61, &why) &&
		    len < NVSP_MSG_BYTES_V61)
			abort();
		break;
	case 2:
		if (nvsp_msg_check(msg, len, NETVSC_FROM_HOST, &why) ==
		    NVSP_MSG1_SEND_RECV_BUF_COMPLETE) {
			memcpy(&rc, msg + 4, sizeof(rc));
			nvsp_recv_buf_check(&rc, 16u << 20, &a, &b, &why);
		}
		break;
	case 3:
		if (len >= sizeof(rc) &&
		    !nvsp_recv_buf_check((const void *)msg, buf_size, &a, &b, &why) &&
		    (a < NETVSC_MIN_SECTION_SIZE || !b || (u64)a * b > buf_size))
			abort();
		break;
	case 4:
		if (len >= sizeof(sc) &&
		    !nvsp_send_buf_check((const void *)msg, buf_size, &a, &why) &&
		    (!a || a > buf_size / NETVSC_MIN_SECTION_SIZE))
			abort();
		break;
	case 5:
	case 12:
		r = nvsp_xfer_check(msg, len, buf_size, c, d, &why);
		if (r > 0) {
			u32 i;

			if ((u32)r > d || 24 + (u64)r * 8 > len)
				abort();
			for (i = 0; i < (u32)r; i++) {
				memcpy(&a, msg + 24 + i * 8, 4);
				memcpy(&b, msg + 24 + i * 8 + 4, 4);
				if (a > c || (u64)a + b > buf_size)
					abort();
			}
		} else if (!r || !why) {
			abort();
		}
		break;
	case 6:
	case 7:
	case 13:
	case 14:
	case 15:
		rndis(msg, len, sel == 7 ? NETVSC_FROM_GUEST : NETVSC_FROM_HOST);
		break;
	case 8:
		packet(msg, len, len ? msg[len - 1] * 16u : 0);
		break;
	case 9:
		if (!rndis_query_c_parse(msg, len, &a, &b, &c, &d, &why))
			check_area(c, d, len);
		if (!rndis_oid_request_parse(msg, len, &a, &b, &c, &d, &why))
			check_area(c, d, len);
		break;
	case 10:
		if (!rndis_indicate_parse(msg, len, &a, &c, &d, &why))
			check_area(c, d, len);
		break;
	case 11: {
		/* Build a PACKET for a frame of the first word's low bits, then parse it. */
		u32 frame = len >= 4 ? (msg[0] | msg[1] << 8) : 14;
		u32 cap = len >= 4 ? (msg[2] | msg[3] << 8) : 0;
		u8 *out = malloc(cap ? cap : 1);
		struct rndis_packet_view v;
		u32 t, ml;

		if (!out)
			break;
		if (rndis_packet_build(out, cap, frame)) {
			if (44 + (u64)frame > cap)
				abort();
			memset(out + 44, 0, frame);
			if (rndis_msg_check(out, cap, NETVSC_FROM_GUEST, &t, &ml, &why) ||
			    t != RNDIS_MSG_PACKET || ml != 44 + frame)
				abort();
			if (frame >= 14 && rndis_packet_parse(out, ml, 0xffff, &v, &why))
				abort();
		} else if (44 + (u64)frame <= cap) {
			abort();
		}
		free(out);
		break;
	}
	case 16:
		offload_caps(msg, len);
		break;
	case 17:
		offload_params(msg, len);
		break;
	case 18: {
		/* The all-off object of any version passes the host's checks. */
		struct ndis_offload_params p, back;
		u32 n = ndis_offload_params_all_off(len >= 2 ? (u32)msg[0] << 16 | msg[1] : 0, &p);

		if (n > sizeof(p) || n < NDIS_OFFLOAD_PARAMS_SIZE_V4)
			abort();
		offload_params((const u8 *)&p, n);
		if (ndis_offload_params_parse(&p, n, &back, &why))
			abort();
		break;
	}
	}
	free(msg);
	return 0;
}
