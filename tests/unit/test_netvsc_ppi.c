// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_netvsc_ppi.c: unit tests of the offload part of lib/netvsc_msg.c: the PPI wire
 * sizes against upstream's, building a PACKET with checksum / LSOv2 / 802.1Q / hash /
 * PKTINFO_ID PPIs and reading them back, every refusal of rndis_ppis_parse (wrong
 * size, duplicates, wrong direction, contradictory values, PPI past the message), and
 * RSC chain assembly (whole chains, and each inconsistent chain refused).
 */
#include "tap.h"
#include "netvsc_msg.h"

static u8 buf[4096] __attribute__((aligned(8)));

#define FRAME	1514u

static void refused_at(int rc, const char *why, const char *reason, const char *what)
{
	tap_check(rc == -EINVAL && why && strstr(why, reason), "%s (%s)", what, why ? why : "-");
}

/* The call runs first, then *why is read (argument order is unspecified in C). */
#define refused_by(call, why_, reason, what) \
	do { int rc_ = (call); refused_at(rc_, why_, reason, what); } while (0)

/* Builds a PACKET with p's PPIs and a zero frame of flen bytes, parses it; 0 if ok. */
static int roundtrip(const struct rndis_pkt_ppis *p, u32 flen, enum netvsc_dir from,
		     struct rndis_pkt_ppis *out, const char **why)
{
	struct rndis_packet_view v;
	u32 hdr, type, mlen;
	int rc;

	memset(buf, 0, sizeof(buf));
	hdr = rndis_packet_build_ppis(buf, sizeof(buf), flen, p);
	if (!hdr)
		return -1;
	rc = rndis_msg_check(buf, hdr + flen, from, &type, &mlen, why);
	if (!rc)
		rc = rndis_packet_parse(buf, mlen, 65535, &v, why);
	if (!rc)
		rc = rndis_ppis_parse(buf, &v, from, out, why);
	return rc;
}

static void test_sizes(void)
{
	struct rndis_pkt_ppis p = { .present = RNDIS_PPIS_CSUM | RNDIS_PPIS_VLAN };

	/* hyperv_net.h: NDIS_CSUM_PPI_SIZE etc. are sizeof(rndis_per_packet_info) + 4. */
	tap_check(NDIS_PPI_U32_SIZE == 16 && sizeof(struct rndis_pktinfo_id) == 4,
		  "a PPI with a 4-byte value is 16 bytes, rndis_pktinfo_id 4");
	tap_check(rndis_ppis_size(&p) == 32, "two PPIs take 32 bytes");
	p.present = 0x1f;
	tap_check(rndis_ppis_size(&p) == 80, "all five take 80 bytes");
	tap_check(PPI_TCPIP_CHKSUM == 0 && PPI_TCP_LARGESEND == 2 && PPI_IEEE_8021Q == 6 &&
		  PPI_NBL_HASH_VALUE == 8 && RNDIS_PPI_PKTINFO_ID == 0x80000001u,
		  "PPI types as hyperv_net.h numbers them");
	tap_check(NDIS_LSO2_TYPE_V2 == 1u << 30 && NDIS_LSO2_IPV6 == 1u << 31 &&
		  NDIS_LSO2_THO_SHIFT == 20 && NDIS_CSUM_TX_THO_SHIFT == 16 &&
		  NDIS_8021Q_VID_SHIFT == 4, "bit-field positions as upstream's unions");
}

static void test_roundtrip(void)
{
	struct rndis_pkt_ppis p = { 0 }, out;
	const char *why = NULL;
	u32 hdr;

	p.present = RNDIS_PPIS_CSUM | RNDIS_PPIS_LSO | RNDIS_PPIS_VLAN | RNDIS_PPIS_HASH;
	p.csum = NDIS_CSUM_TX_IS_IPV4 | NDIS_CSUM_TX_TCP | (34u << NDIS_CSUM_TX_THO_SHIFT);
	p.lso = NDIS_LSO2_TYPE_V2 | (34u << NDIS_LSO2_THO_SHIFT) | 1448;
	p.vlan = (100u << NDIS_8021Q_VID_SHIFT) | 5;
	p.hash = 0xdeadbeef;
	tap_check(!roundtrip(&p, FRAME, NETVSC_FROM_GUEST, &out, &why) &&
		  out.present == p.present && out.csum == p.csum && out.lso == p.lso &&
		  out.vlan == p.vlan && out.hash == p.hash,
		  "checksum, LSOv2, VLAN and hash PPIs from the guest read back (%s)",
		  why ? why : "ok");
	hdr = rndis_packet_build_ppis(buf, sizeof(buf), FRAME, &p);
	tap_check(hdr == RNDIS_PACKET_HDR_BYTES + 64, "header + 4 PPIs is 108 bytes");
	tap_check(!rndis_packet_build_ppis(buf, hdr + FRAME - 1, FRAME, &p),
		  "a buffer one byte short is refused");

	memset(&p, 0, sizeof(p));
	p.present = RNDIS_PPIS_CSUM | RNDIS_PPIS_VLAN | RNDIS_PPIS_PKTINFO;
	p.csum = NDIS_CSUM_RX_TCP_OK | NDIS_CSUM_RX_IP_OK;
	p.vlan = 200u << NDIS_8021Q_VID_SHIFT;
	p.id.ver = RNDIS_PKTINFO_ID_V1;
	p.id.flag = RNDIS_PKTINFO_SUBALLOC | RNDIS_PKTINFO_1ST_FRAG;
	p.id.pkt_id = 7;
	why = NULL;
	tap_check(!roundtrip(&p, 100, NETVSC_FROM_HOST, &out, &why) && out.present == p.present &&
		  out.csum == p.csum && out.id.pkt_id == 7 && out.id.flag == p.id.flag,
		  "receive checksum, VLAN and PKTINFO_ID PPIs from the host read back");
	memset(&p, 0, sizeof(p));
	tap_check(!roundtrip(&p, 60, NETVSC_FROM_HOST, &out, &why) && !out.present,
		  "no PPIs: nothing present");
}

/* Writes a PPI element at @at of @size bytes, value at ppi_offset 12. */
static void put_ppi(u32 at, u32 size, u32 type, u32 value)
{
	struct rndis_ppi e = { .size = size, .type = type, .ppi_offset = 12 };

	memcpy(buf + at, &e, sizeof(e));
	memcpy(buf + at + 12, &value, 4);
}

/*
 * A PACKET with a PPI area of ppi_len bytes at offset 36 (after the fixed part) and a
 * 60-byte frame after it; the caller fills the PPIs.  Returns msg_len.
 */
static u32 raw_packet(u32 ppi_len)
{
	struct rndis_packet pk = { 0 };
	struct rndis_msg_hdr h;
	u32 mlen = 8 + 36 + ppi_len + 60;

	memset(buf, 0, sizeof(buf));
	h.msg_type = RNDIS_MSG_PACKET;
	h.msg_len = mlen;
	pk.data_offset = 36 + ppi_len;
	pk.data_len = 60;
	pk.per_pkt_info_offset = 36;
	pk.per_pkt_info_len = ppi_len;
	memcpy(buf, &h, 8);
	memcpy(buf + 8, &pk, sizeof(pk));
	return mlen;
}

static int parse_raw(u32 mlen, enum netvsc_dir from, struct rndis_pkt_ppis *out,
		     const char **why)
{
	struct rndis_packet_view v;
	int rc = rndis_packet_parse(buf, mlen, 65535, &v, why);

	return rc ? rc : rndis_ppis_parse(buf, &v, from, out, why);
}

static void test_refusals(void)
{
	struct rndis_pkt_ppis out, p = { 0 };
	const char *why = NULL;
	u32 mlen;

	mlen = raw_packet(20);
	put_ppi(44, 20, PPI_IEEE_8021Q, 5u << 4);
	refused_by(parse_raw(mlen, NETVSC_FROM_HOST, &out, &why), why,
		   "VLAN PPI of the wrong size", "a 20-byte VLAN PPI (8-byte value) is refused");
	mlen = raw_packet(14);
	put_ppi(44, 14, PPI_IEEE_8021Q, 5u << 4);
	why = NULL;
	refused_by(parse_raw(mlen, NETVSC_FROM_HOST, &out, &why), why, "VLAN PPI of the wrong size",
		   "a 14-byte VLAN PPI (2-byte value) is refused");
	mlen = raw_packet(32);
	put_ppi(44, 16, PPI_IEEE_8021Q, 5u << 4);
	put_ppi(60, 16, PPI_IEEE_8021Q, 6u << 4);
	why = NULL;
	refused_by(parse_raw(mlen, NETVSC_FROM_HOST, &out, &why), why, "duplicate VLAN PPI",
		   "two VLAN PPIs are refused");
	mlen = raw_packet(16);
	put_ppi(44, 16, PPI_IEEE_8021Q, 0x10000u | (5u << 4));
	why = NULL;
	refused_by(parse_raw(mlen, NETVSC_FROM_HOST, &out, &why), why, "VLAN PPI reserved bits",
		   "a VLAN PPI with reserved bits set is refused");
	mlen = raw_packet(16);
	put_ppi(44, 16, PPI_TCP_LARGESEND, NDIS_LSO2_TYPE_V2 | (34u << 20) | 1000);
	why = NULL;
	refused_by(parse_raw(mlen, NETVSC_FROM_HOST, &out, &why), why, "LSO PPI from the host",
		   "an LSO PPI from the host is refused");
	mlen = raw_packet(16);
	put_ppi(44, 16, RNDIS_PPI_PKTINFO_ID, 0x0301);
	why = NULL;
	refused_by(parse_raw(mlen, NETVSC_FROM_GUEST, &out, &why), why, "PKTINFO_ID PPI from the guest",
		   "a PKTINFO_ID PPI from the guest is refused");
	mlen = raw_packet(16);
	put_ppi(44, 16, RNDIS_PPI_PKTINFO_ID, 0x0201);
	why = NULL;
	refused_by(parse_raw(mlen, NETVSC_FROM_HOST, &out, &why), why, "without SUBALLOC",
		   "a PKTINFO_ID first-fragment flag without SUBALLOC is refused");
	mlen = raw_packet(16);
	put_ppi(44, 16, RNDIS_PPI_PKTINFO_ID, 0x0102);
	why = NULL;
	refused_by(parse_raw(mlen, NETVSC_FROM_HOST, &out, &why), why, "version not 1",
		   "a PKTINFO_ID of version 2 is refused");
	mlen = raw_packet(16);
	put_ppi(44, 16, 0x1234, 0);
	why = NULL;
	tap_check(!parse_raw(mlen, NETVSC_FROM_HOST, &out, &why) && !out.present,
		  "an unknown PPI type is skipped");

	/* The PPI area runs past the message. */
	mlen = raw_packet(16);
	put_ppi(44, 16, PPI_IEEE_8021Q, 5u << 4);
	memcpy(buf + 8 + 24, &(u32){ 200 }, 4);	/* per_pkt_info_len */
	why = NULL;
	refused_by(parse_raw(mlen, NETVSC_FROM_HOST, &out, &why), why, "per_pkt_info_len past",
		   "a PPI area past the message is refused");
	mlen = raw_packet(16);
	put_ppi(44, 16, PPI_IEEE_8021Q, 5u << 4);
	memcpy(buf + 44, &(u32){ 0xfffffff8u }, 4);
	why = NULL;
	refused_by(parse_raw(mlen, NETVSC_FROM_HOST, &out, &why), why, "PPI size past the PPI area",
		   "a PPI size near 4 GiB (wraps a u32 sum) is refused");

	/* Guest checksum and LSO values. */
	p.present = RNDIS_PPIS_CSUM;
	p.csum = NDIS_CSUM_TX_IS_IPV4 | NDIS_CSUM_TX_IS_IPV6 | NDIS_CSUM_TX_TCP | (34u << 16);
	why = NULL;
	refused_by(roundtrip(&p, FRAME, NETVSC_FROM_GUEST, &out, &why), why,
		   "both IPv4 and IPv6", "checksum PPI both IPv4 and IPv6 is refused");
	p.csum = NDIS_CSUM_TX_IS_IPV4 | NDIS_CSUM_TX_TCP | NDIS_CSUM_TX_UDP | (34u << 16);
	refused_by(roundtrip(&p, FRAME, NETVSC_FROM_GUEST, &out, &why), why,
		   "both TCP and UDP", "checksum PPI both TCP and UDP is refused");
	p.csum = NDIS_CSUM_TX_TCP | (34u << 16);
	refused_by(roundtrip(&p, FRAME, NETVSC_FROM_GUEST, &out, &why), why,
		   "neither IPv4 nor IPv6", "checksum PPI TCP without an IP version is refused");
	p.csum = NDIS_CSUM_TX_IS_IPV4 | NDIS_CSUM_TX_TCP | (1000u << 16);
	refused_by(roundtrip(&p, 100, NETVSC_FROM_GUEST, &out, &why), why,
		   "tcp_header_offset outside the frame",
		   "checksum PPI tcp_header_offset past a 100-byte frame is refused");
	p.csum = NDIS_CSUM_TX_IS_IPV6 | NDIS_CSUM_TX_UDP | (54u << 16);
	tap_check(!roundtrip(&p, 62, NETVSC_FROM_GUEST, &out, &why),
		  "UDPv6 with the header exactly at the end of the frame is accepted");
	p.csum = NDIS_CSUM_RX_TCP_FAILED | NDIS_CSUM_RX_TCP_OK;
	tap_check(!roundtrip(&p, 62, NETVSC_FROM_HOST, &out, &why),
		  "receive checksum bits from the host are not transmit-checked");
	p.present = RNDIS_PPIS_LSO;
	p.lso = (34u << 20) | 1448;
	refused_by(roundtrip(&p, FRAME, NETVSC_FROM_GUEST, &out, &why), why, "not LSOv2",
		   "an LSO PPI without the V2 type bit is refused");
	p.lso = NDIS_LSO2_TYPE_V2 | (34u << 20);
	refused_by(roundtrip(&p, FRAME, NETVSC_FROM_GUEST, &out, &why), why, "mss 0",
		   "an LSO PPI with mss 0 is refused");
	p.lso = NDIS_LSO2_TYPE_V2 | (10u << 20) | 1448;
	refused_by(roundtrip(&p, FRAME, NETVSC_FROM_GUEST, &out, &why), why,
		   "tcp_header_offset outside", "an LSO tcp_header_offset inside the MAC header is refused");
}

static struct rndis_pkt_ppis frag(u8 flag, u16 id)
{
	struct rndis_pkt_ppis p = { .present = RNDIS_PPIS_PKTINFO };

	p.id.ver = RNDIS_PKTINFO_ID_V1;
	p.id.flag = flag;
	p.id.pkt_id = id;
	return p;
}

#define SUB	RNDIS_PKTINFO_SUBALLOC
#define FIRST	RNDIS_PKTINFO_1ST_FRAG
#define LAST	RNDIS_PKTINFO_LAST_FRAG

static void test_rsc(void)
{
	struct rndis_pkt_ppis p;
	struct rsc_chain c = { 0 };
	const char *why = NULL;
	int rc;

	p = frag(0, 0);
	p.present = 0;
	tap_check(rsc_chain_add(&c, &p, 1500, 8, 65536, &why) == RSC_SINGLE,
		  "a frame with no PKTINFO_ID is a single frame");
	p = frag(SUB | FIRST, 3);
	tap_check(rsc_chain_add(&c, &p, 1500, 8, 65536, &why) == RSC_MORE, "first fragment");
	p = frag(SUB, 3);
	tap_check(rsc_chain_add(&c, &p, 1500, 8, 65536, &why) == RSC_MORE, "middle fragment");
	p = frag(SUB | LAST, 3);
	rc = rsc_chain_add(&c, &p, 700, 8, 65536, &why);
	tap_check(rc == RSC_DONE && c.frags == 3 && c.bytes == 3700,
		  "last fragment: a chain of 3 fragments, 3700 bytes");
	p = frag(SUB | FIRST | LAST, 4);
	rc = rsc_chain_add(&c, &p, 60, 8, 65536, &why);
	tap_check(rc == RSC_DONE && c.frags == 1 && c.bytes == 60,
		  "a first-and-last fragment is a chain of one");

	p = frag(SUB, 5);
	why = NULL;
	refused_by(rsc_chain_add(&c, &p, 100, 8, 65536, &why), why, "without a first fragment",
		   "a middle fragment with no chain open is refused");
	p = frag(SUB | LAST, 5);
	why = NULL;
	refused_by(rsc_chain_add(&c, &p, 100, 8, 65536, &why), why, "without a first fragment",
		   "a last fragment with no chain open is refused");
	p = frag(SUB | FIRST, 5);
	rsc_chain_add(&c, &p, 100, 8, 65536, &why);
	p = frag(SUB, 6);
	why = NULL;
	refused_by(rsc_chain_add(&c, &p, 100, 8, 65536, &why), why, "another pkt_id",
		   "a fragment of another pkt_id is refused");
	tap_check(!c.open, "... and the chain is closed");
	p = frag(SUB | FIRST, 5);
	rsc_chain_add(&c, &p, 100, 8, 65536, &why);
	why = NULL;
	refused_by(rsc_chain_add(&c, &p, 100, 8, 65536, &why), why, "inside an open chain",
		   "a second first fragment is refused");
	p = frag(SUB | FIRST, 5);
	rsc_chain_add(&c, &p, 100, 8, 65536, &why);
	p = frag(0, 0);
	p.present = 0;
	why = NULL;
	refused_by(rsc_chain_add(&c, &p, 100, 8, 65536, &why), why, "interrupted by a whole frame",
		   "a whole frame inside a chain is refused");
	p = frag(SUB | FIRST, 9);
	rsc_chain_add(&c, &p, 100, 2, 65536, &why);
	p = frag(SUB, 9);
	rsc_chain_add(&c, &p, 100, 2, 65536, &why);
	why = NULL;
	refused_by(rsc_chain_add(&c, &p, 100, 2, 65536, &why), why, "too many fragments",
		   "a third fragment with max_frags 2 is refused");
	p = frag(SUB | FIRST, 9);
	rsc_chain_add(&c, &p, 60000, 8, 65536, &why);
	p = frag(SUB | LAST, 9);
	why = NULL;
	refused_by(rsc_chain_add(&c, &p, 6000, 8, 65536, &why), why, "longer than the maximum",
		   "a chain of 66000 bytes with max 65536 is refused");
}

static void test_mac_param(void)
{
	const u8 mac[6] = { 0x00, 0x15, 0x5d, 0xab, 0xcd, 0xef };
	const char *why = NULL;
	u8 back[6] = { 0 };
	u32 n;

	n = rndis_mac_param_build(buf, sizeof(buf), mac);
	tap_check(n == 72 && RNDIS_MAC_PARAM_BYTES == 72,
		  "the NetworkAddress parameter is 20 + 28 + 24 bytes");
	tap_check(!memcmp(buf + 20, "N\0e\0t\0", 6) && !memcmp(buf + 48, "0\0000\0001\0005\0", 8),
		  "name and value in UTF-16, the value lower-case hex");
	tap_check(!rndis_mac_param_parse(buf, n, back, &why) && !memcmp(back, mac, 6),
		  "the host reads the MAC back");
	tap_check(!rndis_mac_param_build(buf, 71, mac), "71 bytes of room are refused");
	why = NULL;
	refused_by(rndis_mac_param_parse(buf, n - 1, back, &why), why, "value past",
		   "a value past the info buffer is refused");
	buf[48] = 'g';
	why = NULL;
	refused_by(rndis_mac_param_parse(buf, n, back, &why), why, "not hex",
		   "a value with a non-hex digit is refused");
	rndis_mac_param_build(buf, sizeof(buf), mac);
	buf[20] = 'X';
	why = NULL;
	tap_check(rndis_mac_param_parse(buf, n, back, &why) == -ENOENT,
		  "another parameter name is -ENOENT");
}

/* ---- netrx: the host's RSC fragments, read back as the guest reads them ---- */

static u8 rsc_frame[65549], rsc_out[NVSP_RSC_MAX * 160 + 65549], rsc_joined[65553];

/*
 * Reads n fragments of out (lens) as rx.c and rsc.c do: each message checked, its PPIs
 * parsed, added to a chain; the data joined.  The chain's byte count, or 0 on a refusal
 * or a chain that did not end exactly at the last fragment.
 */
static u32 rsc_read_back(u32 n, const u32 *lens, struct rndis_pkt_ppis *first, u32 *others)
{
	struct rsc_chain c = { 0 };
	struct rndis_packet_view v;
	struct rndis_pkt_ppis p;
	const char *why = NULL;
	u32 i, at = 0, type, mlen, joined = 0;
	int step = -1;

	*others = 0;
	for (i = 0; i < n; i++) {
		const u8 *m = rsc_out + at;

		if (rndis_msg_check(m, lens[i], NETVSC_FROM_HOST, &type, &mlen, &why) ||
		    type != RNDIS_MSG_PACKET || mlen != lens[i] ||
		    rndis_packet_parse(m, mlen, 65535, &v, &why) ||
		    rndis_ppis_parse(m, &v, NETVSC_FROM_HOST, &p, &why)) {
			printf("# fragment %u: %s\n", i, why);
			return 0;
		}
		step = rsc_chain_add(&c, &p, v.data_len, NVSP_RSC_MAX, 65553, &why);
		if (step < 0 || (step == RSC_DONE) != (i == n - 1)) {
			printf("# fragment %u: step %d %s\n", i, step, why ? why : "");
			return 0;
		}
		if (!i)
			*first = p;
		else
			*others |= p.present;
		memcpy(rsc_joined + joined, m + v.data_off, v.data_len);
		joined += v.data_len;
		at += lens[i];
	}
	return step == RSC_DONE && c.bytes == joined ? joined : 0;
}

static void test_rsc_build(void)
{
	struct rndis_pkt_ppis first = { .present = RNDIS_PPIS_CSUM | RNDIS_PPIS_VLAN |
					RNDIS_PPIS_HASH, .csum = 0x28, .vlan = 7 << 4,
					.hash = 0x1234abcd }, got;
	u32 lens[NVSP_RSC_MAX], i, n, others, max_len = 0;

	for (i = 0; i < sizeof(rsc_frame); i++)
		rsc_frame[i] = (u8)(i * 31 + i / 977);
	n = rndis_rsc_build(rsc_out, sizeof(rsc_out), lens, 64, rsc_frame, sizeof(rsc_frame),
			    &first, 77, 9152);
	for (i = 0; i < n; i++)
		max_len = lens[i] > max_len ? lens[i] : max_len;
	tap_check(n == 8 && max_len <= 9152, "rsc build: 65549 bytes in 9152-byte sections: 8 fragments");
	tap_check(rsc_read_back(n, lens, &got, &others) == sizeof(rsc_frame) &&
		  !memcmp(rsc_joined, rsc_frame, sizeof(rsc_frame)),
		  "rsc build: the guest's checks take every fragment and join the frame byte-exact");
	tap_check(got.present == (first.present | RNDIS_PPIS_PKTINFO) && got.csum == 0x28 &&
		  got.vlan == 7 << 4 && got.hash == 0x1234abcd && got.id.pkt_id == 77 &&
		  others == RNDIS_PPIS_PKTINFO,
		  "rsc build: the frame's PPIs on the first fragment only, PKTINFO_ID on each");
	n = rndis_rsc_build(rsc_out, sizeof(rsc_out), lens, 64, rsc_frame, 3000, &first, 78, 1728);
	tap_check(n == 2 && rsc_read_back(n, lens, &got, &others) == 3000 &&
		  !memcmp(rsc_joined, rsc_frame, 3000), "rsc build: 3000 bytes in 1728-byte sections: 2");
	n = rndis_rsc_build(rsc_out, sizeof(rsc_out), lens, 64, rsc_frame, 1000, &first, 79, 1728);
	tap_check(n == 1 && rsc_read_back(n, lens, &got, &others) == 1000,
		  "rsc build: a chain of one fragment (first and last) is whole");
	tap_check(!rndis_rsc_build(rsc_out, sizeof(rsc_out), lens, 8, rsc_frame, sizeof(rsc_frame),
				   &first, 80, 1728),
		  "rsc build: more fragments than max_frags: none built");
	tap_check(!rndis_rsc_build(rsc_out, 20000, lens, 64, rsc_frame, sizeof(rsc_frame), &first,
				   81, 9152), "rsc build: an output buffer too small: none built");
	tap_check(!rndis_rsc_build(rsc_out, sizeof(rsc_out), lens, 64, rsc_frame, 1000, &first, 82,
				   150), "rsc build: a section without room for data: none built");
	tap_check(!rndis_rsc_build(rsc_out, sizeof(rsc_out), lens, 64, rsc_frame, 0, &first, 83,
				   9152), "rsc build: an empty frame: none built");
}

/* A fragment may be shorter than an Ethernet header; a whole frame may not. */
static void test_short_data(void)
{
	struct rndis_pkt_ppis p = { .present = RNDIS_PPIS_PKTINFO }, out;
	const char *why = NULL;
	u32 hl, mlen = 0;

	p.id.ver = RNDIS_PKTINFO_ID_V1;
	p.id.flag = RNDIS_PKTINFO_SUBALLOC | RNDIS_PKTINFO_LAST_FRAG;
	hl = rndis_packet_build_ppis(buf, sizeof(buf), 5, &p);
	mlen = hl + 5;
	tap_check(hl && !parse_raw(mlen, NETVSC_FROM_HOST, &out, &why) &&
		  out.id.flag == p.id.flag, "a last RSC fragment of 5 bytes is taken (%s)",
		  why ? why : "");
	p.present = RNDIS_PPIS_HASH;
	p.hash = 1;
	hl = rndis_packet_build_ppis(buf, sizeof(buf), 13, &p);
	why = NULL;
	refused_by(parse_raw(hl + 13, NETVSC_FROM_HOST, &out, &why), why,
		   "shorter than an Ethernet header", "a whole frame of 13 bytes is refused");
	hl = rndis_packet_build_ppis(buf, sizeof(buf), 14, &p);
	tap_check(!parse_raw(hl + 14, NETVSC_FROM_HOST, &out, &why), "a whole frame of 14 is taken");
}

int main(void)
{
	test_mac_param();
	test_sizes();
	test_roundtrip();
	test_refusals();
	test_rsc();
	test_rsc_build();
	test_short_data();
	return tap_done();
}
